// The hub's HTTPS transport, on Boost.Beast and Asio over OpenSSL.
//
// An I/O thread multiplexes every connection (epoll), so that a kiosk's
// keep-alive connection costs nothing while it is idle; cpp-httplib, used
// before, held a thread per open connection, and each idle one woke every
// 10 ms (half a core for 200 idle kiosks). Handlers run on a pool of
// workers rather than on the I/O threads, because the hub's handlers block
// (a store's read, a PostgreSQL round trip). A handler may also answer later
// (route_async): a dossier's answer waits for its batch to commit, and the
// group-commit writer sends it straight to the connection, without a worker
// waiting for it (a hand-over between threads less per request).
//
// Requests and answers are plain values (HttpRequest, HttpResponse); the
// routes are regular expressions on the path, matched in the order added.
#pragma once

#include "kiosk/core/result.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet::hub {

struct HttpRequest {
    std::string method; // "GET", "POST", ...
    std::string target; // as sent: path and query, still encoded
    std::string path; // decoded, without the query
    std::multimap<std::string, std::string> params; // the query, decoded
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // The route's groups: matches[0] is the path, matches[1] the first group.
    std::vector<std::string> matches;

    // The first header of that name, in any case; empty when absent.
    std::string header(std::string_view name) const;
    bool has_param(std::string const& name) const;
    std::string param(std::string const& name) const;
    // A count or an id in the query ("?after=42"); 0 when absent or not a
    // plain non-negative number that fits.
    std::int64_t number_param(std::string const& name) const;
};

struct HttpResponse {
    int status { 200 };
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Close the connection after this answer.
    bool close { false };

    void set_header(std::string name, std::string value);
    void set_content(std::string content, std::string content_type);
};

using HttpHandler = std::function<void(HttpRequest const&, HttpResponse&)>;

// The answer to a request, given later, from any thread, once: what an
// asynchronous handler keeps when it returns before its answer is ready.
// Copies share the answer; if the last copy dies unsent, the client gets
// 500 "hub.internal" rather than a connection that hangs.
class HttpReply {
public:
    void send(HttpResponse response) const;

    // Defined in http_server.cpp.
    struct State;
    explicit HttpReply(std::shared_ptr<State> state)
        : m_state(std::move(state))
    {
    }

private:
    std::shared_ptr<State> m_state;
};

// Runs on a worker like HttpHandler, gets the response prepared so far
// (before_each's headers) and returns at once; `request` is valid during
// the call only.
using HttpAsyncHandler = std::function<void(HttpRequest const&, HttpResponse, HttpReply)>;

struct HttpServerSettings {
    std::string host { "127.0.0.1" };
    int port { 0 }; // 0: any free port
    std::filesystem::path certificate; // a chain file, leaf first
    std::filesystem::path private_key;
    // Handlers running at once; the connections are not bounded by it.
    int workers { 64 };
    // Threads running every connection's TLS and HTTP, and the handlers
    // that never block (Run::on_io_thread). One was the bottleneck of the
    // hub's ingest on two cores once pushes were checked there.
    int io_threads { 1 };
    int max_connections { 20000 };
    // How long a connection may stay open without a request.
    int keep_alive_seconds { 5 };
    // How long a request, or an answer, may take on the wire.
    int io_timeout_seconds { 10 };
    std::size_t body_limit { 4 * 1024 * 1024 };
};

class HttpServer {
public:
    // Loads the certificate and key ("server.tls") and binds the socket
    // ("server.bind"); nothing is accepted before run().
    static Result<std::unique_ptr<HttpServer>> create(HttpServerSettings const& settings);
    ~HttpServer();

    // Where a handler runs: on a worker, or on the I/O thread itself,
    // without the hand-over to a worker and back (two thread switches).
    // The I/O thread only for a handler that never blocks: every
    // connection waits while it runs.
    enum class Run { on_worker, on_io_thread };

    // Routes are added before run(). `pattern` must match the whole path.
    void route(std::string method, std::string const& pattern, HttpHandler handler, Run where = Run::on_worker);
    // A route whose handler answers later (HttpReply), so that nobody waits
    // while, say, a dossier waits for its commit.
    void route_async(
        std::string method, std::string const& pattern, HttpAsyncHandler handler, Run where = Run::on_worker);
    // Called for every request before its route; may add headers.
    void before_each(std::function<void(HttpRequest const&, HttpResponse&)> hook);

    int port() const;
    // Serves until stop(); returns once every connection is closed and every
    // handler has returned.
    void run();
    // From any thread: stops accepting, answers the requests being handled
    // (then closes their connections) and closes the idle ones.
    void stop();

    // Defined in http_server.cpp; named here for its connections.
    struct State;

private:
    explicit HttpServer(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
};

}
