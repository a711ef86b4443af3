// Reads a catalogue from disk into the core's loader: a folder (every
// `*.json` démarche plus its `orientation.json`), or a single démarche file
// checked against the `orientation.json` beside it. Unreadable files become
// load errors, like malformed ones. The kiosk and `kioskctl catalogue check`
// both load through here, so that the check says exactly what the kiosk
// will do.
#pragma once

#include "kiosk/core/catalogue.hpp"
#include "kiosk/core/i18n.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

// `orientation` overrides where the orientation file is looked for.
Catalogue load_catalogue_files(std::filesystem::path const& path,
    std::optional<std::filesystem::path> const& orientation = std::nullopt, LoadOptions const& options = {});

// Reads the built-in texts' translation tables (kiosk/i18n/LANG.json, one
// per language other than French) into `translations`. Returns every
// problem found, as "FILE: REASON"; a language whose file is missing or
// broken shows French, which the caller logs.
std::vector<std::string> load_translation_files(std::filesystem::path const& folder, i18n::Translations& translations);

}
