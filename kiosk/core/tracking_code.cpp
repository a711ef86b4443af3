#include "tracking_code.hpp"

#include "utf8.hpp"

#include <array>

namespace guichet {

namespace {

constexpr std::uint64_t radix = TrackingCode::alphabet.size();

int index_of(char c)
{
    auto position = TrackingCode::alphabet.find(c);
    return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

std::uint64_t mix(std::uint64_t value)
{
    // splitmix64 finaliser: a good avalanche, enough for unlinkability of
    // consecutive serials. This is not a cipher; the key is per kiosk.
    value += 0x9E3779B97F4A7C15ull;
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ull;
    value = (value ^ (value >> 27)) * 0x94D049BB133111EBull;
    return value ^ (value >> 31);
}

// A balanced Feistel network on 32 bits is a bijection of [0, 2^32);
// walking the cycle until the value falls below serial_space restricts it
// to a bijection of [0, serial_space).
std::uint32_t feistel(std::uint32_t block, std::uint64_t key)
{
    std::uint32_t left = block >> 16;
    std::uint32_t right = block & 0xFFFF;
    for (std::uint64_t round = 0; round < 6; ++round) {
        std::uint32_t f = static_cast<std::uint32_t>(mix(key ^ (round << 56) ^ right)) & 0xFFFF;
        std::uint32_t next_right = left ^ f;
        left = right;
        right = next_right;
    }
    return (left << 16) | right;
}

}

char TrackingCode::check_character(std::string_view payload)
{
    // Luhn mod N, computed from the rightmost character.
    std::uint64_t sum = 0;
    bool double_it = true;
    for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
        std::uint64_t addend = static_cast<std::uint64_t>(index_of(*it));
        if (double_it) {
            addend *= 2;
            addend = addend / radix + addend % radix;
        }
        sum += addend;
        double_it = !double_it;
    }
    return alphabet[(radix - sum % radix) % radix];
}

TrackingCode TrackingCode::from_serial(std::uint64_t serial, std::uint64_t key)
{
    std::uint32_t value = static_cast<std::uint32_t>(serial % serial_space);
    do {
        value = feistel(value, key);
    } while (value >= serial_space);

    std::string text(length, ' ');
    std::uint64_t rest = value;
    for (int i = length - 2; i >= 0; --i) {
        text[i] = alphabet[rest % radix];
        rest /= radix;
    }
    text[length - 1] = check_character(std::string_view(text).substr(0, length - 1));
    return TrackingCode(std::move(text));
}

std::optional<TrackingCode> TrackingCode::parse(std::string_view input)
{
    std::string text;
    for (char c : input) {
        if (c == ' ' || c == '-')
            continue;
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        if (index_of(c) < 0)
            return std::nullopt;
        text.push_back(c);
    }
    if (text.size() != length)
        return std::nullopt;
    if (check_character(std::string_view(text).substr(0, length - 1)) != text.back())
        return std::nullopt;
    return TrackingCode(std::move(text));
}

void TrackingCode::wipe()
{
    guichet::wipe(m_text);
}

std::string TrackingCode::display() const
{
    if (m_text.size() <= 4)
        return m_text;
    return m_text.substr(0, 4) + "-" + m_text.substr(4);
}

}
