// A development certificate authority for the hub's TLS: a self-signed CA and
// a server certificate it signs, written as PEM files that the hub serves and
// the kiosks trust. It lets a laptop, a demo site or a test bench run the hub
// over real TLS without a public CA; a production hub uses certificates from
// the operator's own PKI instead.
//
// The CA is kept across runs: kiosks that were given ca.pem once keep
// trusting every server certificate issued later from the same directory.
#pragma once

#include "kiosk/core/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace guichet::hub {

struct DevCaFiles {
    std::filesystem::path ca_certificate; // DIR/ca.pem
    std::filesystem::path ca_key; // DIR/ca-key.pem (mode 0600)
    std::filesystem::path server_certificate; // DIR/server.pem (leaf first, then the CA: a chain file)
    std::filesystem::path server_key; // DIR/server-key.pem (mode 0600)
};

// Creates `dir` (and its parents) and, in it, a self-signed CA and a server
// certificate signed by it, both with EC P-256 keys and SHA-256 signatures.
//
// The CA ("Guichet development CA") is valid for 10 years, the server
// certificate for 2. The server certificate's common name is the first entry
// of `names` ("localhost" when there is none, or when that entry does not fit
// the 64 characters a common name allows). Its subjectAltName holds
// DNS:localhost, IP:127.0.0.1 and IP:::1, then every entry of `names`: an
// entry that parses as an IPv4 or IPv6 address is an IP name, anything else a
// DNS name. Both certificates start 2 days in the past, so that a kiosk whose
// clock is a day behind still accepts them.
//
// When dir/ca.pem and dir/ca-key.pem both exist, that CA is reused and only
// the server certificate and key are issued again. Every file is written
// beside its destination and renamed onto it once on disk, so a crash leaves
// either the old file or the new one; the key files are mode 0600.
//
// Errors: "devca.io" when a directory or file cannot be created, read or
// written; "devca.openssl" when OpenSSL fails, including when the existing CA
// files cannot be parsed, do not match or are not a CA (the OpenSSL error
// string is in `detail`); "devca.bad_name" for an entry of `names` that is
// neither an IP address nor a DNS name.
//
// Not meant to be called concurrently on the same directory.
Result<DevCaFiles> create_dev_ca(std::filesystem::path const& dir, std::vector<std::string> const& names);

}
