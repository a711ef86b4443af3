#include "bytes.hpp"

#include <openssl/crypto.h>

#include <cassert>
#include <cstdlib>

namespace guichet::card {

namespace {

int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}

std::optional<Bytes> parse_hex(std::string_view hex)
{
    if (hex.size() % 2 != 0)
        return std::nullopt;
    Bytes out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int high = nibble(hex[i]), low = nibble(hex[i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(high << 4 | low));
    }
    return out;
}

Bytes from_hex(std::string_view hex)
{
    Bytes out;
    int high = -1;
    for (char c : hex) {
        if (c == ' ')
            continue;
        int value = nibble(c);
        assert(value >= 0 && "from_hex: not a hex digit");
        if (value < 0)
            std::abort();
        if (high < 0) {
            high = value;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | value));
            high = -1;
        }
    }
    assert(high < 0 && "from_hex: odd number of digits");
    if (high >= 0)
        std::abort();
    return out;
}

std::string to_hex(ByteView bytes)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto byte : bytes) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0F];
    }
    return out;
}

Bytes concat(std::initializer_list<ByteView> parts)
{
    Bytes out;
    std::size_t size = 0;
    for (auto part : parts)
        size += part.size();
    out.reserve(size);
    for (auto part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

void wipe(Bytes& bytes)
{
    if (!bytes.empty())
        OPENSSL_cleanse(bytes.data(), bytes.size());
    bytes.clear();
}

void wipe(std::string& text)
{
    if (!text.empty())
        OPENSSL_cleanse(text.data(), text.size());
    text.clear();
}

}
