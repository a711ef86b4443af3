// The kiosk's settings as a technician sets them: `kioskctl config set
// printer cups:recus`. Three layers, the later winning: the built-in
// defaults, the image's /etc/guichet/config.json (read-only root), and the
// kiosk's own DATA/config.json (what kioskctl writes). The kiosk's command
// line comes last and wins over all of them.
//
// Each key stands for one of the kiosk's options (`--printer`, ...): a
// layer is turned into those options and the kiosk parses them as if typed,
// so a value means the same in a file and on the command line. Values are
// checked here, when set, with a sentence the technician understands.
#pragma once

#include "kiosk/core/result.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace guichet {

struct ConfigKey {
    char const* name; // "printer"
    char const* option; // "--printer"
    char const* fallback; // the kiosk's built-in default, as the value
    bool boolean { false }; // "true" or "false"; the option is a flag
};

// Every key, in the order `kioskctl config get` lists them.
std::span<ConfigKey const> config_keys();
ConfigKey const* find_config_key(std::string_view name);

// One layer: key -> value, every value a string as typed.
using ConfigLayer = std::map<std::string, std::string>;

// Checks VALUE for KEY: "config.unknown_key" or "config.invalid", whose
// detail is the technician's sentence (French).
Result<void> check_config_value(std::string_view key, std::string_view value);

// A layer from its file's text: a JSON object of strings (numbers and
// booleans are taken as their text). Every key and value is checked: one
// bad entry rejects the file, whose detail names it.
Result<ConfigLayer> parse_config(std::string_view text);
// The file's text: a JSON object, keys sorted, one per line.
std::string dump_config(ConfigLayer const& layer);

// The kiosk options a layer stands for, as argv words: {"--printer",
// "cups:recus", "--mrz-scanner"}. A boolean key is its flag when "true".
std::vector<std::string> config_arguments(ConfigLayer const& layer);

}
