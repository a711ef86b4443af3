// The kiosk's identity, written by `kioskctl enroll` into the data folder
// (identity.json, readable by the kiosk's user alone): who the kiosk is for
// the hub, its own signing key pair (the secret key never leaves the kiosk),
// the hub's address and public keys, and the CA that signs the hub's TLS
// certificate.
//
//   { "format": "guichet-identity/1", "kiosk_id": "k-3f2a9c1b7e0d",
//     "site": { "id": "...", "name": "..." }, "hub_url": "https://...",
//     "ca_file": "hub-ca.pem", "signing_public_key": "...",
//     "signing_secret_key": "...", "hub_box_public_key": "...",
//     "hub_signing_public_key": "...", "heartbeat_seconds": 60,
//     "enrolled_at": 1795000000 }
#pragma once

#include "sync/crypto.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace guichet {

struct KioskIdentity {
    std::string kiosk_id;
    std::string site_id;
    std::string site_name;
    std::string hub_url; // "https://hub.example.fr:8443", no trailing slash
    // The CA to trust for the hub, absolute; empty: the system's CAs.
    std::filesystem::path ca_file;
    crypto::SigningKeyPair keys;
    crypto::Bytes hub_box_public_key;
    crypto::Bytes hub_signing_public_key;
    int heartbeat_seconds { 60 };
    std::int64_t enrolled_at { 0 };
};

inline constexpr char const* identity_file_name = "identity.json";

// "identity.missing" (no file: the kiosk is not enrolled),
// "identity.malformed" (a file that is not a valid identity). A relative
// ca_file is taken from the identity's folder.
Result<KioskIdentity> load_identity(std::filesystem::path const& file);
// Atomically, mode 0600. "io.write" on failure.
Result<void> save_identity(KioskIdentity const& identity, std::filesystem::path const& file);

}
