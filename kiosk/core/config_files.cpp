#include "kiosk/core/config_files.hpp"

#include <fstream>
#include <sstream>

namespace guichet {

namespace {

void load_layer(std::filesystem::path const& path, ConfigLayer& layer, std::vector<Error>& problems)
{
    std::error_code error;
    if (path.empty() || !std::filesystem::exists(path, error))
        return;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        problems.push_back(Error::make("config.unreadable", path.string() + ": cannot be read"));
        return;
    }
    auto parsed = parse_config(text.str());
    if (!parsed) {
        problems.push_back(Error::make(parsed.error().code, path.string() + ": " + parsed.error().detail));
        return;
    }
    layer = parsed.release_value();
}

}

std::string LoadedConfig::value(ConfigKey const& key) const
{
    if (auto found = kiosk.find(key.name); found != kiosk.end())
        return found->second;
    if (auto found = system.find(key.name); found != system.end())
        return found->second;
    return key.fallback;
}

char const* LoadedConfig::source(ConfigKey const& key) const
{
    if (kiosk.contains(key.name))
        return "kiosk";
    if (system.contains(key.name))
        return "system";
    return "default";
}

std::vector<std::string> LoadedConfig::arguments() const
{
    auto words = config_arguments(system);
    for (auto& word : config_arguments(kiosk))
        words.push_back(std::move(word));
    return words;
}

LoadedConfig load_config_files(ConfigFiles const& files)
{
    LoadedConfig loaded;
    load_layer(files.system, loaded.system, loaded.problems);
    load_layer(files.kiosk, loaded.kiosk, loaded.problems);
    return loaded;
}

}
