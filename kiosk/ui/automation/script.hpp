/// @brief The script player: replays touch actions against the real screens (docs/automation.md).
///
/// It pushes FingerEvents into the same path as the touch screen and checks the
/// widget registry; one `step()` per frame, so the UI runs normally meanwhile.
#pragma once
#include "../app.hpp"

#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace kiosk::ui {

/// What the player needs from whoever runs the frames (the platform, or a headless test).
class ScriptHost {
public:
    virtual ~ScriptHost() = default;
    virtual App& app() = 0;
    virtual double now() const = 0;
    /// Virtual clock: jump ahead by `seconds`. Real clock: returns false (the player waits).
    virtual bool advanceClock(double seconds) = 0;
    /// Ask for a PNG of the next rendered frame.
    virtual void requestShot(const std::string& path) = 0;
    /// nullopt while pending; "" when written; else why it failed.
    virtual std::optional<std::string> shotResult() = 0;
};

/// Script lines from a file (read at once) or from a stream read on a thread,
/// so a test can feed stdin line by line while the kiosk keeps rendering.
class LineSource {
public:
    enum class Status { Line, Pending, End };
    static LineSource fromLines(std::vector<std::string> lines);
    static LineSource fromStream(std::istream& in);
    LineSource(LineSource&&) noexcept;
    ~LineSource();
    Status next(std::string& line);

private:
    LineSource();
    struct Shared;
    std::shared_ptr<Shared> m_shared;
    std::thread m_reader;
};

class ScriptPlayer {
public:
    ScriptPlayer(LineSource source, std::ostream& out) : m_source(std::move(source)), m_out(out) {}
    /// Call once per frame, before App::frame. Returns the exit code once the script ended.
    std::optional<int> step(ScriptHost& host);
    /// True while the player waits for the next line (stdin): no frame is needed, and
    /// with the virtual clock no time should pass.
    bool waitingForInput() const { return m_waiting; }

private:
    struct Command {
        int line = 0;
        std::string text, verb, arg;
        int phase = 0, frames = 0;
        double until = 0;
        ImVec2 pos{}, delta{};
        size_t typed = 0; ///< type: bytes of the text done
        int taps = 0;     ///< type: taps spent on the current character
    };
    using Handler = std::optional<int> (ScriptPlayer::*)(ScriptHost& host, Command& c);
    struct Verb {
        const char* name;
        Handler run;
        bool rawArg = false; ///< the argument is the rest of the line as written
    };
    static const Verb* verb(const std::string& name);
    std::optional<int> run(ScriptHost& host, Command& c);
    // One per command; nullopt while it runs, else the exit code.
    std::optional<int> touch(ScriptHost& host, Command& c); ///< tap, longpress, drag
    std::optional<int> wait(ScriptHost& host, Command& c);
    std::optional<int> expectScreen(ScriptHost& host, Command& c);
    std::optional<int> expectVisible(ScriptHost& host, Command& c);
    std::optional<int> expectText(ScriptHost& host, Command& c);
    std::optional<int> type(ScriptHost& host, Command& c);
    std::optional<int> ids(ScriptHost& host, Command& c);
    std::optional<int> value(ScriptHost& host, Command& c); ///< prints a field or note, judges nothing
    std::optional<int> scan(ScriptHost& host, Command& c);  ///< as if a badge scanner read the argument
    std::optional<int> shot(ScriptHost& host, Command& c);
    std::optional<int> quit(ScriptHost& host, Command& c);
    static const WidgetInfo* visible(ScriptHost& host, const std::string& id);
    /// Reports the command done; nullopt: the script goes on.
    std::optional<int> ok(const Command& c);
    int fail(const Command& c, const std::string& reason);
    /// Reports the command done once kSettleFrames frames have drawn what it did.
    std::optional<int> okWhenSettled(Command& c);
    /// Lets time pass; true once `until` is reached.
    bool waitUntil(ScriptHost& host, double until);

    LineSource m_source;
    std::ostream& m_out;
    std::optional<Command> m_cmd;
    int m_lineNo = 0;
    int m_warmupFrames = 2;
    bool m_waiting = false;
};

} // namespace kiosk::ui
