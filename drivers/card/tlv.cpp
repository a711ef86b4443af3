#include "tlv.hpp"

namespace guichet::card {

namespace {

struct Header {
    std::uint32_t tag { 0 };
    std::size_t length { 0 };
    std::size_t size { 0 };
};

Result<Header> read_header(ByteView bytes)
{
    auto malformed = [](char const* why) { return Error::make("card.tlv.malformed", why); };
    auto truncated = [](char const* why) { return Error::make("card.tlv.truncated", why); };
    if (bytes.empty())
        return truncated("no tag");
    Header header;
    std::size_t at = 0;
    header.tag = bytes[at++];
    if ((header.tag & 0x1F) == 0x1F) {
        // Subsequent tag bytes: bit 8 set means another follows. Three
        // bytes at most, as ICAO uses.
        for (int i = 0;; ++i) {
            if (at >= bytes.size())
                return truncated("a tag cut short");
            if (i == 2)
                return malformed("a tag longer than three bytes");
            std::uint8_t byte = bytes[at++];
            header.tag = header.tag << 8 | byte;
            if (!(byte & 0x80))
                break;
        }
    }
    if (at >= bytes.size())
        return truncated("no length");
    std::uint8_t first = bytes[at++];
    if (first < 0x80) {
        header.length = first;
    } else {
        std::size_t count = first & 0x7F;
        if (count == 0 || count > 4)
            return malformed("an indefinite or oversized length");
        if (at + count > bytes.size())
            return truncated("a length cut short");
        for (std::size_t i = 0; i < count; ++i)
            header.length = header.length << 8 | bytes[at++];
    }
    header.size = at;
    return header;
}

}

bool Tlv::constructed() const
{
    std::uint32_t first = tag;
    while (first > 0xFF)
        first >>= 8;
    return (first & 0x20) != 0;
}

Result<Tlv> read_tlv(ByteView bytes)
{
    auto header = GUICHET_TRY(read_header(bytes));
    if (header.length > bytes.size() - header.size)
        return Error::make("card.tlv.truncated", "a value runs past the end");
    return Tlv { header.tag, bytes.subspan(header.size, header.length), header.size };
}

Result<std::size_t> announced_size(ByteView bytes)
{
    auto header = GUICHET_TRY(read_header(bytes));
    return header.size + header.length;
}

Result<std::optional<Tlv>> find_tlv(ByteView bytes, std::uint32_t tag)
{
    while (!bytes.empty()) {
        // Padding between objects (00 or FF) is allowed by ISO 7816-4.
        if (bytes[0] == 0x00 || bytes[0] == 0xFF) {
            bytes = bytes.subspan(1);
            continue;
        }
        auto object = GUICHET_TRY(read_tlv(bytes));
        if (object.tag == tag)
            return std::optional<Tlv>(object);
        bytes = bytes.subspan(object.total_size());
    }
    return std::optional<Tlv> {};
}

Bytes encode_length(std::size_t length)
{
    if (length < 0x80)
        return { static_cast<std::uint8_t>(length) };
    if (length <= 0xFF)
        return { 0x81, static_cast<std::uint8_t>(length) };
    if (length <= 0xFFFF)
        return { 0x82, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length) };
    return { 0x83, static_cast<std::uint8_t>(length >> 16), static_cast<std::uint8_t>(length >> 8),
        static_cast<std::uint8_t>(length) };
}

Bytes encode_tlv(std::uint32_t tag, ByteView value)
{
    Bytes out;
    if (tag > 0xFFFF)
        out.push_back(static_cast<std::uint8_t>(tag >> 16));
    if (tag > 0xFF)
        out.push_back(static_cast<std::uint8_t>(tag >> 8));
    out.push_back(static_cast<std::uint8_t>(tag));
    auto length = encode_length(value.size());
    out.insert(out.end(), length.begin(), length.end());
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

}
