// Remote help's two latencies on loopback (issue 7: each < 300 ms p95):
//   1. a mediator's message, from the console's POST to the kiosk's help
//      line reporting it (the kiosk's long-poll answered, the news given);
//   2. a kiosk's screen change, from HelpLine::report to the console's
//      long-poll answering with it.
// The real hub's server (HTTPS, a development CA) runs in this process, the
// kiosk's side is the real HelpChannel, the console's calls are HTTPS
// requests as its page makes them (cpp-httplib, with the cookie). The
// figures include both sides' TLS and JSON on these 2 shared cores; the
// kiosk's screen drawing and the browser's rendering are not in them.
// Usage: help_bench [--rounds 200]
#include "sync/crypto.hpp"
#include "sync/enrollment.hpp"
#include "sync/help_channel.hpp"
#include "sync/hub/dev_ca.hpp"
#include "sync/hub/hub.hpp"
#include "sync/hub/server.hpp"
#include "sync/protocol.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace guichet;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

namespace {

double percentile(std::vector<double> values, double fraction)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(fraction * double(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

[[noreturn]] void fail(std::string const& what)
{
    std::fprintf(stderr, "help_bench: %s\n", what.c_str());
    std::exit(1);
}

}

int main(int argc, char** argv)
{
    int rounds = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::string(argv[i]) == "--rounds")
            rounds = std::max(10, std::atoi(argv[i + 1]));
    }
    if (!crypto::initialise().ok())
        fail("libsodium did not start");
    auto folder = std::filesystem::temp_directory_path() / ("help_bench." + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);

    auto tls = hub::create_dev_ca(folder / "tls", {});
    if (!tls.ok())
        fail("no development CA: " + tls.error().detail);
    auto store = hub::open_hub_store((folder / "hub.db").string());
    if (!store.ok())
        fail("no hub store: " + store.error().detail);
    hub::HubKeys keys;
    keys.box = crypto::generate_box_keys();
    keys.signing = crypto::generate_signing_keys();
    keys.admin_token = std::string(48, 'b');
    hub::Hub the_hub(*store.value(), keys, hub::HubSettings {}, [] { return protocol::unix_now(); });
    (void)store.value()->add_site(hub::Site { "site", "Site", protocol::unix_now(), {} });
    auto hash = crypto::hash_password("bench-password-123");
    (void)store.value()->add_mediator(
        hub::Mediator { "marie", "Marie, médiatrice", hub::MediatorRole::Mediator, hash.value(), 1, {} });

    hub::ServerSettings settings;
    settings.port = 0;
    settings.certificate = tls.value().server_certificate;
    settings.private_key = tls.value().server_key;
    settings.threads = 16;
    auto server = hub::Server::create(the_hub, settings);
    if (!server.ok())
        fail("the hub did not start: " + server.error().detail);
    std::thread serving([&] { server.value()->run(); });
    auto url = "https://localhost:" + std::to_string(server.value()->port());

    auto code = the_hub.create_enrollment_code("site");
    auto identity = enroll_with_hub(url, tls.value().ca_certificate, code.value(), "bench");
    if (!identity.ok())
        fail("enrollment failed: " + identity.error().code);

    // The kiosk's line; news timestamps wait here.
    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<HelpNews> news;
    std::vector<Clock::time_point> news_at;
    auto line = std::make_unique<HelpChannel>(
        identity.value(),
        [&](HelpNews item) {
            std::lock_guard lock(mutex);
            news.push_back(std::move(item));
            news_at.push_back(Clock::now());
            arrived.notify_all();
        },
        [] { return true; });
    auto wait_for_news = [&](std::size_t count) {
        std::unique_lock lock(mutex);
        if (!arrived.wait_for(lock, std::chrono::seconds(10), [&] { return news.size() >= count; }))
            fail("the kiosk never heard the mediator");
        return news_at[count - 1];
    };

    // The console, as its page calls it.
    httplib::SSLClient console("localhost", server.value()->port());
    console.set_ca_cert_path(tls.value().ca_certificate.string());
    console.enable_server_certificate_verification(true);
    console.set_keep_alive(true);
    // As a browser does: without it, the request's body waits for the
    // ACK of its headers (Nagle and delayed ACK: 40 ms).
    console.set_tcp_nodelay(true);
    console.set_read_timeout(30, 0);
    httplib::Headers headers { { "X-Guichet-Console", "1" } };
    auto login = console.Post("/console/login", headers,
        Json { { "login", "marie" }, { "password", "bench-password-123" } }.dump(), "application/json");
    if (!login || login->status != 200)
        fail("the console login failed");
    auto cookie = login->get_header_value("Set-Cookie");
    headers.emplace("Cookie", cookie.substr(0, cookie.find(';')));

    line->request(HelpRequest { "signalement-voie-publique", "categorie", "fr" });
    wait_for_news(1); // waiting
    std::string help_id;
    for (int i = 0; i < 100 && help_id.empty(); ++i) {
        auto queue = Json::parse(console.Get("/console/api/queue", headers)->body);
        if (!queue["waiting"].empty())
            help_id = queue["waiting"][0]["help_id"];
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (help_id.empty() || console.Post("/console/api/help/" + help_id + "/accept", headers, "", "")->status != 200)
        fail("the mediator could not accept");
    std::size_t seen = 0;
    {
        std::unique_lock lock(mutex);
        arrived.wait_for(lock, std::chrono::seconds(10), [&] { return news.size() >= 2; });
        seen = news.size();
    }

    // 1. Console → kiosk: a message each round, once the last one arrived.
    std::vector<double> to_kiosk;
    for (int i = 0; i < rounds; ++i) {
        auto sent = Clock::now();
        auto answer = console.Post("/console/api/help/" + help_id + "/message", headers,
            Json { { "text", "Message " + std::to_string(i) } }.dump(), "application/json");
        if (!answer || answer->status != 204)
            fail("a message was refused");
        auto at = wait_for_news(++seen);
        to_kiosk.push_back(std::chrono::duration<double, std::milli>(at - sent).count());
    }

    // 2. Kiosk → console: a screen change each round, the console parked on
    // its long-poll beforehand (as the page is).
    auto view = Json::parse(console.Get("/console/api/help/" + help_id + "?after=0", headers)->body);
    auto version = view["version"].get<std::int64_t>();
    std::vector<double> to_console;
    for (int i = 0; i < rounds; ++i) {
        Json answer;
        std::thread waiting([&] {
            auto got = console.Get("/console/api/help/" + help_id + "?after=" + std::to_string(version), headers);
            if (got && got->status == 200)
                answer = Json::parse(got->body);
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(5)); // the poll parks first
        ScreenState screen;
        screen.screen = "step";
        screen.step = "categorie";
        screen.widgets.push_back(ScreenWidget { "choice:" + std::to_string(i), "Choix " + std::to_string(i), "tile",
            { 100, 300, 500, 500 }, std::nullopt, false, false });
        auto sent = Clock::now();
        line->report(screen);
        waiting.join();
        auto at = Clock::now();
        if (!answer.is_object())
            fail("the console's poll failed");
        version = answer["version"].get<std::int64_t>();
        to_console.push_back(std::chrono::duration<double, std::milli>(at - sent).count());
    }

    std::printf("remote help on loopback, %d rounds each (hub, kiosk line and console client in one process, 2 "
                "shared cores)\n",
        rounds);
    std::printf("  mediator's message, console POST -> kiosk's line: p50 %.1f ms  p95 %.1f ms  max %.1f ms   aim p95 "
                "< 300 ms\n",
        percentile(to_kiosk, 0.5), percentile(to_kiosk, 0.95), percentile(to_kiosk, 1.0));
    std::printf("  kiosk's screen change -> console's long-poll:   p50 %.1f ms  p95 %.1f ms  max %.1f ms   aim p95 "
                "< 300 ms\n",
        percentile(to_console, 0.5), percentile(to_console, 0.95), percentile(to_console, 1.0));

    line.reset();
    server.value()->stop();
    serving.join();
    std::filesystem::remove_all(folder);
    return 0;
}
