// The hub's help desk (sync/hub/help_desk.hpp) in-process, on a real SQLite
// hub store: who may do what, what the console may see, what the audit log
// keeps, and how a session ends when a side goes away.
#include "store_test_support.hpp"

#include "sync/hub/help_desk.hpp"

#include <gtest/gtest.h>

#include <future>

using namespace guichet;
using guichet::testing::ScratchDirectory;
using hub::Json;

namespace {

class HelpDeskTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto opened = hub::open_hub_store("sqlite:" + (m_scratch.path() / "hub.db").string());
        ASSERT_TRUE(opened.ok()) << opened.error().detail;
        m_store = opened.release_value();
        m_kiosk.id = "kiosk-1";
        m_kiosk.site_id = "mairie";
        m_other_kiosk.id = "kiosk-2";
        m_other_kiosk.site_id = "mairie";
    }

    void make_desk(hub::HelpSettings settings = {})
    {
        m_desk = std::make_unique<hub::HelpDesk>(
            *m_store, [] { return std::int64_t { 1'700'000'000 }; }, settings);
    }

    hub::HelpDesk& desk()
    {
        if (!m_desk)
            make_desk();
        return *m_desk;
    }

    std::string open_request()
    {
        auto opened = desk().open(
            m_kiosk, Json { { "demarche_id", "inscription-cantine" }, { "step", "enfant" }, { "language", "fr" } });
        EXPECT_TRUE(opened.ok()) << opened.error().detail;
        return opened.ok() ? opened.value()["help_id"].get<std::string>() : "";
    }

    // A poll's answer, waiting at most `seconds` for it.
    static std::optional<Json> answered(std::future<Json>& future, int seconds = 5)
    {
        if (future.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready)
            return std::nullopt;
        return future.get();
    }

    std::future<Json> kiosk_poll(std::string const& help_id, std::int64_t after, hub::Kiosk const* kiosk = nullptr)
    {
        auto promise = std::make_shared<std::promise<Json>>();
        auto future = promise->get_future();
        desk().kiosk_poll(kiosk ? *kiosk : m_kiosk, help_id, after,
            [promise](Json answer) { promise->set_value(std::move(answer)); });
        return future;
    }

    std::future<Json> console_poll(hub::ConsoleUser const& user, std::string const& help_id, std::int64_t after)
    {
        auto promise = std::make_shared<std::promise<Json>>();
        auto future = promise->get_future();
        desk().console_poll(user, help_id, after, [promise](Json answer) { promise->set_value(std::move(answer)); });
        return future;
    }

    std::vector<hub::AuditEntry> audit(std::string const& help_id)
    {
        hub::AuditFilter filter;
        filter.help_id = help_id;
        return m_store->audit(filter).value();
    }

    static Json screen_with_name(std::string const& value)
    {
        return Json {
            { "screen", "step" },
            { "step", "identite" },
            { "focus", "field:nom" },
            { "widgets",
                Json::array({
                    Json { { "id", "field:nom" }, { "label", "Nom" }, { "kind", "field" }, { "personal", true },
                        { "value", value }, { "rect", { 100, 300, 900, 400 } } },
                    Json { { "id", "next" }, { "label", "Continuer" }, { "kind", "button" },
                        { "rect", { 1500, 950, 1900, 1060 } } },
                }) },
        };
    }

    ScratchDirectory m_scratch;
    std::unique_ptr<hub::HubStore> m_store;
    std::unique_ptr<hub::HelpDesk> m_desk;
    hub::Kiosk m_kiosk;
    hub::Kiosk m_other_kiosk;
    hub::ConsoleUser m_marie { "marie.dupont", "Marie, médiatrice", hub::MediatorRole::Mediator };
    hub::ConsoleUser m_paul { "paul.martin", "Paul, médiateur", hub::MediatorRole::Mediator };
};

TEST_F(HelpDeskTest, AWaitingKioskHearsAtOnceWhichMediatorAcceptedAndASecondMediatorCannotTakeIt)
{
    auto help_id = open_request();
    auto queue = desk().queue(m_marie);
    ASSERT_EQ(queue["waiting"].size(), 1U);
    EXPECT_EQ(queue["waiting"][0]["help_id"], help_id);
    EXPECT_EQ(queue["waiting"][0]["demarche_id"], "inscription-cantine");
    EXPECT_EQ(queue["waiting"][0]["step"], "enfant");

    auto parked = kiosk_poll(help_id, 0);
    EXPECT_EQ(parked.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout)
        << "nothing happened yet: the kiosk's poll waits";

    auto accepted = desk().accept(m_marie, help_id);
    ASSERT_TRUE(accepted.ok()) << accepted.error().code;
    EXPECT_EQ(accepted.value()["state"], "connected");

    auto answer = answered(parked);
    ASSERT_TRUE(answer) << "the parked poll is answered when the mediator accepts";
    EXPECT_EQ((*answer)["state"], "connected");
    ASSERT_EQ((*answer)["events"].size(), 1U);
    EXPECT_EQ((*answer)["events"][0]["type"], "accepted");
    EXPECT_EQ((*answer)["events"][0]["mediator"], "Marie, médiatrice");

    EXPECT_EQ(desk().accept(m_paul, help_id).error().code, "help.taken");
    EXPECT_EQ(desk().message(m_paul, help_id, "Bonjour").error().code, "help.unknown")
        << "a mediator who does not hold the session cannot speak in it";
    EXPECT_TRUE(desk().queue(m_paul)["waiting"].empty());
    EXPECT_EQ(desk().queue(m_marie)["mine"].size(), 1U);

    auto lines = audit(help_id);
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0].action, "requested");
    EXPECT_EQ(lines[0].kiosk_id, "kiosk-1");
    EXPECT_EQ(lines[1].action, "accepted");
    EXPECT_EQ(lines[1].mediator_login, "marie.dupont");
}

TEST_F(HelpDeskTest, AnotherKioskCannotSeeOrCancelTheSession)
{
    auto help_id = open_request();
    auto poll = kiosk_poll(help_id, 0, &m_other_kiosk);
    auto answer = answered(poll);
    ASSERT_TRUE(answer);
    EXPECT_EQ((*answer)["error"], "help.unknown");
    EXPECT_EQ(desk().cancel(m_other_kiosk, help_id).error().code, "help.unknown");
    EXPECT_EQ(desk().report_screen(m_other_kiosk, help_id, screen_with_name("X")).error().code, "help.unknown");
    EXPECT_EQ(desk().counts().waiting, 1U);
}

TEST_F(HelpDeskTest, PersonalValuesReachTheConsoleOnlyWhileTheResidentAgrees)
{
    auto help_id = open_request();
    ASSERT_TRUE(desk().accept(m_marie, help_id).ok());
    // Even if the kiosk sent the value (a bug), the desk masks it.
    ASSERT_TRUE(desk().report_screen(m_kiosk, help_id, screen_with_name("DUPONT")).ok());
    auto poll = console_poll(m_marie, help_id, 0);
    auto view = answered(poll);
    ASSERT_TRUE(view);
    auto const& name = (*view)["screen"]["widgets"][0];
    EXPECT_TRUE(name["value"].is_null());
    EXPECT_EQ(name["masked"], true);
    EXPECT_EQ((*view)["screen"]["widgets"][1]["label"], "Continuer") << "other widgets pass as they are";
    EXPECT_EQ(view->dump().find("DUPONT"), std::string::npos);

    ASSERT_TRUE(desk().consent(m_kiosk, help_id, Json { { "control", "granted" }, { "personal", true } }).ok());
    ASSERT_TRUE(desk().report_screen(m_kiosk, help_id, screen_with_name("DUPONT")).ok());
    auto shared_poll = console_poll(m_marie, help_id, 0);
    auto shared = answered(shared_poll);
    ASSERT_TRUE(shared);
    EXPECT_EQ((*shared)["screen"]["widgets"][0]["value"], "DUPONT");
    EXPECT_EQ((*shared)["personal_shared"], true);

    // "Reprendre la main": control and sight both end, and what the console
    // holds is masked at once.
    ASSERT_TRUE(desk().consent(m_kiosk, help_id, Json { { "control", "revoked" } }).ok());
    auto revoked_poll = console_poll(m_marie, help_id, 0);
    auto revoked = answered(revoked_poll);
    ASSERT_TRUE(revoked);
    EXPECT_EQ((*revoked)["control"], "refused");
    EXPECT_EQ((*revoked)["personal_shared"], false);
    EXPECT_EQ(revoked->dump().find("DUPONT"), std::string::npos);
}

TEST_F(HelpDeskTest, NoActionPassesBeforeTheResidentGrantsControlAndTypedTextIsNeverAudited)
{
    auto help_id = open_request();
    ASSERT_TRUE(desk().accept(m_marie, help_id).ok());
    ASSERT_TRUE(desk().report_screen(m_kiosk, help_id, screen_with_name("")).ok());
    ASSERT_TRUE(desk().request_control(m_marie, help_id).ok());
    ASSERT_TRUE(desk().consent(m_kiosk, help_id, Json { { "control", "refused" } }).ok());

    EXPECT_EQ(desk().act(m_marie, help_id, Json { { "kind", "type" }, { "text", "Dupont-Secret" } }).error().code,
        "help.no_control");
    EXPECT_EQ(
        desk().act(m_marie, help_id, Json { { "kind", "tap" }, { "widget", "next" } }).error().code, "help.no_control");
    auto before = kiosk_poll(help_id, 0);
    auto events = answered(before);
    ASSERT_TRUE(events);
    for (auto const& event : (*events)["events"])
        EXPECT_NE(event["type"], "action") << "a refused action never reaches the kiosk";

    ASSERT_TRUE(desk().consent(m_kiosk, help_id, Json { { "control", "granted" }, { "personal", false } }).ok());
    ASSERT_TRUE(desk().act(m_marie, help_id, Json { { "kind", "type" }, { "text", "Dupont-Secret" } }).ok());
    ASSERT_TRUE(desk().act(m_marie, help_id, Json { { "kind", "tap" }, { "widget", "next" } }).ok());
    EXPECT_EQ(desk().act(m_marie, help_id, Json { { "kind", "swipe" } }).error().code, "request.invalid");

    auto last_seq = (*events)["events"].back()["seq"].get<std::int64_t>();
    auto after = kiosk_poll(help_id, last_seq);
    auto actions = answered(after);
    ASSERT_TRUE(actions);
    ASSERT_EQ((*actions)["events"].size(), 2U);
    EXPECT_EQ((*actions)["events"][0]["kind"], "type");
    EXPECT_EQ((*actions)["events"][0]["text"], "Dupont-Secret");
    EXPECT_EQ((*actions)["events"][1]["kind"], "tap");
    EXPECT_EQ((*actions)["events"][1]["widget"], "next");

    std::vector<std::string> actions_logged;
    for (auto const& line : audit(help_id)) {
        EXPECT_EQ(line.detail.find("Secret"), std::string::npos) << line.action << " " << line.detail;
        actions_logged.push_back(line.action);
        if (line.action == "action" && Json::parse(line.detail)["kind"] == "type") {
            auto detail = Json::parse(line.detail);
            EXPECT_EQ(detail["widget"], "field:nom");
            EXPECT_EQ(detail["characters"], 13);
            EXPECT_EQ(detail["personal"], true);
        }
    }
    EXPECT_EQ(actions_logged,
        (std::vector<std::string> { "requested", "accepted", "control_requested", "control_refused", "action_refused",
            "action_refused", "control_granted", "action", "action" }));
}

TEST_F(HelpDeskTest, AKioskThatDropsBrieflyGetsWhatItMissedAndOneThatStaysAwayEndsTheSession)
{
    hub::HelpSettings settings;
    settings.poll_wait = std::chrono::milliseconds(300);
    settings.kiosk_gone_after = std::chrono::milliseconds(800);
    make_desk(settings);
    auto help_id = open_request();
    ASSERT_TRUE(desk().accept(m_marie, help_id).ok());
    ASSERT_TRUE(desk().message(m_marie, help_id, "Bonjour, je suis là.").ok());
    ASSERT_TRUE(desk().point(m_marie, help_id, "next").ok());

    // The kiosk comes back having seen only the first event.
    auto resumed = kiosk_poll(help_id, 1);
    auto missed = answered(resumed);
    ASSERT_TRUE(missed);
    ASSERT_EQ((*missed)["events"].size(), 2U);
    EXPECT_EQ((*missed)["events"][0]["type"], "message");
    EXPECT_EQ((*missed)["events"][0]["text"], "Bonjour, je suis là.");
    EXPECT_EQ((*missed)["events"][1]["type"], "point");

    // A poll with nothing new is answered empty after poll_wait.
    auto idle = kiosk_poll(help_id, 3);
    auto empty = answered(idle);
    ASSERT_TRUE(empty);
    EXPECT_TRUE((*empty)["events"].empty());
    EXPECT_EQ((*empty)["state"], "connected");

    // Then the kiosk stays away: the console's parked poll hears it.
    auto view_now = console_poll(m_marie, help_id, 0);
    auto version = answered(view_now).value()["version"].get<std::int64_t>();
    auto console = console_poll(m_marie, help_id, version);
    std::optional<Json> view;
    for (int i = 0; i < 20 && !(view && (*view)["state"] == "ended"); ++i) {
        view = answered(console);
        if (view && (*view)["state"] != "ended")
            console = console_poll(m_marie, help_id, (*view)["version"].get<std::int64_t>());
    }
    ASSERT_TRUE(view);
    EXPECT_EQ((*view)["state"], "ended");
    EXPECT_EQ((*view)["reason"], "kiosk_lost");
    EXPECT_EQ(desk().message(m_marie, help_id, "Vous êtes là ?").error().code, "help.ended");

    auto late = kiosk_poll(help_id, 3);
    auto told = answered(late);
    ASSERT_TRUE(told);
    EXPECT_EQ((*told)["state"], "ended") << "a kiosk coming back late is told, not left half-open";
    EXPECT_EQ((*told)["reason"], "kiosk_lost");
    EXPECT_EQ(audit(help_id).back().action, "ended");
}

TEST_F(HelpDeskTest, AMediatorWhoDisappearsIsReplacedByAnEndTheKioskHears)
{
    hub::HelpSettings settings;
    settings.poll_wait = std::chrono::milliseconds(200);
    settings.mediator_gone_after = std::chrono::milliseconds(500);
    make_desk(settings);
    auto help_id = open_request();
    ASSERT_TRUE(desk().accept(m_marie, help_id).ok());
    std::optional<Json> answer;
    std::int64_t after = 1;
    for (int i = 0; i < 20; ++i) {
        auto poll = kiosk_poll(help_id, after);
        answer = answered(poll);
        if (!answer || (*answer)["state"] == "ended")
            break;
    }
    ASSERT_TRUE(answer);
    EXPECT_EQ((*answer)["state"], "ended");
    ASSERT_FALSE((*answer)["events"].empty());
    EXPECT_EQ((*answer)["events"].back()["type"], "ended");
    EXPECT_EQ((*answer)["events"].back()["reason"], "mediator_lost");
}

TEST_F(HelpDeskTest, ANewRequestFromTheSameKioskEndsTheOldOneAndTheQueueKeepsItsOrder)
{
    auto first = open_request();
    auto other = desk().open(m_other_kiosk, Json { { "language", "ar" } });
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other.value()["position"], 2);
    auto second = open_request();
    auto queue = desk().queue(m_marie)["waiting"];
    ASSERT_EQ(queue.size(), 2U);
    EXPECT_EQ(queue[0]["kiosk_id"], "kiosk-2");
    EXPECT_EQ(queue[0]["language"], "ar");
    EXPECT_EQ(queue[1]["help_id"], second);
    EXPECT_EQ(desk().accept(m_marie, first).error().code, "help.ended");

    EXPECT_EQ(desk().open(m_kiosk, Json { { "demarche_id", "bad id with spaces" } }).error().code, "request.invalid");
    EXPECT_EQ(desk().open(m_kiosk, Json::array()).error().code, "request.invalid");
}

TEST_F(HelpDeskTest, StoppingTheDeskAnswersEveryParkedPoll)
{
    auto help_id = open_request();
    auto parked = kiosk_poll(help_id, 0);
    m_desk.reset();
    auto answer = answered(parked);
    ASSERT_TRUE(answer);
    EXPECT_EQ((*answer)["state"], "ended");
    EXPECT_EQ((*answer)["reason"], "hub_stopped");
}

}
