#include "bac.hpp"

#include "crypto.hpp"
#include "tlv.hpp"

namespace guichet::card::bac {

namespace {

void increment(SecretBytes& ssc)
{
    auto& bytes = ssc.bytes();
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it)
        if (++*it != 0)
            break;
}

KeyPair derive_pair(ByteView seed)
{
    return KeyPair { crypto::derive_key(seed, 1), crypto::derive_key(seed, 2) };
}

Bytes mac_of(KeyPair const& keys, ByteView data)
{
    Bytes padded = crypto::pad(data);
    return crypto::retail_mac(keys.mac.view(), padded);
}

Session session_from(ByteView k_ifd, ByteView k_ic, ByteView rnd_ic, ByteView rnd_ifd)
{
    Bytes seed(16);
    for (std::size_t i = 0; i < 16; ++i)
        seed[i] = k_ifd[i] ^ k_ic[i];
    Session session { derive_pair(seed), SecretBytes(concat({ rnd_ic.last(4), rnd_ifd.last(4) })) };
    wipe(seed);
    return session;
}

// The data objects of a protected command or response, as views into it.
struct Objects {
    std::optional<Tlv> do87;
    std::optional<Tlv> do97;
    std::optional<Tlv> do99;
    std::optional<Tlv> do8e;
};

Result<Objects> objects_of(ByteView data)
{
    Objects objects;
    while (!data.empty()) {
        auto object = GUICHET_TRY(read_tlv(data));
        switch (object.tag) {
        case 0x87:
            objects.do87 = object;
            break;
        case 0x97:
            objects.do97 = object;
            break;
        case 0x99:
            objects.do99 = object;
            break;
        case 0x8E:
            objects.do8e = object;
            break;
        default:
            return Error::make("card.sm.unexpected", "a data object secure messaging does not use");
        }
        data = data.subspan(object.total_size());
    }
    return objects;
}

ByteView whole(std::optional<Tlv> const& object)
{
    if (!object)
        return {};
    return ByteView(object->value.data() - object->header_size, object->total_size());
}

Result<Bytes> decipher_do87(KeyPair const& keys, Tlv const& do87)
{
    // DO87 starts with the padding-content indicator 01.
    if (do87.value.size() < 9 || do87.value[0] != 0x01 || (do87.value.size() - 1) % 8 != 0)
        return Error::make("card.sm.malformed", "DO87 is not 01 followed by whole blocks");
    Bytes clear = crypto::decrypt(keys.enc.view(), do87.value.subspan(1));
    auto data = crypto::unpad(clear);
    wipe(clear);
    return data;
}

Bytes encipher_do87(KeyPair const& keys, ByteView data)
{
    Bytes padded = crypto::pad(data);
    Bytes value = concat({ Bytes { 0x01 }, crypto::encrypt(keys.enc.view(), padded) });
    wipe(padded);
    return encode_tlv(0x87, value);
}

Bytes padded_header(std::uint8_t cla, CommandApdu const& command)
{
    return crypto::pad(Bytes { cla, command.ins, command.p1, command.p2 });
}

}

KeyPair document_keys_from_information(std::string_view mrz_information)
{
    Bytes info(mrz_information.begin(), mrz_information.end());
    Bytes digest = crypto::sha1(info);
    wipe(info);
    digest.resize(16);
    auto keys = derive_pair(digest);
    wipe(digest);
    return keys;
}

KeyPair document_keys(mrz::AccessKey const& access)
{
    std::string information = access.information();
    auto keys = document_keys_from_information(information);
    wipe(information);
    return keys;
}

Bytes authentication_data(KeyPair const& keys, ByteView rnd_ic, ByteView rnd_ifd, ByteView k_ifd)
{
    Bytes s = concat({ rnd_ifd, rnd_ic, k_ifd });
    Bytes e_ifd = crypto::encrypt(keys.enc.view(), s);
    wipe(s);
    Bytes m_ifd = mac_of(keys, e_ifd);
    return concat({ e_ifd, m_ifd });
}

Result<Session> finish_authentication(
    KeyPair const& keys, ByteView rnd_ic, ByteView rnd_ifd, ByteView k_ifd, ByteView response)
{
    if (response.size() != 40)
        return Error::make("card.bac.length", "the authentication answer is not 40 bytes");
    auto e_ic = response.first(32);
    if (!crypto::same_mac(mac_of(keys, e_ic), response.last(8)))
        return Error::make("card.bac.mac", "the authentication answer's MAC does not match");
    SecretBytes r(crypto::decrypt(keys.enc.view(), e_ic));
    auto view = r.view();
    if (!std::equal(rnd_ic.begin(), rnd_ic.end(), view.begin())
        || !std::equal(rnd_ifd.begin(), rnd_ifd.end(), view.begin() + 8))
        return Error::make("card.bac.challenge", "the chip did not echo the challenges");
    return session_from(k_ifd, view.subspan(16, 16), rnd_ic, rnd_ifd);
}

CommandApdu TerminalChannel::protect(CommandApdu const& plain)
{
    auto cla = static_cast<std::uint8_t>(plain.cla | 0x0C);
    Bytes do87 = plain.data.empty() ? Bytes {} : encipher_do87(m_session.keys, plain.data);
    Bytes do97;
    if (plain.le)
        do97 = encode_tlv(0x97, Bytes { static_cast<std::uint8_t>(*plain.le >= 256 ? 0 : *plain.le) });
    increment(m_session.ssc);
    Bytes header = padded_header(cla, plain);
    Bytes mac = mac_of(m_session.keys, concat({ m_session.ssc.view(), header, do87, do97 }));
    return CommandApdu { cla, plain.ins, plain.p1, plain.p2, concat({ do87, do97, encode_tlv(0x8E, mac) }), 256 };
}

Result<ResponseApdu> TerminalChannel::unprotect(ResponseApdu const& response)
{
    increment(m_session.ssc);
    // A chip that cannot process a protected command answers in the clear
    // (6987, 6988) and forgets the session.
    if (response.data.empty() && !response.ok())
        return ResponseApdu { {}, response.sw };
    auto objects = GUICHET_TRY(objects_of(response.data));
    if (!objects.do8e || !objects.do99)
        return Error::make("card.sm.missing", "the answer has no MAC or no protected status");
    if (objects.do99->value.size() != 2)
        return Error::make("card.sm.malformed", "DO99 is not two bytes");
    Bytes mac = mac_of(m_session.keys, concat({ m_session.ssc.view(), whole(objects.do87), whole(objects.do99) }));
    if (!crypto::same_mac(mac, objects.do8e->value))
        return Error::make("card.sm.mac", "the answer's MAC does not match");
    ResponseApdu plain;
    plain.sw = static_cast<std::uint16_t>(objects.do99->value[0] << 8 | objects.do99->value[1]);
    if (objects.do87)
        plain.data = GUICHET_TRY(decipher_do87(m_session.keys, *objects.do87));
    return plain;
}

Result<CommandApdu> ChipChannel::unprotect(CommandApdu const& command)
{
    increment(m_session.ssc);
    if ((command.cla & 0x0C) != 0x0C)
        return Error::make("card.sm.missing", "a plain command inside a secure session");
    auto objects = GUICHET_TRY(objects_of(command.data));
    if (!objects.do8e)
        return Error::make("card.sm.missing", "the command has no MAC");
    Bytes header = padded_header(command.cla, command);
    Bytes mac
        = mac_of(m_session.keys, concat({ m_session.ssc.view(), header, whole(objects.do87), whole(objects.do97) }));
    if (!crypto::same_mac(mac, objects.do8e->value))
        return Error::make("card.sm.mac", "the command's MAC does not match");
    CommandApdu plain { static_cast<std::uint8_t>(command.cla & ~0x0C), command.ins, command.p1, command.p2, {}, {} };
    if (objects.do87)
        plain.data = GUICHET_TRY(decipher_do87(m_session.keys, *objects.do87));
    if (objects.do97) {
        if (objects.do97->value.size() != 1)
            return Error::make("card.sm.malformed", "DO97 is not one byte");
        plain.le = objects.do97->value[0] == 0 ? 256 : objects.do97->value[0];
    }
    return plain;
}

ResponseApdu ChipChannel::protect(ResponseApdu const& plain)
{
    increment(m_session.ssc);
    Bytes do87 = plain.data.empty() ? Bytes {} : encipher_do87(m_session.keys, plain.data);
    Bytes do99 = encode_tlv(0x99, Bytes { plain.sw1(), plain.sw2() });
    Bytes mac = mac_of(m_session.keys, concat({ m_session.ssc.view(), do87, do99 }));
    return ResponseApdu { concat({ do87, do99, encode_tlv(0x8E, mac) }), plain.sw };
}

Result<ChipAnswer> chip_authenticate(KeyPair const& keys, ByteView rnd_ic, ByteView k_ic, ByteView command_data)
{
    if (command_data.size() != 40)
        return Error::make("card.bac.length", "the authentication data is not 40 bytes");
    auto e_ifd = command_data.first(32);
    if (!crypto::same_mac(mac_of(keys, e_ifd), command_data.last(8)))
        return Error::make("card.bac.mac", "the terminal's MAC does not match: other access keys");
    SecretBytes s(crypto::decrypt(keys.enc.view(), e_ifd));
    auto view = s.view();
    if (!std::equal(rnd_ic.begin(), rnd_ic.end(), view.begin() + 8))
        return Error::make("card.bac.challenge", "the terminal did not echo the challenge");
    auto rnd_ifd = view.first(8);
    auto k_ifd = view.subspan(16, 16);
    SecretBytes r(concat({ rnd_ic, rnd_ifd, k_ic }));
    Bytes e_ic = crypto::encrypt(keys.enc.view(), r.view());
    Bytes m_ic = mac_of(keys, e_ic);
    return ChipAnswer { concat({ e_ic, m_ic }), session_from(k_ifd, k_ic, rnd_ic, rnd_ifd) };
}

}
