// Reads a catalogue folder (or a single file) into sources for the core's
// loader. Unreadable files become load errors, like malformed ones.
#pragma once

#include "kiosk/core/catalogue.hpp"

#include <filesystem>

namespace guichet {

Catalogue load_catalogue_files(std::filesystem::path const& path);

}
