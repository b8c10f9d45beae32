// The UI string keys the screens look up. Kept here (not in the UI) so that
// `kiosk check-content` can report a missing translation without a window.
#include "content.hpp"

namespace kiosk::core {

const std::vector<std::string>& requiredStringKeys() {
    static const std::vector<std::string> keys = {
        "lang.de", "lang.en", "nav.home", "nav.back",
        "idle.title", "idle.text", "idle.continue",
        "region.ruhr", "region.greater-manchester", "common.sample", "common.not_at_stand",
        "attract.start", "attract.exhibitors", "attract.sectors", "attract.summit",
        "browse.title", "browse.filter_all", "browse.count", "browse.empty",
        "profile.about", "profile.looking_for", "profile.website", "profile.scan", "profile.contact_person",
        "profile.organiser",
    };
    return keys;
}

} // namespace kiosk::core
