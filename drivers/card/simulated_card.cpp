#include "simulated_card.hpp"

#include "crypto.hpp"
#include "tlv.hpp"

#include "kiosk/core/mrz.hpp"

#include <algorithm>
#include <thread>

namespace guichet::card {

namespace {

constexpr std::uint16_t sw_ok = 0x9000;

// The BAC "MRZ information" as a chip's personalisation derives it from
// the MRZ: document number, birth and expiry dates with their check digits.
std::string information_of(std::string_view mrz)
{
    std::string_view number, birth, expiry;
    char number_check = '<';
    if (mrz.size() == 88) {
        number = mrz.substr(44, 9), number_check = mrz[53], birth = mrz.substr(57, 7), expiry = mrz.substr(65, 7);
    } else if (mrz.size() == 90) {
        number = mrz.substr(5, 9), number_check = mrz[14], birth = mrz.substr(30, 7), expiry = mrz.substr(38, 7);
    } else if (mrz.size() == 72) {
        number = mrz.substr(36, 9), number_check = mrz[45], birth = mrz.substr(49, 7), expiry = mrz.substr(57, 7);
    } else {
        return {};
    }
    return std::string(number) + number_check + std::string(birth) + std::string(expiry);
}

}

SimulatedCard::SimulatedCard(std::string mrz, Faults faults)
    : m_mrz(std::move(mrz))
    , m_faults(faults)
    , m_keys(bac::document_keys_from_information(information_of(m_mrz)))
    , m_dg1(dg1_for(m_mrz))
    , m_com(com_file())
{
}

SimulatedCard::SimulatedCard(std::string mrz, Bytes rnd_ic, Bytes k_ic)
    : SimulatedCard(std::move(mrz))
{
    m_fixed_rnd_ic = std::move(rnd_ic);
    m_fixed_k_ic = std::move(k_ic);
}

SimulatedCard::~SimulatedCard()
{
    wipe(m_mrz);
    wipe(m_dg1);
    wipe(m_rnd_ic);
}

Bytes SimulatedCard::dg1_for(std::string_view mrz)
{
    Bytes text(mrz.begin(), mrz.end());
    return encode_tlv(0x61, encode_tlv(0x5F1F, text));
}

Bytes SimulatedCard::com_file()
{
    // LDS 1.7, Unicode 4.0.0, data groups 1 and 2 (the face) present.
    Bytes body = concat({ encode_tlv(0x5F01, Bytes { '0', '1', '0', '7' }),
        encode_tlv(0x5F36, Bytes { '0', '4', '0', '0', '0', '0' }), encode_tlv(0x5C, Bytes { 0x61, 0x75 }) });
    return encode_tlv(0x60, body);
}

Result<ResponseApdu> SimulatedCard::transmit(CommandApdu const& command)
{
    if (m_removed || (m_faults.removed_after && m_commands >= *m_faults.removed_after)) {
        m_removed = true;
        return Error::make("card.removed", "the simulated card was removed");
    }
    ++m_commands;
    if (m_faults.delay.count() > 0)
        std::this_thread::sleep_for(m_faults.delay);
    // Round-trip through the wire format, as a reader would.
    auto wire = CommandApdu::decode(command.encode());
    if (!wire.ok())
        return ResponseApdu { {}, 0x6700 };
    return answer(wire.value());
}

ResponseApdu SimulatedCard::read(Bytes const& file, std::size_t offset, std::size_t le)
{
    if (offset > file.size())
        return { {}, 0x6B00 };
    auto count = std::min(le, file.size() - offset);
    Bytes data(
        file.begin() + static_cast<std::ptrdiff_t>(offset), file.begin() + static_cast<std::ptrdiff_t>(offset + count));
    return { std::move(data), count < le && le != 256 ? std::uint16_t { 0x6282 } : sw_ok };
}

ResponseApdu SimulatedCard::answer(CommandApdu const& command)
{
    // GET DATA of the UID is a reader's pseudo-APDU (badge.hpp): a contact
    // reader passes it on and the chip refuses it, without leaving its
    // secure-messaging session, since on a contactless reader the chip
    // would never have seen it.
    if (command.cla == 0xFF && command.ins == 0xCA)
        return { {}, 0x6A81 };
    if (m_faults.not_an_identity_document)
        return { {}, 0x6A82 };
    bool secure = (command.cla & 0x0C) == 0x0C;
    if (secure) {
        if (!m_session)
            return { {}, 0x6988 };
        auto plain = m_session->unprotect(command);
        if (!plain.ok()) {
            m_session.reset();
            return { {}, 0x6988 };
        }
        auto response = m_session->protect(answer_protected(plain.value()));
        if (m_faults.bad_mac && !response.data.empty())
            response.data.back() ^= 0x01;
        return response;
    }
    // In the clear: only what comes before the session.
    switch (command.ins) {
    case 0xA4: // SELECT
        if (command.p1 == 0x04 && std::ranges::equal(command.data, emrtd_aid)) {
            m_selected = true;
            m_session.reset();
            return { {}, sw_ok };
        }
        // A file, in the clear: refused, as a real chip does before BAC.
        return { {}, static_cast<std::uint16_t>(m_selected ? 0x6982 : 0x6A82) };
    case 0x84: // GET CHALLENGE
        if (!m_selected)
            return { {}, 0x6985 };
        if (command.le != 8)
            return { {}, 0x6700 };
        m_rnd_ic = m_fixed_rnd_ic.empty() ? crypto::random_bytes(8).value() : m_fixed_rnd_ic;
        m_session.reset();
        return { m_rnd_ic, sw_ok };
    case 0x82: { // EXTERNAL AUTHENTICATE
        if (m_rnd_ic.empty())
            return { {}, 0x6985 };
        Bytes k_ic = m_fixed_k_ic.empty() ? crypto::random_bytes(16).value() : m_fixed_k_ic;
        auto result = bac::chip_authenticate(m_keys, m_rnd_ic, k_ic, command.data);
        wipe(k_ic);
        wipe(m_rnd_ic); // a challenge answers one attempt
        if (!result.ok())
            return { {}, 0x6300 };
        m_session.emplace(std::move(result.value().session));
        return { std::move(result.value().response), sw_ok };
    }
    case 0xB0: // READ BINARY in the clear
        return { {}, 0x6982 };
    default:
        return { {}, 0x6D00 };
    }
}

ResponseApdu SimulatedCard::answer_protected(CommandApdu const& plain)
{
    switch (plain.ins) {
    case 0xA4: { // SELECT EF by identifier
        if (plain.p1 != 0x02 || plain.data.size() != 2)
            return { {}, 0x6A86 };
        std::uint16_t fid = static_cast<std::uint16_t>(plain.data[0] << 8 | plain.data[1]);
        if (fid == 0x011E)
            m_current = &m_com;
        else if (fid == 0x0101)
            m_current = &m_dg1;
        else
            return { {}, 0x6A82 };
        return { {}, sw_ok };
    }
    case 0xB0: {
        std::size_t offset = 0;
        if (plain.p1 & 0x80) {
            auto sfi = plain.p1 & 0x1F;
            if (sfi == sfi_com)
                m_current = &m_com;
            else if (sfi == sfi_dg1)
                m_current = &m_dg1;
            else
                return { {}, 0x6A82 };
            offset = plain.p2;
        } else {
            if (!m_current)
                return { {}, 0x6986 };
            offset = static_cast<std::size_t>(plain.p1 << 8 | plain.p2);
        }
        return read(*m_current, offset, plain.le.value_or(256));
    }
    default:
        return { {}, 0x6D00 };
    }
}

SimulatedBadge::SimulatedBadge(Bytes uid)
    : m_uid(std::move(uid))
{
}

Result<ResponseApdu> SimulatedBadge::transmit(CommandApdu const& command)
{
    if (m_removed)
        return Error::make("card.removed", "the simulated badge was removed");
    ++m_commands;
    auto wire = CommandApdu::decode(command.encode());
    if (!wire.ok())
        return ResponseApdu { {}, 0x6700 };
    auto const& decoded = wire.value();
    if (decoded.cla != 0xFF || decoded.ins != 0xCA)
        return ResponseApdu { {}, 0x6A82 };
    if (decoded.p1 != 0x00 || decoded.p2 != 0x00)
        return ResponseApdu { {}, 0x6A81 }; // the ATS or other data: not simulated
    // PC/SC Part 3: Le 00 is the whole UID, a shorter Le is told the
    // right one, a longer one gets the UID and "end of data".
    auto le = decoded.le.value_or(256);
    if (le == 256 || le == m_uid.size())
        return ResponseApdu { m_uid, sw_ok };
    if (le < m_uid.size())
        return ResponseApdu { {}, static_cast<std::uint16_t>(0x6C00 | m_uid.size()) };
    return ResponseApdu { m_uid, 0x6282 };
}

}
