// ISO/IEC 7816-4 application protocol data units: the commands a terminal
// sends to a card and the responses it gets back, as values.
#pragma once

#include "bytes.hpp"

#include "kiosk/core/result.hpp"

#include <cstdint>
#include <optional>

namespace guichet::card {

// A command: header, optional data, optional expected length. Encoded in
// the short form when it fits (data up to 255 bytes, Le up to 256) and in
// the extended form otherwise (data up to 65535, Le up to 65536).
struct CommandApdu {
    std::uint8_t cla { 0x00 };
    std::uint8_t ins { 0x00 };
    std::uint8_t p1 { 0x00 };
    std::uint8_t p2 { 0x00 };
    Bytes data;
    // How many bytes are expected back; 256 (short) or 65536 (extended) mean
    // "as many as there are", encoded as 00 or 00 00.
    std::optional<std::size_t> le;

    bool extended() const { return data.size() > 255 || (le && *le > 256); }
    Bytes encode() const;
    // Reads an encoded command back (the simulated card does). Error code
    // "card.apdu.malformed".
    static Result<CommandApdu> decode(ByteView bytes);
};

// A response: data, then the two status bytes.
struct ResponseApdu {
    Bytes data;
    std::uint16_t sw { 0 };

    bool ok() const { return sw == 0x9000; }
    std::uint8_t sw1() const { return static_cast<std::uint8_t>(sw >> 8); }
    std::uint8_t sw2() const { return static_cast<std::uint8_t>(sw & 0xFF); }
    Bytes encode() const;
    // Error code "card.apdu.malformed" when shorter than two bytes.
    static Result<ResponseApdu> decode(ByteView bytes);
};

// What a status word means, as a typed error. Codes are stable, for logs
// and for the screens that pick a sentence from them:
//   card.sw.wrong_length (6700), card.sw.sm_unsupported (6882),
//   card.sw.security_status (6982: not authenticated, or wrong access
//   data), card.sw.auth_blocked (6983), card.sw.data_invalid (6984),
//   card.sw.conditions (6985), card.sw.sm_missing (6987),
//   card.sw.sm_incorrect (6988), card.sw.bad_data (6A80),
//   card.sw.not_supported (6A81), card.sw.file_not_found (6A82),
//   card.sw.bad_p1p2 (6A86, 6B00), card.sw.wrong_le (6Cxx),
//   card.sw.ins_unsupported (6D00), card.sw.cla_unsupported (6E00),
//   card.sw.verification_failed (6300, 63Cx), card.sw.end_of_file (6282),
//   card.sw.corrupted (6281), card.sw.memory (6581), card.sw.other.
// The detail holds the status word in hex, never any data.
Error status_error(std::uint16_t sw);

}
