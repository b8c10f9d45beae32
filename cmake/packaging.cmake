# Installation layout and the .debs (cpack -G DEB; preset "package", docs/deploy.md, docs/hub.md):
# one CPack, two packages from its two components: stand-kiosk (component kiosk) and
# stand-kiosk-hub (component hub, the organiser's server).
set(CMAKE_INSTALL_DOCDIR share/doc/stand-kiosk)
include(GNUInstallDirs)

install(PROGRAMS $<TARGET_FILE:kiosk> DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME stand-kiosk COMPONENT kiosk)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/content/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stand-kiosk/content COMPONENT kiosk)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stand-kiosk/assets COMPONENT kiosk
        PATTERN "*.sh" EXCLUDE)
install(FILES ${CMAKE_SOURCE_DIR}/platform/linux/kiosk.toml DESTINATION /etc/stand-kiosk COMPONENT kiosk)
install(FILES ${CMAKE_SOURCE_DIR}/platform/linux/stand-kiosk.service DESTINATION /lib/systemd/system COMPONENT kiosk)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/deploy.md ${CMAKE_SOURCE_DIR}/docs/content.md
              ${CMAKE_SOURCE_DIR}/docs/automation.md ${CMAKE_SOURCE_DIR}/docs/scanner.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL COMPONENT kiosk)

install(PROGRAMS $<TARGET_FILE:kiosk-hub> DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT hub)
install(FILES ${CMAKE_SOURCE_DIR}/platform/linux/hub.toml DESTINATION /etc/stand-kiosk-hub COMPONENT hub)
install(FILES ${CMAKE_SOURCE_DIR}/platform/linux/stand-kiosk-hub.service DESTINATION /lib/systemd/system COMPONENT hub)
install(FILES ${CMAKE_SOURCE_DIR}/docs/hub.md ${CMAKE_SOURCE_DIR}/docs/sync-protocol.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/stand-kiosk-hub COMPONENT hub)

set(CPACK_PACKAGE_NAME stand-kiosk)
set(CPACK_PACKAGE_VENDOR "Stand kiosk project")
set(CPACK_PACKAGE_CONTACT "Stand kiosk maintainers <kiosk@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Touch-screen kiosk for trade-fair stands: browse exhibitors, leave a contact, offline")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk hub)
set(CPACK_COMPONENTS_GROUPING IGNORE) # one package per component
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime libraries from shlibdeps, plus what is needed but not linked.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME stand-kiosk)
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION_SUMMARY}")
# libgl1 and libegl1: SDL loads libGL.so.1 (X11 and Wayland) and libEGL.so.1 (Wayland)
# with dlopen, so shlibdeps cannot see them; they pull in Mesa's GLX/EGL drivers.
# xwayland: Debian 12's cage (0.1.4) refuses to start without /usr/bin/Xwayland
# ("Cannot create XWayland server"), yet does not depend on it.
# procps: pkill, used by the unit's ExecStop=.
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "fonts-noto-core, cage, xwayland, adduser, systemd, procps, libgl1, libegl1")
set(CPACK_DEBIAN_KIOSK_PACKAGE_RECOMMENDS "libgl1-mesa-dri")
# debian/conffiles marks /etc/stand-kiosk/kiosk.toml: an upgrade keeps the admin's edits.
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/postinst
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/prerm
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/postrm
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/conffiles)

set(CPACK_DEBIAN_HUB_PACKAGE_NAME stand-kiosk-hub)
set(CPACK_DEBIAN_HUB_DESCRIPTION "Organiser's server the stand kiosks sync their leads into
kiosk-hub receives every stand kiosk's leads exactly once, byte for byte as sent, with a
token and signing secret per kiosk, on SQLite or on PostgreSQL for several instances.")
set(CPACK_DEBIAN_HUB_PACKAGE_SECTION net)
set(CPACK_DEBIAN_HUB_PACKAGE_DEPENDS "adduser, systemd")
set(CPACK_DEBIAN_HUB_PACKAGE_SUGGESTS "postgresql, caddy | nginx")
# debian-hub/conffiles marks /etc/stand-kiosk-hub/hub.toml.
set(CPACK_DEBIAN_HUB_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/platform/linux/debian-hub/postinst
    ${CMAKE_SOURCE_DIR}/platform/linux/debian-hub/prerm
    ${CMAKE_SOURCE_DIR}/platform/linux/debian-hub/postrm
    ${CMAKE_SOURCE_DIR}/platform/linux/debian-hub/conffiles)
include(CPack)
