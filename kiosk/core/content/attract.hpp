/// @brief The attract loop as content: content/attract.toml, its checks, and the loop the
/// kiosk shows when the file is absent.
#pragma once
#include "../problem.hpp"
#include "../text.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kiosk::core {

struct Content;
struct LoadOptions;

/// What a scene shows besides its texts (docs/content.md).
enum class SceneKind { Welcome, Companies, Sector, Signup, Summit };

struct AttractScene {
    std::string id; ///< `expect-text attract.scene` reports it
    SceneKind kind = SceneKind::Welcome;
    Text headline, line;
    Text cta;                           ///< empty: the start button's own text (attract.start)
    std::vector<std::string> companies; ///< companies: whose logos; empty: every exhibitor
    std::string sector;                 ///< sector: which one
    double seconds = 6;
    std::filesystem::path image; ///< resolved path of a project-made picture, or empty
};

/// Where in the loop a moment falls.
struct ScenePosition {
    size_t index = 0; ///< the scene showing
    double local = 0; ///< seconds since it started
};

struct AttractLoop {
    std::vector<AttractScene> scenes;
    bool fromFile = false; ///< false: the built-in loop (no attract.toml)

    double cycleSeconds() const;
    /// The scene at `t` seconds after the loop started (it repeats).
    ScenePosition at(double t) const;
    /// Every headline in both languages, one after the other: the letters the headline type needs.
    std::string headlines() const;
};

constexpr double kMinSceneSeconds = 3, kMaxSceneSeconds = 15;
constexpr size_t kMaxScenes = 8;

/// Reads `dir`/attract.toml into content.attract (after sectors and companies: it names
/// them). Without the file, the built-in loop from event.toml.
void loadAttract(const std::filesystem::path& dir, const LoadOptions& options, Content& content,
                 std::vector<Problem>& problems);

/// Welcome, the companies, the summit: from the event's own texts.
AttractLoop defaultAttractLoop(const Content& content);

const char* sceneKindName(SceneKind k);

} // namespace kiosk::core
