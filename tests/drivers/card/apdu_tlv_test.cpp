// APDU encodings (ISO 7816-3 cases 1 to 4, short and extended), status
// words as typed errors, BER-TLV parsing of untrusted bytes, and the reader
// policy.
#include "drivers/card/apdu.hpp"
#include "drivers/card/pcsc.hpp"
#include "drivers/card/tlv.hpp"

#include <gtest/gtest.h>

namespace guichet::card {
namespace {

struct EncodingCase {
    char const* name;
    CommandApdu command;
    char const* hex;
};

TEST(CommandApdu, EncodesEachCaseAndDecodesItBack)
{
    Bytes big(300, 0xAB);
    std::vector<EncodingCase> cases {
        { "case 1", { 0x00, 0xA4, 0x00, 0x0C, {}, {} }, "00A4000C" },
        { "case 2 short", { 0x00, 0x84, 0x00, 0x00, {}, 8 }, "0084000008" },
        { "case 2 short, Le 256", { 0x00, 0xB0, 0x81, 0x00, {}, 256 }, "00B0810000" },
        { "case 3 short", { 0x00, 0xA4, 0x02, 0x0C, from_hex("011E"), {} }, "00A4020C02011E" },
        { "case 4 short", { 0x00, 0x82, 0x00, 0x00, from_hex("0102"), 40 },
            "00820000020102"
            "28" },
        { "case 2 extended", { 0x00, 0xB0, 0x00, 0x00, {}, 1000 },
            "00B00000"
            "0003E8" },
        { "case 2 extended, Le 65536", { 0x00, 0xB0, 0x00, 0x00, {}, 65536 },
            "00B00000"
            "000000" },
    };
    for (auto const& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(to_hex(c.command.encode()), c.hex);
        auto back = CommandApdu::decode(from_hex(c.hex));
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(back.value().data, c.command.data);
        EXPECT_EQ(back.value().le, c.command.le);
        EXPECT_EQ(back.value().ins, c.command.ins);
    }
    CommandApdu extended { 0x00, 0xD6, 0x00, 0x00, big, 512 };
    auto encoded = extended.encode();
    EXPECT_EQ(to_hex(ByteView(encoded).first(7)),
        "00D60000"
        "00012C");
    EXPECT_EQ(to_hex(ByteView(encoded).last(2)), "0200");
    auto back = CommandApdu::decode(encoded);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value().data, big);
    EXPECT_EQ(back.value().le, 512u);
}

TEST(CommandApdu, MalformedCommandsAreRefused)
{
    for (char const* hex : { "", "00A4", "00A4020C05011E", "00A4020C0000", "00A4020C00000501" }) {
        SCOPED_TRACE(hex);
        auto decoded = CommandApdu::decode(from_hex(hex));
        ASSERT_FALSE(decoded.ok());
        EXPECT_EQ(decoded.error().code, "card.apdu.malformed");
    }
}

TEST(ResponseApdu, SplitsDataAndStatus)
{
    auto response = ResponseApdu::decode(from_hex("01029000"));
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(to_hex(response.value().data), "0102");
    EXPECT_TRUE(response.value().ok());
    EXPECT_EQ(to_hex(response.value().encode()), "01029000");
    EXPECT_FALSE(ResponseApdu::decode(from_hex("90")).ok());
}

TEST(StatusWords, MapToTypedErrors)
{
    std::vector<std::pair<std::uint16_t, char const*>> cases {
        { 0x6982, "card.sw.security_status" },
        { 0x6A82, "card.sw.file_not_found" },
        { 0x6700, "card.sw.wrong_length" },
        { 0x6C10, "card.sw.wrong_le" },
        { 0x6300, "card.sw.verification_failed" },
        { 0x63C2, "card.sw.verification_failed" },
        { 0x6988, "card.sw.sm_incorrect" },
        { 0x6987, "card.sw.sm_missing" },
        { 0x6D00, "card.sw.ins_unsupported" },
        { 0x6E00, "card.sw.cla_unsupported" },
        { 0x6B00, "card.sw.bad_p1p2" },
        { 0x6F00, "card.sw.other" },
    };
    for (auto [sw, code] : cases) {
        auto error = status_error(sw);
        EXPECT_EQ(error.code, code) << std::hex << sw;
        EXPECT_NE(error.detail.find("status word"), std::string::npos);
    }
}

TEST(Tlv, ReadsTagsAndLengthsOfEveryWidth)
{
    Bytes bytes = concat({ from_hex("615D5F1F5A"), Bytes(0x5A, 'A') });
    auto outer = read_tlv(bytes);
    ASSERT_TRUE(outer.ok());
    EXPECT_EQ(outer.value().tag, 0x61u);
    EXPECT_TRUE(outer.value().constructed());
    auto inner = find_tlv(outer.value().value, 0x5F1F);
    ASSERT_TRUE(inner.ok() && inner.value());
    EXPECT_EQ(inner.value()->tag, 0x5F1Fu);
    EXPECT_EQ(inner.value()->value.size(), 0x5Au);
    EXPECT_FALSE(inner.value()->constructed());

    Bytes long_form = concat({ from_hex("538200FF"), Bytes(0xFF, 1) });
    auto object = read_tlv(long_form);
    ASSERT_TRUE(object.ok());
    EXPECT_EQ(object.value().value.size(), 0xFFu);
    EXPECT_EQ(object.value().header_size, 4u);
    EXPECT_EQ(encode_length(0xFF), from_hex("81FF"));
    EXPECT_EQ(encode_length(0x100), from_hex("820100"));
    EXPECT_EQ(encode_tlv(0x5F1F, from_hex("41")), from_hex("5F1F0141"));
}

TEST(Tlv, UntrustedBytesNeverReadPastTheEnd)
{
    struct Case {
        char const* hex;
        char const* code;
    };
    for (auto c : std::vector<Case> {
             { "", "card.tlv.truncated" },
             { "61", "card.tlv.truncated" },
             { "6105AABB", "card.tlv.truncated" },
             { "5F", "card.tlv.truncated" },
             { "5F9F", "card.tlv.truncated" },
             { "5F9F9F0100", "card.tlv.malformed" },
             { "6180", "card.tlv.malformed" },
             { "6185FFFFFFFFFF", "card.tlv.malformed" },
             { "6184FFFFFFFF", "card.tlv.truncated" },
             { "618201", "card.tlv.truncated" },
         }) {
        SCOPED_TRACE(c.hex);
        auto object = read_tlv(from_hex(c.hex));
        ASSERT_FALSE(object.ok());
        EXPECT_EQ(object.error().code, c.code);
    }
    // The header alone is enough to know a file's announced size.
    EXPECT_EQ(announced_size(from_hex("6182 0300")).value(), 0x304u);
}

TEST(ReaderPolicy, NeverAVirtualReaderUnlessAllowed)
{
    std::vector<std::string> readers { "Virtual PCD 00 00", "Virtual PCD 00 01",
        "ACS ACR1252 1S CL Reader [ACR1252 Dual Reader PICC] 00 00", "Identiv uTrust 3700 F CL Reader 01 00" };
    EXPECT_EQ(choose_reader(readers, { "", false }), readers[2]);
    EXPECT_EQ(choose_reader(readers, { "utrust", false }), readers[3]);
    EXPECT_EQ(choose_reader(readers, { "Virtual", false }), std::nullopt);
    EXPECT_EQ(choose_reader(readers, { "virtual pcd 00 01", true }), readers[1]);
    EXPECT_EQ(choose_reader({}, { "", true }), std::nullopt);
    EXPECT_TRUE(is_virtual_reader("Virtual PCD 00 00"));
    EXPECT_FALSE(is_virtual_reader("ACS ACR122U PICC Interface 00 00"));
}

}
}
