// A hub on loopback for the integration tests: its store (SQLite), keys, a
// clock that can be shifted, and its real HTTPS server with a development
// CA and the test faults on. Shared by uplink_tests and help_server_tests.
#pragma once

#include "store_test_support.hpp"

#include "sync/enrollment.hpp"
#include "sync/hub/dev_ca.hpp"
#include "sync/hub/hub.hpp"
#include "sync/hub/server.hpp"
#include "sync/hub_client.hpp"
#include "sync/protocol.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

namespace guichet {

using namespace std::chrono_literals;

// Polls `condition` every 20 ms for up to `limit`; a generous limit, since
// the test waits for behaviour, not for speed.
template<typename Condition> inline bool eventually(Condition condition, std::chrono::milliseconds limit = 20s)
{
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (condition())
            return true;
        std::this_thread::sleep_for(20ms);
    }
    return condition();
}

// A hub on loopback: its store, keys, clock (shiftable) and HTTPS server.
class LoopbackHub {
public:
    explicit LoopbackHub(std::filesystem::path const& folder)
    {
        EXPECT_TRUE(crypto::initialise().ok());
        auto tls = hub::create_dev_ca(folder / "tls", {});
        EXPECT_TRUE(tls.ok()) << (tls.ok() ? "" : tls.error().detail);
        m_tls = tls.value();
        m_store = hub::open_hub_store((folder / "hub.db").string()).release_value();
        m_keys.box = crypto::generate_box_keys();
        m_keys.signing = crypto::generate_signing_keys();
        m_keys.admin_token = std::string(48, 't');
        m_hub = std::make_unique<hub::Hub>(
            *m_store, m_keys, hub::HubSettings {}, [this] { return protocol::unix_now() + m_clock_shift.load(); });
        EXPECT_TRUE(m_store->add_site(hub::Site { "mairie", "Mairie de Test", protocol::unix_now(), {} }).ok());
        start();
    }

    ~LoopbackHub() { stop(); }

    void start()
    {
        hub::ServerSettings settings;
        settings.help = m_help;
        settings.port = m_port;
        settings.certificate = m_tls.server_certificate;
        settings.private_key = m_tls.server_key;
        settings.threads = 16;
        settings.test_faults = true;
        auto server = hub::Server::create(*m_hub, settings);
        ASSERT_TRUE(server.ok()) << server.error().detail;
        m_server = server.release_value();
        m_port = m_server->port();
        m_thread = std::thread([this] { m_server->run(); });
        ASSERT_TRUE(eventually([this] { return answers(); }, 5s));
    }

    void stop()
    {
        if (!m_server)
            return;
        m_server->stop();
        m_thread.join();
        m_server.reset();
    }

    bool answers() const
    {
        HubClient client(HubClientSettings { url(), m_tls.ca_certificate, 1s, 2s });
        auto response = client.post_unsigned("/v1/enroll", "{}");
        return response.ok() && response.value().status == 400;
    }

    // The hub's dossier pushes fail `count` times: "500", "503" (with
    // Retry-After), "404" (as an older hub without the route) or "hang"
    // (no answer for `seconds`).
    void fail(std::string const& mode, int count, int seconds = 1, std::string const& path = "/v1/dossiers")
    {
        HubClient client(HubClientSettings { url(), m_tls.ca_certificate, 1s, 5s });
        nlohmann::json body { { "mode", mode }, { "count", count }, { "retry_after", seconds },
            { "hang_seconds", seconds }, { "path", path } };
        auto response = client.post_unsigned("/test/faults", body.dump());
        ASSERT_TRUE(response.ok() && response.value().status == 200);
    }

    KioskIdentity enroll()
    {
        auto code = m_hub->create_enrollment_code("mairie").release_value();
        auto identity = enroll_with_hub(url(), m_tls.ca_certificate, code, "test");
        EXPECT_TRUE(identity.ok()) << (identity.ok() ? "" : identity.error().code);
        return identity.release_value();
    }

    std::string url() const { return "https://localhost:" + std::to_string(m_port); }
    int port() const { return m_port; }
    hub::HubStore& store() { return *m_store; }
    hub::Hub& hub() { return *m_hub; }
    hub::HubKeys const& keys() const { return m_keys; }
    hub::DevCaFiles const& tls() const { return m_tls; }
    void shift_clock(std::int64_t seconds) { m_clock_shift = seconds; }
    // The help desk's timings for the next start().
    void set_help(hub::HelpSettings settings) { m_help = settings; }

    std::int64_t dossier_count() { return m_store->counts().value().dossiers; }

    // Every dossier the hub holds, opened: tracking code -> dossier JSON.
    std::map<std::string, nlohmann::json> opened_dossiers()
    {
        std::map<std::string, nlohmann::json> opened;
        hub::DossierFilter filter;
        for (auto const& record : m_store->dossiers(filter, true).value()) {
            auto text = m_hub->open_dossier(record);
            EXPECT_TRUE(text.ok()) << "a dossier does not open with the hub's key";
            if (text.ok())
                opened[record.tracking_code] = nlohmann::json::parse(text.value());
        }
        return opened;
    }

private:
    hub::DevCaFiles m_tls;
    std::unique_ptr<hub::HubStore> m_store;
    hub::HubKeys m_keys;
    std::atomic<std::int64_t> m_clock_shift { 0 };
    std::unique_ptr<hub::Hub> m_hub;
    std::unique_ptr<hub::Server> m_server;
    std::thread m_thread;
    int m_port { 0 };
    hub::HelpSettings m_help;
};

}
