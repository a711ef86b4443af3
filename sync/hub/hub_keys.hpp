// The hub's own secrets, in its data folder: the box key pair that opens
// sealed dossiers, the signing key pair that signs catalogues, and the
// administrators' bearer token. Created once by `kiosk-hub init`; each file
// is readable by the hub's user alone (0600).
#pragma once

#include "sync/crypto.hpp"
#include "sync/private_file.hpp"

#include <filesystem>
#include <string>

namespace guichet::hub {

struct HubKeys {
    crypto::BoxKeyPair box;
    crypto::SigningKeyPair signing;
    // Compared in constant time; never logged.
    std::string admin_token;
};

// Creates DIR/hub-keys.json and DIR/admin-token if they do not exist, and
// reads them. "hub.keys" when a file is unreadable or malformed (it is
// never overwritten: kiosks trust these keys).
Result<HubKeys> load_or_create_hub_keys(std::filesystem::path const& dir);
// Reads them, creating nothing: "hub.keys" when missing.
Result<HubKeys> load_hub_keys(std::filesystem::path const& dir);

}
