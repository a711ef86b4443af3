#include "kiosk/core/kiosk_config.hpp"

#include "kiosk/core/setup.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace guichet {

namespace {

// The descriptions are kioskctl's (`kioskctl config --help`).
constexpr std::array keys {
    ConfigKey { "printer", "--printer", "pdf:var/receipts" },
    ConfigKey { "card", "--card", "sim" },
    ConfigKey { "speech", "--speech", "sdl" },
    ConfigKey { "site", "--site", "" },
    ConfigKey { "desk_letter", "--desk-letter", "A" },
    ConfigKey { "idle_warning", "--idle-warning", "45" },
    ConfigKey { "idle_end", "--idle-end", "30" },
    ConfigKey { "window", "--window", "1920x1080" },
    ConfigKey { "renderer", "--renderer", "auto" },
    ConfigKey { "mrz_scanner", "--mrz-scanner", "false", true },
    ConfigKey { "hub_url", "--hub-url", "" },
    ConfigKey { "hub_ca", "--hub-ca", "" },
};

std::optional<int> whole_number(std::string_view text)
{
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

bool is_queue_name(std::string_view name)
{
    // CUPS: printable characters but space, tab, '/', '\\', '\'', '"', '#'.
    return !name.empty() && name.size() <= 127 && std::ranges::all_of(name, [](char c) {
        return c > ' ' && c < 127 && c != '/' && c != '\\' && c != '\'' && c != '"' && c != '#';
    });
}

Result<void> invalid(std::string_view key, std::string sentence)
{
    return Error::make("config.invalid", std::string(key) + " : " + sentence);
}

}

std::span<ConfigKey const> config_keys()
{
    return keys;
}

ConfigKey const* find_config_key(std::string_view name)
{
    for (auto const& key : keys)
        if (name == key.name)
            return &key;
    return nullptr;
}

Result<void> check_config_value(std::string_view name, std::string_view value)
{
    auto const* key = find_config_key(name);
    if (!key)
        return Error::make("config.unknown_key", "« " + std::string(name) + " » n'est pas un réglage de la borne.");
    std::string_view const k = key->name;
    auto error = [&](std::string sentence) { return invalid(k, std::move(sentence)); };
    if (k == "printer") {
        if (value == "cups" || value == "none")
            return {};
        if (value.starts_with("cups:"))
            return is_queue_name(value.substr(5))
                ? Result<void>()
                : error("le nom de file CUPS est vide ou contient un caractère interdit.");
        if (value.starts_with("pdf:") && value.size() > 4)
            return {};
        return error("cups, cups:FILE, pdf:DOSSIER ou none.");
    }
    if (k == "card") {
        if (value == "pcsc" || value == "sim" || value == "none" || (value.starts_with("pcsc:") && value.size() > 5))
            return {};
        return error("pcsc, pcsc:NOM, sim ou none.");
    }
    if (k == "speech") {
        if (value == "sdl" || value == "none" || (value.starts_with("wav:") && value.size() > 4))
            return {};
        return error("sdl, wav:DOSSIER ou none.");
    }
    if (k == "site") {
        if (value.empty() || value.size() > 60
            || std::ranges::any_of(value, [](char c) { return static_cast<unsigned char>(c) < ' '; }))
            return error("de 1 à 60 caractères, sur une ligne.");
        return {};
    }
    if (k == "desk_letter") {
        if (value.size() == 1 && value[0] >= 'A' && value[0] <= 'Z')
            return {};
        return error("une lettre majuscule, de A à Z.");
    }
    if (k == "idle_warning" || k == "idle_end") {
        auto seconds = whole_number(value);
        if (seconds && *seconds >= 5 && *seconds <= 600)
            return {};
        return error("un nombre de secondes, de 5 à 600.");
    }
    if (k == "window") {
        if (value == "auto")
            return {};
        auto x = value.find('x');
        auto width = x == std::string_view::npos ? std::nullopt : whole_number(value.substr(0, x));
        auto height = x == std::string_view::npos ? std::nullopt : whole_number(value.substr(x + 1));
        if (width && height && *width >= 640 && *height >= 360 && *width <= 16384 && *height <= 16384)
            return {};
        return error("auto, ou LARGEURxHAUTEUR d'au moins 640x360 (par exemple 1920x1080).");
    }
    if (k == "hub_url") {
        std::string why;
        if (normalise_hub_url(std::string(value), why).empty())
            return error(why);
        return {};
    }
    if (k == "hub_ca") {
        if (value.starts_with("/") && value.size() > 1)
            return {};
        return error("le chemin complet d'un certificat PEM, par exemple /etc/guichet/hub-ca.pem.");
    }
    if (k == "renderer") {
        if (value == "auto" || value == "software" || value == "accelerated")
            return {};
        return error("auto, software ou accelerated.");
    }
    if (key->boolean) {
        if (value == "true" || value == "false")
            return {};
        return error("true ou false.");
    }
    return {};
}

Result<ConfigLayer> parse_config(std::string_view text)
{
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return Error::make("config.malformed", "le fichier n'est pas un objet JSON.");
    ConfigLayer layer;
    for (auto const& [name, value] : json.items()) {
        std::string text_value;
        if (value.is_string())
            text_value = value.get<std::string>();
        else if (value.is_boolean())
            text_value = value.get<bool>() ? "true" : "false";
        else if (value.is_number_integer())
            text_value = std::to_string(value.get<long long>());
        else
            return Error::make("config.invalid", name + " : la valeur doit être un texte.");
        GUICHET_TRY(check_config_value(name, text_value));
        layer[name] = text_value;
    }
    return layer;
}

std::string dump_config(ConfigLayer const& layer)
{
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (auto const& [name, value] : layer)
        json[name] = value;
    return json.dump(2) + "\n";
}

std::vector<std::string> config_arguments(ConfigLayer const& layer)
{
    std::vector<std::string> arguments;
    for (auto const& key : keys) {
        auto found = layer.find(key.name);
        if (found == layer.end())
            continue;
        if (key.boolean) {
            if (found->second == "true")
                arguments.emplace_back(key.option);
            continue;
        }
        arguments.emplace_back(key.option);
        arguments.push_back(found->second);
    }
    return arguments;
}

}
