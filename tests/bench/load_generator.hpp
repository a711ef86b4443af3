// The simulated kiosks of the ingest benchmark, as a load generator in the
// manner of wrk: one thread drives every kiosk's connection asynchronously
// (Boost.Beast over OpenSSL), so that 200 kiosks take little of the two
// cores they share with the hub. A thread and a libcurl handle per kiosk,
// as the uplink has, cost 200-300 µs of CPU a push here, more than the hub
// spends storing it; the figures would then measure the kiosks.
//
// What goes on the wire is what the uplink sends (sync/hub_client.cpp): a
// keep-alive TLS connection per kiosk, POST /v1/dossiers signed with the
// kiosk's key (Guichet-Kiosk, Guichet-Date, Guichet-Mac), the body
// built beforehand as the outbox holds it. A failed push is retried with
// the same body (so the same idempotency key), up to 5 attempts, on a new
// connection when the old one failed.
#pragma once

#include "sync/crypto.hpp"
#include "sync/protocol.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace guichet::bench {

// One kiosk's pushes. With a zero period it pushes its next dossier as
// soon as the last is answered (closed loop); otherwise push j is due at
// offset + j * period from the start, and its latency counts from then.
struct PushPlan {
    std::string kiosk_id;
    crypto::SecretKey const* request_key { nullptr };
    std::vector<std::string> const* bodies { nullptr };
    std::chrono::duration<double> offset { 0 };
    std::chrono::duration<double> period { 0 };
};

struct PushOutcome {
    std::vector<double> latencies; // ms, of each dossier's first attempt
    std::size_t stored { 0 }; // 201
    std::size_t duplicates { 0 }; // 200 on a retry: stored by an earlier attempt
    std::size_t unsent { 0 }; // given up after 5 attempts
    std::size_t retries { 0 };
    std::map<std::string, std::size_t> errors;
};

namespace detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Shared {
    net::io_context& io;
    ssl::context& tls;
    tcp::endpoint endpoint;
    std::string host;
    Clock::time_point start;
    std::mutex mutex; // outcome, from the io threads
    PushOutcome outcome;
    std::atomic<std::size_t> connecting { 0 };
};

class Pusher : public std::enable_shared_from_this<Pusher> {
public:
    Pusher(Shared& shared, PushPlan plan)
        : m_shared(shared)
        , m_plan(std::move(plan))
        , m_timer(shared.io)
    {
    }

    void connect(std::function<void(bool)> then)
    {
        m_stream.emplace(net::make_strand(m_shared.io), m_shared.tls);
        SSL_set_tlsext_host_name(m_stream->native_handle(), m_shared.host.c_str());
        m_stream->set_verify_mode(ssl::verify_peer);
        m_stream->set_verify_callback(ssl::host_name_verification(m_shared.host));
        beast::get_lowest_layer(*m_stream).expires_after(std::chrono::seconds(10));
        beast::get_lowest_layer(*m_stream).async_connect(
            m_shared.endpoint, [self = shared_from_this(), then](beast::error_code error) {
                if (error)
                    return self->failed("connect", error, then);
                self->m_stream->async_handshake(ssl::stream_base::client, [self, then](beast::error_code shaken) {
                    if (shaken)
                        return self->failed("tls", shaken, then);
                    then(true);
                });
            });
    }

    void start() { next(); }

private:
    void failed(char const* step, beast::error_code const& error, std::function<void(bool)> const& then)
    {
        note_error(std::string(step) + ": " + error.message());
        then(false);
    }

    void note_error(std::string const& what)
    {
        std::lock_guard lock(m_shared.mutex);
        ++m_shared.outcome.errors[what];
    }

    void next()
    {
        if (m_index >= m_plan.bodies->size()) {
            beast::error_code ignored;
            if (m_stream)
                beast::get_lowest_layer(*m_stream).socket().close(ignored);
            return;
        }
        m_attempt = 0;
        if (m_plan.period.count() > 0) {
            m_due = m_shared.start
                + std::chrono::duration_cast<Clock::duration>(
                    m_plan.offset + m_plan.period * static_cast<double>(m_index));
            m_timer.expires_at(m_due);
            m_timer.async_wait([self = shared_from_this()](beast::error_code) { self->send(); });
        } else {
            send();
        }
    }

    void send()
    {
        auto const& body = (*m_plan.bodies)[m_index];
        auto date = protocol::unix_now();
        m_request = {};
        m_request.method(http::verb::post);
        m_request.target("/v1/dossiers");
        m_request.version(11);
        m_request.set(http::field::host, m_shared.host);
        m_request.set(http::field::content_type, "application/json");
        for (auto const& [name, value] :
            protocol::signature_headers("POST", "/v1/dossiers", date, m_plan.kiosk_id, body, *m_plan.request_key))
            m_request.set(name, value);
        m_request.keep_alive(true);
        m_request.body() = body;
        m_request.prepare_payload();
        m_sent = Clock::now();
        beast::get_lowest_layer(*m_stream).expires_after(std::chrono::seconds(15));
        http::async_write(*m_stream, m_request, [self = shared_from_this()](beast::error_code error, std::size_t) {
            if (error)
                return self->answered(error, 0);
            self->m_response.emplace();
            http::async_read(
                *self->m_stream, self->m_buffer, *self->m_response, [self](beast::error_code read, std::size_t) {
                    self->answered(read, read ? 0 : self->m_response->get().result_int());
                });
        });
    }

    void answered(beast::error_code const& error, unsigned status)
    {
        if (m_attempt == 0) {
            auto from = m_plan.period.count() > 0 ? std::min(m_due, m_sent) : m_sent;
            std::lock_guard lock(m_shared.mutex);
            m_shared.outcome.latencies.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - from).count());
        }
        bool done = false;
        bool reconnect = false;
        {
            std::lock_guard lock(m_shared.mutex);
            if (m_attempt > 0)
                ++m_shared.outcome.retries;
            if (!error && status == 201) {
                ++m_shared.outcome.stored;
                done = true;
            } else if (!error && status == 200 && m_attempt > 0) {
                ++m_shared.outcome.duplicates;
                done = true;
            } else if (error) {
                ++m_shared.outcome.errors["io: " + error.message()];
                reconnect = true;
            } else {
                ++m_shared.outcome.errors["http." + std::to_string(status)];
                reconnect = !m_response->get().keep_alive();
            }
        }
        if (done || ++m_attempt >= 5) {
            if (!done) {
                std::lock_guard lock(m_shared.mutex);
                ++m_shared.outcome.unsent;
            }
            ++m_index;
            return next();
        }
        if (!reconnect)
            return send();
        m_buffer.clear();
        connect([self = shared_from_this()](bool ok) {
            if (ok)
                return self->send();
            // The connection could not be opened again: this push fails.
            self->answered(net::error::not_connected, 0);
        });
    }

    Shared& m_shared;
    PushPlan m_plan;
    std::optional<beast::ssl_stream<beast::tcp_stream>> m_stream;
    net::steady_timer m_timer;
    beast::flat_buffer m_buffer;
    http::request<http::string_body> m_request;
    std::optional<http::response_parser<http::string_body>> m_response;
    std::size_t m_index { 0 };
    int m_attempt { 0 };
    Clock::time_point m_due;
    Clock::time_point m_sent;
};

}

// Opens every kiosk's connection, calls `connected` (the caller starts its
// clocks there), then runs every plan and returns once every push is
// answered or given up. `threads` threads drive the connections.
inline PushOutcome push_dossiers(std::string const& host, int port, std::filesystem::path const& ca_file,
    std::vector<PushPlan> plans, std::function<void()> const& connected, int threads = 1)
{
    namespace net = boost::asio;
    namespace ssl = net::ssl;
    net::io_context io;
    ssl::context tls(ssl::context::tls_client);
    tls.load_verify_file(ca_file.string());
    detail::Shared shared { io, tls, {}, host, {}, {}, {}, {} };
    net::ip::tcp::resolver resolver(io);
    shared.endpoint = *resolver.resolve(host, std::to_string(port)).begin();

    std::vector<std::shared_ptr<detail::Pusher>> pushers;
    for (auto& plan : plans)
        pushers.push_back(std::make_shared<detail::Pusher>(shared, std::move(plan)));
    // Connect everyone on the io thread, then start everyone together.
    shared.connecting = pushers.size();
    auto begin = [&] {
        connected();
        shared.start = detail::Clock::now();
        for (auto& pusher : pushers)
            net::post(io, [pusher] { pusher->start(); });
    };
    std::promise<void> all_open;
    for (auto& pusher : pushers) {
        pusher->connect([&](bool) {
            if (--shared.connecting == 0)
                all_open.set_value();
        });
    }
    auto work = net::make_work_guard(io);
    std::vector<std::thread> runners;
    for (int i = 0; i < std::max(1, threads); ++i)
        runners.emplace_back([&io] { io.run(); });
    all_open.get_future().wait();
    begin();
    work.reset();
    for (auto& runner : runners)
        runner.join();
    return std::move(shared.outcome);
}

}
