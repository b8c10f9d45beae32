// The string-key inventory (kiosk/core/content/string_keys.cpp: what check-content demands of
// strings.toml) against what the screens look up. The core cannot see the UI, so this tour
// cross-checks the two: every screen of the table is drawn in the states that show its
// rarer texts (errors, locks, a damaged database …), in both languages, with every lookup
// recorded. A key looked up but not in the inventory would reach a visitor as a bare key;
// a key in the inventory that nothing uses makes organisers translate text nobody sees.
#include "headless.hpp"

#include "core/leads/validation.hpp"

#include <doctest/doctest.h>
#include <imgui.h>

#include <functional>
#include <memory>
#include <set>

namespace core = kiosk::core;
namespace ui = kiosk::ui;
using kiosk::test::Headless;

namespace {

/// Every string lookup of the kiosks it watches.
struct Lookups {
    std::set<std::string> keys;
    void watch(Headless& h) {
        h.app().context().lookups = [this](const std::string& k) { keys.insert(k); };
    }
};

struct Situation {
    ui::UiState state;
    ui::StaffBackend backend;
    ui::StaffSnapshot snapshot;
    double now = 0;
    std::shared_ptr<const core::Content> content; ///< set: drawn with this content, not the kiosk's
};

/// Draws one screen straight from its table row, outside the router, in `s`.
void draw(Headless& h, const ui::ScreenInfo& screen, const Situation& s) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = h.size;
    io.DeltaTime = 1.0f / 60.0f;
    h.app().context().registry.beginFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(h.size);
    ImGui::Begin("##tour", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
    ui::KeyboardState keyboard;
    const ui::TextureLoader textures;
    const ui::ScreenCtx ctx{s.content ? *s.content : h.content.content, s.state, s.now, textures, h.size, &keyboard, &s.backend, &s.snapshot, 0};
    (void)screen.draw(ctx);
    ImGui::End();
    ImGui::Render();
    h.app().context().registry.endFrame();
}

std::vector<Situation> situations(const core::Content& content) {
    std::vector<Situation> out;
    auto add = [&](const std::function<void(Situation&)>& change) {
        Situation s;
        s.backend.pinLockedForMs = [] { return std::int64_t(0); };
        change(s);
        out.push_back(std::move(s));
    };
    add([](Situation&) {});
    // The attract loop: every scene.
    for (int scene = 0; scene < 8; ++scene) add([scene](Situation& s) { s.now = scene * 6.0 + 3.0; });
    // Browse and profile: every filter, every company.
    for (const auto& sector : content.sectors) add([&](Situation& s) { s.state.filter = sector.id; });
    add([](Situation& s) { s.state.filter = "no-such-sector"; });
    for (const auto& c : content.companies) add([&](Situation& s) { s.state.companyId = c.id; });
    // The form: what the validation says about an empty, an overlong and a malformed form.
    const std::string longText(3000, 'a');
    const core::FormDef& form = content.form;
    core::FormInput overlong, malformed;
    for (const auto& f : form.fields) {
        if (!core::isTyped(f.kind)) continue;
        core::textOf(overlong, f.id) = longText;
        core::textOf(malformed, f.id) = f.kind == core::FieldKind::Email ? "x@" : "123";
    }
    overlong.consent = overlong.newsletter = true;
    for (const core::FormInput& in : {core::FormInput{}, overlong, malformed})
        add([&, in](Situation& s) {
            s.state.signup.input = in;
            s.state.signup.errors = core::validateForm(s.state.signup.input, form);
        });
    // A required question left unanswered (the shipped form's own is optional).
    add([](Situation& s) { s.state.signup.errors = {{"interest", "choose"}}; });
    add([](Situation& s) { s.state.signup.storeFailed = true; });
    add([](Situation& s) { s.state.signup.privacyOpen = true; });
    for (const auto& f : form.fields)
        if (core::isTyped(f.kind)) add([&](Situation& s) { s.state.signup.focused = f.id; });
    add([](Situation& s) { s.state.signup.focused = ui::kExhibitorSearch; });
    add([](Situation& s) { s.state.signup.input.exhibitorSearch = "zzzz"; });
    add([](Situation& s) { s.state.thanks.exhibitors = {"irk-valley-hydrogen", "gdata"}; });
    add([](Situation& s) { s.state.signup.confirmationEmail = true; });
    // The PIN pad: wrong, locked out, refused by the config.
    add([](Situation& s) { s.state.pinWrong = true; });
    add([](Situation& s) { s.backend.pinLockedForMs = [] { return std::int64_t(65000); }; });
    add([](Situation& s) { s.backend.pinRefused = "kiosk.toml:3: staff.pin_hash: not a hash — fix"; });
    // The staff panel: a damaged database, sync off (by choice or by a broken config), synced, never synced.
    add([](Situation& s) { s.backend.demoPin = false; });
    for (bool canStore : {true, false})
        add([canStore](Situation& s) {
            s.snapshot.store.ok = false;
            s.snapshot.store.canStore = canStore;
            s.snapshot.store.problem = "leads.db: malformed";
        });
    add([](Situation& s) { s.backend.syncConfigBroken = true; });
    for (std::int64_t last : {std::int64_t(0), std::int64_t(1700000000000)})
        add([last](Situation& s) {
            s.snapshot.sync.enabled = true;
            s.snapshot.sync.lastSuccessMs = last;
        });
    // The staff figures of the form's own questions: the shipped choice, and a yes/no question.
    add([&](Situation& s) {
        auto withToggle = std::make_shared<core::Content>(content);
        core::FormField toggle;
        toggle.id = "demo_wanted";
        toggle.kind = core::FieldKind::YesNo;
        toggle.label = {"Vorführung gewünscht?", "Would you like a demo?"};
        withToggle->form.fields.push_back(toggle);
        s.content = std::move(withToggle);
        s.snapshot.answers = {{"interest", {{"pilot", 2}, {"investment", 0}}}, {"demo_wanted", {{"yes", 1}, {"no", 3}}}};
    });
    add([](Situation& s) {
        s.snapshot.destinations = {"/media/usb"};
        s.snapshot.job.done = s.snapshot.job.ok = true;
    });
    return out;
}

void tour(Headless& h, Lookups& seen) {
    seen.watch(h);
    const auto all = situations(h.content.content);
    for (core::Lang lang : {core::Lang::De, core::Lang::En})
        for (const ui::ScreenInfo& screen : ui::screens())
            for (Situation s : all) {
                s.state.screen = screen.id;
                s.state.lang = lang;
                draw(h, screen, s);
            }
    // What the router draws around the screens: navigation, languages, the idle warning, and
    // the note of a scan (filled, nothing new, no contact).
    REQUIRE(h.play("tap attract.start\ntap lang.en\nscan MECARD:N:Doe,Jane;EMAIL:jane@doe.example;;\n"
                   "scan MECARD:N:Doe,Jane;EMAIL:jane@doe.example;;\nscan TICKET-12345678\n"
                   "wait 45000\nexpect-visible idle.continue\n") == 0);
}

} // namespace

TEST_CASE("a tour of every screen looks up exactly the string keys of the inventory") {
    Lookups seen;
    {
        Headless h; // the demo: nine companies
        tour(h, seen);
    }
    {
        Headless h(ImVec2(1080, 1920), {}, kiosk::test::bigContent()); // 500: the exhibitor search
        tour(h, seen);
    }
    const auto& inventory = core::requiredStringKeys();
    const std::set<std::string> required(inventory.begin(), inventory.end());
    for (const auto& key : seen.keys) {
        CAPTURE(key);
        CHECK_MESSAGE(required.count(key), "looked up but missing from kiosk/core/content/string_keys.cpp");
    }
    for (const auto& key : required) {
        CAPTURE(key);
        CHECK_MESSAGE(seen.keys.count(key), "required of strings.toml but no screen uses it");
    }
}

TEST_CASE("every screen of the table has a name and a draw function, in the enum's order") {
    const auto& all = ui::screens();
    REQUIRE_FALSE(all.empty());
    std::set<std::string> names;
    for (size_t i = 0; i < all.size(); ++i) {
        CAPTURE(i);
        CHECK(static_cast<size_t>(all[i].id) == i);
        CHECK(bool(all[i].draw));
        CHECK(names.insert(all[i].name).second);
        CHECK(ui::findScreen(all[i].name) == &all[i]);
        CHECK(std::string(ui::screenName(all[i].id)) == all[i].name);
    }
    CHECK(ui::findScreen("nowhere") == nullptr);
    Headless h;
    CHECK(h.play("expect-screen nowhere\n") == 1);
    CHECK(h.out.str().find("no screen is called 'nowhere' (attract, browse, profile") != std::string::npos);
}
