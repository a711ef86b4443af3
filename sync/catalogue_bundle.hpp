// A published catalogue travels as one JSON document, the bundle: the
// catalogue folder's files by name. The hub signs the bundle's exact bytes
// (Ed25519); the kiosk checks the signature, loads the bundle with the
// kiosk's strict loader, and only then writes it out as a folder and swaps
// it in (docs/sync.md).
//
//   { "format": "guichet-catalogue/1", "published_at": 1795000000,
//     "files": { "orientation.json": "...", "acte-naissance.json": "..." } }
#pragma once

#include "kiosk/core/catalogue.hpp"
#include "kiosk/core/result.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace guichet::bundle {

using Files = std::map<std::string, std::string, std::less<>>;

// Every *.json file of `folder` (the démarches and orientation.json).
// "bundle.io" when the folder or a file cannot be read.
Result<std::string> make(std::filesystem::path const& folder, std::int64_t published_at);

// The files of a bundle. "bundle.malformed": not JSON, wrong format, a file
// name that is not a plain *.json name (no folder, no "..").
Result<Files> files_of(std::string_view document);

// Loads the bundle's files with the kiosk's loader.
Catalogue load(Files const& files);

// Writes the files into `folder` (created; must not exist), each synced.
// "bundle.io" on failure.
Result<void> write_folder(Files const& files, std::filesystem::path const& folder);

}
