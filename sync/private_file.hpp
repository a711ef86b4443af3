// Files that hold secrets (keys, tokens, the kiosk's identity).
#pragma once

#include "kiosk/core/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace guichet {

// Writes `bytes` to `destination` atomically, with exactly `mode` whatever
// the umask. "io.write" on failure (the detail names the step and path).
Result<void> write_file_atomically(std::filesystem::path const& destination, std::string_view bytes, mode_t mode);
// The same, readable by the owner alone (0600).
Result<void> write_private_file(std::filesystem::path const& path, std::string_view text);
// Reads a whole file in one buffer sized from fstat, so that no freed copy
// of a key is left behind by a growing string. "io.read" on failure.
Result<std::string> read_private_file(std::filesystem::path const& path);

}
