// The hub's HTTPS transport, on Boost.Beast and Asio over OpenSSL.
//
// An I/O thread multiplexes every connection (epoll), so that a kiosk's
// keep-alive connection costs nothing while it is idle; cpp-httplib, used
// before, held a thread per open connection, and each idle one woke every
// 10 ms (half a core for 200 idle kiosks). Handlers run on a pool of
// workers rather than on the I/O threads, because the hub's handlers block:
// a dossier's answer waits for its batch to commit, and that wait is what
// lets many dossiers share one commit.
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

struct HttpServerSettings {
    std::string host { "127.0.0.1" };
    int port { 0 }; // 0: any free port
    std::filesystem::path certificate; // a chain file, leaf first
    std::filesystem::path private_key;
    // Handlers running at once; the connections are not bounded by it.
    int workers { 64 };
    // One thread runs every connection's TLS and HTTP: a second one only
    // added hand-overs between the two (context switches) on two cores.
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

    // Routes are added before run(). `pattern` must match the whole path.
    void route(std::string method, std::string const& pattern, HttpHandler handler);
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
