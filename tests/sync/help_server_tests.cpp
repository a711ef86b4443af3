// Help from a mediator through the real hub over HTTPS on loopback: the
// kiosk's signed help API (sync/hub/server.cpp) and the console's login,
// cookie and JSON API (sync/hub/console.cpp), each side a real client (the
// kiosk's HubClient, cpp-httplib for the browser's fetch). The page itself
// is to be driven by Chromium (tests/e2e, not written yet).
#include "loopback_hub.hpp"

#include "sync/crypto.hpp"
#include "sync/help_channel.hpp"
#include "sync/hub/console.hpp"

#include <httplib.h>

#include <future>

namespace guichet {
namespace {

using testing::ScratchDirectory;
using Json = nlohmann::json;

class HelpServerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_hub = std::make_unique<LoopbackHub>(m_scratch.path());
        auto identity = m_hub->enroll();
        m_kiosk = std::make_unique<HubClient>(HubClientSettings { m_hub->url(), m_hub->tls().ca_certificate, 2s, 30s });
        m_kiosk->set_identity(identity.kiosk_id, identity.keys.secret_key, identity.hub_box_public_key);
        add_mediator("marie.dupont", "Marie, médiatrice", hub::MediatorRole::Mediator);
        add_mediator("admin", "Paul, administrateur", hub::MediatorRole::Administrator);
    }

    void add_mediator(std::string const& login, std::string const& name, hub::MediatorRole role)
    {
        auto hash = crypto::hash_password(login + "-password");
        ASSERT_TRUE(hash.ok());
        ASSERT_TRUE(m_hub->store().add_mediator(hub::Mediator { login, name, role, hash.value(), 1, {} }).ok());
    }

    // A browser: its own connection and cookie jar (one cookie here).
    struct Browser {
        std::unique_ptr<httplib::SSLClient> client;
        std::string cookie;

        httplib::Result get(std::string const& path)
        {
            httplib::Headers headers;
            if (!cookie.empty())
                headers.emplace("Cookie", cookie);
            return client->Get(path, headers);
        }

        httplib::Result post(std::string const& path, Json const& body = Json::object(), bool with_header = true)
        {
            httplib::Headers headers;
            if (!cookie.empty())
                headers.emplace("Cookie", cookie);
            if (with_header)
                headers.emplace("X-Guichet-Console", "1");
            return client->Post(path, headers, body.dump(), "application/json");
        }
    };

    Browser browser()
    {
        Browser made;
        made.client = std::make_unique<httplib::SSLClient>("localhost", m_hub->port());
        made.client->set_ca_cert_path(m_hub->tls().ca_certificate.string());
        made.client->enable_server_certificate_verification(true);
        made.client->set_read_timeout(30, 0);
        return made;
    }

    Browser logged_in(std::string const& login)
    {
        auto made = browser();
        auto answer = made.post("/console/login", Json { { "login", login }, { "password", login + "-password" } });
        EXPECT_TRUE(answer && answer->status == 200) << (answer ? answer->body : "no answer");
        if (answer) {
            auto cookie = answer->get_header_value("Set-Cookie");
            made.cookie = cookie.substr(0, cookie.find(';'));
        }
        return made;
    }

    Json kiosk_call(std::string const& method, std::string const& path, Json const& body = nullptr, long status = 0)
    {
        auto answer = m_kiosk->request(method, path, body.is_null() ? std::string() : body.dump());
        EXPECT_TRUE(answer.ok()) << (answer.ok() ? "" : answer.error().code);
        if (!answer.ok())
            return nullptr;
        if (status) {
            EXPECT_EQ(answer.value().status, status) << path << ": " << answer.value().body;
        }
        return answer.value().body.empty() ? Json::object() : Json::parse(answer.value().body, nullptr, false);
    }

    ScratchDirectory m_scratch;
    std::unique_ptr<LoopbackHub> m_hub;
    std::unique_ptr<HubClient> m_kiosk;
};

TEST_F(HelpServerTest, TheConsoleNeedsALoginAndItsPostsNeedTheConsoleHeader)
{
    auto anonymous = browser();
    auto page = anonymous.get("/console");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("console des médiateurs"), std::string::npos);
    EXPECT_NE(page->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(anonymous.get("/console/api/queue")->status, 401);

    auto wrong = anonymous.post("/console/login", Json { { "login", "marie.dupont" }, { "password", "nope" } });
    EXPECT_EQ(wrong->status, 401);
    EXPECT_TRUE(wrong->get_header_value("Set-Cookie").empty());
    auto no_header = anonymous.post(
        "/console/login", Json { { "login", "marie.dupont" }, { "password", "marie.dupont-password" } }, false);
    EXPECT_EQ(no_header->status, 403) << "a form posted from another site lacks the header";

    auto marie = logged_in("marie.dupont");
    ASSERT_FALSE(marie.cookie.empty());
    auto me = marie.get("/console/api/me");
    ASSERT_EQ(me->status, 200);
    EXPECT_EQ(Json::parse(me->body)["display_name"], "Marie, médiatrice");
    EXPECT_EQ(marie.get("/console/api/audit")->status, 403) << "the audit log is for administrators";

    ASSERT_EQ(marie.post("/console/logout")->status, 204);
    EXPECT_EQ(marie.get("/console/api/me")->status, 401) << "the cookie is worth nothing after logout";

    // A mediator disabled while logged in is out at their next call.
    auto again = logged_in("marie.dupont");
    ASSERT_TRUE(m_hub->store().disable_mediator("marie.dupont", 5).ok());
    EXPECT_EQ(again.get("/console/api/me")->status, 401);
    EXPECT_EQ(
        again.post("/console/login", Json { { "login", "marie.dupont" }, { "password", "marie.dupont-password" } })
            ->status,
        401);
}

TEST_F(HelpServerTest, FiveWrongPasswordsLockTheLoginEvenForTheRightOne)
{
    auto someone = browser();
    for (int i = 0; i < hub::Console::failures_before_lock; ++i)
        EXPECT_EQ(someone.post("/console/login", Json { { "login", "admin" }, { "password", "guess" } })->status, 401);
    auto locked = someone.post("/console/login", Json { { "login", "admin" }, { "password", "admin-password" } });
    EXPECT_EQ(locked->status, 429);
    EXPECT_FALSE(locked->get_header_value("Retry-After").empty());
    EXPECT_EQ(logged_in("marie.dupont").get("/console/api/me")->status, 200) << "other logins are not locked";
}

TEST_F(HelpServerTest, AResidentsRequestIsTakenHelpedUnderConsentAndAudited)
{
    auto opened
        = kiosk_call("POST", "/v1/help", Json { { "demarche_id", "inscription-cantine" }, { "step", "enfant" } }, 201);
    auto help_id = opened["help_id"].get<std::string>();
    EXPECT_EQ(opened["position"], 1);

    auto marie = logged_in("marie.dupont");
    auto queue = Json::parse(marie.get("/console/api/queue")->body);
    ASSERT_EQ(queue["waiting"].size(), 1U);
    EXPECT_EQ(queue["waiting"][0]["demarche_id"], "inscription-cantine");

    // The kiosk is parked on its long-poll when the mediator accepts.
    auto poll = std::async(std::launch::async, [&] { return kiosk_call("GET", "/v1/help/" + help_id + "/events"); });
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/accept")->status, 200);
    auto woken = poll.get();
    ASSERT_EQ(woken["events"].size(), 1U);
    EXPECT_EQ(woken["events"][0]["mediator"], "Marie, médiatrice");

    auto paul = logged_in("admin");
    auto taken = paul.post("/console/api/help/" + help_id + "/accept");
    EXPECT_EQ(taken->status, 409);
    EXPECT_EQ(Json::parse(taken->body)["error"], "help.taken");

    Json screen { { "screen", "step" }, { "step", "enfant" }, { "focus", "field:prenom" },
        { "widgets",
            Json::array({ Json { { "id", "field:prenom" }, { "label", "Prénom de l'enfant" }, { "kind", "field" },
                { "personal", true }, { "masked", true }, { "rect", { 100, 300, 900, 400 } } } }) } };
    kiosk_call("POST", "/v1/help/" + help_id + "/screen", screen, 204);
    auto view = Json::parse(marie.get("/console/api/help/" + help_id + "?after=0")->body);
    EXPECT_EQ(view["screen"]["widgets"][0]["label"], "Prénom de l'enfant");
    EXPECT_EQ(view["control"], "none");

    EXPECT_EQ(marie.post("/console/api/help/" + help_id + "/message", Json { { "text", 12 } })->status, 400);
    EXPECT_EQ(marie.post("/console/api/help/" + help_id + "/point", Json { { "widget", Json::array() } })->status, 400);
    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/message", Json { { "text", "Bonjour !" } })->status, 204);
    ASSERT_EQ(
        marie.post("/console/api/help/" + help_id + "/point", Json { { "widget", "field:prenom" } })->status, 204);
    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/control")->status, 204);
    auto refused_action
        = marie.post("/console/api/help/" + help_id + "/action", Json { { "kind", "type" }, { "text", "Léa" } });
    EXPECT_EQ(refused_action->status, 409);

    kiosk_call(
        "POST", "/v1/help/" + help_id + "/consent", Json { { "control", "granted" }, { "personal", false } }, 204);
    ASSERT_EQ(
        marie.post("/console/api/help/" + help_id + "/action", Json { { "kind", "type" }, { "text", "Léa" } })->status,
        204);
    auto events = kiosk_call("GET", "/v1/help/" + help_id + "/events?after=1");
    std::vector<std::string> types;
    for (auto const& event : events["events"])
        types.push_back(event["type"]);
    EXPECT_EQ(types, (std::vector<std::string> { "message", "point", "control_requested", "action" }));
    EXPECT_EQ(events["events"][3]["text"], "Léa");

    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/end")->status, 204);
    auto ended = kiosk_call("GET", "/v1/help/" + help_id + "/events?after=4");
    EXPECT_EQ(ended["state"], "ended");
    EXPECT_EQ(ended["reason"], "mediator");

    auto audit = paul.get("/console/api/audit?help_id=" + help_id);
    ASSERT_EQ(audit->status, 200);
    auto lines = Json::parse(audit->body);
    std::vector<std::string> actions;
    for (auto const& line : lines)
        actions.push_back(line["action"]);
    EXPECT_EQ(actions,
        (std::vector<std::string> { "requested", "accepted", "message", "point", "control_requested", "action_refused",
            "control_granted", "action", "ended" }));
    EXPECT_EQ(audit->body.find("Léa"), std::string::npos) << "what was typed is not in the audit log";
}

TEST_F(HelpServerTest, StoppingTheHubAnswersAParkedKioskAtOnce)
{
    auto opened = kiosk_call("POST", "/v1/help", Json::object(), 201);
    auto help_id = opened["help_id"].get<std::string>();
    auto poll = std::async(std::launch::async, [&] { return kiosk_call("GET", "/v1/help/" + help_id + "/events"); });
    std::this_thread::sleep_for(200ms);
    auto began = std::chrono::steady_clock::now();
    m_hub->stop();
    auto answer = poll.get();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s) << "the stop did not wait for the long-poll";
    EXPECT_EQ(answer["state"], "ended");
    EXPECT_EQ(answer["reason"], "hub_stopped");
}

// [SECTION] The kiosk's help line (sync/help_channel) against the hub

// What the channel reported, in order, with a wait for the next of a kind.
class NewsLog {
public:
    void add(HelpNews news)
    {
        {
            std::lock_guard lock(m_mutex);
            m_news.push_back(std::move(news));
        }
        m_changed.notify_all();
    }

    // The first news of `kind` after the `from`-th, within `limit`.
    std::optional<HelpNews> wait_for(HelpNews::Kind kind, std::size_t from = 0, std::chrono::milliseconds limit = 15s)
    {
        std::unique_lock lock(m_mutex);
        std::optional<HelpNews> found;
        m_changed.wait_for(lock, limit, [&] {
            for (auto i = from; i < m_news.size(); ++i) {
                if (m_news[i].kind == kind) {
                    found = m_news[i];
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    std::size_t count(HelpNews::Kind kind)
    {
        std::lock_guard lock(m_mutex);
        return static_cast<std::size_t>(
            std::count_if(m_news.begin(), m_news.end(), [kind](auto const& news) { return news.kind == kind; }));
    }

    std::size_t size()
    {
        std::lock_guard lock(m_mutex);
        return m_news.size();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<HelpNews> m_news;
};

class HelpChannelTest : public HelpServerTest {
protected:
    std::unique_ptr<HelpChannel> channel(HelpChannelSettings settings = {})
    {
        return std::make_unique<HelpChannel>(
            m_identity, [this](HelpNews news) { m_news.add(std::move(news)); }, [] { return true; }, settings);
    }

    void SetUp() override
    {
        HelpServerTest::SetUp();
        m_identity = m_hub->enroll();
    }

    // The console's view of the only waiting request, once it is there.
    std::string waiting_help_id(Browser& console)
    {
        std::string id;
        eventually([&] {
            auto queue = Json::parse(console.get("/console/api/queue")->body);
            if (queue["waiting"].empty())
                return false;
            id = queue["waiting"][0]["help_id"];
            return true;
        });
        return id;
    }

    // The kiosk's request, once it waits, taken by `console`'s mediator and
    // heard accepted by the kiosk; its id, or empty when any of that failed.
    std::string accept_waiting_request(Browser& console)
    {
        if (!m_news.wait_for(HelpNews::Kind::Waiting))
            return {};
        auto help_id = waiting_help_id(console);
        auto accepted = console.post("/console/api/help/" + help_id + "/accept");
        if (help_id.empty() || !accepted || accepted->status != 200 || !m_news.wait_for(HelpNews::Kind::Accepted))
            return {};
        return help_id;
    }

    KioskIdentity m_identity;
    NewsLog m_news;
};

TEST_F(HelpChannelTest, TheKioskHearsTheMediatorAndShowsItsScreenAsItChanges)
{
    auto line = channel();
    line->request(HelpRequest { "inscription-cantine", "enfant", "fr" });
    auto waiting = m_news.wait_for(HelpNews::Kind::Waiting);
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->position, 1);

    auto marie = logged_in("marie.dupont");
    auto help_id = waiting_help_id(marie);
    ASSERT_FALSE(help_id.empty());
    EXPECT_EQ(waiting->text, help_id) << "the dossier records the request's id";
    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/accept")->status, 200);
    auto accepted = m_news.wait_for(HelpNews::Kind::Accepted);
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->text, "Marie, médiatrice");

    ScreenState screen;
    screen.screen = "step";
    screen.step = "enfant";
    screen.focus = "field:prenom";
    screen.widgets.push_back(ScreenWidget {
        "field:prenom", "Prénom de l'enfant", "field", { 100, 300, 900, 400 }, std::nullopt, true, true });
    screen.widgets.push_back(
        ScreenWidget { "field:ecole", "École", "field", { 100, 500, 900, 600 }, "Jules Ferry", false, false });
    line->report(screen);
    Json view;
    ASSERT_TRUE(eventually([&] {
        view = Json::parse(marie.get("/console/api/help/" + help_id + "?after=0")->body);
        return view["screen"].contains("widgets") && view["screen"]["widgets"].size() == 2;
    }));
    EXPECT_EQ(view["screen"]["widgets"][0]["masked"], true);
    EXPECT_FALSE(view["screen"]["widgets"][0].contains("value"));
    EXPECT_EQ(view["screen"]["widgets"][1]["value"], "Jules Ferry");
    EXPECT_EQ(view["screen"]["focus"], "field:prenom");

    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/message", Json { { "text", "Je regarde." } })->status, 204);
    auto message = m_news.wait_for(HelpNews::Kind::Message);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->text, "Je regarde.");
    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/point", Json { { "widget", "field:ecole" } })->status, 204);
    EXPECT_EQ(m_news.wait_for(HelpNews::Kind::Point)->text, "field:ecole");

    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/control")->status, 204);
    ASSERT_TRUE(m_news.wait_for(HelpNews::Kind::ControlRequested));
    line->consent(ConsentAnswer::Granted, false);
    ASSERT_TRUE(eventually([&] {
        return Json::parse(marie.get("/console/api/help/" + help_id + "?after=0")->body)["control"] == "granted";
    }));
    ASSERT_EQ(
        marie.post("/console/api/help/" + help_id + "/action", Json { { "kind", "type" }, { "text", "Léa" } })->status,
        204);
    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/action", Json { { "kind", "tap" }, { "widget", "next" } })
                  ->status,
        204);
    EXPECT_EQ(m_news.wait_for(HelpNews::Kind::Type)->text, "Léa");
    EXPECT_EQ(m_news.wait_for(HelpNews::Kind::Tap)->text, "next");

    // "Reprendre la main"
    line->consent(ConsentAnswer::Revoked, false);
    ASSERT_TRUE(eventually([&] {
        return Json::parse(marie.get("/console/api/help/" + help_id + "?after=0")->body)["control"] == "refused";
    }));
    EXPECT_EQ(marie.post("/console/api/help/" + help_id + "/action", Json { { "kind", "tap" }, { "widget", "next" } })
                  ->status,
        409);

    ASSERT_EQ(marie.post("/console/api/help/" + help_id + "/end")->status, 204);
    auto ended = m_news.wait_for(HelpNews::Kind::Ended);
    ASSERT_TRUE(ended);
    EXPECT_EQ(ended->text, "mediator");
}

TEST_F(HelpChannelTest, TheResidentEndingTheRequestEndsItOnTheHub)
{
    auto line = channel();
    line->request(HelpRequest { "", "home", "fr" });
    auto marie = logged_in("marie.dupont");
    auto help_id = accept_waiting_request(marie);
    ASSERT_FALSE(help_id.empty());
    line->end();
    Json view;
    ASSERT_TRUE(eventually([&] {
        view = Json::parse(marie.get("/console/api/help/" + help_id + "?after=0")->body);
        return view["state"] == "ended";
    }));
    EXPECT_EQ(view["reason"], "resident");
}

TEST_F(HelpChannelTest, AHubThatCannotBeReachedMakesTheRequestUnavailable)
{
    m_hub->stop();
    HelpChannelSettings quick;
    quick.connect_timeout = 1s;
    quick.call_timeout = 2s;
    auto line = channel(quick);
    line->request(HelpRequest { "", "home", "fr" });
    EXPECT_TRUE(m_news.wait_for(HelpNews::Kind::Unavailable));
}

TEST_F(HelpChannelTest, AShortDropResumesAndALongOneEndsTheSessionCleanly)
{
    HelpChannelSettings quick;
    quick.connect_timeout = 1s;
    quick.retry_first = 100ms;
    quick.retry_most = 200ms;
    quick.give_up_after = 3s;
    quick.poll_timeout = 2s;
    // The hub answers an idle long-poll within 0.5 s, so that the kiosk's
    // 2 s timeout means a hub that hangs.
    hub::HelpSettings short_polls;
    short_polls.poll_wait = 500ms;
    m_hub->stop();
    m_hub->set_help(short_polls);
    m_hub->start();
    auto line = channel(quick);
    line->request(HelpRequest { "", "home", "fr" });
    auto marie = logged_in("marie.dupont");
    auto help_id = accept_waiting_request(marie);
    ASSERT_FALSE(help_id.empty());

    // The hub's help API fails a few times (503) while the mediator speaks:
    // the kiosk tries again and gets the message, once.
    m_hub->fail("503", 4, 0, "/v1/help/");
    ASSERT_EQ(
        marie.post("/console/api/help/" + help_id + "/message", Json { { "text", "Toujours là ?" } })->status, 204);
    auto message = m_news.wait_for(HelpNews::Kind::Message);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->text, "Toujours là ?");

    // The hub restarts: its stop answers the kiosk's parked poll ("ended",
    // hub_stopped); had the kiosk been between polls, the restarted hub
    // would not know the session ("lost"). Either way the kiosk hears that
    // it ended rather than waiting for nothing.
    m_hub->stop();
    std::this_thread::sleep_for(500ms);
    m_hub->start();
    auto lost = m_news.wait_for(HelpNews::Kind::Ended);
    ASSERT_TRUE(lost);
    EXPECT_TRUE(lost->text == "hub_stopped" || lost->text == "lost") << lost->text;
    EXPECT_EQ(m_news.count(HelpNews::Kind::Message), 1U) << "no event is seen twice after the retries";

    // A new request, then the hub stops answering (its help API hangs) for
    // longer than the kiosk waits: the kiosk gives up, it does not hang on.
    auto before = m_news.size();
    line->request(HelpRequest { "", "home", "fr" });
    ASSERT_TRUE(m_news.wait_for(HelpNews::Kind::Waiting, before));
    m_hub->fail("hang", 100, 5, "/v1/help/");
    auto gone = m_news.wait_for(HelpNews::Kind::Ended, before, 20s);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->text, "network");
}

}
}
