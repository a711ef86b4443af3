// The kiosk's uplink against the real hub, in this process, over HTTPS on
// loopback with a development CA: the outbox drains exactly once through a
// hub that stops, fails, hangs or is reached with the wrong CA; a revoked
// kiosk keeps its dossiers; a kiosk clock a day off still syncs; catalogues
// arrive signed or are refused; "Suivre ma demande" asks the hub.
//
// Faults come from the hub itself (`--test-faults`: POST /test/faults makes
// its kiosk API answer 500, 503 with Retry-After, or hang), so the kiosk
// meets real HTTP, TLS and timeouts. No timing is asserted except that a
// Retry-After is honoured (a lower bound).
#include "loopback_hub.hpp"
#include "store_test_support.hpp"

#include "kiosk/core/log.hpp"
#include "kiosk/core/slots.hpp"
#include "sync/agent_directory.hpp"
#include "sync/crypto.hpp"
#include "sync/enrollment.hpp"
#include "sync/hub/dev_ca.hpp"
#include "sync/hub/hub.hpp"
#include "sync/hub/server.hpp"
#include "sync/hub/usage_figures.hpp"
#include "sync/hub_client.hpp"
#include "sync/protocol.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/uplink.hpp"
#include "sync/usage_journal.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <set>
#include <thread>

namespace guichet {
namespace {

using testing::ScratchDirectory;
using Json = nlohmann::json;
using namespace std::chrono_literals;

using protocol::unix_now;

class UplinkTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        // The uplink's log, for reading a failure (it holds nothing personal).
        set_log_sink([](LogLevel level, std::string_view component, std::string_view message) {
            std::fprintf(stderr, "  [%s %.*s] %.*s\n", std::string(to_string(level)).c_str(), int(component.size()),
                component.data(), int(message.size()), message.data());
        });
        m_hub = std::make_unique<LoopbackHub>(m_scratch.path() / "hub");
    }

    void TearDown() override
    {
        m_uplink.reset();
        m_hub.reset();
    }

    // A kiosk enrolled with the hub, its outbox sealed to the hub's key.
    void enroll_kiosk()
    {
        m_identity = m_hub->enroll();
        m_store = SqliteStore::open(kiosk_folder() / "kiosk.db", m_identity.hub_box_public_key).release_value();
    }

    std::filesystem::path kiosk_folder() const { return m_scratch.path() / "kiosk"; }

    void start_uplink(std::chrono::milliseconds request_timeout = 5s)
    {
        UplinkSettings settings;
        settings.store_path = kiosk_folder() / "kiosk.db";
        settings.catalogue_root = kiosk_folder() / "catalogue";
        settings.slots_file = kiosk_folder() / "slots.json";
        settings.agents_file = kiosk_folder() / "agents.json";
        settings.software_version = "test";
        settings.heartbeat_period = 1s;
        settings.backoff_base = 50ms;
        settings.backoff_max = 1s;
        settings.usage_period = 200ms;
        settings.connect_timeout = 1s;
        settings.request_timeout = request_timeout;
        settings.status_timeout = 2s;
        m_uplink = std::make_unique<Uplink>(m_identity, settings,
            Uplink::Callbacks {
                [this](UplinkState const& state) {
                    std::lock_guard lock(m_mutex);
                    m_states.push_back(state);
                },
                [this](std::filesystem::path const&) { ++m_catalogues; },
                [] {
                    return PeripheralReport { "ready", "absent" };
                },
                [this](std::string const&) { ++m_slot_weeks; },
                [this](std::string const& agents) {
                    std::lock_guard lock(m_mutex);
                    m_agent_lists.push_back(agents);
                },
            });
    }

    std::vector<std::string> save(int count)
    {
        std::vector<std::string> codes;
        for (int i = 0; i < count; ++i) {
            auto code = m_store->save(testing::sample_dossier("Résident " + std::to_string(i)));
            EXPECT_TRUE(code.ok());
            if (code.ok())
                codes.push_back(code.value().text());
        }
        if (m_uplink)
            m_uplink->wake();
        return codes;
    }

    std::size_t outbox_depth() { return m_store->outbox_depth().value(); }

    bool saw_error(std::string const& code)
    {
        std::lock_guard lock(m_mutex);
        for (auto const& state : m_states)
            if (state.last_error == code)
                return true;
        return false;
    }

    ScratchDirectory m_scratch;
    std::unique_ptr<LoopbackHub> m_hub;
    KioskIdentity m_identity;
    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<Uplink> m_uplink;
    std::mutex m_mutex;
    std::vector<UplinkState> m_states;
    std::atomic<int> m_catalogues { 0 };
    std::atomic<int> m_slot_weeks { 0 };
    std::vector<std::string> m_agent_lists;
};

TEST_F(UplinkTest, TheOutboxDrainsAndTheHubHoldsEachDossierOnceReadableByItAlone)
{
    enroll_kiosk();
    auto codes = save(30);
    start_uplink();
    ASSERT_TRUE(eventually([&] { return outbox_depth() == 0; })) << outbox_depth() << " dossier(s) left";
    auto held = m_hub->opened_dossiers();
    ASSERT_EQ(held.size(), 30u);
    for (auto const& code : codes) {
        ASSERT_TRUE(held.contains(code)) << "a saved dossier is missing at the hub";
        EXPECT_EQ(held[code]["tracking_code"], code);
        EXPECT_EQ(held[code]["answers"]["adresse"], "12 rue de l'Église, 35000 Rennes");
    }
    EXPECT_GT(m_store->last_sync_at().value(), 0);

    // The heartbeat says what the kiosk knows of itself; nothing personal.
    ASSERT_TRUE(eventually([&] {
        auto kiosk = m_hub->store().kiosk(m_identity.kiosk_id).value();
        return kiosk && kiosk->last_seen_at && Json::parse(kiosk->heartbeat).value("outbox_depth", -1) == 0;
    }));
    auto heartbeat = Json::parse(m_hub->store().kiosk(m_identity.kiosk_id).value()->heartbeat);
    EXPECT_EQ(heartbeat["version"], "test");
    EXPECT_EQ(heartbeat["peripherals"]["printer"], "ready");
    EXPECT_EQ(heartbeat["peripherals"]["card_reader"], "absent");
    EXPECT_GT(heartbeat["last_sync_at"].get<std::int64_t>(), 0);
    EXPECT_EQ(heartbeat.dump().find("Résident"), std::string::npos);
    EXPECT_TRUE(m_uplink->state().reachable);
}

TEST_F(UplinkTest, AHubStoppedThenRestartedReceivesEverythingOnce)
{
    enroll_kiosk();
    start_uplink();
    m_hub->stop();
    auto codes = save(10);
    ASSERT_TRUE(eventually([&] { return !m_uplink->state().reachable && !m_uplink->state().last_error.empty(); }));
    EXPECT_EQ(outbox_depth(), 10u);
    m_hub->start();
    ASSERT_TRUE(eventually([&] { return outbox_depth() == 0; }));
    EXPECT_EQ(m_hub->dossier_count(), 10);
    EXPECT_TRUE(saw_error("hub.unreachable"));
}

TEST_F(UplinkTest, AHubAnswering500IsRetriedUntilItStoresEachDossierOnce)
{
    enroll_kiosk();
    m_hub->fail("500", 4);
    save(5);
    start_uplink();
    ASSERT_TRUE(eventually([&] { return outbox_depth() == 0; }));
    EXPECT_EQ(m_hub->dossier_count(), 5);
    EXPECT_TRUE(saw_error("http.500"));
}

TEST_F(UplinkTest, A503WithRetryAfterIsHonoured)
{
    enroll_kiosk();
    start_uplink();
    ASSERT_TRUE(eventually([&] { return m_uplink->state().reachable; }));
    m_hub->fail("503", 1, 2);
    auto before = std::chrono::steady_clock::now();
    save(1);
    ASSERT_TRUE(eventually([&] { return outbox_depth() == 0; }));
    // Without Retry-After the backoff here starts at 50 ms.
    EXPECT_GE(std::chrono::steady_clock::now() - before, 2s);
    EXPECT_EQ(m_hub->dossier_count(), 1);
    EXPECT_TRUE(saw_error("http.503"));
}

TEST_F(UplinkTest, AHangingHubIsGivenUpAndRetried)
{
    enroll_kiosk();
    m_hub->fail("hang", 1, 3);
    save(2);
    start_uplink(500ms);
    ASSERT_TRUE(eventually([&] { return outbox_depth() == 0; }));
    EXPECT_EQ(m_hub->dossier_count(), 2);
    EXPECT_TRUE(saw_error("hub.timeout"));
}

TEST_F(UplinkTest, AHubWhoseCertificateIsNotFromTheKnownCaGetsNothing)
{
    enroll_kiosk();
    auto other = hub::create_dev_ca(m_scratch.path() / "other-ca", {}).release_value();
    m_identity.ca_file = other.ca_certificate;
    save(3);
    start_uplink();
    ASSERT_TRUE(eventually([&] { return saw_error("hub.tls"); }));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(m_hub->dossier_count(), 0);
    EXPECT_EQ(outbox_depth(), 3u);
}

TEST_F(UplinkTest, ARevokedKioskIsRefusedAndKeepsItsDossiers)
{
    enroll_kiosk();
    ASSERT_TRUE(m_hub->store().revoke(m_identity.kiosk_id, unix_now()).ok());
    save(2);
    start_uplink();
    ASSERT_TRUE(eventually([&] { return m_uplink->state().refused; }));
    EXPECT_EQ(m_uplink->state().last_error, "auth.revoked");
    EXPECT_EQ(m_hub->dossier_count(), 0);
    EXPECT_EQ(outbox_depth(), 2u);
}

TEST_F(UplinkTest, AKioskClockADayBehindStillSyncs)
{
    enroll_kiosk();
    // The hub's clock a day ahead is the kiosk's a day behind. TLS is not
    // involved here (tests/sync/clock_skew_test.sh moves the whole kiosk
    // process's clock with libfaketime).
    m_hub->shift_clock(86400);
    save(3);
    start_uplink();
    ASSERT_TRUE(eventually([&] { return outbox_depth() == 0; }));
    EXPECT_EQ(m_hub->dossier_count(), 3);
    auto offset = m_uplink->state().clock_offset;
    EXPECT_GE(offset, 86400 - 5);
    EXPECT_LE(offset, 86400 + 5);
}

TEST_F(UplinkTest, ASignedCatalogueIsInstalledAndATamperedOneIsRefused)
{
    enroll_kiosk();
    auto shipped = std::filesystem::path(GUICHET_SOURCE_DIR) / "kiosk/catalogue";
    ASSERT_TRUE(m_hub->hub().publish_catalogue(shipped).ok());
    start_uplink();
    auto root = kiosk_folder() / "catalogue";
    ASSERT_TRUE(eventually([&] { return m_catalogues.load() == 1; }));
    auto installed = Uplink::current_catalogue(root);
    ASSERT_TRUE(installed);
    EXPECT_TRUE(std::filesystem::exists(*installed / "orientation.json"));
    auto first = *installed;

    // Someone with write access to the hub's database, but not its key.
    auto latest = m_hub->store().latest_catalogue().value().value();
    auto tampered = latest.document;
    auto at = tampered.find("Signaler");
    ASSERT_NE(at, std::string::npos);
    tampered.replace(at, 8, "Signalez");
    ASSERT_TRUE(m_hub->store()
                    .publish_catalogue(hub::CatalogueVersion {
                        0, "\"" + crypto::sha256_hex(tampered) + "\"", tampered, latest.signature, unix_now() })
                    .ok());
    // The next heartbeat's answer names the new version; the pull refuses it.
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(m_catalogues.load(), 1);
    EXPECT_EQ(Uplink::current_catalogue(root), first);

    // A properly signed new version replaces the old one.
    auto edited = m_scratch.path() / "edited";
    std::filesystem::copy(shipped, edited);
    ASSERT_TRUE(m_hub->hub().publish_catalogue(edited).ok());
    // Same files, new publication date: a new version all the same.
    ASSERT_TRUE(eventually([&] { return m_catalogues.load() == 2; }));
    EXPECT_NE(Uplink::current_catalogue(root), first);
    EXPECT_FALSE(std::filesystem::exists(first)) << "the old version is cleaned away";
}

TEST_F(UplinkTest, TheSitesAppointmentWeekComesFromTheHubAndIsKept)
{
    enroll_kiosk();
    auto week = testing::read_file(std::filesystem::path(GUICHET_SOURCE_DIR) / "kiosk/data/creneaux.json");
    ASSERT_TRUE(m_hub->store().set_site_slots("mairie", week).ok());
    start_uplink();
    ASSERT_TRUE(eventually([&] { return m_slot_weeks.load() == 1; }));
    auto kept = testing::read_file(kiosk_folder() / "slots.json");
    EXPECT_EQ(Json::parse(kept), Json::parse(week));
    EXPECT_TRUE(SlotSchedule::parse(kept).ok());

    // A week the kiosk cannot read is refused; the kept one stays.
    ASSERT_TRUE(m_hub->store().set_site_slots("mairie", R"({"format": 99})").ok());
    m_uplink.reset();
    start_uplink();
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(m_slot_weeks.load(), 1);
    EXPECT_EQ(testing::read_file(kiosk_folder() / "slots.json"), kept);
}

TEST_F(UplinkTest, AHubWithoutAgentsIsStillReachableForEverythingElse)
{
    enroll_kiosk();
    m_hub->fail("404", 1000, 1, "/v1/agents");
    // Kept from before the hub was rolled back: it no longer vouches for them.
    std::filesystem::create_directories(kiosk_folder());
    std::ofstream(kiosk_folder() / "agents.json") << R"({"agents": [{"id": "old"}]})";
    start_uplink();
    ASSERT_TRUE(eventually([&] { return m_uplink->state().reachable; }));
    // The list is asked right after the first heartbeat; a second later it
    // has met the 404. Remote help is offered while the uplink says the hub
    // answers: that must never have flickered off.
    std::this_thread::sleep_for(2s);
    EXPECT_FALSE(saw_error("http.404")) << "an older hub is not an unreachable one";
    EXPECT_TRUE(m_uplink->state().reachable);
    EXPECT_FALSE(std::filesystem::exists(kiosk_folder() / "agents.json")) << "no agent outlives its hub's word";
    std::lock_guard lock(m_mutex);
    ASSERT_EQ(m_agent_lists.size(), 1U);
    EXPECT_TRUE(Json::parse(m_agent_lists[0])["agents"].empty());
}

TEST_F(UplinkTest, TheSitesAgentsComeFromTheHubWithoutTheirBadgesInClearAndPinsAreCheckedForTheRightAgents)
{
    enroll_kiosk();
    auto pin_hash = crypto::hash_password("123456").value();
    ASSERT_TRUE(m_hub->store()
                    .add_agent(hub::Agent {
                        "paul.leroy", "Paul Leroy", "mairie", std::string("04A1B2C3D4E5F6"), pin_hash, 100, {} })
                    .ok());
    ASSERT_TRUE(m_hub->store()
                    .add_agent(hub::Agent {
                        "lea.martin", "Léa Martin", "mairie", {}, crypto::hash_password("2468").value(), 100, {} })
                    .ok());
    ASSERT_TRUE(m_hub->store().add_agent(hub::Agent { "gone", "Parti", "mairie", {}, pin_hash, 100, 200 }).ok());
    ASSERT_TRUE(m_hub->store()
                    .add_agent(hub::Agent { "tech.nord", "Technicien Nord", "mairie", {},
                        crypto::hash_password("97531").value(), 100, {}, true })
                    .ok());
    start_uplink();
    // The list is in use first, then kept on disk (one rename, so a file
    // that exists is whole): wait for both.
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(m_mutex);
        return m_agent_lists.size() == 1 && std::filesystem::exists(kiosk_folder() / "agents.json");
    }));
    auto kept = testing::read_file(kiosk_folder() / "agents.json");
    EXPECT_EQ(kept.find("04A1B2C3D4E5F6"), std::string::npos) << "the badge's UID never leaves the hub";
    EXPECT_EQ(
        std::filesystem::status(kiosk_folder() / "agents.json").permissions() & std::filesystem::perms::others_read,
        std::filesystem::perms::none);
    auto list = Json::parse(kept)["agents"];
    ASSERT_EQ(list.size(), 3U) << "a disabled agent is not sent";
    EXPECT_EQ(list[2]["role"], "technician");
    EXPECT_EQ(list[0]["role"], "desk");

    std::mutex mutex;
    std::vector<std::pair<AgentCheckId, std::optional<AgentIdentity>>> answers;
    std::string consent;
    HubAgentDirectory directory([&](AgentCheckId id, std::optional<AgentIdentity> agent, std::string digest) {
        std::lock_guard lock(mutex);
        answers.emplace_back(id, std::move(agent));
        if (!digest.empty())
            consent = digest;
    });
    ASSERT_TRUE(directory.load_file(kiosk_folder() / "agents.json").ok());
    EXPECT_EQ(directory.badge_holder("04A1B2C3D4E5F6")->id, "paul.leroy");
    EXPECT_FALSE(directory.badge_holder("DEADBEEF"));
    directory.check("paul.leroy", "123456", 1);
    directory.check("paul.leroy", "2468", 2); // Léa's PIN is not Paul's
    directory.check("", "2468", 3); // the PIN alone: Léa, who has no badge
    directory.check("", "123456", 4); // Paul has a badge: not by PIN alone
    directory.check_technician("97531", 5);
    directory.check_technician("2468", 6); // a desk agent's PIN: not a technician's
    directory.check("", "97531", 7); // a technician's PIN: not agent mode
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(mutex);
        return answers.size() == 7;
    }));
    std::lock_guard lock(mutex);
    ASSERT_TRUE(answers[0].second);
    EXPECT_EQ(answers[0].second->id, "paul.leroy");
    EXPECT_FALSE(answers[1].second);
    ASSERT_TRUE(answers[2].second);
    EXPECT_EQ(answers[2].second->id, "lea.martin");
    EXPECT_FALSE(answers[3].second);
    ASSERT_TRUE(answers[4].second);
    EXPECT_EQ(answers[4].second->id, "tech.nord");
    EXPECT_FALSE(answers[5].second);
    EXPECT_FALSE(answers[6].second);
    EXPECT_EQ(consent, crypto::sha256_hex(agent_consent_text("Léa Martin"))) << "no consent for a technician";
    EXPECT_EQ(directory.size(), 2U) << "desk agents";
    EXPECT_EQ(directory.technicians(), 1U);
    EXPECT_FALSE(directory.load(R"({"agents": [{"id": 3}]})").ok());
    EXPECT_EQ(directory.size(), 2U) << "a bad list leaves the kept one";
    // A role this kiosk does not know grants nothing; no role is a desk
    // agent's (a hub from before roles).
    ASSERT_TRUE(
        directory
            .load(R"({"agents": [{"id": "x", "name": "X", "badge_sha256": null, "pin_hash": "h", "role": "chef"},
                              {"id": "y", "name": "Y", "badge_sha256": null, "pin_hash": "h"}]})")
            .ok());
    EXPECT_EQ(directory.size(), 1U);
    EXPECT_EQ(directory.technicians(), 0U);
}

TEST_F(UplinkTest, UsageEventsReachTheHubOnceAndOnlyWhatIsAnonymous)
{
    enroll_kiosk();
    // Seven visits to the street report, six finished, one given up on the
    // place; one card read failed.
    {
        UsageJournal journal(kiosk_folder() / "kiosk.db");
        for (std::uint64_t visit = 1; visit <= 7; ++visit) {
            auto event = [&](UsageKind kind, std::string step, std::string detail = {}) {
                UsageEvent e;
                e.visit = visit;
                e.at = unix_now();
                e.kind = kind;
                e.demarche = "signalement";
                e.step = std::move(step);
                e.position = e.step.empty() ? 0 : 1;
                e.elapsed_s = 30 + static_cast<std::int64_t>(visit);
                e.detail = std::move(detail);
                e.language = visit == 7 ? "ar" : "fr";
                e.display = "standard";
                return e;
            };
            journal.record(event(UsageKind::Started, ""));
            journal.record(event(UsageKind::Step, "lieu"));
            if (visit == 7) {
                journal.record(event(UsageKind::CardRead, "lieu", "removed"));
                journal.record(event(UsageKind::Abandoned, "lieu", "idle"));
            } else {
                journal.record(event(UsageKind::Completed, "lieu"));
                journal.record(event(UsageKind::Satisfaction, "", "good"));
            }
        }
    }
    ASSERT_EQ(m_store->usage_depth().value(), 28U);
    // One that a faulty kiosk would send with something personal in it.
    ASSERT_TRUE(m_store
                    ->record_usage({ UsageRow { 0, "bad",
                        R"({"id":"bad","visit":"v","at":1790000000,"kind":"abandoned","detail":"Jean Dupont",)"
                        R"("language":"fr","display":"standard"})" } })
                    .ok());
    start_uplink();
    ASSERT_TRUE(eventually([&] { return m_store->usage_depth().value() == 0; }));
    auto held = m_hub->store().usage_events({}).value();
    EXPECT_EQ(held.size(), 28U) << "the personal one is refused, never stored";
    for (auto const& record : held) {
        EXPECT_EQ(record.site_id, "mairie");
        EXPECT_EQ(record.event.detail.find("Jean"), std::string::npos);
    }

    // The ack was lost: the same events come again, and count once.
    auto again = m_hub->store().usage_events({}).value();
    std::vector<UsageRow> resent;
    for (auto const& record : again)
        resent.push_back(
            UsageRow { 0, record.event_id, usage_event_json(record.event, record.event_id, record.visit).dump() });
    ASSERT_TRUE(m_store->record_usage(resent).ok());
    ASSERT_TRUE(eventually([&] { return m_store->usage_depth().value() == 0; }));
    EXPECT_EQ(m_hub->store().usage_events({}).value().size(), 28U);

    auto figures = hub::usage_figures(held);
    ASSERT_EQ(figures.size(), 1U);
    auto const& f = figures[0];
    EXPECT_EQ(f.started, 7);
    EXPECT_EQ(f.completed, 6);
    EXPECT_EQ(f.abandoned, 1);
    ASSERT_EQ(f.funnel.size(), 1U);
    EXPECT_EQ(f.funnel[0].step, "lieu");
    EXPECT_EQ(f.funnel[0].abandoned, 1);
    EXPECT_EQ(f.median_seconds, 34);
    EXPECT_EQ(f.card_failures.at("removed"), 1);

    // Open data: the one Arabic visit and the one card failure are not
    // published; what counts five or more is.
    hub::UsageReport report { figures, m_hub->store().sites().value(), {} };
    report.names.demarches["signalement"] = "Signaler un problème";
    auto json = hub::open_data_json("2026-11-22", report);
    EXPECT_EQ(json["licence"], "Licence Ouverte / Open Licence 2.0");
    ASSERT_EQ(json["rows"].size(), 1U);
    auto const& row = json["rows"][0];
    EXPECT_EQ(row["started"], 7);
    EXPECT_EQ(row["completed"], 6);
    EXPECT_EQ(row["median_seconds"], 34);
    EXPECT_TRUE(row["abandoned"].is_null());
    EXPECT_TRUE(row["card_failures"].is_null());
    EXPECT_EQ(row["satisfaction_good"], 6);
    EXPECT_EQ(json.dump().find("\"ar\""), std::string::npos);
    EXPECT_EQ(row["demarche_title"], "Signaler un problème");
    auto csv = hub::open_data_csv("2026-11-22", report);
    EXPECT_NE(csv.find("2026-11-22,mairie,Mairie de Test,signalement,Signaler un problème,7,6,,34,"), std::string::npos)
        << csv;
}

TEST_F(UplinkTest, TheStatusOfARequestComesFromTheHub)
{
    enroll_kiosk();
    auto codes = save(1);
    start_uplink();
    ASSERT_TRUE(eventually([&] { return outbox_depth() == 0; }));
    auto record = m_hub->store().find_by_code(codes[0]).value().at(0);
    ASSERT_TRUE(m_hub->store().set_state(record.id, RequestState::Accepted, unix_now()).ok());

    auto ask = [&](TrackingCode const& code) {
        std::promise<StatusAnswer> promise;
        auto future = promise.get_future();
        m_uplink->ask_status(code, [&](StatusAnswer answer) { promise.set_value(std::move(answer)); });
        return future.get();
    };
    auto answer = ask(*TrackingCode::parse(codes[0]));
    ASSERT_TRUE(answer.ok()) << answer.error().code;
    ASSERT_TRUE(answer.value());
    EXPECT_EQ(answer.value()->state, RequestState::Accepted);
    EXPECT_EQ(answer.value()->demarche_id, "signalement-voirie");

    auto unknown = TrackingCode::from_serial(123456, 42);
    auto none = ask(unknown);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none.value());

    m_hub->stop();
    auto unreachable = ask(unknown);
    EXPECT_FALSE(unreachable.ok());
}

}
}
