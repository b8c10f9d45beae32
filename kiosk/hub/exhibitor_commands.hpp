/// @brief `kiosk-hub add-exhibitor`, `exhibitors`, `revoke-exhibitor` (docs/hub.md "Exhibitors' links").
#pragma once
#include "hub_config.hpp"
#include "storage.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace kiosk::hub {

class ExhibitorCommands {
public:
    /// Adds the three subcommands to `app`; `withConfig` gives each the --config option.
    ExhibitorCommands(CLI::App& app, const std::function<CLI::App*(CLI::App*)>& withConfig);
    /// The exit status when one of them was chosen, nullopt when another command was.
    std::optional<int> run(const HubConfig& config, Storage& storage, std::int64_t nowMs);

private:
    CLI::App *m_add = nullptr, *m_list = nullptr, *m_revoke = nullptr;
    std::string m_company, m_label;
    long long m_link = 0;
    bool m_all = false;
};

} // namespace kiosk::hub
