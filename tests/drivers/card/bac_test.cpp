// ICAO Doc 9303 Part 11's worked example of Basic Access Control and secure
// messaging (Appendices D.2 to D.4), replayed value by value; then the
// whole eMRTD read against the simulated chip.
#include "drivers/card/bac.hpp"
#include "drivers/card/crypto.hpp"
#include "drivers/card/emrtd.hpp"
#include "drivers/card/simulated_card.hpp"
#include "drivers/card/specimens.hpp"
#include "drivers/card/tlv.hpp"

#include "kiosk/core/card.hpp"

#include <gtest/gtest.h>

namespace guichet::card {
namespace {

// From ../shared/data/icao9303-bac-example.txt (Doc 9303 Part 11, App. D).
constexpr char mrz_information[] = "L898902C<369080619406236";
Bytes const rnd_ic = from_hex("4608F91988702212");
Bytes const rnd_ifd = from_hex("781723860C06C226");
Bytes const k_ifd = from_hex("0B795240CB7049B01C19B33E32804F0B");
Bytes const k_ic = from_hex("0B4F80323EB3191CB04970CB4052790B");
Bytes const chip_response
    = from_hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");

TEST(BacExample, SeedAndDocumentKeys)
{
    Bytes info(std::begin(mrz_information), std::end(mrz_information) - 1);
    EXPECT_EQ(to_hex(crypto::sha1(info)), "239AB9CB282DAF66231DC5A4DF6BFBAEDF477565");
    auto keys = bac::document_keys_from_information(mrz_information);
    EXPECT_EQ(to_hex(keys.enc.view()), "AB94FDECF2674FDFB9B391F85D7F76F2");
    EXPECT_EQ(to_hex(keys.mac.view()), "7962D9ECE03D1ACD4C76089DCE131543");
}

TEST(BacExample, AccessKeyFromTypedValuesGivesTheSameInformation)
{
    auto key = mrz::access_key("L898902C", { 1969, 8, 6 }, { 1994, 6, 23 });
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key.value().information(), mrz_information);
}

TEST(BacExample, ExternalAuthenticateData)
{
    auto keys = bac::document_keys_from_information(mrz_information);
    auto data = bac::authentication_data(keys, rnd_ic, rnd_ifd, k_ifd);
    EXPECT_EQ(to_hex(data),
        "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
        "5F1448EEA8AD90A7");
}

TEST(BacExample, SessionKeysAndSendSequenceCounter)
{
    auto keys = bac::document_keys_from_information(mrz_information);
    auto session = bac::finish_authentication(keys, rnd_ic, rnd_ifd, k_ifd, chip_response);
    ASSERT_TRUE(session.ok()) << session.error().code;
    EXPECT_EQ(to_hex(session.value().keys.enc.view()), "979EC13B1CBFE9DCD01AB0FED307EAE5");
    EXPECT_EQ(to_hex(session.value().keys.mac.view()), "F1CB1F1FB5ADF208806B89DC579DC1F8");
    EXPECT_EQ(to_hex(session.value().ssc.view()), "887022120C06C226");
}

TEST(BacExample, ChipSideAnswersWhatTheExampleSays)
{
    auto keys = bac::document_keys_from_information(mrz_information);
    auto data = bac::authentication_data(keys, rnd_ic, rnd_ifd, k_ifd);
    auto answer = bac::chip_authenticate(keys, rnd_ic, k_ic, data);
    ASSERT_TRUE(answer.ok()) << answer.error().code;
    EXPECT_EQ(to_hex(answer.value().response), to_hex(chip_response));
}

TEST(BacExample, WrongKeysAreRefusedByTheChipAndTheTerminal)
{
    auto keys = bac::document_keys_from_information(mrz_information);
    auto other = bac::document_keys_from_information("L898902C<369080619406237");
    auto data = bac::authentication_data(other, rnd_ic, rnd_ifd, k_ifd);
    auto answer = bac::chip_authenticate(keys, rnd_ic, k_ic, data);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, "card.bac.mac");
    auto session = bac::finish_authentication(other, rnd_ic, rnd_ifd, k_ifd, chip_response);
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.error().code, "card.bac.mac");
}

bac::Session example_session()
{
    auto keys = bac::document_keys_from_information(mrz_information);
    return bac::finish_authentication(keys, rnd_ic, rnd_ifd, k_ifd, chip_response).release_value();
}

// Appendix D.4: SELECT EF.COM, then READ BINARY of its first four bytes.
TEST(SecureMessagingExample, SelectEfCom)
{
    bac::TerminalChannel sm(example_session());
    auto protected_select = sm.protect(CommandApdu { 0x00, 0xA4, 0x02, 0x0C, from_hex("011E"), {} });
    EXPECT_EQ(to_hex(protected_select.encode()), "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800");
    auto answer = sm.unprotect(ResponseApdu::decode(from_hex("990290008E08FA855A5D4C50A8ED9000")).value());
    ASSERT_TRUE(answer.ok()) << answer.error().code;
    EXPECT_EQ(answer.value().sw, 0x9000);
    EXPECT_TRUE(answer.value().data.empty());

    auto protected_read = sm.protect(CommandApdu { 0x00, 0xB0, 0x00, 0x00, {}, 4 });
    EXPECT_EQ(to_hex(protected_read.encode()), "0CB000000D9701048E08ED6705417E96BA5500");
    auto read = sm.unprotect(
        ResponseApdu::decode(from_hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")).value());
    ASSERT_TRUE(read.ok()) << read.error().code;
    EXPECT_EQ(to_hex(read.value().data), "60145F01");
}

TEST(SecureMessagingExample, TamperedAnswerIsRefused)
{
    bac::TerminalChannel sm(example_session());
    (void)sm.protect(CommandApdu { 0x00, 0xA4, 0x02, 0x0C, from_hex("011E"), {} });
    auto tampered = sm.unprotect(ResponseApdu::decode(from_hex("990290008E08FA855A5D4C50A8EC9000")).value());
    ASSERT_FALSE(tampered.ok());
    EXPECT_EQ(tampered.error().code, "card.sm.mac");
}

TEST(SecureMessagingExample, ReplayedAnswerIsRefused)
{
    // The same answer twice: the second is MACed under the previous SSC.
    bac::TerminalChannel sm(example_session());
    auto answer = ResponseApdu::decode(from_hex("990290008E08FA855A5D4C50A8ED9000")).value();
    (void)sm.protect(CommandApdu { 0x00, 0xA4, 0x02, 0x0C, from_hex("011E"), {} });
    ASSERT_TRUE(sm.unprotect(answer).ok());
    (void)sm.protect(CommandApdu { 0x00, 0xA4, 0x02, 0x0C, from_hex("011E"), {} });
    EXPECT_EQ(sm.unprotect(answer).error().code, "card.sm.mac");
}

TEST(SecureMessaging, ChipAndTerminalUnderstandEachOther)
{
    bac::TerminalChannel terminal(example_session());
    bac::ChipChannel chip(example_session());
    CommandApdu plain { 0x00, 0xB0, 0x81, 0x00, {}, 256 };
    auto received = chip.unprotect(terminal.protect(plain));
    ASSERT_TRUE(received.ok()) << received.error().code;
    EXPECT_EQ(received.value().p1, 0x81);
    EXPECT_EQ(received.value().le, 256u);
    Bytes file = from_hex("6103 5F1F 00");
    auto answer = terminal.unprotect(chip.protect(ResponseApdu { file, 0x9000 }));
    ASSERT_TRUE(answer.ok()) << answer.error().code;
    EXPECT_EQ(answer.value().data, file);
}

TEST(Crypto, PaddingRoundTripsAndRejectsGarbage)
{
    EXPECT_EQ(to_hex(crypto::pad(from_hex("011E"))), "011E800000000000");
    EXPECT_EQ(to_hex(crypto::pad(from_hex("0102030405060708"))), "01020304050607088000000000000000");
    EXPECT_EQ(to_hex(crypto::unpad(from_hex("011E800000000000")).value()), "011E");
    EXPECT_FALSE(crypto::unpad(from_hex("011E000000000000")).ok());
    EXPECT_FALSE(crypto::unpad(from_hex("8000000000000000 0000000000000000")).ok());
    EXPECT_FALSE(crypto::unpad({}).ok());
}

// A channel that records what goes through it.
class Recorder final : public CardChannel {
public:
    explicit Recorder(CardChannel& inner)
        : m_inner(inner)
    {
    }
    Result<ResponseApdu> transmit(CommandApdu const& command) override
    {
        sent.push_back(command);
        return m_inner.transmit(command);
    }
    std::vector<CommandApdu> sent;

private:
    CardChannel& m_inner;
};

// A TD3 passport whose access data are the worked example's.
std::string example_passport()
{
    return td3_mrz("P", "UTO", "L898902C", "690806", 'F', "940623", "UTO", "ERIKSSON", "ANNA MARIA");
}

TEST(EmrtdRead, WorkedExampleEndToEndInFiveCommands)
{
    SimulatedCard chip(example_passport(), rnd_ic, k_ic);
    Recorder recorder(chip);
    ReadOptions options;
    std::vector<Bytes> randoms { rnd_ifd, k_ifd };
    options.random = [&](std::size_t n) -> Result<Bytes> {
        auto next = randoms.front();
        randoms.erase(randoms.begin());
        EXPECT_EQ(next.size(), n);
        return next;
    };
    std::vector<ReadStage> stages;
    options.on_stage = [&](ReadStage stage) { stages.push_back(stage); };
    auto access = mrz::access_key("L898902C", { 1969, 8, 6 }, { 1994, 6, 23 }).value();
    auto read = read_emrtd(recorder, access, { 2026, 11, 22 }, options);
    ASSERT_TRUE(read.ok()) << read.error().code << " " << read.error().detail;

    EXPECT_EQ(read.value().apdus, 5u);
    ASSERT_EQ(recorder.sent.size(), 5u);
    EXPECT_EQ(to_hex(recorder.sent[0].encode()), "00A4040C07A0000002471001");
    EXPECT_EQ(to_hex(recorder.sent[1].encode()), "0084000008");
    EXPECT_EQ(to_hex(recorder.sent[2].encode()),
        "0082000028"
        "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7"
        "28");
    // Both files by short identifier, protected.
    EXPECT_EQ(recorder.sent[3].cla, 0x0C);
    EXPECT_EQ(recorder.sent[3].p1, 0x80 | sfi_com);
    EXPECT_EQ(recorder.sent[4].cla, 0x0C);
    EXPECT_EQ(recorder.sent[4].p1, 0x80 | sfi_dg1);
    EXPECT_EQ(stages,
        (std::vector<ReadStage> {
            ReadStage::Selecting, ReadStage::Authenticating, ReadStage::ReadingCom, ReadStage::ReadingDg1 }));

    auto const& data = read.value().data;
    EXPECT_EQ(data.surname, "ERIKSSON");
    EXPECT_EQ(data.given_names, "ANNA MARIA");
    EXPECT_EQ(data.document_number, "L898902C");
    EXPECT_EQ(data.birth_date, (Date { 1969, 8, 6 }));
    EXPECT_EQ(data.expiry_date, (Date { 1994, 6, 23 }));
    EXPECT_EQ(data.sex, 'F');
}

TEST(EmrtdRead, EachSpecimenOpensWithWhatIsPrintedOnIt)
{
    for (auto const& specimen : specimens()) {
        if (specimen.document_number.empty() || specimen.faults.removed_after || specimen.name == "cni-abimee")
            continue;
        SCOPED_TRACE(specimen.name);
        auto birth = parse_date_digits(specimen.birth_digits);
        auto expiry = parse_date_digits(specimen.expiry_digits);
        ASSERT_TRUE(birth && expiry);
        auto access = mrz::access_key(
            specimen.document_number, *parse_iso_date(birth.value()), *parse_iso_date(expiry.value()));
        ASSERT_TRUE(access.ok());
        auto faults = specimen.faults;
        faults.delay = {};
        SimulatedCard chip(specimen.mrz, faults);
        auto read = read_emrtd(chip, access.value(), { 2026, 11, 22 });
        ASSERT_TRUE(read.ok()) << read.error().code << " " << read.error().detail;
        EXPECT_EQ(read.value().apdus, 5u);
    }
}

mrz::AccessKey cni_access()
{
    return mrz::access_key("X4RTBPFW4", { 1990, 7, 13 }, { 2030, 2, 11 }).value();
}

std::string cni()
{
    return find_specimen("cni")->mrz;
}

TEST(EmrtdRead, FrenchIdentityCard)
{
    SimulatedCard chip(cni());
    auto read = read_emrtd(chip, cni_access(), { 2026, 11, 22 });
    ASSERT_TRUE(read.ok()) << read.error().code;
    auto const& data = read.value().data;
    EXPECT_EQ(data.format, mrz::Format::TD1);
    EXPECT_EQ(data.document_code, "ID");
    EXPECT_EQ(data.issuing_state, "FRA");
    EXPECT_EQ(data.surname, "MARTIN");
    EXPECT_EQ(data.given_names, "MAELYS GAELLE MARIE");
    EXPECT_EQ(data.birth_date, (Date { 1990, 7, 13 }));
    EXPECT_EQ(data.expiry_date, (Date { 2030, 2, 11 }));
}

TEST(EmrtdRead, WrongAccessDataIsRefusedAsSuch)
{
    SimulatedCard chip(cni());
    auto access = mrz::access_key("X4RTBPFW4", { 1990, 7, 14 }, { 2030, 2, 11 }).value();
    auto read = read_emrtd(chip, access, { 2026, 11, 22 });
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, "card.access_denied");
    EXPECT_EQ(card_failure_of(read.error().code), CardFailure::WrongAccessData);
}

TEST(EmrtdRead, CardPulledOutAtEachCommand)
{
    for (std::uint32_t after = 0; after < 5; ++after) {
        SCOPED_TRACE(after);
        SimulatedCard::Faults faults;
        faults.removed_after = after;
        SimulatedCard chip(cni(), faults);
        auto read = read_emrtd(chip, cni_access(), { 2026, 11, 22 });
        ASSERT_FALSE(read.ok());
        EXPECT_EQ(read.error().code, "card.removed");
    }
}

TEST(EmrtdRead, NotAnIdentityDocument)
{
    SimulatedCard::Faults faults;
    faults.not_an_identity_document = true;
    SimulatedCard chip(cni(), faults);
    auto read = read_emrtd(chip, cni_access(), { 2026, 11, 22 });
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, "card.not_emrtd");
    EXPECT_EQ(chip.commands(), 1u); // the SELECT alone
}

TEST(EmrtdRead, TamperedAnswersAreAProtocolError)
{
    SimulatedCard::Faults faults;
    faults.bad_mac = true;
    SimulatedCard chip(cni(), faults);
    auto read = read_emrtd(chip, cni_access(), { 2026, 11, 22 });
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, "card.protocol");
}

TEST(EmrtdRead, DamagedDg1IsUnreadableNotAWrongName)
{
    SimulatedCard chip(find_specimen("cni-abimee")->mrz);
    auto read = read_emrtd(chip, cni_access(), { 2026, 11, 22 });
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, "card.data");
    EXPECT_NE(read.error().detail.find("mrz.check.composite"), std::string::npos);
    EXPECT_EQ(card_failure_of(read.error().code), CardFailure::Unreadable);
}

TEST(EmrtdRead, LongFileIsReadInSeveralCommands)
{
    // A DG1 padded to 600 bytes: the first answer brings 256, then 223 at a time.
    SimulatedCard chip(cni());
    std::string mrz = cni();
    Bytes text(mrz.begin(), mrz.end());
    Bytes padding(600, 0x00);
    chip.dg1() = encode_tlv(0x61, concat({ encode_tlv(0x5F1F, text), encode_tlv(0x53, padding) }));
    auto read = read_emrtd(chip, cni_access(), { 2026, 11, 22 });
    ASSERT_TRUE(read.ok()) << read.error().code << " " << read.error().detail;
    EXPECT_EQ(read.value().apdus, 5u + 2u);
    EXPECT_EQ(read.value().data.surname, "MARTIN");
}

TEST(SimulatedCard, RefusesPlainReadsAsRealChipsDo)
{
    SimulatedCard chip(cni());
    ASSERT_TRUE(chip.transmit(command::select_emrtd_application()).value().ok());
    EXPECT_EQ(chip.transmit(command::read_binary_sfi(sfi_dg1, 256)).value().sw, 0x6982);
    EXPECT_EQ(chip.transmit(CommandApdu { 0x00, 0xA4, 0x02, 0x0C, from_hex("0101"), {} }).value().sw, 0x6982);
}

}
}
