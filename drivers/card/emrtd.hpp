// Reading an electronic passport or identity card (ICAO Doc 9303 eMRTD):
// select the application, Basic Access Control, then EF.COM and DG1 over
// secure messaging, read by short file identifier so that each file costs
// one command. With the files' usual sizes that is four commands after the
// SELECT: GET CHALLENGE, EXTERNAL AUTHENTICATE, READ BINARY EF.COM, READ
// BINARY DG1.
//
// The card is reached through a CardChannel, which the PC/SC backend and
// the simulated chip both implement.
#pragma once

#include "apdu.hpp"

#include "kiosk/core/mrz.hpp"
#include "kiosk/core/result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>

namespace guichet::card {

// One card, connected. transmit() sends one command and waits for the
// answer. Error codes: "card.removed" (the card left the reader),
// "card.reader_gone" (the reader was unplugged), "card.io" (anything else
// on the way).
class CardChannel {
public:
    virtual ~CardChannel() = default;
    virtual Result<ResponseApdu> transmit(CommandApdu const& command) = 0;
};

// The stages of a read, in order, for the progress the resident sees.
enum class ReadStage {
    Selecting,
    Authenticating,
    ReadingCom,
    ReadingDg1,
};

struct ReadOptions {
    // Called as each stage starts, on the reading thread.
    std::function<void(ReadStage)> on_stage;
    // Where the terminal's random values come from; the system's generator
    // by default. Tests replay ICAO's worked example with fixed ones.
    std::function<Result<Bytes>(std::size_t)> random;
};

struct EmrtdRead {
    mrz::Data data; // from DG1, every check digit verified
    std::uint32_t apdus { 0 }; // commands sent, the SELECT included
    std::chrono::microseconds elapsed { 0 };
    void wipe() { data.wipe(); }
};

// Reads DG1 from the document on `channel`, unlocking it with `access`.
// `today` places the MRZ's two-digit years. Error codes, beside the
// channel's own:
//   card.not_emrtd      the card has no ICAO application (a bank card, a
//                       health card) or no DG1
//   card.access_denied  the chip refused the access data: they are not
//                       this document's
//   card.protocol       the chip broke secure messaging (bad MAC, missing
//                       objects) or answered a status it should not have
//   card.data           DG1 is not a readable MRZ (bad TLV, check digits)
// The detail says which step failed and the underlying code; it never holds
// data read from the card.
Result<EmrtdRead> read_emrtd(
    CardChannel& channel, mrz::AccessKey const& access, Date today, ReadOptions const& options = {});

// The commands, for tests and the simulated chip.
namespace command {
CommandApdu select_emrtd_application();
CommandApdu get_challenge();
CommandApdu external_authenticate(ByteView data);
// READ BINARY of the file with this short identifier, from offset 0.
CommandApdu read_binary_sfi(std::uint8_t sfi, std::size_t le);
// READ BINARY of the selected file at an offset below 32768.
CommandApdu read_binary(std::size_t offset, std::size_t le);
}

// ICAO application identifier and the short file identifiers read.
inline constexpr std::uint8_t emrtd_aid[] { 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };
inline constexpr std::uint8_t sfi_com = 0x1E;
inline constexpr std::uint8_t sfi_dg1 = 0x01;

}
