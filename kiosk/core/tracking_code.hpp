// Tracking codes: what a resident reads aloud at the desk or on the phone.
//
// Eight characters from a consonant-only alphabet (no vowels: no words can
// appear, and no 0/O or 1/I confusion), the last one a check character
// (Luhn mod 20) that catches every single-character typo and most swaps of
// neighbours. Codes are unique per kiosk because they are not drawn at random
// (a million random draws from 20^7 would collide about twenty times): the
// kiosk numbers its dossiers 0, 1, 2, ... and a keyed permutation of
// [0, 20^7) turns each serial into a code, so that consecutive dossiers get
// unrelated codes and nobody can guess a neighbour's code from their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace guichet {

class TrackingCode {
public:
    static constexpr std::string_view alphabet = "BCDFGHJKLMNPQRSTVWXZ";
    static constexpr int length = 8;
    static constexpr std::uint64_t serial_space = 1280000000; // 20^7

    // No code: what a desk ticket carries (receipt.hpp).
    TrackingCode() = default;

    // The code for the given serial under the kiosk's secret key. Serials
    // must be below serial_space; distinct serials give distinct codes.
    static TrackingCode from_serial(std::uint64_t serial, std::uint64_t key);

    // Accepts what a person may type: lower case, spaces and dashes are
    // ignored. Returns nothing when a character is outside the alphabet or
    // the check character does not match.
    static std::optional<TrackingCode> parse(std::string_view text);

    std::string const& text() const { return m_text; }
    // For reading: "KXTB-PDQM".
    std::string display() const;

    static char check_character(std::string_view payload);

    bool operator==(TrackingCode const&) const = default;
    // Overwrites the code (end of session).
    void wipe();

private:
    explicit TrackingCode(std::string text)
        : m_text(std::move(text))
    {
    }
    std::string m_text;
};

}
