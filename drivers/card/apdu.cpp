#include "apdu.hpp"

#include "tlv.hpp"

#include <cstdio>

namespace guichet::card {

Bytes CommandApdu::encode() const
{
    Bytes out { cla, ins, p1, p2 };
    bool ext = extended();
    if (!data.empty()) {
        if (ext) {
            out.push_back(0x00);
            out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
            out.push_back(static_cast<std::uint8_t>(data.size()));
        } else {
            out.push_back(static_cast<std::uint8_t>(data.size()));
        }
        out.insert(out.end(), data.begin(), data.end());
    }
    if (le) {
        if (ext) {
            if (data.empty())
                out.push_back(0x00);
            auto value = *le >= 65536 ? 0 : *le;
            out.push_back(static_cast<std::uint8_t>(value >> 8));
            out.push_back(static_cast<std::uint8_t>(value));
        } else {
            out.push_back(static_cast<std::uint8_t>(*le >= 256 ? 0 : *le));
        }
    }
    return out;
}

// The four cases of ISO 7816-3 §12.1.3, short and extended.
Result<CommandApdu> CommandApdu::decode(ByteView bytes)
{
    auto malformed = [](char const* why) { return Error::make("card.apdu.malformed", why); };
    if (bytes.size() < 4)
        return malformed("a command has at least four bytes");
    CommandApdu command { bytes[0], bytes[1], bytes[2], bytes[3], {}, {} };
    auto body = bytes.subspan(4);
    if (body.empty())
        return command; // case 1
    if (body.size() == 1) { // case 2 short
        command.le = body[0] == 0 ? 256 : body[0];
        return command;
    }
    if (body[0] != 0) { // short, with data
        std::size_t lc = body[0];
        if (body.size() == 1 + lc)
            return command.data.assign(body.begin() + 1, body.end()), command;
        if (body.size() == 2 + lc) {
            command.data.assign(body.begin() + 1, body.begin() + 1 + static_cast<std::ptrdiff_t>(lc));
            command.le = body.back() == 0 ? 256 : body.back();
            return command;
        }
        return malformed("Lc does not match the data");
    }
    // Extended: 00 then two bytes.
    if (body.size() < 3)
        return malformed("an extended length needs three bytes");
    std::size_t n = static_cast<std::size_t>(body[1]) << 8 | body[2];
    if (body.size() == 3) { // case 2 extended
        command.le = n == 0 ? 65536 : n;
        return command;
    }
    if (n == 0)
        return malformed("an extended Lc of zero");
    if (body.size() == 3 + n) {
        command.data.assign(body.begin() + 3, body.end());
        return command;
    }
    if (body.size() == 5 + n) {
        command.data.assign(body.begin() + 3, body.begin() + 3 + static_cast<std::ptrdiff_t>(n));
        std::size_t le = static_cast<std::size_t>(body[3 + n]) << 8 | body[4 + n];
        command.le = le == 0 ? 65536 : le;
        return command;
    }
    return malformed("extended Lc does not match the data");
}

Bytes ResponseApdu::encode() const
{
    Bytes out = data;
    out.push_back(sw1());
    out.push_back(sw2());
    return out;
}

Result<ResponseApdu> ResponseApdu::decode(ByteView bytes)
{
    if (bytes.size() < 2)
        return Error::make("card.apdu.malformed", "a response has at least the two status bytes");
    ResponseApdu response;
    response.data.assign(bytes.begin(), bytes.end() - 2);
    response.sw = static_cast<std::uint16_t>(bytes[bytes.size() - 2] << 8 | bytes[bytes.size() - 1]);
    return response;
}

Error status_error(std::uint16_t sw)
{
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04X", sw);
    std::string detail = std::string("status word ") + hex;
    auto error = [&](char const* code) { return Error::make(code, detail); };
    if ((sw & 0xFF00) == 0x6C00)
        return error("card.sw.wrong_le");
    if (sw == 0x6300 || (sw & 0xFFF0) == 0x63C0)
        return error("card.sw.verification_failed");
    switch (sw) {
    case 0x6281:
        return error("card.sw.corrupted");
    case 0x6282:
        return error("card.sw.end_of_file");
    case 0x6581:
        return error("card.sw.memory");
    case 0x6700:
        return error("card.sw.wrong_length");
    case 0x6882:
        return error("card.sw.sm_unsupported");
    case 0x6982:
        return error("card.sw.security_status");
    case 0x6983:
        return error("card.sw.auth_blocked");
    case 0x6984:
        return error("card.sw.data_invalid");
    case 0x6985:
        return error("card.sw.conditions");
    case 0x6987:
        return error("card.sw.sm_missing");
    case 0x6988:
        return error("card.sw.sm_incorrect");
    case 0x6A80:
        return error("card.sw.bad_data");
    case 0x6A81:
        return error("card.sw.not_supported");
    case 0x6A82:
        return error("card.sw.file_not_found");
    case 0x6A86:
    case 0x6B00:
        return error("card.sw.bad_p1p2");
    case 0x6D00:
        return error("card.sw.ins_unsupported");
    case 0x6E00:
        return error("card.sw.cla_unsupported");
    default:
        return error("card.sw.other");
    }
}

}
