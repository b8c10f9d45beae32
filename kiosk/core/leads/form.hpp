/// @brief The sign-up form as data: its fields, from content/form.toml (or the built-in
/// default), and the rules the system keeps per kind of field.
///
/// Everything that handles a form field (validation, the sign-up screen, storage, the
/// exports, the sync payload, synthetic leads) walks a FormDef; a field is added to a
/// running event by one [[field]] entry in form.toml.
#pragma once
#include "../problem.hpp"
#include "../text.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core {

struct Lead;

enum class FieldKind { Name, Email, Phone, Text, Multiline, Choice, Multi, YesNo };

/// What the system decides for a kind, whatever a form says.
struct KindRules {
    FieldKind kind;
    std::string_view name;   ///< as written in form.toml
    size_t maxChars;         ///< default and upper limit of max_chars (0: not typed)
    bool hasOptions;         ///< choice and multi list their options
};
std::span<const KindRules> kindRules();
const KindRules& rulesOf(FieldKind kind);
bool isTyped(FieldKind kind); ///< filled with the keyboard

/// A field with a column of its own in leads.db and a key of its own in the lead JSON.
/// Its id fixes its kind; a form may leave the optional ones out.
struct StandardField {
    std::string_view id;
    FieldKind kind;
    std::string Lead::*member;
    Text label;      ///< in the built-in form
    bool required;   ///< in the built-in form
    size_t maxChars; ///< in the built-in form
};
std::span<const StandardField> standardFields();
const StandardField* standardField(std::string_view id);

struct FieldOption {
    std::string id;
    Text label;
};

struct FormField {
    std::string id; ///< [a-z0-9_]; the widget is signup.<id>, an option signup.<id>.<option>
    FieldKind kind = FieldKind::Text;
    bool required = false;
    Text label;
    size_t maxChars = 0; ///< typed kinds
    std::vector<FieldOption> options;

    const FieldOption* option(std::string_view id) const;
    bool standard() const { return standardField(id) != nullptr; }
};

struct FormDef {
    std::vector<FormField> fields; ///< in form order
    std::string version;           ///< hash of the definition: a lead records the form it was captured with

    const FormField* field(std::string_view id) const;
    /// The definition as canonical JSON (what `version` hashes; stored beside the leads).
    std::string json() const;
};

/// Reads form.toml text (`name` for messages). Every problem as file:line: key: what — fix;
/// a form with errors yields nullopt and the caller keeps the default.
std::optional<FormDef> parseForm(std::string_view toml, const std::string& name, std::vector<Problem>& problems);
/// The same for a file (form.toml in a content folder); a file that cannot be read is a problem.
std::optional<FormDef> loadFormFile(const std::string& path, const std::string& name, std::vector<Problem>& problems);
/// Reads a definition stored by FormDef::json() (leads.db's forms table); nullopt if damaged.
std::optional<FormDef> formFromJson(std::string_view json);
/// Today's form, used when the content has no form.toml.
const FormDef& defaultForm();

} // namespace kiosk::core
