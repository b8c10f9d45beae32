# Installation layout and the .deb (cpack -G DEB; preset "package", docs/deploy.md).
set(CMAKE_INSTALL_DOCDIR share/doc/stand-kiosk)
include(GNUInstallDirs)

install(PROGRAMS $<TARGET_FILE:kiosk> DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME stand-kiosk)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/content/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stand-kiosk/content)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/stand-kiosk/assets
        PATTERN "*.sh" EXCLUDE)
install(FILES ${CMAKE_SOURCE_DIR}/platform/linux/kiosk.toml DESTINATION /etc/stand-kiosk)
install(FILES ${CMAKE_SOURCE_DIR}/platform/linux/stand-kiosk.service DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/deploy.md ${CMAKE_SOURCE_DIR}/docs/content.md
              ${CMAKE_SOURCE_DIR}/docs/automation.md ${CMAKE_SOURCE_DIR}/docs/scanner.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} OPTIONAL)

set(CPACK_PACKAGE_NAME stand-kiosk)
set(CPACK_PACKAGE_VENDOR "Stand kiosk project")
set(CPACK_PACKAGE_CONTACT "Stand kiosk maintainers <kiosk@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Touch-screen kiosk for trade-fair stands: browse exhibitors, leave a contact, offline")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime libraries from shlibdeps, plus what is needed but not linked.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libgl1 and libegl1: SDL loads libGL.so.1 (X11 and Wayland) and libEGL.so.1 (Wayland)
# with dlopen, so shlibdeps cannot see them; they pull in Mesa's GLX/EGL drivers.
# xwayland: Debian 12's cage (0.1.4) refuses to start without /usr/bin/Xwayland
# ("Cannot create XWayland server"), yet does not depend on it.
# procps: pkill, used by the unit's ExecStop=.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-noto-core, cage, xwayland, adduser, systemd, procps, libgl1, libegl1")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libgl1-mesa-dri")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/postinst
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/prerm
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/postrm
    ${CMAKE_SOURCE_DIR}/platform/linux/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# debian/conffiles marks /etc/stand-kiosk/kiosk.toml: an upgrade keeps the admin's edits.
include(CPack)
