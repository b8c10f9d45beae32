#include "script.hpp"

#include "registry.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace kiosk::ui {

// ---- line sources ------------------------------------------------------------------

struct LineSource::Shared {
    std::mutex mutex;
    std::deque<std::string> lines;
    bool ended = false;
};

LineSource::LineSource() : m_shared(std::make_shared<Shared>()) {}
LineSource::LineSource(LineSource&&) noexcept = default;
LineSource::~LineSource() {
    // The reader may block in getline on an open stdin; it only touches the shared state.
    if (m_reader.joinable()) m_reader.detach();
}

LineSource LineSource::fromLines(std::vector<std::string> lines) {
    LineSource s;
    s.m_shared->lines.assign(lines.begin(), lines.end());
    s.m_shared->ended = true;
    return s;
}

LineSource LineSource::fromStream(std::istream& in) {
    LineSource s;
    s.m_reader = std::thread([shared = s.m_shared, &in] {
        std::string line;
        while (std::getline(in, line)) {
            std::lock_guard lock(shared->mutex);
            shared->lines.push_back(line);
        }
        std::lock_guard lock(shared->mutex);
        shared->ended = true;
    });
    return s;
}

LineSource::Status LineSource::next(std::string& line) {
    std::lock_guard lock(m_shared->mutex);
    if (!m_shared->lines.empty()) {
        line = std::move(m_shared->lines.front());
        m_shared->lines.pop_front();
        return Status::Line;
    }
    return m_shared->ended ? Status::End : Status::Pending;
}

// ---- player ------------------------------------------------------------------------

namespace {
constexpr int kSettleFrames = 4; // press, release, apply, draw the result

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

/// The first word of a command's argument (an id or a name).
std::string firstWord(const std::string& arg) {
    std::istringstream in(arg);
    std::string w;
    in >> w;
    return w;
}

/// \n, \r, \t and \\ as a line break, CR, tab and backslash; any other character as it is.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        const char n = i + 1 < s.size() ? s[i + 1] : '\0';
        if (s[i] == '\\' && (n == 'n' || n == 'r' || n == 't' || n == '\\')) {
            out += n == 'n' ? '\n' : n == 'r' ? '\r' : n == 't' ? '\t' : '\\';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// What `value` prints: the text as it is, or, when it has line breaks (a QR code's vCard or
/// receipt), on one line with the escapes `scan` reads (\n, \r, \t, \\).
std::string oneLine(const std::string& s) {
    if (s.find_first_of("\r\n") == std::string::npos) return s;
    std::string out;
    for (char ch : s) {
        if (ch == '\n') out += "\\n";
        else if (ch == '\r') out += "\\r";
        else if (ch == '\t') out += "\\t";
        else if (ch == '\\') out += "\\\\";
        else out += ch;
    }
    return out;
}
} // namespace

std::optional<int> ScriptPlayer::ok(const Command& c) {
    m_out << "ok " << c.line << ' ' << c.text << std::endl;
    m_cmd.reset();
    return std::nullopt;
}

int ScriptPlayer::fail(const Command& c, const std::string& reason) {
    m_out << "fail " << c.line << ' ' << c.text << ": " << reason << std::endl;
    m_cmd.reset();
    return 1;
}

std::optional<int> ScriptPlayer::okWhenSettled(Command& c) {
    if (++c.frames < kSettleFrames) return std::nullopt;
    return ok(c);
}

bool ScriptPlayer::waitUntil(ScriptHost& host, double until) {
    const double left = until - host.now();
    if (left <= 1e-9) return true;
    // Virtual time jumps in steps of at most half a second, so anything timed
    // (countdowns, flings) still sees a sequence of frames.
    host.advanceClock(std::min(left, 0.5));
    return false;
}

/// Every command (docs/automation.md): its verb, who carries it out, and whether its
/// argument is the rest of the line exactly as written (spaces kept).
const ScriptPlayer::Verb* ScriptPlayer::verb(const std::string& name) {
    static const Verb verbs[] = {
        {"tap", &ScriptPlayer::touch},
        {"longpress", &ScriptPlayer::touch},
        {"drag", &ScriptPlayer::touch},
        {"wait", &ScriptPlayer::wait},
        {"expect-screen", &ScriptPlayer::expectScreen},
        {"expect-visible", &ScriptPlayer::expectVisible},
        {"expect-text", &ScriptPlayer::expectText, true},
        {"type", &ScriptPlayer::type, true},
        {"ids", &ScriptPlayer::ids},
        {"value", &ScriptPlayer::value},
        {"scan", &ScriptPlayer::scan, true},
        {"shot", &ScriptPlayer::shot},
        {"quit", &ScriptPlayer::quit},
    };
    for (const Verb& v : verbs)
        if (name == v.name) return &v;
    return nullptr;
}

std::optional<int> ScriptPlayer::step(ScriptHost& host) {
    // The first lines need widgets on screen: let the UI draw itself first.
    if (m_warmupFrames > 0) {
        --m_warmupFrames;
        return std::nullopt;
    }
    m_waiting = false;
    while (!m_cmd) {
        std::string line;
        switch (m_source.next(line)) {
        case LineSource::Status::End: return 0;
        case LineSource::Status::Pending: m_waiting = true; return std::nullopt;
        case LineSource::Status::Line: break;
        }
        ++m_lineNo;
        const std::string text = trim(line);
        if (text.empty() || text[0] == '#') continue;
        Command c;
        c.line = m_lineNo;
        c.text = text;
        const auto sp = text.find_first_of(" \t");
        c.verb = text.substr(0, sp);
        // The argument is the rest of the line as written (type and expect-text keep spaces).
        c.arg = sp == std::string::npos ? "" : text.substr(sp + 1);
        if (const Verb* v = verb(c.verb); v && v->rawArg) {
            const auto raw = line.find(c.verb) + c.verb.size();
            c.arg = raw < line.size() ? line.substr(raw + 1) : "";
            if (!c.arg.empty() && c.arg.back() == '\r') c.arg.pop_back();
        }
        m_cmd = c;
    }
    return run(host, *m_cmd);
}

std::optional<int> ScriptPlayer::run(ScriptHost& host, Command& c) {
    const Verb* v = verb(c.verb);
    if (!v) return fail(c, "unknown command '" + c.verb + "'");
    return (this->*(v->run))(host, c);
}

const WidgetInfo* ScriptPlayer::visible(ScriptHost& host, const std::string& id) {
    return host.app().context().registry.findVisible(id);
}

std::optional<int> ScriptPlayer::touch(ScriptHost& host, Command& c) {
    App& app = host.app();
    if (c.phase == 0) {
        std::istringstream args(c.arg);
        std::string id;
        args >> id;
        if (c.frames > 1) { // waiting for a scroll to land
            --c.frames;
            return std::nullopt;
        }
        const WidgetInfo* w = visible(host, id);
        if (!w) {
            // In a scrolled list but out of view: scroll it in first, as a finger
            // would (and as browser automation does), then try again.
            const WidgetInfo* hidden = app.context().registry.find(id);
            if (!hidden || !hidden->list || c.frames == 1) return fail(c, "widget '" + id + "' is not on screen");
            scrollListTo(hidden->list, hidden->listY, hidden->height);
            c.frames = 3;
            return std::nullopt;
        }
        c.frames = 0;
        c.pos = w->center();
        if (c.verb == "longpress") {
            double ms = -1;
            if (!(args >> ms) || ms < 0) return fail(c, "usage: longpress ID MS");
            c.until = host.now() + ms / 1000.0;
        } else if (c.verb == "drag") {
            if (!(args >> c.delta.x >> c.delta.y)) return fail(c, "usage: drag ID DX DY");
        }
        app.pushFinger({FingerEvent::Type::Down, c.pos});
        if (c.verb == "tap") app.pushFinger({FingerEvent::Type::Up, c.pos});
        c.phase = c.verb == "tap" ? 2 : 1;
        return std::nullopt;
    }
    if (c.phase == 1) {
        if (c.verb == "longpress") {
            if (!waitUntil(host, c.until)) return std::nullopt;
            app.pushFinger({FingerEvent::Type::Up, c.pos});
        } else {
            // Ten moves, one per frame, as a finger would.
            constexpr int kMoves = 10;
            ++c.frames;
            const float f = static_cast<float>(c.frames) / kMoves;
            const ImVec2 p(c.pos.x + c.delta.x * f, c.pos.y + c.delta.y * f);
            app.pushFinger({FingerEvent::Type::Move, p});
            if (c.frames < kMoves) return std::nullopt;
            app.pushFinger({FingerEvent::Type::Up, p});
        }
        c.phase = 2;
        c.frames = 0;
        return std::nullopt;
    }
    return okWhenSettled(c);
}

std::optional<int> ScriptPlayer::wait(ScriptHost& host, Command& c) {
    if (c.phase == 0) {
        std::istringstream args(c.arg);
        double ms = -1;
        if (!(args >> ms) || ms < 0) return fail(c, "usage: wait MS");
        c.until = host.now() + ms / 1000.0;
        c.phase = 1;
    }
    if (!waitUntil(host, c.until)) return std::nullopt;
    // One more frame so whatever the time triggered (idle reset) is drawn.
    if (++c.frames < 2) return std::nullopt;
    return ok(c);
}

std::optional<int> ScriptPlayer::expectScreen(ScriptHost& host, Command& c) {
    const std::string name = firstWord(c.arg);
    if (!findScreen(name)) {
        std::string known;
        for (const auto& s : screens()) known += std::string(known.empty() ? "" : ", ") + s.name;
        return fail(c, "no screen is called '" + name + "' (" + known + ")");
    }
    const char* current = screenName(host.app().screen());
    if (name != current) return fail(c, std::string("screen is '") + current + "'");
    return ok(c);
}

std::optional<int> ScriptPlayer::expectVisible(ScriptHost& host, Command& c) {
    const std::string id = firstWord(c.arg);
    if (!visible(host, id)) return fail(c, "widget '" + id + "' is not on screen");
    return ok(c);
}

std::optional<int> ScriptPlayer::expectText(ScriptHost& host, Command& c) {
    const auto sp = c.arg.find(' ');
    const std::string id = c.arg.substr(0, sp);
    const std::string want = sp == std::string::npos ? "" : c.arg.substr(sp + 1);
    const WidgetInfo* w = host.app().context().registry.find(id); // a value can be read while scrolled out of view
    if (!w) return fail(c, "widget '" + id + "' is not on screen");
    if (!w->text) return fail(c, "widget '" + id + "' is not a text field");
    if (*w->text != want) return fail(c, "field holds '" + *w->text + "'");
    return ok(c);
}

std::optional<int> ScriptPlayer::type(ScriptHost& host, Command& c) {
    App& app = host.app();
    // One key tap at a time, each given time to land; the keyboard plans the
    // layer or shift taps a character needs.
    if (c.frames > 0) {
        --c.frames;
        return std::nullopt;
    }
    if (c.phase == 1) { // a long press: held past the keyboard's delay, then lifted
        if (!waitUntil(host, c.until)) return std::nullopt;
        app.pushFinger({FingerEvent::Type::Up, c.pos});
        c.phase = 0;
        c.frames = kSettleFrames - 1;
        return std::nullopt;
    }
    if (c.typed >= c.arg.size()) return ok(c);
    size_t n = 1;
    while (c.typed + n < c.arg.size() && (static_cast<unsigned char>(c.arg[c.typed + n]) & 0xC0) == 0x80) ++n;
    const std::string ch = c.arg.substr(c.typed, n);
    if (app.screen() != Screen::Signup || app.state().signup.focused.empty())
        return fail(c, "no text field has the focus");
    const auto plan = app.keyPlan(ch);
    if (plan.empty()) return fail(c, "no key types '" + ch + "'");
    if (++c.taps > 6) return fail(c, "cannot reach the key for '" + ch + "'");
    const WidgetInfo* w = visible(host, plan.front().id);
    if (!w) return fail(c, "key '" + plan.front().id + "' is not on screen");
    app.pushFinger({FingerEvent::Type::Down, w->center()});
    if (plan.front().hold) {
        c.phase = 1;
        c.pos = w->center();
        c.until = host.now() + kLongPressS + 0.1;
        return std::nullopt;
    }
    app.pushFinger({FingerEvent::Type::Up, w->center()});
    c.frames = kSettleFrames - 1;
    if (plan.size() == 1) {
        c.typed += n;
        c.taps = 0;
    }
    return std::nullopt;
}

std::optional<int> ScriptPlayer::ids(ScriptHost& host, Command& c) {
    for (const auto& w : host.app().context().registry.widgets())
        if (w.visible)
            m_out << "id " << w.id << ' ' << std::lround(w.min.x) << ' ' << std::lround(w.min.y) << ' '
                  << std::lround(w.max.x - w.min.x) << ' ' << std::lround(w.max.y - w.min.y) << '\n';
    return ok(c);
}

std::optional<int> ScriptPlayer::value(ScriptHost& host, Command& c) {
    // Reads without judging (a test polling for something that happens outside the script,
    // such as a scan): "= TEXT" before the ok when ID is a field or note, nothing when not.
    const std::string id = trim(c.arg);
    if (const WidgetInfo* w = host.app().context().registry.find(id); w && w->text) m_out << "= " << oneLine(*w->text) << '\n';
    return ok(c);
}

std::optional<int> ScriptPlayer::scan(ScriptHost& host, Command& c) {
    // As if a badge scanner had read TEXT (\n, \r, \t and \\ are a line break, CR, tab, backslash: a
    // vCard's line breaks fit on one script line).
    if (c.phase == 0) {
        std::string code = unescape(c.arg);
        const int filled = host.app().scan(code);
        m_out << "scan " << c.line << ' ' << (filled < 0 ? "nothing" : std::to_string(filled) + " filled") << '\n';
        c.phase = 1;
        return std::nullopt;
    }
    return okWhenSettled(c);
}

std::optional<int> ScriptPlayer::shot(ScriptHost& host, Command& c) {
    if (c.phase == 0) {
        if (trim(c.arg).empty()) return fail(c, "usage: shot FILE");
        host.requestShot(trim(c.arg));
        c.phase = 1;
        return std::nullopt;
    }
    auto r = host.shotResult();
    if (!r) return std::nullopt;
    if (!r->empty()) return fail(c, *r);
    return ok(c);
}

std::optional<int> ScriptPlayer::quit(ScriptHost&, Command& c) {
    ok(c);
    return 0;
}

} // namespace kiosk::ui
