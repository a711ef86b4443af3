// A simulated eMRTD chip: answers like a real passport or identity card,
// Basic Access Control and secure messaging included, and refuses to serve
// a file in the clear as real chips do. Always built: the demo runs on it
// (`--card=sim`) and the unit tests read it. It can also misbehave on
// purpose: be pulled out after so many commands, answer slowly, corrupt a
// MAC, hold a DG1 whose check digits are wrong, or not be an identity
// document at all. Beside it, a simulated agent's badge, which only gives
// its UID.
#pragma once

#include "bac.hpp"
#include "emrtd.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace guichet::card {

// How a simulated card misbehaves, on purpose.
struct CardFaults {
    // The card leaves the reader when this many commands have been
    // answered: the next transmit() fails with card.removed.
    std::optional<std::uint32_t> removed_after;
    // Each answer waits this long, as a real contactless read does
    // (about 30 to 80 ms a command), so that the progress is seen.
    std::chrono::milliseconds delay { 0 };
    // The secure-messaging MAC of every answer is wrong.
    bool bad_mac { false };
    // The card has no ICAO application (a bank card, a loyalty card).
    bool not_an_identity_document { false };
};

class SimulatedCard final : public CardChannel {
public:
    using Faults = CardFaults;

    // `mrz` is the document's MRZ, run together (88, 90 or 72 characters);
    // the chip's files are built from it and its BAC keys from its document
    // number, birth and expiry fields. `rnd_ic` and `k_ic` fix the chip's
    // random values (for ICAO's worked example); random otherwise.
    explicit SimulatedCard(std::string mrz, Faults faults = {});
    SimulatedCard(std::string mrz, Bytes rnd_ic, Bytes k_ic);
    ~SimulatedCard() override;

    Result<ResponseApdu> transmit(CommandApdu const& command) override;

    // Commands received so far, and how many of them came in the clear
    // after BAC (none, from a correct terminal).
    std::uint32_t commands() const { return m_commands; }
    bool authenticated() const { return m_session.has_value(); }
    // The raw DG1 bytes the chip holds (tests corrupt them to check
    // the reader's parsing).
    Bytes& dg1() { return m_dg1; }
    void remove() { m_removed = true; }

    // DG1 and EF.COM as a chip holds them, for this MRZ.
    static Bytes dg1_for(std::string_view mrz);
    static Bytes com_file();

private:
    ResponseApdu answer(CommandApdu const& command);
    ResponseApdu answer_protected(CommandApdu const& plain);
    ResponseApdu read(Bytes const& file, std::size_t offset, std::size_t le);

    std::string m_mrz;
    Faults m_faults;
    bac::KeyPair m_keys;
    Bytes m_dg1;
    Bytes m_com;
    Bytes m_fixed_rnd_ic;
    Bytes m_fixed_k_ic;
    Bytes m_rnd_ic;
    bool m_selected { false };
    bool m_removed { false };
    Bytes const* m_current { nullptr };
    std::optional<bac::ChipChannel> m_session;
    std::uint32_t m_commands { 0 };
};

// An agent's badge on a contactless reader: the reader answers GET DATA
// (FF CA 00 00, badge.hpp) with the badge's UID, and the card answers
// everything else as a card without an ICAO application does (6A82). The
// identity documents above answer that GET DATA with 6A81, as an ICAO chip
// behind a contact reader does, so the kiosk can ask whatever lies there.
class SimulatedBadge final : public CardChannel {
public:
    explicit SimulatedBadge(Bytes uid);

    Result<ResponseApdu> transmit(CommandApdu const& command) override;

    std::uint32_t commands() const { return m_commands; }
    void remove() { m_removed = true; }

private:
    Bytes m_uid;
    bool m_removed { false };
    std::uint32_t m_commands { 0 };
};

}
