#include "catalogue.hpp"

#include "utf8.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace guichet {

using Json = nlohmann::json;

ChoiceOption const* Field::find_choice(std::string_view choice_id) const
{
    for (auto const& choice : choices) {
        if (choice.id == choice_id)
            return &choice;
    }
    return nullptr;
}

Field const* Demarche::find_field(std::string_view field_id) const
{
    for (auto const& page : pages) {
        for (auto const& field : page.fields) {
            if (field.id == field_id)
                return &field;
        }
    }
    return nullptr;
}

Demarche const* Catalogue::find(std::string_view demarche_id) const
{
    for (auto const& demarche : demarches) {
        if (demarche.id == demarche_id)
            return &demarche;
    }
    return nullptr;
}

std::string LoadError::to_string() const
{
    return file + ": " + json_path + ": " + reason;
}

namespace {

// [SECTION] A reader that walks the JSON tree, keeps the JSON path of where
// it is, and collects errors instead of stopping at the first one.

class Reader {
public:
    Reader(std::string file, std::vector<LoadError>& errors)
        : m_file(std::move(file))
        , m_errors(errors)
    {
    }

    void error(std::string const& path, std::string reason)
    {
        m_errors.push_back(LoadError { m_file, path, std::move(reason) });
        m_failed = true;
    }
    bool failed() const { return m_failed; }

    // Reports keys the format does not know: a typo in a catalogue
    // ("requried") must not silently change a démarche.
    void check_keys(Json const& object, std::string const& path, std::set<std::string> const& allowed)
    {
        for (auto const& item : object.items()) {
            if (!allowed.contains(item.key()))
                error(path + "." + item.key(), "unknown key");
        }
    }

    std::string string(Json const& object, std::string const& path, char const* key, bool required = true)
    {
        auto it = object.find(key);
        if (it == object.end()) {
            if (required)
                error(path + "." + key, "missing (a text is required)");
            return {};
        }
        if (!it->is_string()) {
            error(path + "." + key, std::string("must be a text, found ") + it->type_name());
            return {};
        }
        auto value = it->get<std::string>();
        if (!utf8::is_valid(value)) {
            error(path + "." + key, "is not valid UTF-8");
            return {};
        }
        if (required && value.empty())
            error(path + "." + key, "must not be empty");
        return value;
    }

    // A text shown in a box of fixed size: longer would spill out of it,
    // and easy-to-read French keeps such texts short anyway.
    std::string short_text(
        Json const& object, std::string const& path, char const* key, std::size_t max_characters, bool required)
    {
        auto value = string(object, path, key, required);
        if (utf8::length(value) > max_characters)
            error(path + "." + key,
                "too long for the screen: " + std::to_string(max_characters) + " characters at most, found "
                    + std::to_string(utf8::length(value)));
        return value;
    }

    std::string identifier(Json const& object, std::string const& path, char const* key)
    {
        auto value = string(object, path, key);
        if (value.empty())
            return value;
        for (char c : value) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                error(path + "." + key, "must use only a-z, 0-9, '-' and '_'");
                break;
            }
        }
        return value;
    }

    bool boolean(Json const& object, std::string const& path, char const* key, bool fallback)
    {
        auto it = object.find(key);
        if (it == object.end())
            return fallback;
        if (!it->is_boolean()) {
            error(path + "." + key, std::string("must be true or false, found ") + it->type_name());
            return fallback;
        }
        return it->get<bool>();
    }

    std::size_t count(Json const& object, std::string const& path, char const* key, std::size_t fallback)
    {
        auto it = object.find(key);
        if (it == object.end())
            return fallback;
        if (!it->is_number_unsigned()) {
            error(path + "." + key, "must be a whole number, 0 or more");
            return fallback;
        }
        return it->get<std::size_t>();
    }

    Json const* array(Json const& object, std::string const& path, char const* key, bool required = true)
    {
        auto it = object.find(key);
        if (it == object.end()) {
            if (required)
                error(path + "." + key, "missing (a list is required)");
            return nullptr;
        }
        if (!it->is_array()) {
            error(path + "." + key, std::string("must be a list, found ") + it->type_name());
            return nullptr;
        }
        return &*it;
    }

    Json const* object(Json const& parent, std::string const& path, char const* key, bool required = true)
    {
        auto it = parent.find(key);
        if (it == parent.end()) {
            if (required)
                error(path + "." + key, "missing (an object is required)");
            return nullptr;
        }
        if (!it->is_object()) {
            error(path + "." + key, std::string("must be an object, found ") + it->type_name());
            return nullptr;
        }
        return &*it;
    }

private:
    std::string m_file;
    std::vector<LoadError>& m_errors;
    bool m_failed { false };
};

std::optional<FieldType> parse_field_type(std::string_view text)
{
    if (text == "text")
        return FieldType::ShortText;
    if (text == "long_text")
        return FieldType::LongText;
    if (text == "phone")
        return FieldType::Phone;
    if (text == "choice")
        return FieldType::Choice;
    return std::nullopt;
}

std::string element(std::string const& path, char const* key, std::size_t index)
{
    return path + "." + key + "[" + std::to_string(index) + "]";
}

ChoiceOption read_choice(Reader& reader, Json const& json, std::string const& path)
{
    ChoiceOption choice;
    if (!json.is_object()) {
        reader.error(path, "must be an object");
        return choice;
    }
    reader.check_keys(json, path, { "id", "label", "hint", "pictogram" });
    choice.id = reader.identifier(json, path, "id");
    choice.label = reader.short_text(json, path, "label", 24, true);
    choice.hint = reader.short_text(json, path, "hint", 40, false);
    choice.pictogram = reader.string(json, path, "pictogram");
    return choice;
}

FieldMessages read_messages(Reader& reader, Json const& field, std::string const& path)
{
    FieldMessages messages;
    auto const* json = reader.object(field, path, "messages", false);
    if (!json)
        return messages;
    auto messages_path = path + ".messages";
    reader.check_keys(*json, messages_path, { "required", "too_short", "too_long", "invalid" });
    auto read = [&](char const* key, std::optional<std::string>& target) {
        if (json->contains(key))
            target = reader.string(*json, messages_path, key);
    };
    read("required", messages.required);
    read("too_short", messages.too_short);
    read("too_long", messages.too_long);
    read("invalid", messages.invalid);
    return messages;
}

Field read_field(Reader& reader, Json const& json, std::string const& path)
{
    Field field;
    if (!json.is_object()) {
        reader.error(path, "must be an object");
        return field;
    }
    reader.check_keys(json, path,
        { "id", "type", "label", "hint", "required", "personal", "min_length", "max_length", "choices", "messages" });
    field.id = reader.identifier(json, path, "id");
    auto type_text = reader.string(json, path, "type");
    if (auto type = parse_field_type(type_text))
        field.type = *type;
    else if (!type_text.empty())
        reader.error(
            path + ".type", "unknown field type '" + type_text + "' (expected text, long_text, phone or choice)");
    field.label = reader.string(json, path, "label");
    field.hint = reader.string(json, path, "hint", false);
    field.required = reader.boolean(json, path, "required", true);
    field.personal = reader.boolean(json, path, "personal", field.type == FieldType::Phone);
    std::size_t default_max = field.type == FieldType::LongText ? 500 : 120;
    field.min_length = reader.count(json, path, "min_length", 0);
    field.max_length = reader.count(json, path, "max_length", default_max);
    if (field.max_length == 0 || field.min_length > field.max_length)
        reader.error(path + ".max_length", "must be at least 1 and not below min_length");
    field.messages = read_messages(reader, json, path);

    auto const* choices = reader.array(json, path, "choices", field.type == FieldType::Choice);
    if (choices && field.type != FieldType::Choice)
        reader.error(path + ".choices", "only a field of type choice has choices");
    if (choices && field.type == FieldType::Choice) {
        if (choices->size() < 2)
            reader.error(path + ".choices", "a choice needs at least 2 options");
        if (choices->size() > max_choices)
            reader.error(path + ".choices",
                "at most " + std::to_string(max_choices) + " options in format 1 (one row of tiles on the screen)");
        std::set<std::string> seen;
        for (std::size_t i = 0; i < choices->size(); ++i) {
            auto choice_path = element(path, "choices", i);
            auto choice = read_choice(reader, (*choices)[i], choice_path);
            if (!choice.id.empty() && !seen.insert(choice.id).second)
                reader.error(choice_path + ".id", "duplicate choice id '" + choice.id + "'");
            field.choices.push_back(std::move(choice));
        }
    }
    return field;
}

Page read_page(Reader& reader, Json const& json, std::string const& path, std::set<std::string>& field_ids)
{
    Page page;
    if (!json.is_object()) {
        reader.error(path, "must be an object");
        return page;
    }
    reader.check_keys(json, path, { "id", "title", "instruction", "fields" });
    page.id = reader.identifier(json, path, "id");
    page.title = reader.string(json, path, "title");
    page.instruction = reader.string(json, path, "instruction", false);
    if (auto const* fields = reader.array(json, path, "fields")) {
        // One question per screen: a page asks for one thing. Several
        // fields on a page would need scrolling and a keyboard focus dance
        // that residents find hard.
        if (fields->size() != 1)
            reader.error(path + ".fields", "a page must have exactly one field (one question per screen)");
        for (std::size_t i = 0; i < fields->size(); ++i) {
            auto field_path = element(path, "fields", i);
            auto field = read_field(reader, (*fields)[i], field_path);
            if (!field.id.empty() && !field_ids.insert(field.id).second)
                reader.error(field_path + ".id", "duplicate field id '" + field.id + "'");
            page.fields.push_back(std::move(field));
        }
    }
    return page;
}

}

std::optional<Demarche> load_demarche(CatalogueSource const& source, std::vector<LoadError>& errors)
{
    Reader reader(source.name, errors);
    // nlohmann's parse errors say where the parser stopped ("at line 12,
    // column 5"): worth keeping for the author. The exception stays inside
    // this function.
    Json json;
    try {
        json = Json::parse(source.text);
    } catch (Json::parse_error const& e) {
        reader.error("$", std::string("not valid JSON: ") + e.what());
        return std::nullopt;
    }
    if (!json.is_object()) {
        reader.error("$", "a démarche must be a JSON object");
        return std::nullopt;
    }

    std::string const root = "$";
    reader.check_keys(json, root,
        { "format", "id", "version", "title", "short_title", "description", "pictogram", "theme", "pages", "receipt" });
    auto format = json.find("format");
    if (format == json.end() || !format->is_number_unsigned() || format->get<unsigned>() != 1)
        reader.error("$.format", "must be 1 (the only catalogue format this kiosk reads)");

    Demarche demarche;
    demarche.id = reader.identifier(json, root, "id");
    demarche.version = reader.string(json, root, "version");
    demarche.title = reader.string(json, root, "title");
    demarche.short_title = reader.short_text(json, root, "short_title", 30, false);
    if (demarche.short_title.empty())
        demarche.short_title = demarche.title;
    demarche.description = reader.short_text(json, root, "description", 90, false);
    demarche.pictogram = reader.string(json, root, "pictogram");
    demarche.theme = reader.identifier(json, root, "theme");

    std::set<std::string> field_ids;
    std::set<std::string> page_ids;
    if (auto const* pages = reader.array(json, root, "pages")) {
        if (pages->empty())
            reader.error("$.pages", "a démarche needs at least one page");
        if (pages->size() > max_pages)
            reader.error("$.pages",
                "at most " + std::to_string(max_pages)
                    + " pages in format 1 (the review screen shows that many answers)");
        for (std::size_t i = 0; i < pages->size(); ++i) {
            auto page_path = element(root, "pages", i);
            auto page = read_page(reader, (*pages)[i], page_path, field_ids);
            if (!page.id.empty() && !page_ids.insert(page.id).second)
                reader.error(page_path + ".id", "duplicate page id '" + page.id + "'");
            demarche.pages.push_back(std::move(page));
        }
    }
    if (auto const* receipt = reader.object(json, root, "receipt")) {
        reader.check_keys(*receipt, "$.receipt", { "title", "next_steps" });
        demarche.receipt.title = reader.string(*receipt, "$.receipt", "title");
        demarche.receipt.next_steps = reader.string(*receipt, "$.receipt", "next_steps");
    }

    if (reader.failed())
        return std::nullopt;
    return demarche;
}

Catalogue load_catalogue(std::vector<CatalogueSource> const& sources)
{
    Catalogue catalogue;
    for (auto const& source : sources) {
        auto demarche = load_demarche(source, catalogue.errors);
        if (!demarche)
            continue;
        if (catalogue.find(demarche->id)) {
            catalogue.errors.push_back(
                LoadError { source.name, "$.id", "another file already defines the démarche '" + demarche->id + "'" });
            continue;
        }
        catalogue.demarches.push_back(std::move(*demarche));
    }
    return catalogue;
}

}
