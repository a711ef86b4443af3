// The ID card, as the core sees it: a port to read one, how a read can
// fail, and the sentence and way forward for each failure. The reading
// itself (PC/SC, ICAO 9303 BAC) lives in drivers/card.
#pragma once

#include "mrz.hpp"

#include <cstdint>
#include <memory>
#include <string_view>

namespace guichet {

using CardReadId = std::uint64_t;

enum class CardFailure {
    WrongAccessData, // the chip refused the number and dates given
    Removed, // the card left the reader during the read
    NotIdentityDocument, // a bank card, a health card
    NoReader, // no reader, or it was unplugged
    Unreadable, // anything else: a damaged chip, a broken answer
};

std::string_view to_string(CardFailure failure);
// From a driver's error code ("card.access_denied", "card.removed"...).
CardFailure card_failure_of(std::string_view error_code);
// The plain French sentence the resident reads.
std::string_view resident_message(CardFailure failure);

// What was read, shared between the intent that carries it and the session
// that keeps it; wiped when the last holder lets go.
using CardData = std::shared_ptr<mrz::Data const>;
CardData make_card_data(mrz::Data data);

// Reads the card on the reader. read() returns at once; the driver reports
// the progress and the end as intents (CardReadProgress, CardReadFinished)
// carrying the same id. Reader and card presence come as intents too
// (ReaderChanged, CardPresence), whenever they change.
class CardReader {
public:
    virtual ~CardReader() = default;
    virtual void read(mrz::AccessKey const& access, CardReadId id) = 0;
    // Reads the identifier of the card on the reader as an agent's badge:
    // a contactless card's UID (PC/SC's GET DATA, FF CA 00 00 00), in
    // upper-case hex. Returns at once; the answer comes as an
    // intent::BadgeRead with the same id, its badge empty when the card
    // has no identifier to give (an ID card's chip, a contact card) or left.
    virtual void read_badge(CardReadId id) = 0;
};

}
