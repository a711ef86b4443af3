#include "catalogue.hpp"

#include "i18n.hpp"

#include "utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <thread>

namespace guichet {

using Json = nlohmann::json;

// [SECTION] Names of types and parts

namespace {

struct FieldTypeName {
    FieldType type;
    std::string_view name;
};

constexpr FieldTypeName field_type_names[] = {
    { FieldType::ShortText, "text" },
    { FieldType::LongText, "long_text" },
    { FieldType::Number, "number" },
    { FieldType::Date, "date" },
    { FieldType::Choice, "choice" },
    { FieldType::MultiChoice, "multi_choice" },
    { FieldType::YesNo, "yes_no" },
    { FieldType::Address, "address" },
    { FieldType::Phone, "phone" },
    { FieldType::Email, "email" },
    { FieldType::Identity, "identity" },
    { FieldType::Consent, "consent" },
    { FieldType::Info, "info" },
    { FieldType::Group, "group" },
    { FieldType::Appointment, "appointment" },
    { FieldType::TrackingCode, "tracking_code" },
};

std::string all_field_type_names()
{
    std::string names;
    for (auto const& entry : field_type_names) {
        if (!names.empty())
            names += ", ";
        names += entry.name;
    }
    return names;
}

}

std::string_view to_string(FieldType type)
{
    for (auto const& entry : field_type_names) {
        if (entry.type == type)
            return entry.name;
    }
    return "unknown";
}

std::optional<FieldType> parse_field_type(std::string_view text)
{
    for (auto const& entry : field_type_names) {
        if (entry.name == text)
            return entry.type;
    }
    return std::nullopt;
}

std::string_view to_string(Part part)
{
    switch (part) {
    case Part::Whole:
        return "";
    case Part::Surname:
        return "surname";
    case Part::GivenNames:
        return "given_names";
    case Part::BirthDate:
        return "birth_date";
    case Part::BirthPlace:
        return "birth_place";
    case Part::StreetNumber:
        return "number";
    case Part::Street:
        return "street";
    case Part::Postcode:
        return "postcode";
    case Part::Commune:
        return "commune";
    case Part::Day:
        return "day";
    case Part::Time:
        return "time";
    }
    return "";
}

std::vector<Part> const& parts_of(FieldType type)
{
    static std::vector<Part> const identity { Part::Surname, Part::GivenNames, Part::BirthDate, Part::BirthPlace };
    static std::vector<Part> const address { Part::StreetNumber, Part::Street, Part::Postcode, Part::Commune };
    static std::vector<Part> const appointment { Part::Day, Part::Time };
    static std::vector<Part> const whole { Part::Whole };
    if (type == FieldType::Identity)
        return identity;
    if (type == FieldType::Address)
        return address;
    if (type == FieldType::Appointment)
        return appointment;
    return whole;
}

std::optional<Part> parse_part(FieldType type, std::string_view text)
{
    for (auto part : parts_of(type)) {
        if (part != Part::Whole && to_string(part) == text)
            return part;
    }
    return std::nullopt;
}

// [SECTION] Lookups

namespace {

// The element of `items` with this id, or null.
template<typename T> T const* find_by_id(std::vector<T> const& items, std::string_view id)
{
    for (auto const& item : items) {
        if (item.id == id)
            return &item;
    }
    return nullptr;
}

}

ChoiceOption const* Field::find_choice(std::string_view choice_id) const
{
    return find_by_id(choices, choice_id);
}

Field const* Demarche::find_field(std::string_view field_id) const
{
    for (auto const& page : pages) {
        if (auto const* field = find_by_id(page.fields, field_id))
            return field;
    }
    return nullptr;
}

Theme const* Orientation::find_theme(std::string_view id) const
{
    return find_by_id(themes, id);
}

Situation const* Orientation::find_situation(std::string_view id) const
{
    return find_by_id(situations, id);
}

Demarche const* Catalogue::find(std::string_view demarche_id) const
{
    return find_by_id(demarches, demarche_id);
}

std::string LoadError::to_string() const
{
    return file + ": " + json_path + ": " + reason;
}

namespace {

// [SECTION] A reader that walks the JSON tree, keeps the JSON path of where
// it is, and collects errors instead of stopping at the first one.

std::string key_path(std::string const& path, std::string_view key)
{
    return path + "." + std::string(key);
}

std::string element(std::string const& path, std::string_view key, std::size_t index)
{
    return key_path(path, key) + "[" + std::to_string(index) + "]";
}

std::string in_quotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

// Where a value is, built into a JSON path only when an error needs it:
// most values are fine, and the loader reads thousands of them.
struct Where {
    // A temporary path lives to the end of the call that takes it, which is
    // all a Where needs.
    Where(std::string const& path)
        : parent(path)
    {
    }
    Where(std::string const& path, std::string_view key_in)
        : parent(path)
        , key(key_in)
    {
    }

    std::string const& parent;
    std::string_view key; // empty: the parent itself

    std::string str() const { return key.empty() ? parent : key_path(parent, key); }
};

class Reader {
public:
    Reader(std::string file, std::vector<LoadError>& errors, LoadOptions const& options = {},
        std::vector<LoadError>* untranslated = nullptr)
        : m_file(std::move(file))
        , m_errors(errors)
        , m_options(options)
        , m_untranslated(untranslated)
    {
    }

    void error(std::string const& path, std::string reason)
    {
        m_errors.push_back(LoadError { m_file, path, std::move(reason) });
        m_failed = true;
    }
    void error(Where const& where, std::string reason) { error(where.str(), std::move(reason)); }
    bool failed() const { return m_failed; }

    // Reports keys the format does not know: a typo in a catalogue
    // ("requried") must not silently change a démarche.
    void check_keys(Json const& object, std::string const& path, std::initializer_list<std::string_view> allowed)
    {
        for (auto const& item : object.items()) {
            if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end())
                error(key_path(path, item.key()), "unknown key");
        }
    }

    bool is_object(Json const& json, std::string const& path, char const* what)
    {
        if (json.is_object())
            return true;
        error(path, std::string(what) + " must be a JSON object, found " + json.type_name());
        return false;
    }

    std::string string(Json const& object, std::string const& path, char const* key, bool required = true)
    {
        auto it = object.find(key);
        if (it == object.end()) {
            if (required)
                error(key_path(path, key), "missing (a text is required)");
            return {};
        }
        return string_value(*it, Where { path, key }, required);
    }

    std::string string_value(Json const& json, Where const& path, bool required = true)
    {
        if (!json.is_string()) {
            error(path, std::string("must be a text, found ") + json.type_name());
            return {};
        }
        auto value = json.get<std::string>();
        if (!utf8::is_valid(value)) {
            error(path, "is not valid UTF-8");
            return {};
        }
        if (required && utf8::trim(value).empty())
            error(path, "must not be empty");
        return value;
    }

    // A text the resident reads: French as a plain string, or an object with
    // one entry per language ({"fr": "…", "en": "…"}). Texts shown in a box
    // of fixed size have a length limit: longer would spill out of it, and
    // easy-to-read French keeps such texts short anyway.
    Text text(Json const& object, std::string const& path, char const* key, bool required, std::size_t max_characters)
    {
        auto it = object.find(key);
        Where here { path, key };
        if (it == object.end()) {
            if (required)
                error(here, "missing (a text is required)");
            return {};
        }
        return text_value(*it, here, max_characters);
    }

    // The same, for a text that is a list's element rather than a key's
    // value, so that the path names the element itself.
    Text text_value(Json const& json, Where const& here, std::size_t max_characters)
    {
        Text text;
        if (json.is_string()) {
            text.set("fr", checked_length(string_value(json, here), here, max_characters));
            check_languages(text, here.str());
            return text;
        }
        auto path_here = here.str();
        if (!json.is_object()) {
            error(
                path_here, std::string("must be a text or an object of texts by language, found ") + json.type_name());
            return {};
        }
        if (!json.contains("fr"))
            error(path_here + ".fr", "missing (French is required; other languages are optional)");
        for (auto const& item : json.items()) {
            auto language_path = key_path(path_here, item.key());
            if (!is_kiosk_language(item.key())) {
                error(language_path, "unknown language (expected fr, en, es, ar, pt or tr)");
                continue;
            }
            Where language { language_path };
            text.set(item.key(), checked_length(string_value(item.value(), language), language, max_characters));
        }
        check_languages(text, path_here);
        return text;
    }

    // Every translation fills the same {places} as the French (else the
    // resident would read "{n}"), and every language is there or reported.
    void check_languages(Text const& text, std::string const& path)
    {
        if (text.fr().empty())
            return;
        auto places = i18n::place_names(text.fr());
        std::string missing;
        for (auto language : kiosk_languages) {
            if (language == "fr")
                continue;
            auto found = std::find_if(text.translations().begin(), text.translations().end(),
                [&](auto const& translation) { return translation.first == language; });
            if (found == text.translations().end()) {
                missing += (missing.empty() ? "" : ", ") + std::string(language);
            } else if (i18n::place_names(found->second) != places) {
                error(key_path(path, language), "must have the same {places} as the French");
            }
        }
        if (missing.empty())
            return;
        LoadError gap { m_file, path, "no translation in " + missing };
        if (m_options.strict_languages)
            error(path, gap.reason + " (strict: every text in fr, en, es, ar, pt and tr)");
        else if (m_untranslated)
            m_untranslated->push_back(std::move(gap));
    }

    std::string checked_length(std::string value, Where const& path, std::size_t max_characters)
    {
        auto length = utf8::length(value);
        if (length > max_characters)
            error(path,
                "too long for the screen: " + std::to_string(max_characters) + " characters at most, found "
                    + std::to_string(length));
        return value;
    }

    std::string identifier(Json const& object, std::string const& path, char const* key)
    {
        auto value = string(object, path, key);
        if (value.empty())
            return value;
        if (!is_identifier(value)) {
            error(key_path(path, key), "must use only a-z, 0-9, '-' and '_'");
            return {};
        }
        return value;
    }

    static bool is_identifier(std::string_view value)
    {
        if (value.empty() || value.size() > 64)
            return false;
        for (char c : value) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok)
                return false;
        }
        return true;
    }

    bool boolean(Json const& object, std::string const& path, char const* key, bool fallback)
    {
        auto it = object.find(key);
        if (it == object.end())
            return fallback;
        if (!it->is_boolean()) {
            error(key_path(path, key), std::string("must be true or false, found ") + it->type_name());
            return fallback;
        }
        return it->get<bool>();
    }

    std::optional<long> whole_number(
        Json const& object, std::string const& path, char const* key, long lowest, long highest)
    {
        auto it = object.find(key);
        if (it == object.end())
            return std::nullopt;
        if (!it->is_number_integer()) {
            error(key_path(path, key), std::string("must be a whole number, found ") + it->type_name());
            return std::nullopt;
        }
        // Unsigned values above the signed range read back as negative
        // through get<long>(); compare through the widest types.
        if (it->is_number_unsigned() ? it->get<unsigned long long>() > static_cast<unsigned long long>(highest)
                                     : (it->get<long long>() < lowest || it->get<long long>() > highest)) {
            error(key_path(path, key), "must be between " + std::to_string(lowest) + " and " + std::to_string(highest));
            return std::nullopt;
        }
        return static_cast<long>(it->get<long long>());
    }

    std::size_t count(
        Json const& object, std::string const& path, char const* key, std::size_t fallback, std::size_t highest)
    {
        auto value = whole_number(object, path, key, 0, static_cast<long>(highest));
        return value ? static_cast<std::size_t>(*value) : fallback;
    }

    Json const* array(Json const& object, std::string const& path, char const* key, bool required = true)
    {
        auto it = object.find(key);
        if (it == object.end()) {
            if (required)
                error(key_path(path, key), "missing (a list is required)");
            return nullptr;
        }
        if (!it->is_array()) {
            error(key_path(path, key), std::string("must be a list, found ") + it->type_name());
            return nullptr;
        }
        return &*it;
    }

    Json const* object(Json const& parent, std::string const& path, char const* key, bool required = true)
    {
        auto it = parent.find(key);
        if (it == parent.end()) {
            if (required)
                error(key_path(path, key), "missing (an object is required)");
            return nullptr;
        }
        if (!it->is_object()) {
            error(key_path(path, key), std::string("must be an object, found ") + it->type_name());
            return nullptr;
        }
        return &*it;
    }

    // Parses the whole text; nlohmann's messages say where the parser
    // stopped ("at line 12, column 5"), worth keeping for the author. The
    // exception stays inside this function.
    std::optional<Json> parse(std::string const& text)
    {
        try {
            return Json::parse(text);
        } catch (Json::exception const& e) {
            error("$", std::string("not valid JSON: ") + e.what());
            return std::nullopt;
        }
    }

    // The file parsed whole, as the JSON object it must be; nothing (and
    // the error) otherwise.
    std::optional<Json> parse_object(std::string const& text, char const* what)
    {
        auto parsed = parse(text);
        if (!parsed || !is_object(*parsed, "$", what))
            return std::nullopt;
        return parsed;
    }

    void check_format(Json const& json)
    {
        auto format = json.find("format");
        if (format == json.end() || !format->is_number_integer() || format->get<long long>() != catalogue_format)
            error("$.format",
                "must be " + std::to_string(catalogue_format) + " (the only catalogue format this kiosk reads)");
    }

private:
    std::string m_file;
    std::vector<LoadError>& m_errors;
    bool m_failed { false };
    LoadOptions m_options;
    std::vector<LoadError>* m_untranslated;
};

// [SECTION] Limits on texts, in characters, set by the boxes that show them.

namespace limit {
constexpr std::size_t title = 80;
constexpr std::size_t short_title = 30;
constexpr std::size_t description = 90;
constexpr std::size_t question = 90;
constexpr std::size_t label = 40;
constexpr std::size_t hint = 80;
constexpr std::size_t choice_label = 24;
constexpr std::size_t choice_hint = 40;
constexpr std::size_t section = 50;
constexpr std::size_t instruction = 140;
constexpr std::size_t message = 160;
constexpr std::size_t panel_text = 600;
constexpr std::size_t intro_asks = 200;
constexpr std::size_t at_hand_item = 60;
constexpr std::size_t at_hand_items = 4;
constexpr std::size_t receipt_title = 60;
constexpr std::size_t next_steps = 300;
constexpr std::size_t item_label = 30;
constexpr std::size_t theme_title = 30;
constexpr std::size_t situation_title = 40;
constexpr std::size_t condition_depth = 8;
constexpr std::size_t group_fields = 12;
constexpr std::size_t group_items = 10;
constexpr std::size_t orientation_entries = 8;
constexpr std::size_t text_length = 2000;
}

// [SECTION] Conditions: every reference resolved against what was asked before.

// What a condition may know about a field asked before it.
struct Declared {
    FieldType type;
    std::vector<std::string> choice_ids;
};

class Scope {
public:
    // Every field id of the démarche, found before reading it, so that a
    // reference to a field asked later is told apart from a typo.
    std::map<std::string, std::string, std::less<>> everywhere; // id → its group, or ""

    std::map<std::string, Declared, std::less<>> top;
    std::map<std::string, Declared, std::less<>> item; // the current group's members so far
    std::string group; // the group being read, or ""

    void declare(Field const& field)
    {
        Declared declared { field.type, {} };
        for (auto const& choice : field.choices)
            declared.choice_ids.push_back(choice.id);
        (group.empty() ? top : item)[field.id] = std::move(declared);
    }
};

std::string choice_list(std::vector<std::string> const& ids)
{
    std::string list;
    for (auto const& id : ids) {
        if (!list.empty())
            list += ", ";
        list += id;
    }
    return list;
}

class ConditionReader {
public:
    ConditionReader(Reader& reader, Scope const& scope)
        : m_reader(reader)
        , m_scope(scope)
    {
    }

    std::optional<Condition> read(Json const& json, std::string const& path, std::size_t depth = 0)
    {
        if (!m_reader.is_object(json, path, "a condition"))
            return std::nullopt;
        if (depth >= limit::condition_depth) {
            m_reader.error(
                path, "conditions nest too deep (" + std::to_string(limit::condition_depth) + " levels at most)");
            return std::nullopt;
        }
        for (auto const* combinator : { "all", "any", "not" }) {
            if (json.contains(combinator))
                return read_combination(json, path, combinator, depth);
        }
        if (!json.contains("field")) {
            m_reader.error(path, "a condition needs 'field' (with one test) or one of 'all', 'any', 'not'");
            return std::nullopt;
        }
        return read_test(json, path);
    }

private:
    std::optional<Condition> read_combination(
        Json const& json, std::string const& path, char const* key, std::size_t depth)
    {
        if (json.size() != 1) {
            m_reader.error(path, std::string("'") + key + "' must be the only key of its condition");
            return std::nullopt;
        }
        Condition condition;
        std::string here = key_path(path, key);
        if (std::string_view(key) == "not") {
            condition.op = Condition::Op::Not;
            auto child = read(json[key], here, depth + 1);
            if (!child)
                return std::nullopt;
            condition.children.push_back(std::move(*child));
            return condition;
        }
        condition.op = std::string_view(key) == "all" ? Condition::Op::All : Condition::Op::Any;
        auto const& list = json[key];
        if (!list.is_array() || list.size() < 2) {
            m_reader.error(here, "must be a list of at least 2 conditions");
            return std::nullopt;
        }
        bool ok = true;
        for (std::size_t i = 0; i < list.size(); ++i) {
            auto child = read(list[i], here + "[" + std::to_string(i) + "]", depth + 1);
            if (child)
                condition.children.push_back(std::move(*child));
            else
                ok = false;
        }
        if (!ok)
            return std::nullopt;
        return condition;
    }

    struct Resolved {
        FieldRef ref;
        FieldType type; // of the part, when a part is named
        std::vector<std::string> choice_ids;
    };

    std::optional<Resolved> resolve(std::string const& name, std::string const& path)
    {
        auto dot = name.find('.');
        std::string field_id = name.substr(0, dot);
        Resolved resolved;
        Declared const* declared = nullptr;
        if (!m_scope.group.empty()) {
            if (auto it = m_scope.item.find(field_id); it != m_scope.item.end()) {
                declared = &it->second;
                resolved.ref.in_item = true;
            }
        }
        if (!declared) {
            if (auto it = m_scope.top.find(field_id); it != m_scope.top.end())
                declared = &it->second;
        }
        if (!declared) {
            auto it = m_scope.everywhere.find(field_id);
            if (it == m_scope.everywhere.end())
                m_reader.error(path, "unknown field " + in_quotes(field_id));
            else if (!it->second.empty() && it->second != m_scope.group)
                m_reader.error(path,
                    "the field " + in_quotes(field_id) + " is asked inside the group " + in_quotes(it->second)
                        + ": only conditions inside that group can use it");
            else
                m_reader.error(path,
                    "the field " + in_quotes(field_id)
                        + " is asked later: a condition can only use answers given before it");
            return std::nullopt;
        }
        resolved.ref.field = field_id;
        resolved.ref.part = Part::Whole;
        resolved.type = declared->type;
        resolved.choice_ids = declared->choice_ids;
        if (declared->type == FieldType::Group) {
            m_reader.error(path,
                "the field " + in_quotes(field_id)
                    + " is a group: a condition can only use one of its fields, from inside the group");
            return std::nullopt;
        }
        if (declared->type == FieldType::Info) {
            m_reader.error(path, "the field " + in_quotes(field_id) + " is an information panel: it has no answer");
            return std::nullopt;
        }
        if (dot == std::string::npos)
            return resolved;
        auto part_name = name.substr(dot + 1);
        if (declared->type != FieldType::Identity && declared->type != FieldType::Address
            && declared->type != FieldType::Appointment) {
            m_reader.error(path,
                "the field " + in_quotes(field_id)
                    + " has no parts (only address, identity and appointment fields do)");
            return std::nullopt;
        }
        auto part = parse_part(declared->type, part_name);
        if (!part) {
            m_reader.error(path,
                "the field " + in_quotes(field_id) + " has no part " + in_quotes(part_name) + " (expected "
                    + (declared->type == FieldType::Identity       ? "surname, given_names, birth_date or birth_place"
                            : declared->type == FieldType::Address ? "number, street, postcode or commune"
                                                                   : "day or time")
                    + ")");
            return std::nullopt;
        }
        resolved.ref.part = *part;
        resolved.type = *part == Part::BirthDate ? FieldType::Date : FieldType::ShortText;
        resolved.choice_ids.clear();
        return resolved;
    }

    // Is and In compare the answer as stored; a value the field can never
    // have is a mistake worth catching at load.
    bool check_value(Resolved const& resolved, std::string const& value, std::string const& path)
    {
        // Answers are compared in their stored form: a number without
        // leading zeros, a phone number as its 10 digits.
        if (resolved.type == FieldType::Number) {
            bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos
                && (value == "0" || value[0] != '0');
            if (!digits) {
                m_reader.error(path,
                    "a number answer is compared as written without spaces or leading zeros, like '12', not "
                        + in_quotes(value));
                return false;
            }
        }
        if (resolved.type == FieldType::Phone
            && (value.size() != 10 || value.find_first_not_of("0123456789") != std::string::npos)) {
            m_reader.error(
                path, "a phone answer is compared as its 10 digits, like '0612345678', not " + in_quotes(value));
            return false;
        }
        if (resolved.type == FieldType::YesNo && value != "oui" && value != "non") {
            m_reader.error(path, "a yes_no answer is 'oui' or 'non', not " + in_quotes(value));
            return false;
        }
        if ((resolved.type == FieldType::Choice || resolved.type == FieldType::MultiChoice)
            && std::find(resolved.choice_ids.begin(), resolved.choice_ids.end(), value) == resolved.choice_ids.end()) {
            m_reader.error(path,
                in_quotes(value) + " is not a choice of " + in_quotes(resolved.ref.field) + " (expected "
                    + choice_list(resolved.choice_ids) + ")");
            return false;
        }
        return true;
    }

    std::optional<Condition> read_test(Json const& json, std::string const& path)
    {
        static std::set<std::string_view> const tests { "is", "in", "has", "answered", "age_at_least", "age_under",
            "at_least", "at_most" };
        std::vector<std::string> found;
        for (auto const& item : json.items()) {
            if (item.key() == "field")
                continue;
            if (tests.contains(item.key()))
                found.push_back(item.key());
            else
                m_reader.error(key_path(path, item.key()),
                    "unknown key (a test is one of is, in, has, answered, age_at_least, age_under, at_least, at_most)");
        }
        if (found.size() != 1) {
            m_reader.error(path,
                found.empty() ? "a condition on a field needs one test (is, in, has, answered, age_at_least, "
                                "age_under, at_least or at_most)"
                              : "one test per condition: combine several with 'all' or 'any'");
            return std::nullopt;
        }
        auto name = m_reader.string(json, path, "field");
        if (name.empty())
            return std::nullopt;
        auto resolved = resolve(name, key_path(path, "field"));
        if (!resolved)
            return std::nullopt;

        auto const& test = found.front();
        auto const& operand = json[test];
        std::string here = key_path(path, test);
        Condition condition;
        condition.ref = resolved->ref;
        auto type = resolved->type;
        auto type_name = std::string(to_string(type));

        if (test == "answered") {
            if (!operand.is_boolean()) {
                m_reader.error(here, "must be true or false");
                return std::nullopt;
            }
            condition.op = operand.get<bool>() ? Condition::Op::Answered : Condition::Op::NotAnswered;
            return condition;
        }
        if (test == "is" || test == "in" || test == "has") {
            bool comparable = type == FieldType::Choice || type == FieldType::YesNo || type == FieldType::ShortText
                || type == FieldType::Number || type == FieldType::Phone || type == FieldType::Email;
            if (test == "has" && type != FieldType::MultiChoice) {
                m_reader.error(here, "'has' is for multi_choice fields; " + in_quotes(name) + " is " + type_name);
                return std::nullopt;
            }
            if (test != "has" && !comparable) {
                m_reader.error(here,
                    in_quotes(test) + " cannot test a " + type_name + " field"
                        + (type == FieldType::MultiChoice ? " (use 'has')"
                                : type == FieldType::Date ? " (use age_at_least or age_under)"
                                                          : " (use 'answered')"));
                return std::nullopt;
            }
            if (test == "in") {
                if (!operand.is_array() || operand.empty()) {
                    m_reader.error(here, "must be a list of at least one value");
                    return std::nullopt;
                }
                condition.op = Condition::Op::In;
                for (std::size_t i = 0; i < operand.size(); ++i) {
                    auto value = m_reader.string_value(operand[i], here + "[" + std::to_string(i) + "]");
                    if (!check_value(*resolved, value, here + "[" + std::to_string(i) + "]"))
                        return std::nullopt;
                    condition.values.push_back(std::move(value));
                }
                return condition;
            }
            condition.op = test == "is" ? Condition::Op::Is : Condition::Op::Has;
            auto value = m_reader.string_value(operand, here);
            if (!check_value(*resolved, value, here))
                return std::nullopt;
            condition.values.push_back(std::move(value));
            return condition;
        }
        bool is_age = test == "age_at_least" || test == "age_under";
        if (is_age && type != FieldType::Date) {
            m_reader.error(here, in_quotes(test) + " is for dates; " + in_quotes(name) + " is " + type_name);
            return std::nullopt;
        }
        if (!is_age && type != FieldType::Number) {
            m_reader.error(here, in_quotes(test) + " is for numbers; " + in_quotes(name) + " is " + type_name);
            return std::nullopt;
        }
        if (!operand.is_number_integer()) {
            m_reader.error(here, "must be a whole number");
            return std::nullopt;
        }
        auto number = operand.get<long long>();
        if (is_age && (number < 0 || number > 130)) {
            m_reader.error(here, "an age is between 0 and 130");
            return std::nullopt;
        }
        condition.number = static_cast<long>(number);
        if (test == "age_at_least")
            condition.op = Condition::Op::AgeAtLeast;
        else if (test == "age_under")
            condition.op = Condition::Op::AgeUnder;
        else if (test == "at_least")
            condition.op = Condition::Op::AtLeast;
        else
            condition.op = Condition::Op::AtMost;
        return condition;
    }

    Reader& m_reader;
    Scope const& m_scope;
};

// [SECTION] Fields and pages

// Which keys each field type takes besides the common ones: a key that does
// not apply to the type is as much a mistake as a typo.
std::set<std::string_view> make_keys_for(FieldType type)
{
    std::set<std::string_view> keys { "id", "type", "label", "when" };
    // An address or an identity is asked part by part, each part with its
    // own question and hint: theirs would never show.
    if (type != FieldType::Address && type != FieldType::Identity && type != FieldType::Appointment)
        keys.insert({ "question", "hint" });
    bool answers = type != FieldType::Info && type != FieldType::Group;
    if (answers)
        keys.insert({ "required", "personal", "messages" });
    bool simple
        = answers && type != FieldType::Address && type != FieldType::Identity && type != FieldType::Appointment;
    if (simple)
        keys.insert("rules");
    switch (type) {
    case FieldType::ShortText:
    case FieldType::LongText:
        keys.insert({ "min_length", "max_length" });
        break;
    case FieldType::Number:
        keys.insert({ "min", "max" });
        break;
    case FieldType::Date:
        keys.insert({ "not_future", "not_past", "min_age", "max_age" });
        break;
    case FieldType::Choice:
        keys.insert("choices");
        break;
    case FieldType::MultiChoice:
        keys.insert({ "choices", "min_selected", "max_selected" });
        break;
    case FieldType::Identity:
        keys.insert({ "min_age", "max_age", "card", "card_expired_max_years" });
        break;
    case FieldType::Consent:
        keys.insert("text");
        break;
    case FieldType::Info:
        keys.insert({ "text", "pictogram" });
        break;
    case FieldType::Group:
        keys.insert({ "fields", "item_label", "add_question", "min_items", "max_items" });
        break;
    case FieldType::Appointment:
        keys.insert("service");
        break;
    case FieldType::TrackingCode:
        break;
    case FieldType::YesNo:
    case FieldType::Address:
    case FieldType::Phone:
    case FieldType::Email:
        break;
    }
    return keys;
}

// Built once: the loader asks for every field of every démarche.
std::set<std::string_view> const& keys_for(FieldType type)
{
    static std::array<std::set<std::string_view>, std::size(field_type_names)> const keys = [] {
        std::array<std::set<std::string_view>, std::size(field_type_names)> all;
        for (std::size_t i = 0; i < all.size(); ++i)
            all[i] = make_keys_for(field_type_names[i].type);
        return all;
    }();
    for (std::size_t i = 0; i < std::size(field_type_names); ++i) {
        if (field_type_names[i].type == type)
            return keys[i];
    }
    return keys[0];
}

bool personal_by_default(FieldType type)
{
    return type == FieldType::Phone || type == FieldType::Email || type == FieldType::Identity
        || type == FieldType::Address;
}

class DemarcheReader {
public:
    DemarcheReader(Reader& reader, Scope& scope)
        : m_reader(reader)
        , m_scope(scope)
    {
    }

    std::optional<Condition> condition(Json const& object, std::string const& path, char const* key)
    {
        auto it = object.find(key);
        if (it == object.end())
            return std::nullopt;
        return ConditionReader(m_reader, m_scope).read(*it, key_path(path, key));
    }

    ChoiceOption choice(Json const& json, std::string const& path)
    {
        ChoiceOption choice;
        if (!m_reader.is_object(json, path, "a choice"))
            return choice;
        m_reader.check_keys(json, path, { "id", "label", "hint", "pictogram" });
        choice.id = m_reader.identifier(json, path, "id");
        choice.label = m_reader.text(json, path, "label", true, limit::choice_label);
        choice.hint = m_reader.text(json, path, "hint", false, limit::choice_hint);
        choice.pictogram = m_reader.string(json, path, "pictogram");
        return choice;
    }

    FieldMessages messages(Json const& field, std::string const& path)
    {
        FieldMessages messages;
        auto const* json = m_reader.object(field, path, "messages", false);
        if (!json)
            return messages;
        auto here = key_path(path, "messages");
        m_reader.check_keys(*json, here, { "required", "too_short", "too_long", "invalid" });
        auto read = [&](char const* key, std::optional<Text>& target) {
            if (json->contains(key))
                target = m_reader.text(*json, here, key, true, limit::message);
        };
        read("required", messages.required);
        read("too_short", messages.too_short);
        read("too_long", messages.too_long);
        read("invalid", messages.invalid);
        return messages;
    }

    void choices(Json const& json, std::string const& path, Field& field)
    {
        auto const* list = m_reader.array(json, path, "choices");
        if (!list)
            return;
        auto here = key_path(path, "choices");
        if (list->size() < 2)
            m_reader.error(here, "a choice needs at least 2 options");
        if (list->size() > max_choices)
            m_reader.error(
                here, "at most " + std::to_string(max_choices) + " options (two rows of tiles on the screen)");
        std::set<std::string> seen;
        field.choices.reserve(std::min(list->size(), max_choices));
        for (std::size_t i = 0; i < list->size() && i < max_choices; ++i) {
            auto choice_path = element(path, "choices", i);
            auto option = choice((*list)[i], choice_path);
            if (!option.id.empty() && !seen.insert(option.id).second)
                m_reader.error(choice_path + ".id", "duplicate choice id " + in_quotes(option.id));
            field.choices.push_back(std::move(option));
        }
    }

    void rules(Json const& json, std::string const& path, Field& field)
    {
        auto const* list = m_reader.array(json, path, "rules", false);
        if (!list)
            return;
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto rule_path = element(path, "rules", i);
            auto const& item = (*list)[i];
            if (!m_reader.is_object(item, rule_path, "a rule"))
                continue;
            m_reader.check_keys(item, rule_path, { "require", "message" });
            auto message = m_reader.text(item, rule_path, "message", true, limit::message);
            if (!item.contains("require")) {
                m_reader.error(rule_path + ".require", "missing (a condition is required)");
                continue;
            }
            if (auto condition = ConditionReader(m_reader, m_scope).read(item["require"], rule_path + ".require"))
                field.rules.push_back(Rule { std::move(*condition), std::move(message) });
        }
    }

    Field field(Json const& json, std::string const& path, std::set<std::string>& ids)
    {
        Field field;
        if (!m_reader.is_object(json, path, "a field"))
            return field;
        field.id = m_reader.identifier(json, path, "id");
        if (!field.id.empty() && !ids.insert(field.id).second)
            m_reader.error(path + ".id", "duplicate field id " + in_quotes(field.id));
        auto type_text = m_reader.string(json, path, "type");
        auto type = parse_field_type(type_text);
        if (!type) {
            if (!type_text.empty())
                m_reader.error(path + ".type",
                    "unknown field type " + in_quotes(type_text) + " (expected " + all_field_type_names() + ")");
            return field;
        }
        field.type = *type;
        // A key some other type takes is not a typo: say it does not apply.
        auto const& allowed = keys_for(field.type);
        for (auto const& item : json.items()) {
            if (allowed.contains(item.key()))
                continue;
            bool known_elsewhere = false;
            for (auto const& entry : field_type_names)
                known_elsewhere = known_elsewhere || keys_for(entry.type).contains(item.key());
            m_reader.error(key_path(path, item.key()),
                known_elsewhere ? "does not apply to a field of type " + std::string(to_string(field.type))
                                : std::string("unknown key"));
        }

        // The condition is read before the field is declared: a field cannot
        // depend on its own answer to be shown.
        field.when = condition(json, path, "when");

        bool is_info = field.type == FieldType::Info;
        field.label = m_reader.text(json, path, "label", !is_info, limit::label);
        field.question = m_reader.text(json, path, "question", false, limit::question);
        if (field.question.empty())
            field.question = field.label;
        field.hint = m_reader.text(json, path, "hint", false, limit::hint);
        field.required = m_reader.boolean(json, path, "required", !is_info && field.type != FieldType::Group);
        field.personal = m_reader.boolean(json, path, "personal", personal_by_default(field.type));
        field.messages = messages(json, path);

        switch (field.type) {
        case FieldType::ShortText:
        case FieldType::LongText: {
            std::size_t default_max = field.type == FieldType::LongText ? 500 : 120;
            field.min_length = m_reader.count(json, path, "min_length", 0, limit::text_length);
            field.max_length = m_reader.count(json, path, "max_length", default_max, limit::text_length);
            if (field.max_length == 0 || field.min_length > field.max_length)
                m_reader.error(path + ".max_length", "must be at least 1 and not below min_length");
            break;
        }
        case FieldType::Number:
            // Twelve digits fill the digit pad's box: more is not a number a
            // resident types.
            field.min = m_reader.whole_number(json, path, "min", -999'999'999'999, 999'999'999'999);
            field.max = m_reader.whole_number(json, path, "max", -999'999'999'999, 999'999'999'999);
            if (field.min && field.max && *field.min > *field.max)
                m_reader.error(path + ".max", "must not be below min");
            break;
        case FieldType::Date:
            field.not_future = m_reader.boolean(json, path, "not_future", false);
            field.not_past = m_reader.boolean(json, path, "not_past", false);
            if (field.not_future && field.not_past)
                m_reader.error(path + ".not_past", "a date cannot be both not in the future and not in the past");
            [[fallthrough]];
        case FieldType::Identity: {
            auto min_age = m_reader.whole_number(json, path, "min_age", 0, 130);
            auto max_age = m_reader.whole_number(json, path, "max_age", 0, 130);
            if (min_age)
                field.min_age = static_cast<int>(*min_age);
            if (max_age)
                field.max_age = static_cast<int>(*max_age);
            if (min_age && max_age && *min_age > *max_age)
                m_reader.error(path + ".max_age", "must not be below min_age");
            if (field.type == FieldType::Identity) {
                field.card = m_reader.boolean(json, path, "card", false);
                auto years = m_reader.whole_number(json, path, "card_expired_max_years", 0, 50);
                if (years)
                    field.card_expired_max_years = static_cast<int>(*years);
                if (years && !field.card)
                    m_reader.error(path + ".card_expired_max_years", "applies only with \"card\": true");
            }
            break;
        }
        case FieldType::Choice:
            choices(json, path, field);
            break;
        case FieldType::MultiChoice:
            choices(json, path, field);
            field.min_selected = m_reader.count(json, path, "min_selected", field.required ? 1 : 0, max_choices);
            field.max_selected = m_reader.count(json, path, "max_selected", field.choices.size(), max_choices);
            // Without choices (already an error) the bounds cannot be checked.
            if (!field.choices.empty()
                && (field.max_selected == 0 || field.min_selected > field.max_selected
                    || field.max_selected > field.choices.size()))
                m_reader.error(path + ".max_selected",
                    "must be at least 1, not below min_selected, and not above the number of choices");
            break;
        case FieldType::Consent:
            field.text = m_reader.text(json, path, "text", true, limit::panel_text);
            break;
        case FieldType::Info:
            field.text = m_reader.text(json, path, "text", true, limit::panel_text);
            field.pictogram = m_reader.string(json, path, "pictogram", false);
            break;
        case FieldType::Group:
            group(json, path, field, ids);
            break;
        case FieldType::Appointment:
            // Which slots: the site's schedule (and later the central
            // services) publish them by service.
            field.service = m_reader.identifier(json, path, "service");
            break;
        case FieldType::YesNo:
        case FieldType::Address:
        case FieldType::Phone:
        case FieldType::Email:
        case FieldType::TrackingCode:
            break;
        }

        // Declared before its rules: a rule checks the field's own answer.
        if (!field.id.empty() && field.type != FieldType::Group)
            m_scope.declare(field);
        rules(json, path, field);
        if (!field.id.empty() && field.type == FieldType::Group)
            m_scope.declare(field);
        return field;
    }

    void group(Json const& json, std::string const& path, Field& field, std::set<std::string>& ids)
    {
        if (!m_scope.group.empty()) {
            m_reader.error(path + ".type", "a group cannot be inside another group");
            return;
        }
        field.item_label = m_reader.text(json, path, "item_label", true, limit::item_label);
        // The first item is always asked: a démarche about children is for
        // someone who has at least one.
        field.min_items = m_reader.count(json, path, "min_items", 1, limit::group_items);
        field.max_items = m_reader.count(json, path, "max_items", 6, limit::group_items);
        if (field.min_items == 0)
            m_reader.error(path + ".min_items", "must be at least 1 (the first item is always asked)");
        else if (field.max_items == 0 || field.min_items > field.max_items)
            m_reader.error(path + ".max_items", "must be at least 1 and not below min_items");
        field.add_question
            = m_reader.text(json, path, "add_question", field.max_items > field.min_items, limit::question);
        auto const* members = m_reader.array(json, path, "fields");
        if (!members)
            return;
        if (members->empty() || members->size() > limit::group_fields)
            m_reader.error(
                path + ".fields", "a group has between 1 and " + std::to_string(limit::group_fields) + " fields");
        m_scope.group = field.id;
        m_scope.item.clear();
        field.fields.reserve(std::min(members->size(), limit::group_fields));
        for (std::size_t i = 0; i < members->size() && i < limit::group_fields; ++i)
            field.fields.push_back(this->field((*members)[i], element(path, "fields", i), ids));
        m_scope.group.clear();
        m_scope.item.clear();
    }

    Page page(Json const& json, std::string const& path, std::set<std::string>& field_ids)
    {
        Page page;
        if (!m_reader.is_object(json, path, "a page"))
            return page;
        m_reader.check_keys(json, path, { "id", "title", "instruction", "when", "fields" });
        page.id = m_reader.identifier(json, path, "id");
        page.title = m_reader.text(json, path, "title", true, limit::section);
        page.instruction = m_reader.text(json, path, "instruction", false, limit::instruction);
        page.when = condition(json, path, "when");
        if (auto const* fields = m_reader.array(json, path, "fields")) {
            if (fields->empty() || fields->size() > max_fields_per_page)
                m_reader.error(
                    path + ".fields", "a page has between 1 and " + std::to_string(max_fields_per_page) + " fields");
            page.fields.reserve(std::min(fields->size(), max_fields_per_page));
            for (std::size_t i = 0; i < fields->size() && i < max_fields_per_page; ++i)
                page.fields.push_back(field((*fields)[i], element(path, "fields", i), field_ids));
        }
        return page;
    }

private:
    Reader& m_reader;
    Scope& m_scope;
};

// Every field id and the group it is in, before reading: see Scope.
void collect_field_ids(Json const& json, Scope& scope)
{
    auto pages = json.find("pages");
    if (pages == json.end() || !pages->is_array())
        return;
    for (auto const& page : *pages) {
        if (!page.is_object() || !page.contains("fields") || !page["fields"].is_array())
            continue;
        for (auto const& field : page["fields"]) {
            if (!field.is_object() || !field.contains("id") || !field["id"].is_string())
                continue;
            auto id = field["id"].get<std::string>();
            scope.everywhere.emplace(id, "");
            if (!field.contains("fields") || !field["fields"].is_array())
                continue;
            for (auto const& member : field["fields"]) {
                if (member.is_object() && member.contains("id") && member["id"].is_string())
                    scope.everywhere.emplace(member["id"].get<std::string>(), id);
            }
        }
    }
}

DeviceNeed device_need(
    Reader& reader, Json const& devices, std::string const& path, char const* key, DeviceNeed fallback)
{
    auto text = reader.string(devices, path, key, false);
    if (text.empty())
        return fallback;
    if (text == "none")
        return DeviceNeed::None;
    if (text == "optional")
        return DeviceNeed::Optional;
    if (text == "required")
        return DeviceNeed::Required;
    reader.error(key_path(path, key), "must be 'none', 'optional' or 'required'");
    return fallback;
}

}

// [SECTION] Entry points

std::optional<Orientation> load_orientation(CatalogueSource const& source, std::vector<LoadError>& errors,
    LoadOptions const& options, std::vector<LoadError>* untranslated)
{
    Reader reader(source.name, errors, options, untranslated);
    auto parsed = reader.parse_object(source.text, "the orientation file");
    if (!parsed)
        return std::nullopt;
    auto const& json = *parsed;
    reader.check_keys(json, "$", { "format", "themes", "situations" });
    reader.check_format(json);

    Orientation orientation;
    auto read_entries = [&](char const* key, auto&& read_one) {
        auto const* list = reader.array(json, "$", key);
        if (!list)
            return;
        if (list->empty() || list->size() > limit::orientation_entries)
            reader.error(std::string("$.") + key,
                "must have between 1 and " + std::to_string(limit::orientation_entries)
                    + " entries (one screen of tiles)");
        std::set<std::string> seen;
        for (std::size_t i = 0; i < list->size() && i < limit::orientation_entries; ++i) {
            auto path = element("$", key, i);
            auto const& item = (*list)[i];
            if (!reader.is_object(item, path, "an entry"))
                continue;
            auto id = read_one(item, path);
            if (!id.empty() && !seen.insert(id).second)
                reader.error(path + ".id", "duplicate id " + in_quotes(id));
        }
    };
    read_entries("themes", [&](Json const& item, std::string const& path) {
        reader.check_keys(item, path, { "id", "title", "description", "pictogram" });
        Theme theme;
        theme.id = reader.identifier(item, path, "id");
        theme.title = reader.text(item, path, "title", true, limit::theme_title);
        theme.description = reader.text(item, path, "description", false, limit::description);
        theme.pictogram = reader.string(item, path, "pictogram");
        orientation.themes.push_back(theme);
        return theme.id;
    });
    read_entries("situations", [&](Json const& item, std::string const& path) {
        reader.check_keys(item, path, { "id", "title", "pictogram" });
        Situation situation;
        situation.id = reader.identifier(item, path, "id");
        situation.title = reader.text(item, path, "title", true, limit::situation_title);
        situation.pictogram = reader.string(item, path, "pictogram");
        orientation.situations.push_back(situation);
        return situation.id;
    });
    if (reader.failed())
        return std::nullopt;
    return orientation;
}

std::optional<Demarche> load_demarche(CatalogueSource const& source, Orientation const& orientation,
    std::vector<LoadError>& errors, LoadOptions const& options, std::vector<LoadError>* untranslated)
{
    Reader reader(source.name, errors, options, untranslated);
    auto parsed = reader.parse_object(source.text, "a démarche");
    if (!parsed)
        return std::nullopt;
    auto const& json = *parsed;

    std::string const root = "$";
    reader.check_keys(json, root,
        { "format", "id", "kind", "version", "title", "short_title", "description", "pictogram", "theme", "situations",
            "intro", "devices", "when_unavailable", "pages", "receipt" });
    reader.check_format(json);

    Demarche demarche;
    demarche.id = reader.identifier(json, root, "id");
    auto kind = reader.string(json, root, "kind", false);
    if (kind == "follow_up")
        demarche.kind = DemarcheKind::FollowUp;
    else if (!kind.empty() && kind != "dossier")
        reader.error("$.kind", "must be 'dossier' (the default) or 'follow_up'");
    demarche.version = reader.string(json, root, "version");
    demarche.title = reader.text(json, root, "title", true, limit::title);
    demarche.short_title = reader.text(json, root, "short_title", false, limit::short_title);
    if (demarche.short_title.empty()) {
        demarche.short_title = demarche.title;
        if (utf8::length(demarche.title.fr()) > limit::short_title)
            reader.error("$.short_title",
                "missing, and the title is too long for a tile (" + std::to_string(limit::short_title)
                    + " characters at most)");
    }
    demarche.description = reader.text(json, root, "description", true, limit::description);
    demarche.pictogram = reader.string(json, root, "pictogram");
    demarche.theme = reader.identifier(json, root, "theme");
    if (!demarche.theme.empty() && !orientation.find_theme(demarche.theme))
        reader.error(
            "$.theme", "unknown theme " + in_quotes(demarche.theme) + " (themes are listed in orientation.json)");
    if (auto const* situations = reader.array(json, root, "situations", false)) {
        for (std::size_t i = 0; i < situations->size(); ++i) {
            auto path = element(root, "situations", i);
            auto id = reader.string_value((*situations)[i], path);
            if (id.empty())
                continue;
            if (!orientation.find_situation(id))
                reader.error(
                    path, "unknown life situation " + in_quotes(id) + " (situations are listed in orientation.json)");
            else if (std::find(demarche.situations.begin(), demarche.situations.end(), id) != demarche.situations.end())
                reader.error(path, "listed twice");
            else
                demarche.situations.push_back(id);
        }
    }

    if (auto const* intro = reader.object(json, root, "intro")) {
        std::string const path = "$.intro";
        reader.check_keys(*intro, path, { "asks", "have_at_hand", "minutes" });
        demarche.intro.asks = reader.text(*intro, path, "asks", true, limit::intro_asks);
        auto minutes = reader.whole_number(*intro, path, "minutes", 1, 60);
        if (!minutes && !intro->contains("minutes"))
            reader.error(path + ".minutes", "missing (about how many minutes it takes)");
        demarche.intro.minutes = static_cast<int>(minutes.value_or(5));
        if (auto const* items = reader.array(*intro, path, "have_at_hand", false)) {
            if (items->size() > limit::at_hand_items)
                reader.error(path + ".have_at_hand",
                    std::to_string(limit::at_hand_items) + " items at most (the start screen lists them all)");
            for (std::size_t i = 0; i < items->size() && i < limit::at_hand_items; ++i) {
                auto text = reader.text_value((*items)[i], element(path, "have_at_hand", i), limit::at_hand_item);
                demarche.intro.have_at_hand.push_back(std::move(text));
            }
        }
    }

    if (auto const* devices = reader.object(json, root, "devices", false)) {
        reader.check_keys(*devices, "$.devices", { "printer", "card_reader" });
        demarche.devices.printer = device_need(reader, *devices, "$.devices", "printer", DeviceNeed::Optional);
        demarche.devices.card_reader = device_need(reader, *devices, "$.devices", "card_reader", DeviceNeed::None);
    }
    demarche.when_unavailable = reader.text(json, root, "when_unavailable", false, limit::message);
    if (demarche.when_unavailable.empty())
        demarche.when_unavailable = Text(N_("Cette démarche n'est pas possible sur la borne pour le moment. "
                                            "Un agent de l'accueil peut la faire avec vous."));

    Scope scope;
    collect_field_ids(json, scope);
    DemarcheReader pages_reader(reader, scope);
    std::set<std::string> field_ids;
    std::set<std::string> page_ids;
    if (auto const* pages = reader.array(json, root, "pages")) {
        if (pages->empty() || pages->size() > max_pages)
            reader.error("$.pages", "a démarche has between 1 and " + std::to_string(max_pages) + " pages");
        demarche.pages.reserve(std::min(pages->size(), max_pages));
        for (std::size_t i = 0; i < pages->size() && i < max_pages; ++i) {
            auto page_path = element(root, "pages", i);
            auto page = pages_reader.page((*pages)[i], page_path, field_ids);
            if (!page.id.empty() && !page_ids.insert(page.id).second)
                reader.error(page_path + ".id", "duplicate page id " + in_quotes(page.id));
            demarche.pages.push_back(std::move(page));
        }
    }
    // A follow-up keeps nothing and prints nothing: it has no receipt, and
    // it asks for the code alone (a panel may explain where to find it).
    bool follow_up = demarche.kind == DemarcheKind::FollowUp;
    if (auto const* receipt = reader.object(json, root, "receipt", !follow_up)) {
        if (follow_up)
            reader.error("$.receipt", "a follow_up démarche prints no receipt");
        reader.check_keys(*receipt, "$.receipt", { "title", "next_steps" });
        demarche.receipt.title = reader.text(*receipt, "$.receipt", "title", true, limit::receipt_title);
        demarche.receipt.next_steps = reader.text(*receipt, "$.receipt", "next_steps", true, limit::next_steps);
    }
    std::size_t codes = 0, answers = 0;
    for (auto const& page : demarche.pages) {
        for (auto const& field : page.fields) {
            codes += field.type == FieldType::TrackingCode;
            answers += field.type != FieldType::Info && field.type != FieldType::TrackingCode;
            if (field.type == FieldType::TrackingCode && (!field.required || field.when || page.when))
                reader.error("$.pages", "the tracking_code field is always asked: no 'required': false, no 'when'");
            for (auto const& member : field.fields)
                codes += member.type == FieldType::TrackingCode;
        }
    }
    if (follow_up && (codes != 1 || answers != 0))
        reader.error("$.pages", "a follow_up démarche asks for one tracking_code field and nothing else");
    if (!follow_up && codes != 0)
        reader.error("$.pages", "a tracking_code field belongs in a démarche of kind follow_up");

    if (reader.failed())
        return std::nullopt;
    return demarche;
}

Catalogue load_catalogue(
    CatalogueSource const& orientation_source, std::vector<CatalogueSource> const& sources, LoadOptions const& options)
{
    Catalogue catalogue;
    auto orientation = load_orientation(orientation_source, catalogue.errors, options, &catalogue.untranslated);
    if (!orientation) {
        catalogue.errors.push_back(LoadError { orientation_source.name, "$",
            "no démarche can be checked without a sound orientation file: none is loaded" });
        return catalogue;
    }
    catalogue.orientation = std::move(*orientation);

    // Each démarche is checked on its own, so a big catalogue is checked on
    // every core at once (the kiosk starts faster); the results are then
    // taken in file order, so that errors and duplicates read the same
    // whatever the number of cores.
    struct Loaded {
        std::optional<Demarche> demarche;
        std::vector<LoadError> errors;
        std::vector<LoadError> untranslated;
    };
    std::vector<Loaded> loaded(sources.size());
    auto load_range = [&](std::size_t first, std::size_t step) {
        for (std::size_t i = first; i < sources.size(); i += step)
            loaded[i].demarche
                = load_demarche(sources[i], catalogue.orientation, loaded[i].errors, options, &loaded[i].untranslated);
    };
    std::size_t workers = sources.size() < 16 ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
    std::vector<std::thread> threads;
    for (std::size_t w = 1; w < workers; ++w)
        threads.emplace_back(load_range, w, workers);
    load_range(0, workers);
    for (auto& thread : threads)
        thread.join();

    for (std::size_t i = 0; i < sources.size(); ++i) {
        auto& [demarche, errors, untranslated] = loaded[i];
        catalogue.errors.insert(catalogue.errors.end(), errors.begin(), errors.end());
        if (!demarche)
            continue;
        catalogue.untranslated.insert(catalogue.untranslated.end(), untranslated.begin(), untranslated.end());
        if (catalogue.find(demarche->id)) {
            catalogue.errors.push_back(LoadError { sources[i].name, "$.id",
                "another file already defines the démarche " + in_quotes(demarche->id) }); // verbatim
            continue;
        }
        catalogue.demarches.push_back(std::move(*demarche));
    }
    return catalogue;
}

namespace {

void for_each_field_text(Field const& field, std::function<void(Text const&)> const& visit)
{
    for (auto const* text :
        { &field.label, &field.question, &field.hint, &field.text, &field.item_label, &field.add_question })
        visit(*text);
    for (auto const& choice : field.choices) {
        visit(choice.label);
        visit(choice.hint);
    }
    for (auto const& rule : field.rules)
        visit(rule.message);
    for (auto const* message :
        { &field.messages.required, &field.messages.too_short, &field.messages.too_long, &field.messages.invalid }) {
        if (*message)
            visit(**message);
    }
    for (auto const& member : field.fields)
        for_each_field_text(member, visit);
}

}

void for_each_text(Demarche const& demarche, std::function<void(Text const&)> const& visit)
{
    for (auto const* text : { &demarche.title, &demarche.short_title, &demarche.description, &demarche.intro.asks,
             &demarche.when_unavailable, &demarche.receipt.title, &demarche.receipt.next_steps })
        visit(*text);
    for (auto const& paper : demarche.intro.have_at_hand)
        visit(paper);
    for (auto const& page : demarche.pages) {
        visit(page.title);
        visit(page.instruction);
        for (auto const& field : page.fields)
            for_each_field_text(field, visit);
    }
}

void for_each_text(Catalogue const& catalogue, std::function<void(Text const&)> const& visit)
{
    for (auto const& theme : catalogue.orientation.themes) {
        visit(theme.title);
        visit(theme.description);
    }
    for (auto const& situation : catalogue.orientation.situations)
        visit(situation.title);
    for (auto const& demarche : catalogue.demarches)
        for_each_text(demarche, visit);
}

}
