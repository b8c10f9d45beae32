#include "headless.hpp"

#include "ui/theme.hpp"

#include <imgui.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace kiosk::test {

Headless::Headless(ImVec2 sz, core::KioskConfig cfg, const std::string& contentDir) : config(std::move(cfg)), size(sz) {
    content = core::loadContent(contentDir, {KIOSK_SOURCE_DIR "/assets", false});
    m_imgui = ImGui::CreateContext();
    ImGui::SetCurrentContext(m_imgui); // CreateContext makes only the first one current
    const ui::Theme theme = ui::setupTheme(ui::pixelsPerMm(size.x, size.y, config.diagonalInch, config.pixelPitchMm),
                                           config.theme, content.content.attract.headlines());
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &w, &h); // what a renderer would upload
    static int instance = 0;
    dataDir = std::filesystem::temp_directory_path() /
              ("kiosk-ui-test-" + std::to_string(::getpid()) + "-" + std::to_string(++instance));
    store = std::make_unique<core::LeadStore>(dataDir / "leads.db");
    m_app = std::make_unique<ui::App>(content.content, config, clock, ui::TextureLoader{}, [this](const core::Lead& l) {
        if (failWrites) return core::StoreResult{false, "database or disk is full (test)"};
        return store->insert(l);
    });
    m_app->setTheme(theme);
    frames(2);
}

Headless::~Headless() {
    m_app.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dataDir, ec);
    ImGui::DestroyContext(m_imgui);
}

void Headless::frames(int n) {
    ImGui::SetCurrentContext(m_imgui); // another kiosk of the test may have drawn meanwhile
    for (int i = 0; i < n; ++i) {
        clock.advance(1.0 / 60.0);
        m_app->frame(size);
    }
}

int Headless::play(const std::string& script) {
    std::vector<std::string> lines;
    std::istringstream in(script);
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    ui::ScriptPlayer player(ui::LineSource::fromLines(std::move(lines)), out);
    for (int guard = 0; guard < 100000; ++guard) {
        if (auto code = player.step(*this)) {
            if (*code != 0) { // the failing line, for the test log
                const std::string all = out.str();
                const auto at = all.rfind("fail ");
                if (at != std::string::npos) std::fprintf(stderr, "script: %s", all.c_str() + at);
            }
            return *code;
        }
        frames(1);
    }
    return -1;
}

void Headless::tap(ImVec2 p) {
    m_app->pushFinger({ui::FingerEvent::Type::Down, p});
    m_app->pushFinger({ui::FingerEvent::Type::Up, p});
    frames(4);
}

std::string bigContent() {
    namespace fs = std::filesystem;
    struct Dir {
        fs::path path;
        ~Dir() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    };
    static const Dir dir{[] {
        fs::path d = fs::temp_directory_path() / ("kiosk-ui-500-" + std::to_string(::getpid()));
        fs::remove_all(d);
        fs::copy(KIOSK_SOURCE_DIR "/content", d, fs::copy_options::recursive);
        for (int n = 10; n <= 500; ++n) {
            const std::string id = "big-" + std::to_string(n);
            std::ofstream f(d / "companies" / (id + ".toml"));
            f << "id = \"" << id << "\"\nname = \""
              << (n == 250 ? std::string("Zeche Zollverein Sensorik") : "Werk " + std::to_string(n))
              << "\"\nlogo = \"logos/wilo.png\"\nregion = \"ruhr\"\nexhibitor = true\nsample = true\nsectors = "
                 "[\"hydrogen\"]\n"
                 "tagline = { de = \"Test\", en = \"Test\" }\n[description]\nde = \"Test.\"\nen = \"Test.\"\n"
                 "[looking_for]\nde = \"Test.\"\nen = \"Test.\"\n[contact]\nname = \"Test\"\nemail = "
                 "\"t@big.example\"\n"
                 "phone = \"+49 201 000\"\n";
        }
        return d;
    }()};
    return dir.path.string();
}

} // namespace kiosk::test
