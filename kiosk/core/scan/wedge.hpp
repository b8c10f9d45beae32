/// @brief A badge scanner in keyboard-wedge mode "types" its code: told apart from a person's
/// typing by its speed, and decoded from the keys' positions (USB HID usages) through the
/// scanner's own layout, whatever layout the operating system uses.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::core {

/// The layout the scanner is set to (its manual's "keyboard country"): which character each key
/// position stands for. A scanner set to US typing on a German PC would give y for z and no @
/// if the characters were taken from the PC's layout.
enum class ScannerLayout { Us, De };
/// "us" or "de"; nullopt for anything else.
std::optional<ScannerLayout> scannerLayout(std::string_view name);

/// Scanners send a key every 1–10 ms; a person's fastest key presses are 60 ms or more apart.
/// The limit leaves room for a key stamped late because the frame loop was drawing (up to
/// ~25 ms on software GL), and is what a person's single key press may be held back.
inline constexpr double kMaxScanKeyGapS = 0.035;
/// A burst of fewer characters is typing, not a scan (the shortest contact, "a@b.de", has 6).
inline constexpr int kMinScanKeys = 6;

/// One key event as the platform saw it. `usage` is the USB HID usage of the key's position
/// (SDL_Scancode values are HID usages), not the character the OS layout makes of it.
struct WedgeKey {
    int usage = 0;
    bool down = true;
    bool shift = false;
    bool altGr = false;  ///< right Alt / AltGr (ISO level 3)
    bool other = false;  ///< Ctrl, left Alt or a GUI key held: never part of a scan
    bool repeat = false; ///< the OS repeating a held key
    double t = 0;        ///< seconds, any steady clock
};

/// The character the key at `usage` types on `layout` (UTF-8), or "" when it types none;
/// "\n" for Enter, "\t" for Tab.
std::string scannerChar(ScannerLayout layout, int usage, bool shift, bool altGr);

/// Watches the key events for a scan. While a burst might be one, the platform holds its
/// events back (keys and text alike): Release hands them all to the UI as typed, Scan drops
/// them and takeScan() has the code. A scan is at least kMinScanKeys characters, every gap at
/// most kMaxScanKeyGapS, and ends with Enter or Tab and then a quiet gap (a vCard's line breaks
/// arrive as Enter keys in the middle of the burst).
class WedgeDecoder {
public:
    enum class Verdict { Hold, Release, Scan };
    explicit WedgeDecoder(ScannerLayout layout = ScannerLayout::Us);
    ~WedgeDecoder();

    /// A key event. Call idle(k.t) first so a gap before it ends the burst in front of it.
    Verdict key(const WedgeKey& k);
    /// No key since the last one: Release or Scan once `now` is past the gap, else Hold.
    /// Nothing held: Release.
    Verdict idle(double now);
    /// True while events are held back.
    bool holding() const { return m_held; }
    /// When idle() must be called at the latest (seconds, the keys' clock); +inf when nothing is held.
    double deadline() const;
    /// The last scan's code (the terminating Enter or Tab taken off), moved out.
    std::string takeScan();
    /// The time of the burst's last key (for the scan-to-prefill time).
    double lastKeyAt() const { return m_last; }

private:
    void reset();

    ScannerLayout m_layout;
    bool m_held = false;
    bool m_valid = true; ///< every key so far could be part of a scan
    bool m_endsWithTerminator = false;
    int m_chars = 0;
    double m_last = 0;
    std::string m_text, m_scan;
};

} // namespace kiosk::core
