// Byte strings for the card: what goes over the wire, keys, and the helpers
// to write them in tests and logs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::card {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<std::uint8_t const>;

// "0A1b 2C" → {0x0A, 0x1B, 0x2C}: spaces are skipped. Aborts on anything
// else than an even number of hex digits: for constants and tests.
Bytes from_hex(std::string_view hex);
// The same for text from outside (a badge's UID typed or passed on a command
// line): nothing when it is not an even number of hex digits (no spaces).
std::optional<Bytes> parse_hex(std::string_view hex);
// Upper-case hex without spaces.
std::string to_hex(ByteView bytes);

Bytes concat(std::initializer_list<ByteView> parts);

// Overwrites the bytes before they are freed; keys, challenges and file
// contents go through it. The compiler may not elide it (OPENSSL_cleanse).
void wipe(Bytes& bytes);
void wipe(std::string& text);

// A byte string that wipes itself when it goes away: session keys, the
// send sequence counter, decrypted answers.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(Bytes bytes)
        : m_bytes(std::move(bytes))
    {
    }
    SecretBytes(SecretBytes const&) = delete;
    SecretBytes& operator=(SecretBytes const&) = delete;
    SecretBytes(SecretBytes&& other) noexcept
        : m_bytes(std::move(other.m_bytes))
    {
        other.m_bytes.clear();
    }
    SecretBytes& operator=(SecretBytes&& other) noexcept
    {
        if (this != &other) {
            wipe(m_bytes);
            m_bytes = std::move(other.m_bytes);
            other.m_bytes.clear();
        }
        return *this;
    }
    ~SecretBytes() { wipe(m_bytes); }

    Bytes& bytes() { return m_bytes; }
    Bytes const& bytes() const { return m_bytes; }
    ByteView view() const { return m_bytes; }
    std::size_t size() const { return m_bytes.size(); }

private:
    Bytes m_bytes;
};

}
