// The UI string keys the screens look up. Kept here (not in the UI) so that
// `kiosk check-content` can report a missing translation without a window.
#include "content.hpp"

namespace kiosk::core {

const std::vector<std::string>& requiredStringKeys() {
    static const std::vector<std::string> keys = {
        "lang.de", "lang.en", "nav.home", "nav.back",
        "access.reach", "access.contrast", "access.text",
        "idle.title", "idle.text", "idle.continue",
        "region.ruhr", "region.greater-manchester", "common.sample", "common.not_at_stand",
        "attract.start", "attract.exhibitors", "attract.sectors", "attract.summit",
        "browse.title", "browse.filter_all", "browse.count", "browse.empty",
        "profile.looking_for", "profile.website", "profile.scan", "profile.contact_person",
        "profile.organiser", "profile.contact", "browse.signup",
        "signup.title", "signup.next_email", "signup.next_contact", "signup.reset_note", "signup.optional", "signup.exhibitors", "signup.sectors",
        "signup.privacy", "signup.privacy_title", "signup.privacy_close", "signup.submit", "signup.cancel",
        "signup.store_failed", "signup.error_summary", "signup.exhibitors_more", "signup.exhibitors_none",
        "signup.label.exhibitor_search",
        "signup.label.exhibitors", "signup.label.consent",
        "signup.error.required", "signup.error.too_long", "signup.error.name", "signup.error.email",
        "signup.error.phone", "signup.error.exhibitor", "signup.error.consent", "signup.error.choose",
        "kbd.next", "kbd.done",
        "scan.unreadable", "scan.filled", "scan.nothing_new",
        "thanks.title", "thanks.text", "thanks.done", "thanks.countdown", "thanks.contacts",
        "thanks.receipt_title", "thanks.receipt_lead", "thanks.receipt_consent", "thanks.receipt_time", "thanks.receipt_withdraw",
        "pin.title", "pin.prompt", "pin.wrong", "pin.locked", "pin.back", "pin.cancel", "pin.config_locked",
        "staff.title", "staff.kiosk", "staff.demo_pin", "staff.leads", "staff.per_hour", "staff.questions", "staff.answer_yes", "staff.answer_no", "staff.sync_title",
        "staff.funnel_title", "staff.funnel_views", "staff.funnel_started", "staff.funnel_completed",
        "staff.funnel_detail", "staff.funnel_none", "staff.filters",
        "staff.sync_counts", "staff.sync_off", "staff.last_sync", "staff.never", "staff.sync", "staff.export_title",
        "staff.export_where", "staff.no_destination", "staff.export", "staff.export_done", "staff.close", "staff.exit",
        "staff.sync_off_config",
        "staff.db_damaged", "staff.db_still_storing", "staff.db_not_storing",
    };
    return keys;
}

} // namespace kiosk::core
