#include "wedge.hpp"

#include "contact.hpp"
#include "core/leads/lead.hpp"

#include <limits>

namespace kiosk::core {

std::optional<ScannerLayout> scannerLayout(std::string_view name) {
    if (name == "us") return ScannerLayout::Us;
    if (name == "de") return ScannerLayout::De;
    return std::nullopt;
}

namespace {

// USB HID usages (HID Usage Tables, keyboard page 0x07).
constexpr int kA = 0x04, kZ = 0x1D, k1 = 0x1E, k0 = 0x27, kEnter = 0x28, kTab = 0x2B, kSpace = 0x2C;
constexpr int kMinus = 0x2D, kSlash = 0x38, kNonUsBackslash = 0x64;
constexpr int kKpSlash = 0x54, kKpEnter = 0x58, kKp1 = 0x59, kKp0 = 0x62, kKpDot = 0x63;
constexpr int kLeftShift = 0xE1, kRightShift = 0xE5, kRightAlt = 0xE6, kFirstModifier = 0xE0, kLastModifier = 0xE7;

struct Key {
    const char* plain;
    const char* shift;
    const char* altGr;
};

// From "-" (0x2D) to "/" (0x38): the punctuation keys right of the letters, by position.
constexpr Key kUsPunct[] = {{"-", "_", ""},  {"=", "+", ""},  {"[", "{", ""}, {"]", "}", ""},
                            {"\\", "|", ""}, {"\\", "|", ""}, {";", ":", ""}, {"'", "\"", ""},
                            {"`", "~", ""},  {",", "<", ""},  {".", ">", ""}, {"/", "?", ""}};
// German: ´ and ^ are dead keys (they type nothing by themselves), so a code holding them cannot be read.
constexpr Key kDePunct[] = {{"ß", "?", "\\"}, {"", "", ""},   {"ü", "Ü", ""}, {"+", "*", "~"},
                            {"#", "'", ""},   {"#", "'", ""}, {"ö", "Ö", ""}, {"ä", "Ä", ""},
                            {"", "°", ""},    {",", ";", ""}, {".", ":", ""}, {"-", "_", ""}};
constexpr const char* kUsShiftDigits[] = {"!", "@", "#", "$", "%", "^", "&", "*", "(", ")"};
constexpr const char* kDeShiftDigits[] = {"!", "\"", "§", "$", "%", "&", "/", "(", ")", "="};
constexpr const char* kDeAltGrDigits[] = {"", "²", "³", "", "", "", "{", "[", "]", "}"};

std::string letter(ScannerLayout layout, int usage, bool shift, bool altGr) {
    char c = static_cast<char>('a' + usage - kA);
    if (layout == ScannerLayout::De) {
        if (c == 'y' || c == 'z') c = c == 'y' ? 'z' : 'y'; // QWERTZ
        if (altGr) return c == 'q' ? "@" : c == 'e' ? "€" : c == 'm' ? "µ" : "";
    } else if (altGr) {
        return "";
    }
    return std::string(1, shift ? static_cast<char>(c - 'a' + 'A') : c);
}

} // namespace

std::string scannerChar(ScannerLayout layout, int usage, bool shift, bool altGr) {
    const bool de = layout == ScannerLayout::De;
    if (usage == kEnter || usage == kKpEnter) return "\n";
    if (usage == kTab) return "\t";
    if (usage == kSpace) return " ";
    if (usage >= kA && usage <= kZ) return letter(layout, usage, shift, altGr);
    if (usage >= k1 && usage <= k0) {
        const int i = usage - k1;
        if (altGr) return de ? kDeAltGrDigits[i] : "";
        if (shift) return de ? kDeShiftDigits[i] : kUsShiftDigits[i];
        return std::string(1, i == 9 ? '0' : static_cast<char>('1' + i));
    }
    if (usage >= kMinus && usage <= kSlash) {
        const Key& k = (de ? kDePunct : kUsPunct)[usage - kMinus];
        return altGr ? k.altGr : shift ? k.shift : k.plain;
    }
    if (usage == kNonUsBackslash) return de ? (altGr ? "|" : shift ? ">" : "<") : (altGr ? "" : shift ? "|" : "\\");
    // The keypad, as with Num Lock on (scanners that send digits from it).
    if (usage >= kKpSlash && usage < kKpEnter) return std::string(1, "/*-+"[usage - kKpSlash]);
    if (usage >= kKp1 && usage < kKp0) return std::string(1, static_cast<char>('1' + usage - kKp1));
    if (usage == kKp0) return "0";
    if (usage == kKpDot) return de ? "," : ".";
    return "";
}

WedgeDecoder::WedgeDecoder(ScannerLayout layout) : m_layout(layout) {
    reset();
}

WedgeDecoder::~WedgeDecoder() {
    reset();
    wipe(m_scan);
}

void WedgeDecoder::reset() {
    wipe(m_text);
    m_text.reserve(kMaxCodeBytes + 4); // typed into one buffer: growing it would leave copies behind
    m_held = false;
    m_valid = true;
    m_endsWithTerminator = false;
    m_chars = 0;
}

WedgeDecoder::Verdict WedgeDecoder::key(const WedgeKey& k) {
    const bool level = k.usage == kLeftShift || k.usage == kRightShift || k.usage == kRightAlt; // shift, AltGr
    const bool modifier = k.usage >= kFirstModifier && k.usage <= kLastModifier;
    if (k.other || k.repeat || (modifier && !level)) { // Ctrl+…, a held key: a person
        reset();
        return Verdict::Release;
    }
    if (!k.down || modifier) {
        if (!m_held && !(modifier && k.down)) return Verdict::Release;
        m_held = true; // a scan of "BEGIN:VCARD" starts with Shift
        m_last = k.t;
        return Verdict::Hold;
    }
    const std::string ch = scannerChar(m_layout, k.usage, k.shift, k.altGr);
    const bool terminator = ch == "\n" || ch == "\t";
    if (!m_held && (ch.empty() || terminator)) return Verdict::Release; // Enter, Backspace, arrows alone
    m_held = true;
    m_last = k.t;
    if (ch.empty()) {
        m_valid = false; // a key the layout has no character for: the code cannot be read
        return Verdict::Hold;
    }
    m_endsWithTerminator = terminator;
    if (!terminator) ++m_chars;
    if (m_text.size() + ch.size() > kMaxCodeBytes)
        m_valid = false; // longer than any code
    else
        m_text += ch;
    return Verdict::Hold;
}

WedgeDecoder::Verdict WedgeDecoder::idle(double now) {
    if (!m_held) return Verdict::Release;
    if (now - m_last <= kMaxScanKeyGapS) return Verdict::Hold;
    const bool scan = m_endsWithTerminator && m_chars >= kMinScanKeys;
    if (scan) {
        wipe(m_scan);
        while (!m_text.empty() && (m_text.back() == '\n' || m_text.back() == '\t'))
            m_text.pop_back();
        if (m_valid) m_scan.swap(m_text);
    }
    reset();
    return scan ? Verdict::Scan : Verdict::Release;
}

double WedgeDecoder::deadline() const {
    return m_held ? m_last + kMaxScanKeyGapS : std::numeric_limits<double>::infinity();
}

std::string WedgeDecoder::takeScan() {
    std::string out;
    out.swap(m_scan);
    return out;
}

} // namespace kiosk::core
