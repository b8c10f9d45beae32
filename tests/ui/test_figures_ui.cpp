// What exhibitors learn, counted from the App's intents (docs/staff.md "What the kiosk counts"):
// a visit played by script on the real screens, and the counts handed to the back office —
// one per company and one for the stand, never anything a visitor typed.
#include "headless.hpp"

#include "core/leads/figures.hpp"
#include "ui/staff.hpp"

#include <doctest/doctest.h>

#include <map>
#include <mutex>

using kiosk::test::Headless;
using kiosk::ui::Screen;
namespace core = kiosk::core;
using core::Figure;

namespace {

/// The counts the App hands to the back office, summed per (subject, metric).
struct Counted {
    std::map<std::pair<std::string, Figure>, long long> sums;
    std::vector<core::FigureCount> all;
    long long operator()(const std::string& subject, Figure f) const {
        const auto it = sums.find({subject, f});
        return it == sums.end() ? 0 : it->second;
    }
};

Counted& wire(Headless& h, Counted& c) {
    kiosk::ui::StaffBackend b;
    b.count = [&c](const std::vector<core::FigureCount>& counts) {
        for (const auto& x : counts) {
            c.sums[{x.subject, x.figure}] += x.value;
            c.all.push_back(x);
        }
    };
    h.app().setStaffBackend(b);
    return c;
}

/// A finger drag from `a` to `b` on the screen (the profile's text scrolls under it).
void drag(Headless& h, ImVec2 a, ImVec2 b) {
    h.app().pushFinger({kiosk::ui::FingerEvent::Type::Down, a});
    h.frames(1);
    for (int i = 1; i <= 10; ++i) {
        h.app().pushFinger({kiosk::ui::FingerEvent::Type::Move,
                            ImVec2(a.x + (b.x - a.x) * float(i) / 10, a.y + (b.y - a.y) * float(i) / 10)});
        h.frames(1);
    }
    h.app().pushFinger({kiosk::ui::FingerEvent::Type::Up, b});
    h.frames(30);
}

constexpr const char* kCompany = "irk-valley-hydrogen"; // an exhibitor with a website
} // namespace

TEST_CASE("figures: a visit by script — profile, time on it, the website QR, a sign-up begun and abandoned, a filter") {
    core::KioskConfig cfg;
    cfg.pixelPitchMm = 0.3; // a small portrait screen: the QR code is below the text, out of view
    Headless h(ImVec2(900, 1200), cfg);
    Counted c;
    wire(h, c);
    REQUIRE(h.play("tap attract.start\ntap browse.filter.hydrogen\n") == 0);
    CHECK(c("hydrogen", Figure::SectorFilter) == 1);
    CHECK(c("", Figure::SectorFilter) == 1);
    REQUIRE(h.play(std::string("tap browse.card.") + kCompany + "\nexpect-screen profile\n") == 0);
    CHECK(c(kCompany, Figure::ProfileViews) == 1);
    CHECK(c("", Figure::ProfileViews) == 1);
    CHECK(c(kCompany, Figure::WebsiteQr) == 0); // not on screen yet
    // Reading: 12 s with a touch now and then (a drag down the text brings the QR code into view).
    REQUIRE(h.play("wait 6000\n") == 0);
    // As far down as it takes (the layout decides how far): counted once it is whole on screen.
    for (int i = 0; i < 6 && c(kCompany, Figure::WebsiteQr) == 0; ++i)
        drag(h, ImVec2(450, 600), ImVec2(450, 150));
    CHECK(c(kCompany, Figure::WebsiteQr) == 1);
    REQUIRE(h.play("wait 6000\n") == 0);
    drag(h, ImVec2(450, 250), ImVec2(450, 800)); // up and down again: still one QR shown
    drag(h, ImVec2(450, 800), ImVec2(450, 250));
    CHECK(c(kCompany, Figure::WebsiteQr) == 1);
    CHECK(c(kCompany, Figure::ProfileTimed) == 0); // counted when the profile is left
    REQUIRE(h.play("tap profile.contact\nexpect-screen signup\n") == 0);
    CHECK(c(kCompany, Figure::ProfileTimed) == 1);
    const long long s = c(kCompany, Figure::ProfileSeconds);
    CHECK_MESSAGE((s >= 12 && s <= 16), s); // the waits, the drags and the frames between
    CHECK(c(kCompany, Figure::SignupsStarted) == 1);
    CHECK(c("", Figure::SignupsStarted) == 1);
    // A second exhibitor ticked, a name typed, then the visitor walks off: home.
    REQUIRE(h.play("tap signup.exhibitor.medlock-gas-sensing\ntap signup.first_name\ntype Zoë\ntap "
                   "nav.home\nexpect-screen attract\n") == 0);
    CHECK(c(kCompany, Figure::SignupsAbandoned) == 1);
    CHECK(c("medlock-gas-sensing", Figure::SignupsStarted) == 1); // ticked on the form: started for it too
    CHECK(c("medlock-gas-sensing", Figure::SignupsAbandoned) == 1);
    CHECK(c("", Figure::SignupsAbandoned) == 1); // the stand: one sign-up, however many exhibitors
    CHECK(c("", Figure::SignupsStarted) == 1);
    CHECK(c(kCompany, Figure::SignupsCompleted) == 0);
    // Nothing the visitor typed, no lead id, only ids from the content, in whole hours.
    for (const auto& x : c.all) {
        CAPTURE(x.subject);
        CHECK((x.subject.empty() || h.content.content.company(x.subject) || h.content.content.sector(x.subject)));
        CHECK(x.eventId == h.content.content.event.id);
        CHECK(x.hour == h.clock.wallMs() / 3'600'000);
    }
}

TEST_CASE(
    "figures: a completed sign-up counts for the exhibitors the lead chose; walking away counts up to the last touch") {
    Headless h; // landscape: the QR code is beside the text, shown as the profile opens
    Counted c;
    wire(h, c);
    REQUIRE(h.play(std::string("tap attract.start\ntap browse.card.") + kCompany + "\n") == 0);
    CHECK(c(kCompany, Figure::WebsiteQr) == 1);
    REQUIRE(h.play("wait 3000\ntap profile.back\n") == 0);
    CHECK(c(kCompany, Figure::ProfileSeconds) == 3);
    // Opened again and left standing: the idle timeout ends the visit; the time is up to the last touch.
    REQUIRE(h.play(std::string("tap browse.card.") + kCompany + "\nwait 2000\n") == 0);
    CHECK(c(kCompany, Figure::ProfileViews) == 2);
    CHECK(c(kCompany, Figure::WebsiteQr) == 2); // once per visit of the profile
    h.frames(int((h.config.idleTimeoutS + 1) * 60));
    REQUIRE(h.app().screen() == Screen::Attract);
    CHECK(c(kCompany, Figure::ProfileTimed) == 2);
    CHECK(c(kCompany, Figure::ProfileSeconds) == 3); // the second visit: no touch after opening, ~0 s
    // From the browse screen, no exhibitor preselected; one ticked, then sent.
    REQUIRE(h.play("tap attract.start\ntap browse.signup\n") == 0);
    CHECK(c("", Figure::SignupsStarted) == 1);
    CHECK(c(kCompany, Figure::SignupsStarted) == 0);
    REQUIRE(h.play(std::string("tap signup.exhibitor.") + kCompany +
                   "\ntap signup.first_name\ntype Zoë\ntap signup.last_name\ntype Müller\ntap signup.email\ntype "
                   "zoe@example.com\n"
                   "tap kbd.done\ntap signup.consent\ntap signup.submit\nexpect-screen thanks\n") == 0);
    CHECK(c(kCompany, Figure::SignupsStarted) == 1);
    CHECK(c(kCompany, Figure::SignupsCompleted) == 1);
    CHECK(c(kCompany, Figure::SignupsAbandoned) == 0);
    CHECK(c("", Figure::SignupsCompleted) == 1);
    CHECK(c("", Figure::SignupsAbandoned) == 0);
    REQUIRE(h.play("tap thanks.done\n") == 0);
    CHECK(c("", Figure::SignupsAbandoned) == 0); // the thank-you screen ends nothing
    CHECK(c("", Figure::SectorFilter) == 0);
}
