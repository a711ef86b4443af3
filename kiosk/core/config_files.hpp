// Reads the kiosk's settings files (kiosk/core/kiosk_config.hpp): the
// image's defaults and the kiosk's own. The kiosk and kioskctl both read
// through here; kioskctl alone writes DATA/config.json.
#pragma once

#include "kiosk/core/kiosk_config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

// The image's defaults, on the read-only root.
inline constexpr char const* system_config_path = "/etc/guichet/config.json";
// The kiosk's own, in its data folder.
inline constexpr char const* kiosk_config_name = "config.json";

struct ConfigFiles {
    std::filesystem::path system { system_config_path };
    std::filesystem::path kiosk; // DATA/config.json
};

struct LoadedConfig {
    ConfigLayer system;
    ConfigLayer kiosk;
    // A missing file is an empty layer; an unreadable or invalid one too,
    // with its error here ("config.malformed: FILE: ...").
    std::vector<Error> problems;

    // The value in force: the kiosk's, else the image's, else the default.
    std::string value(ConfigKey const& key) const;
    // "kiosk", "system" or "default".
    char const* source(ConfigKey const& key) const;
    // Both layers as the kiosk's options, the kiosk's last.
    std::vector<std::string> arguments() const;
};

LoadedConfig load_config_files(ConfigFiles const& files);

}
