// The project's cryptography, all of it libsodium: Ed25519 signatures (the
// hub's catalogues, a kiosk's proof at enrollment), request MACs keyed by an
// X25519 agreement (the kiosk's requests), sealed boxes (X25519 +
// XSalsa20-Poly1305: dossiers are readable by the hub's key alone), SHA-256
// and base64. Shared by the kiosk's uplink and the hub.
//
// Secret keys live in `SecretKey`, which overwrites itself when destroyed.
// Every function here is safe to call from several threads once
// crypto::initialise() has returned.
#pragma once

#include "kiosk/core/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::crypto {

using Bytes = std::vector<std::uint8_t>;

// Must run once before anything else here (idempotent, thread-safe).
Result<void> initialise();

// Bytes that are wiped (sodium_memzero) when the object dies or is
// overwritten. Copying is allowed but explicit in intent: each copy wipes
// itself too.
class SecretKey {
public:
    SecretKey() = default;
    explicit SecretKey(Bytes bytes);
    SecretKey(SecretKey const& other);
    SecretKey& operator=(SecretKey const& other);
    SecretKey(SecretKey&& other) noexcept;
    SecretKey& operator=(SecretKey&& other) noexcept;
    ~SecretKey();

    std::span<std::uint8_t const> bytes() const { return m_bytes; }
    bool empty() const { return m_bytes.empty(); }

private:
    void wipe();
    Bytes m_bytes;
};

constexpr std::size_t signing_public_key_size = 32;
constexpr std::size_t signing_secret_key_size = 64;
constexpr std::size_t signature_size = 64;
constexpr std::size_t box_public_key_size = 32;
constexpr std::size_t box_secret_key_size = 32;

struct SigningKeyPair {
    Bytes public_key;
    SecretKey secret_key;
};

struct BoxKeyPair {
    Bytes public_key;
    SecretKey secret_key;
};

SigningKeyPair generate_signing_keys();
BoxKeyPair generate_box_keys();

Bytes sign(std::span<std::uint8_t const> message, SecretKey const& secret_key);
Bytes sign(std::string_view message, SecretKey const& secret_key);
// False for a wrong signature, a wrong key or sizes that do not fit.
bool verify(std::span<std::uint8_t const> message, std::span<std::uint8_t const> signature,
    std::span<std::uint8_t const> public_key);
bool verify(
    std::string_view message, std::span<std::uint8_t const> signature, std::span<std::uint8_t const> public_key);

// The key a kiosk's requests are authenticated with (request MACs, see
// protocol.hpp): both sides derive the same 32 bytes, the kiosk from its
// Ed25519 secret key and the hub's box public key, the hub from its box
// secret key and the kiosk's Ed25519 public key (each Ed25519 key converted
// to its X25519 twin, then X25519, then BLAKE2b over the shared point and
// both public keys). "crypto.bad_key" for keys of the wrong size or a
// public key that is not a valid point (a low-order one included).
Result<SecretKey> request_key_for_kiosk(
    SecretKey const& kiosk_signing_secret_key, std::span<std::uint8_t const> hub_box_public_key);
Result<SecretKey> request_key_for_hub(
    BoxKeyPair const& hub_box_keys, std::span<std::uint8_t const> kiosk_signing_public_key);

constexpr std::size_t mac_size = 32;
// HMAC-SHA-512-256 (libsodium's crypto_auth) of `message` with a request key.
Bytes mac(std::string_view message, SecretKey const& key);
// In constant time; false for a wrong MAC or sizes that do not fit.
bool verify_mac(std::string_view message, std::span<std::uint8_t const> mac, SecretKey const& key);

// Anonymous sealed box to `public_key`: only the matching secret key opens
// it, and the sender cannot open it again either.
Result<Bytes> seal(std::string_view message, std::span<std::uint8_t const> public_key);
// "crypto.unsealable" when the box was not sealed to this key pair or was
// altered.
Result<std::string> open_sealed(std::span<std::uint8_t const> box, BoxKeyPair const& keys);

// Lower-case hexadecimal SHA-256.
std::string sha256_hex(std::string_view data);
// Constant-time comparison of two strings of the same length.
bool equal_constant_time(std::string_view a, std::string_view b);

// Standard base64 with padding, as in JSON documents and headers.
std::string to_base64(std::span<std::uint8_t const> bytes);
// "crypto.bad_base64" for anything that is not base64.
Result<Bytes> from_base64(std::string_view text);
// The size from_base64() would decode `text` to, without decoding it, or
// nothing where from_base64() would fail (what the hub checks of a sealed
// dossier it only stores: decoding it cost 5 % of a push's CPU).
std::optional<std::size_t> base64_decoded_size(std::string_view text);

// A password or PIN hashed for storage: libsodium's crypto_pwhash_str
// (Argon2id, a random salt and the limits inside the text), with the
// "interactive" limits (64 MiB, about 0.1-0.5 s here): a mediator's login
// or an agent's PIN, not a disk key. "crypto.out_of_memory" when the 64 MiB
// cannot be had.
Result<std::string> hash_password(std::string_view password);
// True when `password` is the one hashed in `hash`; false for a hash that is
// not one (an empty field, another algorithm).
bool verify_password(std::string_view hash, std::string_view password);

// `size` random bytes from the kernel's generator, as lower-case hex.
std::string random_hex(std::size_t size);
// Random text for people to type: `groups` groups of 4 characters from an
// alphabet without 0/O, 1/I/L, joined by '-' ("K7QP-3HXM-WN4R").
std::string random_code(std::size_t groups);
// `count` random decimal digits, each uniform: a PIN.
std::string random_digits(std::size_t count);

}
