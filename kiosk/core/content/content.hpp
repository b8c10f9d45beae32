/// @brief The kiosk's content (event, sectors, companies, UI strings), loaded from TOML and validated.
#pragma once
#include "../leads/form.hpp"
#include "../problem.hpp"
#include "../text.hpp"
#include "attract.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kiosk::core {

struct Sector {
    std::string id;
    Text name;
    Text text;
    std::uint32_t rgb = 0x555555; ///< 0xRRGGBB
};

struct Company {
    std::string id;
    std::string name;
    std::filesystem::path logo; ///< resolved path; empty when missing (the UI draws a placeholder)
    std::string region;         ///< "ruhr" or "greater-manchester"
    bool exhibitor = true;
    bool sample = false;
    std::vector<std::string> sectors;
    std::string website;
    Text tagline;
    Text description;
    Text lookingFor;
    std::string contactName, contactEmail, contactPhone;
};

struct TitledText {
    Text title;
    Text text;
};

struct Event {
    std::string id;
    Text title, subtitle, venue, dates, about;
    std::string organiserName, organiserAddress, organiserPhone, organiserWebsite;
    std::string organiserPrivacyEmail; ///< where a visitor withdraws consent (the receipt); optional
    std::vector<TitledText> highlights;
    Text summitName, summitDates, summitVenue;
    std::vector<TitledText> summitDays;
};

/// The consent the sign-up asks for, versioned: each lead stores the version and
/// the hash of the exact text shown.
struct ConsentText {
    std::string version;
    std::string policyUrl;
    Text label;      ///< the checkbox: "I agree that … may contact me"
    Text summary;    ///< first layer: who receives the data, why, how long, how to withdraw
    Text notice;     ///< the full privacy notice ("details")
    Text newsletter; ///< the separate newsletter checkbox (double opt-in follows by email)

    /// The exact consent text shown in `lang` (label and summary): what the hash covers.
    std::string shown(Lang lang) const { return label.in(lang) + "\n\n" + summary.in(lang); }
};

struct Content {
    Event event;
    ConsentText consent;
    FormDef form = defaultForm(); ///< form.toml, or the built-in form when the folder has none
    std::vector<Sector> sectors;
    std::vector<Company> companies; ///< sorted: exhibitors first, then by name
    std::map<std::string, Text> strings;
    AttractLoop attract; ///< attract.toml, or the built-in loop

    const Sector* sector(const std::string& id) const;
    const Company* company(const std::string& id) const;
    const Text* string(const std::string& key) const;
};

struct ContentLoad {
    Content content;
    std::vector<Problem> problems;
};

struct LoadOptions {
    /// Where `logo` paths are looked up after the content folder (the shipped assets/).
    std::filesystem::path assetsDir;
    /// Fully decode every logo (check-content) rather than only read its header (start-up).
    bool decodeImages = false;
};

/// Loads and validates everything under `dir`. Never throws: every problem is
/// reported, and whatever is valid is kept, so the kiosk can still show it.
ContentLoad loadContent(const std::filesystem::path& dir, const LoadOptions& options);

/// The sector ids the kiosk knows (sign-up ids and exports depend on them).
const std::vector<std::string>& knownSectorIds();

/// Every UI string key the screens use; check-content reports the missing ones.
const std::vector<std::string>& requiredStringKeys();

} // namespace kiosk::core
