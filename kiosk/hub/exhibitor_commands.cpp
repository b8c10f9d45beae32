#include "exhibitor_commands.hpp"

#include "core/leads/lead.hpp"
#include "exhibitors.hpp"

#include <cstdio>
#include <iostream>

namespace kiosk::hub {

namespace {
std::string when(const std::optional<std::int64_t>& ms) {
    return ms ? core::isoUtc(*ms) : "-";
}

/// Labels are typed by the organiser, but end up in a terminal: no control characters.
std::string printable(std::string s) {
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return s;
}
} // namespace

ExhibitorCommands::ExhibitorCommands(CLI::App& app, const std::function<CLI::App*(CLI::App*)>& withConfig) {
    m_add = withConfig(app.add_subcommand("add-exhibitor", "Create a personal link to one exhibitor's leads"));
    m_add->add_option("company", m_company, "the company id, as kiosks send it in a lead's exhibitors list")
        ->required();
    m_add->add_option("--label", m_label, "who the link is for (shown in kiosk-hub exhibitors)");
    m_list = withConfig(app.add_subcommand("exhibitors", "List the exhibitors' links (never their tokens)"));
    m_revoke = withConfig(app.add_subcommand("revoke-exhibitor", "Revoke an exhibitor's links"));
    m_revoke->add_option("company", m_company, "the company id")->required();
    auto* link =
        m_revoke->add_option("--link", m_link, "the link's number (kiosk-hub exhibitors)")->check(CLI::PositiveNumber);
    auto* all = m_revoke->add_flag("--all", m_all, "every link of the company");
    link->excludes(all);
}

std::optional<int> ExhibitorCommands::run(const HubConfig& config, Storage& storage, std::int64_t nowMs) {
    if (*m_add) {
        if (!validCompanyId(m_company)) {
            std::cerr << "kiosk-hub: '" << m_company
                      << "' cannot be a company id — use 1 to 100 lower-case letters, digits, '-', '_' (as in the "
                         "kiosk's content/companies)\n";
            return 2;
        }
        bool has = false;
        if (auto r = companyHasLeads(storage, m_company, has); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        const std::string token = newExhibitorToken();
        if (token.empty()) {
            std::cerr << "kiosk-hub: libsodium could not start: no link made\n";
            return 1;
        }
        long long number = 0;
        if (auto r = addExhibitorLink(storage, m_company, printable(m_label), exhibitorTokenHash(token), nowMs, number);
            !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        if (!has)
            std::cerr << "warning: no stored lead chose '" << m_company
                      << "' yet — check the id against the kiosk's content/companies (the link works once leads "
                         "arrive)\n";
        std::cerr << "Link " << number << " for " << m_company
                  << " added. Give it to that exhibitor only (it is shown only now; revoke it with kiosk-hub "
                     "revoke-exhibitor "
                  << m_company << " --link " << number << "):\n\n";
        std::cout << config.publicBase() << "/x/" << token << "\n/x/" << token << '\n';
        return 0;
    }
    if (*m_list) {
        std::vector<ExhibitorLink> links;
        if (auto r = exhibitorLinks(storage, links); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        std::printf("%-24s %4s %-24s %-24s %-24s %s\n", "COMPANY", "LINK", "CREATED", "LAST-USED", "REVOKED", "LABEL");
        for (const auto& l : links)
            std::printf("%-24s %4lld %-24s %-24s %-24s %s\n", l.companyId.c_str(), l.number,
                        core::isoUtc(l.createdMs).c_str(), when(l.lastUsedMs).c_str(), when(l.revokedMs).c_str(),
                        l.label.empty() ? "-" : l.label.c_str());
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    if (*m_revoke) {
        if (!m_all && m_link == 0) {
            std::cerr << "kiosk-hub: say which link: --link N (numbers in kiosk-hub exhibitors) or --all\n";
            return 2;
        }
        long long revoked = 0;
        if (auto r = revokeExhibitorLinks(storage, m_company, m_all ? 0 : m_link, nowMs, revoked); !r) {
            std::cerr << "kiosk-hub: " << r.error << '\n';
            return 1;
        }
        if (revoked == 0) {
            std::cerr << "kiosk-hub: " << m_company << " has no such link that is not revoked already (see kiosk-hub "
                      << "exhibitors)\n";
            return 1;
        }
        std::cout << revoked << (revoked == 1 ? " link" : " links") << " of " << m_company
                  << " revoked: they answer 404 from now on.\n";
        return 0;
    }
    return std::nullopt;
}

} // namespace kiosk::hub
