// Enrollment, the kiosk's side: draws the kiosk's key pair, proves to the
// hub that it holds the secret key by signing the one-time code, and builds
// the identity from the hub's answer. Used by `kioskctl enroll` (and the
// first-boot wizard to come); the caller writes the identity.
#pragma once

#include "sync/identity.hpp"

#include <filesystem>
#include <string>

namespace guichet {

// Error codes: the hub's refusals ("hub.code_unknown", "hub.code_used",
// "hub.code_expired", "hub.key_enrolled", "request.invalid"), the
// client's ("hub.unreachable", "hub.timeout", "hub.tls", "hub.io"), and
// "hub.bad_answer" when the hub's answer is not understood.
Result<KioskIdentity> enroll_with_hub(std::string const& hub_url, std::filesystem::path const& ca_file,
    std::string const& code, std::string const& software_version);

// Enrolls and keeps the result in the data folder DATA, as `kioskctl
// enroll` and the first-boot wizard do: the hub's CA (its PEM text, empty
// for the system's CAs) in DATA/hub-ca.pem, then DATA/identity.json (0600).
// Refuses with "identity.exists" when DATA holds an identity already.
// "io.write" when it cannot be written: the hub has then recorded a kiosk
// whose secret key is lost, which its administrator revokes.
Result<KioskIdentity> enroll_into(std::filesystem::path const& data, std::string const& hub_url,
    std::string const& ca_text, std::string const& code, std::string const& software_version);

// The technician's sentence (French) for an enrollment that failed.
std::string enrollment_failure(std::string const& code);

}
