// BER-TLV as the ICAO logical data structure and secure messaging use it:
// tags of one to three bytes, lengths of one to four. Parsers take untrusted
// bytes from a card: every length is checked against what is there.
#pragma once

#include "bytes.hpp"

#include "kiosk/core/result.hpp"

#include <cstdint>
#include <optional>

namespace guichet::card {

struct Tlv {
    std::uint32_t tag { 0 }; // as written: 0x5F1F, 0x61, 0x87
    ByteView value;
    std::size_t header_size { 0 }; // tag and length bytes
    bool constructed() const;
    std::size_t total_size() const { return header_size + value.size(); }
};

// The first TLV object of `bytes`. Error codes "card.tlv.truncated" (the
// length runs past the end), "card.tlv.malformed" (a tag or length that
// cannot be read).
Result<Tlv> read_tlv(ByteView bytes);

// How many bytes the object starting `bytes` announces in all (header and
// value), from its header alone: to know whether a file read in parts is
// complete. Same errors as read_tlv, except that a value running past the
// end is fine.
Result<std::size_t> announced_size(ByteView bytes);

// The first object with `tag` among the objects laid one after the other in
// `bytes` (not looking inside constructed ones); nothing when absent.
// Errors as read_tlv.
Result<std::optional<Tlv>> find_tlv(ByteView bytes, std::uint32_t tag);

// Encodes a length: 1 byte below 128, then 81 xx, 82 xx xx.
Bytes encode_length(std::size_t length);
// tag (1 to 3 bytes, as written) + length + value.
Bytes encode_tlv(std::uint32_t tag, ByteView value);

}
