// An agent's badge: the UID asked with GET DATA, the simulated badge and
// what the identity specimens answer in its place, and CardService's badge
// jobs, queued with the reads on the same worker. The same against pcscd and
// vicc is in card_stack_test.cpp.
#include "drivers/card/badge.hpp"
#include "drivers/card/card_service.hpp"
#include "drivers/card/simulated_card.hpp"
#include "drivers/card/specimens.hpp"

#include "kiosk/core/card.hpp"
#include "kiosk/core/log.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace guichet::card {
namespace {

constexpr char badge_uid[] = "04A1B2C3D4E5F6";

mrz::AccessKey cni_access()
{
    return mrz::access_key("X4RTBPFW4", { 1990, 7, 13 }, { 2030, 2, 11 }).value();
}

TEST(BadgeUid, ParsedFromHexOfFourToTenBytes)
{
    struct Row {
        char const* text;
        char const* bytes; // nullptr: refused
    };
    Row const rows[] {
        { "04A1B2C3", "04A1B2C3" }, // 4 bytes, a MIFARE Classic's
        { "04A1B2C3D4E5F6", "04A1B2C3D4E5F6" }, // 7, a DESFire's
        { "04a1b2c3d4e5f6", "04A1B2C3D4E5F6" }, // either case
        { "00112233445566778899", "00112233445566778899" }, // 10
        { "", nullptr },
        { "04A1B2", nullptr }, // 3 bytes
        { "0011223344556677889900", nullptr }, // 11 bytes
        { "04A1B2C3D", nullptr }, // odd
        { "04A1B2G3", nullptr }, // not hex
        { "04 A1 B2 C3", nullptr }, // spaces
        { "0x04A1B2C3", nullptr },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.text);
        auto uid = parse_badge_uid(row.text);
        if (!row.bytes) {
            EXPECT_FALSE(uid.has_value());
            continue;
        }
        ASSERT_TRUE(uid.has_value());
        EXPECT_EQ(to_hex(*uid), row.bytes);
    }
}

// A reader that answers one fixed response, or fails, and keeps what it got.
class OneAnswer final : public CardChannel {
public:
    explicit OneAnswer(Result<ResponseApdu> answer)
        : m_answer(std::move(answer))
    {
    }
    Result<ResponseApdu> transmit(CommandApdu const& command) override
    {
        sent.push_back(command.encode());
        return m_answer;
    }
    std::vector<Bytes> sent;

private:
    Result<ResponseApdu> m_answer;
};

TEST(ReadBadgeUid, AsksGetDataAndKnowsEveryAnswer)
{
    struct Row {
        Result<ResponseApdu> answer;
        char const* uid; // nullptr: an error
        char const* code;
    };
    std::vector<Row> rows;
    rows.push_back({ ResponseApdu { from_hex("04A1B2C3D4E5F6"), 0x9000 }, "04A1B2C3D4E5F6", "" });
    rows.push_back({ ResponseApdu { from_hex("DEADBEEF"), 0x9000 }, "DEADBEEF", "" });
    rows.push_back({ ResponseApdu { from_hex("00112233445566778899"), 0x9000 }, "00112233445566778899", "" });
    // A contact card, or an ID card's chip behind a contact reader.
    rows.push_back({ ResponseApdu { {}, 0x6A81 }, nullptr, "card.sw.not_supported" });
    // A card that took CLA FF for itself.
    rows.push_back({ ResponseApdu { {}, 0x6E00 }, nullptr, "card.sw.cla_unsupported" });
    rows.push_back({ ResponseApdu { {}, 0x6A82 }, nullptr, "card.sw.file_not_found" });
    // A UID with a status word that is not 9000 is not believed.
    rows.push_back({ ResponseApdu { from_hex("04A1B2C3"), 0x6282 }, nullptr, "card.sw.end_of_file" });
    rows.push_back({ ResponseApdu { {}, 0x9000 }, nullptr, "card.badge.invalid" });
    rows.push_back({ ResponseApdu { from_hex("0011223344556677889900"), 0x9000 }, nullptr, "card.badge.invalid" });
    rows.push_back({ Error::make("card.removed", "gone"), nullptr, "card.removed" });
    rows.push_back({ Error::make("card.reader_gone", "unplugged"), nullptr, "card.reader_gone" });
    for (auto& row : rows) {
        SCOPED_TRACE(row.code);
        OneAnswer reader(row.answer);
        auto uid = read_badge_uid(reader);
        ASSERT_EQ(reader.sent.size(), 1u);
        EXPECT_EQ(to_hex(reader.sent[0]), "FFCA000000");
        if (row.uid) {
            ASSERT_TRUE(uid.ok()) << uid.error().code;
            EXPECT_EQ(uid.value(), row.uid);
        } else {
            ASSERT_FALSE(uid.ok());
            EXPECT_EQ(uid.error().code, row.code);
            // Never the bytes the reader sent.
            EXPECT_EQ(uid.error().detail.find("04A1"), std::string::npos) << uid.error().detail;
        }
    }
}

TEST(SimulatedBadge, GivesItsUidAndNothingElse)
{
    SimulatedBadge badge(from_hex(badge_uid));
    auto answer = badge.transmit(command::get_uid());
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(answer.value().sw, 0x9000);
    EXPECT_EQ(to_hex(answer.value().data), badge_uid);
    // Le as PC/SC Part 3 has it: exact, too short (told the length), too long.
    EXPECT_EQ(to_hex(badge.transmit(CommandApdu { 0xFF, 0xCA, 0x00, 0x00, {}, 7 }).value().data), badge_uid);
    EXPECT_EQ(badge.transmit(CommandApdu { 0xFF, 0xCA, 0x00, 0x00, {}, 4 }).value().sw, 0x6C07);
    EXPECT_EQ(badge.transmit(CommandApdu { 0xFF, 0xCA, 0x00, 0x00, {}, 10 }).value().sw, 0x6282);
    // The ATS, and everything a card would be asked: not an identity document.
    EXPECT_EQ(badge.transmit(CommandApdu { 0xFF, 0xCA, 0x01, 0x00, {}, 256 }).value().sw, 0x6A81);
    EXPECT_EQ(badge.transmit(command::select_emrtd_application()).value().sw, 0x6A82);
    auto read = read_emrtd(badge, cni_access(), { 2026, 11, 22 });
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, "card.not_emrtd");
    badge.remove();
    auto gone = badge.transmit(command::get_uid());
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.error().code, "card.removed");
}

TEST(SimulatedCard, EverySpecimenRefusesGetDataAndStillReads)
{
    for (auto const& specimen : specimens()) {
        SCOPED_TRACE(specimen.name);
        auto faults = specimen.faults;
        faults.delay = {};
        faults.removed_after.reset();
        SimulatedCard chip(specimen.mrz, faults);
        auto uid = read_badge_uid(chip);
        ASSERT_FALSE(uid.ok());
        EXPECT_EQ(uid.error().code, "card.sw.not_supported");
    }
    // Asked in the middle of a read, GET DATA leaves the chip's session be:
    // on a contactless reader the chip would not have seen it.
    SimulatedCard chip(find_specimen("cni")->mrz);
    ASSERT_TRUE(read_emrtd(chip, cni_access(), { 2026, 11, 22 }).ok());
    EXPECT_EQ(chip.transmit(command::get_uid()).value().sw, 0x6A81);
    EXPECT_TRUE(chip.authenticated());
}

TEST(SimulatedReader, LaysABadgeNamedByItsUid)
{
    std::vector<ReaderState> seen;
    SimulatedReader reader([&](ReaderState const& state) { seen.push_back(state); });
    ASSERT_TRUE(reader.insert(std::string("badge:") + badge_uid));
    ASSERT_FALSE(seen.empty());
    EXPECT_TRUE(seen.back().card_present);
    auto channel = reader.connect();
    ASSERT_TRUE(channel.ok());
    auto uid = read_badge_uid(*channel.value());
    ASSERT_TRUE(uid.ok()) << uid.error().code;
    EXPECT_EQ(uid.value(), badge_uid);
    EXPECT_EQ(read_emrtd(*channel.value(), cni_access(), { 2026, 11, 22 }).error().code, "card.not_emrtd");

    // Lower case is the same badge.
    ASSERT_TRUE(reader.insert("badge:deadbeef"));
    EXPECT_EQ(read_badge_uid(*reader.connect().value()).value(), "DEADBEEF");

    // Malformed: refused, and the badge already there stays.
    auto events = seen.size();
    for (char const* bad : { "badge:", "badge:04A1B2", "badge:0011223344556677889900", "badge:04A1B2C3D",
             "badge:04A1B2XY", "badge 04A1B2C3", "BADGE:04A1B2C3", "badge:04 A1 B2 C3" }) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(reader.insert(bad));
    }
    EXPECT_EQ(seen.size(), events);
    EXPECT_EQ(read_badge_uid(*reader.connect().value()).value(), "DEADBEEF");

    // Taken off while answering: the open channel says so.
    auto open = reader.connect();
    ASSERT_TRUE(open.ok());
    reader.remove();
    auto gone = read_badge_uid(*open.value());
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.error().code, "card.removed");

    // An identity specimen in its place answers 6A81.
    ASSERT_TRUE(reader.insert("passeport"));
    EXPECT_EQ(read_badge_uid(*reader.connect().value()).error().code, "card.sw.not_supported");
}

// CardService with the simulated reader, recording what comes back, in order.
class BadgeService : public ::testing::Test {
protected:
    void SetUp() override
    {
        set_log_sink([this](LogLevel, std::string_view component, std::string_view message) {
            std::lock_guard lock(m_mutex);
            logs.push_back(std::string(component) + ": " + std::string(message));
        });
    }
    void TearDown() override
    {
        service.reset();
        set_log_sink(nullptr);
    }
    void start(CardService::Connect connect)
    {
        service = std::make_unique<CardService>(
            std::move(connect),
            [] {
                return Date { 2026, 11, 22 };
            },
            CardService::Callbacks {
                nullptr,
                [this](CardReadId id, Result<EmrtdRead> result) {
                    std::lock_guard lock(m_mutex);
                    events.push_back("read " + std::to_string(id) + (result.ok() ? " ok" : " " + result.error().code));
                    m_changed.notify_all();
                },
                [this](CardReadId id, std::string badge) {
                    std::lock_guard lock(m_mutex);
                    events.push_back("badge " + std::to_string(id) + " [" + badge + "]");
                    m_changed.notify_all();
                },
            });
    }
    void start()
    {
        start([this] { return reader.connect(); });
    }
    // What came back, once `count` answers have.
    std::vector<std::string> wait_for(std::size_t count)
    {
        std::unique_lock lock(m_mutex);
        EXPECT_TRUE(m_changed.wait_for(lock, std::chrono::seconds(10), [&] { return events.size() >= count; }))
            << "only " << events.size() << " answers";
        return events;
    }
    std::string all_logs()
    {
        std::lock_guard lock(m_mutex);
        std::string text;
        for (auto const& line : logs)
            text += line + "\n";
        return text;
    }

    SimulatedReader reader { nullptr };
    std::unique_ptr<CardService> service;
    std::vector<std::string> events;
    std::vector<std::string> logs;

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
};

TEST_F(BadgeService, ABadgeIsReadBackAsUpperCaseHex)
{
    start();
    ASSERT_TRUE(reader.insert("badge:04a1b2c3d4e5f6"));
    service->read_badge(7);
    EXPECT_EQ(wait_for(1), (std::vector<std::string> { "badge 7 [04A1B2C3D4E5F6]" }));
    EXPECT_EQ(all_logs().find("04A1B2C3D4E5F6"), std::string::npos) << all_logs();
}

TEST_F(BadgeService, AnythingButABadgeGivesAnEmptyOneAndLogsWhyByCode)
{
    start();
    ASSERT_TRUE(reader.insert("cni"));
    service->read_badge(1);
    wait_for(1);
    ASSERT_TRUE(reader.insert("carte-bancaire"));
    service->read_badge(2);
    wait_for(2);
    reader.remove();
    service->read_badge(3);
    wait_for(3);
    reader.set_plugged(false);
    service->read_badge(4);
    EXPECT_EQ(wait_for(4), (std::vector<std::string> { "badge 1 []", "badge 2 []", "badge 3 []", "badge 4 []" }));
    auto text = all_logs();
    EXPECT_NE(text.find("card: no badge: card.sw.not_supported (status word 6A81)"), std::string::npos) << text;
    EXPECT_NE(text.find("card: no badge: card.removed"), std::string::npos) << text;
    EXPECT_NE(text.find("card: no badge: card.reader_gone"), std::string::npos) << text;
}

TEST_F(BadgeService, ABadgeTakenOffDuringTheQuestionGivesAnEmptyOne)
{
    // The card leaves between the connection and GET DATA.
    start([this] {
        auto channel = reader.connect();
        reader.remove();
        return channel;
    });
    ASSERT_TRUE(reader.insert(std::string("badge:") + badge_uid));
    service->read_badge(5);
    EXPECT_EQ(wait_for(1), (std::vector<std::string> { "badge 5 []" }));
    EXPECT_NE(all_logs().find("no badge: card.removed"), std::string::npos) << all_logs();
}

TEST_F(BadgeService, BadgesWaitTheirTurnBehindReads)
{
    start();
    // The identity card answers slowly (120 ms a command): the badge asked
    // meanwhile is answered after the read, on the same card, not beside it.
    ASSERT_TRUE(reader.insert("cni"));
    service->read(cni_access(), 1);
    service->read_badge(2);
    service->read(cni_access(), 3);
    EXPECT_EQ(wait_for(3), (std::vector<std::string> { "read 1 ok", "badge 2 []", "read 3 ok" }));
}

TEST_F(BadgeService, AQueuedBadgeIsDroppedWhenTheServiceGoes)
{
    // At shutdown the read under way ends, what waits is not started: the
    // kiosk does not hold its exit for a card.
    start();
    ASSERT_TRUE(reader.insert("cni"));
    service->read(cni_access(), 1);
    service->read_badge(2);
    service.reset();
    auto seen = wait_for(0);
    EXPECT_LE(seen.size(), 1u);
    for (auto const& event : seen)
        EXPECT_EQ(event.find("badge"), std::string::npos) << event;
}

}
}
