// The hub's HTTPS transport on its own (sync/hub/http_server.*), over real
// TLS on loopback: routing, answers given later from another thread or from
// the I/O thread, an answer forgotten, and several requests on one kept
// connection answered in order.
#include "store_test_support.hpp"

#include "sync/hub/dev_ca.hpp"
#include "sync/hub/http_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

namespace guichet::hub {
namespace {

using testing::ScratchDirectory;

class HttpServerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto tls = create_dev_ca(m_scratch.path() / "tls", {});
        ASSERT_TRUE(tls.ok()) << tls.error().detail;
        m_tls = tls.release_value();
        HttpServerSettings settings;
        settings.certificate = m_tls.server_certificate;
        settings.private_key = m_tls.server_key;
        settings.workers = 4;
        settings.io_threads = 2;
        auto server = HttpServer::create(settings);
        ASSERT_TRUE(server.ok()) << server.error().detail;
        m_server = server.release_value();
    }

    void TearDown() override
    {
        if (m_thread.joinable()) {
            m_server->stop();
            m_thread.join();
        }
    }

    void run()
    {
        m_thread = std::thread([this] { m_server->run(); });
    }

    std::unique_ptr<httplib::SSLClient> client()
    {
        auto made = std::make_unique<httplib::SSLClient>("localhost", m_server->port());
        made->set_ca_cert_path(m_tls.server_certificate.string());
        made->enable_server_certificate_verification(true);
        made->set_keep_alive(true);
        made->set_read_timeout(5, 0);
        return made;
    }

    ScratchDirectory m_scratch;
    DevCaFiles m_tls;
    std::unique_ptr<HttpServer> m_server;
    std::thread m_thread;
};

TEST_F(HttpServerTest, RoutesByPathAndMethodWithTheHookFirst)
{
    m_server->before_each([](HttpRequest const&, HttpResponse& response) { response.set_header("X-Hook", "1"); });
    m_server->route("GET", "/v1/things/([a-z]+)", [](HttpRequest const& request, HttpResponse& response) {
        response.set_content("thing " + request.matches[1] + " " + request.param("q"), "text/plain");
    });
    run();
    auto http = client();
    auto found = http->Get("/v1/things/chaise?q=bleue");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->status, 200);
    EXPECT_EQ(found->body, "thing chaise bleue");
    EXPECT_EQ(found->get_header_value("X-Hook"), "1");
    auto wrong_method = http->Post("/v1/things/chaise", "", "text/plain");
    ASSERT_TRUE(wrong_method);
    EXPECT_EQ(wrong_method->status, 405);
    EXPECT_NE(wrong_method->body.find("request.method"), std::string::npos);
    EXPECT_EQ(wrong_method->get_header_value("X-Hook"), "1");
    auto unknown = http->Get("/v1/things/Chaise");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 404);
    EXPECT_NE(unknown->body.find("request.not_found"), std::string::npos);
}

TEST_F(HttpServerTest, AnAsyncRouteAnswersLaterFromAnotherThreadOrTheIoThread)
{
    std::vector<std::thread> repliers;
    std::mutex repliers_mutex;
    m_server->before_each([](HttpRequest const&, HttpResponse& response) { response.set_header("X-Hook", "1"); });
    m_server->route_async("POST", "/later", [&](HttpRequest const& request, HttpResponse response, HttpReply reply) {
        // The request is only valid during the call: take what is needed.
        std::lock_guard lock(repliers_mutex);
        repliers.emplace_back([body = request.body, response = std::move(response), reply]() mutable {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            response.status = 201;
            response.set_content("later: " + body, "text/plain");
            reply.send(std::move(response));
        });
    });
    m_server->route_async(
        "POST", "/inline",
        [](HttpRequest const& request, HttpResponse response, HttpReply reply) {
            response.set_content("inline: " + request.body, "text/plain");
            reply.send(response);
            // A second answer is ignored.
            response.set_content("twice", "text/plain");
            reply.send(std::move(response));
        },
        HttpServer::Run::on_io_thread);
    m_server->route_async(
        "POST", "/forgotten", [](HttpRequest const&, HttpResponse, HttpReply) { /* never answers */ });
    run();

    auto http = client();
    // On one kept connection: each answer comes back to its own request.
    for (int i = 0; i < 5; ++i) {
        auto later = http->Post("/later", "n" + std::to_string(i), "text/plain");
        ASSERT_TRUE(later);
        EXPECT_EQ(later->status, 201);
        EXPECT_EQ(later->body, "later: n" + std::to_string(i));
        EXPECT_EQ(later->get_header_value("X-Hook"), "1");
        auto inline_answer = http->Post("/inline", "m" + std::to_string(i), "text/plain");
        ASSERT_TRUE(inline_answer);
        EXPECT_EQ(inline_answer->status, 200);
        EXPECT_EQ(inline_answer->body, "inline: m" + std::to_string(i));
    }
    // A handler that lost its reply: the client gets an error, not a hang.
    auto forgotten = http->Post("/forgotten", "x", "text/plain");
    ASSERT_TRUE(forgotten);
    EXPECT_EQ(forgotten->status, 500);
    EXPECT_NE(forgotten->body.find("hub.internal"), std::string::npos);

    std::lock_guard lock(repliers_mutex);
    for (auto& replier : repliers)
        replier.join();
}

}
}
