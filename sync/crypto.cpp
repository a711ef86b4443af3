// libsodium behind the project's types; see crypto.hpp.
#include "crypto.hpp"

#include <sodium.h>

namespace guichet::crypto {

Result<void> initialise()
{
    // sodium_init is itself thread-safe and returns 1 once initialised.
    if (sodium_init() < 0)
        return Error::make("crypto.init", "libsodium could not initialise");
    return {};
}

// [SECTION] SecretKey

SecretKey::SecretKey(Bytes bytes)
    : m_bytes(std::move(bytes))
{
}

SecretKey::SecretKey(SecretKey const& other)
    : m_bytes(other.m_bytes)
{
}

SecretKey& SecretKey::operator=(SecretKey const& other)
{
    if (this != &other) {
        wipe();
        m_bytes = other.m_bytes;
    }
    return *this;
}

SecretKey::SecretKey(SecretKey&& other) noexcept
    : m_bytes(std::move(other.m_bytes))
{
    other.m_bytes.clear();
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept
{
    if (this != &other) {
        wipe();
        m_bytes = std::move(other.m_bytes);
        other.m_bytes.clear();
    }
    return *this;
}

SecretKey::~SecretKey()
{
    wipe();
}

void SecretKey::wipe()
{
    if (!m_bytes.empty())
        sodium_memzero(m_bytes.data(), m_bytes.size());
    m_bytes.clear();
}

// [SECTION] Keys, signatures, sealed boxes

static_assert(crypto_sign_PUBLICKEYBYTES == signing_public_key_size);
static_assert(crypto_sign_SECRETKEYBYTES == signing_secret_key_size);
static_assert(crypto_sign_BYTES == signature_size);
static_assert(crypto_box_PUBLICKEYBYTES == box_public_key_size);
static_assert(crypto_box_SECRETKEYBYTES == box_secret_key_size);
static_assert(crypto_auth_BYTES == mac_size);

SigningKeyPair generate_signing_keys()
{
    Bytes public_key(crypto_sign_PUBLICKEYBYTES);
    Bytes secret(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(public_key.data(), secret.data());
    return { std::move(public_key), SecretKey(std::move(secret)) };
}

BoxKeyPair generate_box_keys()
{
    Bytes public_key(crypto_box_PUBLICKEYBYTES);
    Bytes secret(crypto_box_SECRETKEYBYTES);
    crypto_box_keypair(public_key.data(), secret.data());
    return { std::move(public_key), SecretKey(std::move(secret)) };
}

Bytes sign(std::span<std::uint8_t const> message, SecretKey const& secret_key)
{
    Bytes signature(crypto_sign_BYTES);
    if (secret_key.bytes().size() != crypto_sign_SECRETKEYBYTES)
        return {};
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_key.bytes().data());
    return signature;
}

Bytes sign(std::string_view message, SecretKey const& secret_key)
{
    return sign(std::span(reinterpret_cast<std::uint8_t const*>(message.data()), message.size()), secret_key);
}

bool verify(std::span<std::uint8_t const> message, std::span<std::uint8_t const> signature,
    std::span<std::uint8_t const> public_key)
{
    if (signature.size() != crypto_sign_BYTES || public_key.size() != crypto_sign_PUBLICKEYBYTES)
        return false;
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) == 0;
}

bool verify(std::string_view message, std::span<std::uint8_t const> signature, std::span<std::uint8_t const> public_key)
{
    return verify(
        std::span(reinterpret_cast<std::uint8_t const*>(message.data()), message.size()), signature, public_key);
}

namespace {

// BLAKE2b-256 of a label, the shared point and both X25519 public keys,
// the kiosk's first: what turns an X25519 agreement into a key (as
// crypto_kx does).
SecretKey derive_request_key(std::span<std::uint8_t const, crypto_scalarmult_BYTES> shared,
    std::span<std::uint8_t const> kiosk_x25519_public_key, std::span<std::uint8_t const> hub_box_public_key)
{
    static constexpr std::string_view label = "guichet-request-key-v1";
    Bytes key(crypto_auth_KEYBYTES);
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, key.size());
    crypto_generichash_update(&state, reinterpret_cast<unsigned char const*>(label.data()), label.size());
    crypto_generichash_update(&state, shared.data(), shared.size());
    crypto_generichash_update(&state, kiosk_x25519_public_key.data(), kiosk_x25519_public_key.size());
    crypto_generichash_update(&state, hub_box_public_key.data(), hub_box_public_key.size());
    crypto_generichash_final(&state, key.data(), key.size());
    return SecretKey(std::move(key));
}

}

Result<SecretKey> request_key_for_kiosk(
    SecretKey const& kiosk_signing_secret_key, std::span<std::uint8_t const> hub_box_public_key)
{
    if (kiosk_signing_secret_key.bytes().size() != crypto_sign_SECRETKEYBYTES
        || hub_box_public_key.size() != crypto_box_PUBLICKEYBYTES)
        return Error::make("crypto.bad_key", "a request key needs a signing secret key and a box public key");
    std::array<std::uint8_t, crypto_scalarmult_curve25519_BYTES> secret {};
    std::array<std::uint8_t, crypto_scalarmult_curve25519_BYTES> public_key {};
    std::array<std::uint8_t, crypto_scalarmult_BYTES> shared {};
    // The Ed25519 public key is the secret key's last 32 bytes.
    auto signing_public_key = kiosk_signing_secret_key.bytes().subspan(32);
    bool agreed = crypto_sign_ed25519_sk_to_curve25519(secret.data(), kiosk_signing_secret_key.bytes().data()) == 0
        && crypto_sign_ed25519_pk_to_curve25519(public_key.data(), signing_public_key.data()) == 0
        && crypto_scalarmult(shared.data(), secret.data(), hub_box_public_key.data()) == 0;
    sodium_memzero(secret.data(), secret.size());
    if (!agreed) {
        sodium_memzero(shared.data(), shared.size());
        return Error::make("crypto.bad_key", "the hub's box key is not a valid X25519 key");
    }
    auto key = derive_request_key(shared, public_key, hub_box_public_key);
    sodium_memzero(shared.data(), shared.size());
    return key;
}

Result<SecretKey> request_key_for_hub(
    BoxKeyPair const& hub_box_keys, std::span<std::uint8_t const> kiosk_signing_public_key)
{
    if (hub_box_keys.secret_key.bytes().size() != crypto_box_SECRETKEYBYTES
        || kiosk_signing_public_key.size() != crypto_sign_PUBLICKEYBYTES)
        return Error::make("crypto.bad_key", "a request key needs a box key pair and a signing public key");
    std::array<std::uint8_t, crypto_scalarmult_curve25519_BYTES> public_key {};
    std::array<std::uint8_t, crypto_scalarmult_BYTES> shared {};
    if (crypto_sign_ed25519_pk_to_curve25519(public_key.data(), kiosk_signing_public_key.data()) != 0
        || crypto_scalarmult(shared.data(), hub_box_keys.secret_key.bytes().data(), public_key.data()) != 0) {
        sodium_memzero(shared.data(), shared.size());
        return Error::make("crypto.bad_key", "the kiosk's key is not a valid Ed25519 key");
    }
    auto key = derive_request_key(shared, public_key, hub_box_keys.public_key);
    sodium_memzero(shared.data(), shared.size());
    return key;
}

Bytes mac(std::string_view message, SecretKey const& key)
{
    Bytes tag(crypto_auth_BYTES);
    if (key.bytes().size() != crypto_auth_KEYBYTES)
        return {};
    crypto_auth(tag.data(), reinterpret_cast<unsigned char const*>(message.data()), message.size(), key.bytes().data());
    return tag;
}

bool verify_mac(std::string_view message, std::span<std::uint8_t const> tag, SecretKey const& key)
{
    if (tag.size() != crypto_auth_BYTES || key.bytes().size() != crypto_auth_KEYBYTES)
        return false;
    return crypto_auth_verify(
               tag.data(), reinterpret_cast<unsigned char const*>(message.data()), message.size(), key.bytes().data())
        == 0;
}

Result<Bytes> seal(std::string_view message, std::span<std::uint8_t const> public_key)
{
    if (public_key.size() != crypto_box_PUBLICKEYBYTES)
        return Error::make("crypto.bad_key", "a sealing key has 32 bytes");
    Bytes box(message.size() + crypto_box_SEALBYTES);
    if (crypto_box_seal(
            box.data(), reinterpret_cast<unsigned char const*>(message.data()), message.size(), public_key.data())
        != 0)
        return Error::make("crypto.seal", "crypto_box_seal failed");
    return box;
}

Result<std::string> open_sealed(std::span<std::uint8_t const> box, BoxKeyPair const& keys)
{
    if (box.size() < crypto_box_SEALBYTES || keys.public_key.size() != crypto_box_PUBLICKEYBYTES
        || keys.secret_key.bytes().size() != crypto_box_SECRETKEYBYTES)
        return Error::make("crypto.unsealable", "not a sealed box for this key");
    std::string message(box.size() - crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(message.data()), box.data(), box.size(),
            keys.public_key.data(), keys.secret_key.bytes().data())
        != 0)
        return Error::make("crypto.unsealable", "not a sealed box for this key, or altered");
    return message;
}

// [SECTION] Hashes and encodings

std::string sha256_hex(std::string_view data)
{
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest {};
    crypto_hash_sha256(digest.data(), reinterpret_cast<unsigned char const*>(data.data()), data.size());
    std::string hex(digest.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.pop_back();
    return hex;
}

bool equal_constant_time(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string to_base64(std::span<std::uint8_t const> bytes)
{
    std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    text.pop_back(); // the terminating NUL
    return text;
}

Result<Bytes> from_base64(std::string_view text)
{
    Bytes bytes(text.size() / 4 * 3 + 3);
    std::size_t length = 0;
    char const* end = nullptr;
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length, &end,
            sodium_base64_VARIANT_ORIGINAL)
            != 0
        || end != text.data() + text.size())
        return Error::make("crypto.bad_base64", "not base64");
    bytes.resize(length);
    return bytes;
}

std::optional<std::size_t> base64_decoded_size(std::string_view text)
{
    // libsodium's rules (sodium_base642bin, original variant, nothing
    // ignored): characters of the alphabet, then exactly the padding their
    // count calls for, the bits the padding drops being zero, and nothing
    // after.
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::size_t count = 0;
    while (count < text.size() && value(text[count]) >= 0)
        ++count;
    std::size_t padding = 0;
    int dropped_bits_mask = 0;
    switch (count % 4) {
    case 0:
        break;
    case 1:
        return std::nullopt;
    case 2:
        padding = 2;
        dropped_bits_mask = 0x0f;
        break;
    case 3:
        padding = 1;
        dropped_bits_mask = 0x03;
        break;
    }
    if (text.size() != count + padding || text.substr(count).find_first_not_of('=') != std::string_view::npos)
        return std::nullopt;
    if (dropped_bits_mask != 0 && (value(text[count - 1]) & dropped_bits_mask) != 0)
        return std::nullopt;
    return count * 6 / 8;
}

std::string random_hex(std::size_t size)
{
    Bytes bytes(size);
    randombytes_buf(bytes.data(), bytes.size());
    std::string hex(size * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
    hex.pop_back();
    return hex;
}

Result<std::string> hash_password(std::string_view password)
{
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
            crypto_pwhash_MEMLIMIT_INTERACTIVE)
        != 0)
        return Error::make("crypto.out_of_memory", "Argon2 could not have its memory");
    return std::string(hash);
}

bool verify_password(std::string_view hash, std::string_view password)
{
    // crypto_pwhash_str_verify wants a NUL-terminated string.
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES)
        return false;
    std::string terminated(hash);
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string random_digits(std::size_t count)
{
    std::string digits;
    for (std::size_t i = 0; i < count; ++i)
        digits.push_back(static_cast<char>('0' + randombytes_uniform(10)));
    return digits;
}

std::string random_code(std::size_t groups)
{
    // 31 symbols: no 0/O, 1/I/L, which a technician would misread.
    constexpr std::string_view alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    std::string code;
    for (std::size_t group = 0; group < groups; ++group) {
        if (group > 0)
            code.push_back('-');
        for (int i = 0; i < 4; ++i)
            code.push_back(alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))]);
    }
    return code;
}

}
