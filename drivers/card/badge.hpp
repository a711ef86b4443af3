// An agent's badge, as the kiosk reads it: the identifier (UID) of the
// contactless card on the reader, asked with PC/SC's GET DATA pseudo-APDU
// (PC/SC Part 3, 3.2.2.1.3: FF CA 00 00 00). A contactless reader's firmware
// answers it itself, from the anticollision, without a word to the card; a
// contact card has no UID, so the reader (or the card) refuses it. The UID
// only says which agent to ask a PIN of: anyone can buy a card with a
// chosen UID, so it proves nothing alone.
#pragma once

#include "emrtd.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace guichet::card {

// ISO 14443 UIDs are 4, 7 or 10 bytes; a reader never gives more.
inline constexpr std::size_t max_badge_uid_bytes = 10;

namespace command {
// GET DATA of the UID, all of it (Le 00).
CommandApdu get_uid();
}

// The UID of the card on `channel`, in upper-case hex. Error codes, beside
// the channel's own (card.removed, card.reader_gone, card.io):
//   card.sw.*           the reader answered another status word than 9000:
//                       no UID to give (6A81 for a contact card or an ID
//                       card's chip behind a contact reader)
//   card.badge.invalid  9000 with no byte, or more than ten
// The detail holds the status word or the length, never the UID.
Result<std::string> read_badge_uid(CardChannel& channel);

// A badge's UID as written on a scenario or a technician's sheet
// ("04A1B2C3D4E5F6", either case): 4 to 10 bytes of hex digits, nothing
// else. Nothing when it is not that.
std::optional<Bytes> parse_badge_uid(std::string_view hex);

}
