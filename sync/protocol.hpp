// The kiosk–hub protocol's shared rules (docs/sync.md, docs/sync-api.yaml):
// how a request is signed, the names of the headers, the wire names of a
// request's status, and the limits both sides agree on.
//
// Authentication is by signed requests, not mutual TLS: every request after
// enrollment carries the kiosk's id, a date and a MAC over the method, the
// target, the date, the id and the SHA-256 of the body, keyed by the
// request key both sides derive from their own secret and the other's
// public key (crypto::request_key_for_kiosk / _for_hub). See docs/sync.md
// for why, and why a MAC rather than an Ed25519 signature per request.
#pragma once

#include "kiosk/core/ports.hpp"
#include "sync/crypto.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace guichet::protocol {

inline constexpr std::string_view kiosk_header = "Guichet-Kiosk";
inline constexpr std::string_view date_header = "Guichet-Date";
inline constexpr std::string_view mac_header = "Guichet-Mac";
// On a catalogue: the hub's Ed25519 signature of the body's exact bytes.
inline constexpr std::string_view catalogue_signature_header = "Guichet-Catalogue-Signature";
// On every hub answer: the hub's clock (Unix seconds), so that a kiosk whose
// clock drifted can sign with the hub's time instead.
inline constexpr std::string_view server_time_header = "Guichet-Server-Time";

// The wall clock, Unix seconds: the dates requests are signed with, and
// the times both sides record.
std::int64_t unix_now();

// How far a request's date may be from the hub's clock.
inline constexpr std::int64_t max_clock_skew_seconds = 300;

// The text a kiosk signs (with its MAC): every part of the request that
// matters, one per line. `target` is the path with its query string, as
// sent.
std::string signing_string(std::string_view method, std::string_view target, std::int64_t date,
    std::string_view kiosk_id, std::string_view body);

// The headers that sign a kiosk's request, name and value: its id, the
// date and the MAC of signing_string() with the kiosk's request key.
std::map<std::string, std::string> signature_headers(std::string_view method, std::string_view target,
    std::int64_t date, std::string const& kiosk_id, std::string_view body, crypto::SecretKey const& request_key);

// What a kiosk signs at enrollment to prove it holds the secret key of the
// public key it sends.
std::string enrollment_proof(std::string_view code, std::string_view public_key_base64);

// An enrollment code as typed, normalised: upper case, without spaces or
// dashes ("k7qp 3hxm-wn4r" is "K7QP3HXMWN4R").
std::string normalise_code(std::string_view typed);

// The central services' words for where a request stands.
std::string_view to_wire(RequestState state);
std::optional<RequestState> request_state_from_wire(std::string_view text);

// The "format" of a published catalogue: a JSON document holding the
// catalogue folder's files, signed byte for byte by the hub.
inline constexpr std::string_view catalogue_format = "guichet-catalogue/1";

}
