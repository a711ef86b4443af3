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

}
