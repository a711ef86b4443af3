// Connections (Session), the accept loop, the workers and the routes.
//
// A connection lives on a strand of the I/O threads: TLS handshake, read a
// request, hand it to a worker, write the answer back on the strand, and
// wait for the next request (keep-alive) without holding any thread. A
// request being handled holds a work guard on the io_context, so that
// run() cannot return while a worker still has an answer to give.
#include "http_server.hpp"
#include "thread_name.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

namespace guichet::hub {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// [SECTION] Requests and answers

namespace {

bool same_name(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

// %XX as the byte; '+' as a space in a query. A '%' not followed by two
// hex digits stays as it is.
std::string percent_decode(std::string_view text, bool plus_is_space)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        unsigned byte = 0;
        if (c == '%' && i + 2 < text.size()
            && std::from_chars(text.data() + i + 1, text.data() + i + 3, byte, 16).ptr == text.data() + i + 3) {
            out += static_cast<char>(byte);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

void parse_query(std::string_view query, std::multimap<std::string, std::string>& params)
{
    while (!query.empty()) {
        auto end = query.find('&');
        auto pair = query.substr(0, end);
        if (!pair.empty()) {
            auto equals = pair.find('=');
            auto key = percent_decode(pair.substr(0, equals), true);
            auto value
                = equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1), true);
            params.emplace(std::move(key), std::move(value));
        }
        if (end == std::string_view::npos)
            break;
        query.remove_prefix(end + 1);
    }
}

bool is_literal(std::string const& pattern)
{
    return pattern.find_first_of("()[]{}*+?.\\^$|") == std::string::npos;
}

void send_error_json(HttpResponse& response, int status, char const* code)
{
    response.status = status;
    response.set_content(nlohmann::json { { "error", code } }.dump(), "application/json");
}

// Workers for the handlers. Idle workers sleep on the condition variable;
// join() lets them finish every task already posted.
class WorkerPool {
public:
    explicit WorkerPool(int count)
    {
        for (int i = 0; i < count; ++i)
            m_threads.emplace_back([this] {
                name_this_thread("hub-worker");
                work();
            });
    }
    ~WorkerPool() { join(); }

    void post(std::function<void()> task)
    {
        {
            std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
        }
        m_wake.notify_one();
    }

    void join()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        for (auto& thread : m_threads) {
            if (thread.joinable())
                thread.join();
        }
    }

private:
    void work()
    {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
                if (m_tasks.empty())
                    return;
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks;
    bool m_stopping { false };
    std::vector<std::thread> m_threads;
};

struct Route {
    std::string method;
    std::string literal; // the whole path, when the pattern has no groups
    std::optional<std::regex> pattern;
    // One of the two.
    HttpHandler handler;
    HttpAsyncHandler async_handler;
    bool on_io_thread { false };
};

class Session;

}

std::string HttpRequest::header(std::string_view name) const
{
    for (auto const& [key, value] : headers) {
        if (same_name(key, name))
            return value;
    }
    return {};
}

bool HttpRequest::has_param(std::string const& name) const
{
    return params.contains(name);
}

std::string HttpRequest::param(std::string const& name) const
{
    auto found = params.find(name);
    return found == params.end() ? std::string() : found->second;
}

std::int64_t HttpRequest::number_param(std::string const& name) const
{
    auto text = param(name);
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
        return 0;
    return std::stoll(text);
}

void HttpResponse::set_header(std::string name, std::string value)
{
    for (auto& header : headers) {
        if (same_name(header.first, name)) {
            header.second = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

void HttpResponse::set_content(std::string content, std::string content_type)
{
    body = std::move(content);
    set_header("Content-Type", std::move(content_type));
}

// [SECTION] The server's state

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
    HttpServerSettings settings;
    net::io_context io;
    ssl::context tls { ssl::context::tls_server };
    tcp::acceptor acceptor { io };
    net::steady_timer accept_pause { io };
    int port { 0 };
    std::vector<Route> routes;
    std::function<void(HttpRequest const&, HttpResponse&)> before;
    std::unique_ptr<WorkerPool> workers;
    std::atomic<bool> stopping { false };
    std::atomic<int> connections { 0 };
    std::mutex sessions_mutex;
    std::map<Session*, std::weak_ptr<Session>> sessions;

    explicit State(HttpServerSettings settings_)
        : settings(std::move(settings_))
    {
    }

    void accept();
    // The route for the request, or nothing: handle() answers 404 or 405.
    Route const* find(HttpRequest& request) const;
    void handle(HttpRequest& request, Route const* route, HttpReply const& reply);
};

// Where an answer goes: the session's strand, then the wire.
struct HttpReply::State {
    std::function<void(HttpResponse)> deliver;
    std::atomic<bool> sent { false };

    ~State()
    {
        if (!sent.exchange(true)) {
            HttpResponse response;
            send_error_json(response, 500, "hub.internal");
            deliver(std::move(response));
        }
    }
};

void HttpReply::send(HttpResponse response) const
{
    if (!m_state->sent.exchange(true))
        m_state->deliver(std::move(response));
}

// [SECTION] A connection

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<HttpServer::State> state)
        : m_stream(std::move(socket), state->tls)
        , m_state(std::move(state))
    {
    }

    ~Session()
    {
        std::lock_guard lock(m_state->sessions_mutex);
        m_state->sessions.erase(this);
        m_state->connections--;
    }

    void start()
    {
        {
            std::lock_guard lock(m_state->sessions_mutex);
            m_state->sessions.emplace(this, weak_from_this());
        }
        net::dispatch(m_stream.get_executor(), [self = shared_from_this()] {
            beast::get_lowest_layer(self->m_stream).expires_after(self->io_timeout());
            self->m_stream.async_handshake(ssl::stream_base::server, [self](beast::error_code error) {
                if (!error)
                    self->read();
            });
        });
    }

    // From stop(): a connection waiting for a request is closed now; one
    // whose request is being handled is closed after its answer.
    void close_unless_busy()
    {
        net::post(m_stream.get_executor(), [self = shared_from_this()] {
            if (!self->m_busy)
                beast::get_lowest_layer(self->m_stream).close();
        });
    }

private:
    std::chrono::seconds io_timeout() const { return std::chrono::seconds(m_state->settings.io_timeout_seconds); }

    void read()
    {
        if (m_state->stopping)
            return beast::get_lowest_layer(m_stream).close();
        m_parser.emplace();
        m_parser->body_limit(m_state->settings.body_limit);
        m_parser->header_limit(16 * 1024);
        // The first request comes with the connection; later ones may wait
        // as long as keep-alive allows, and no longer.
        beast::get_lowest_layer(m_stream).expires_after(
            m_requests == 0 ? io_timeout() : std::chrono::seconds(m_state->settings.keep_alive_seconds));
        http::async_read(m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
    }

    void on_read(beast::error_code error)
    {
        if (error == http::error::end_of_stream)
            return shut_down();
        if (error == http::error::body_limit) {
            HttpResponse response;
            send_error_json(response, 413, "request.too_large");
            response.close = true;
            return write(std::move(response), 11, false);
        }
        if (error && error.category() == http::make_error_code(http::error::bad_target).category()) {
            HttpResponse response;
            send_error_json(response, 400, "request.malformed");
            response.close = true;
            return write(std::move(response), 11, false);
        }
        if (error)
            return; // timed out, reset, or closed by stop(): nothing to answer
        ++m_requests;
        auto message = m_parser->release();
        HttpRequest request;
        request.method = std::string(message.method_string());
        request.target = std::string(message.target());
        auto question = request.target.find('?');
        request.path = percent_decode(std::string_view(request.target).substr(0, question), false);
        if (question != std::string::npos)
            parse_query(std::string_view(request.target).substr(question + 1), request.params);
        for (auto const& field : message)
            request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        request.body = std::move(message.body());
        unsigned version = message.version();
        bool keep_alive = message.keep_alive();

        m_busy = true;
        beast::get_lowest_layer(m_stream).expires_never();
        auto work
            = std::make_shared<net::executor_work_guard<net::io_context::executor_type>>(m_state->io.get_executor());
        auto reply = std::make_shared<HttpReply::State>();
        reply->deliver = [self = shared_from_this(), version, keep_alive, work](HttpResponse response) {
            net::post(self->m_stream.get_executor(),
                [self, response = std::move(response), version, keep_alive, work]() mutable {
                    self->write(std::move(response), version, keep_alive);
                    work->reset();
                });
        };
        auto const* route = m_state->find(request);
        if (route && route->on_io_thread)
            return m_state->handle(request, route, HttpReply(std::move(reply)));
        m_state->workers->post(
            [self = shared_from_this(), request = std::move(request), route,
                reply = HttpReply(std::move(reply))]() mutable { self->m_state->handle(request, route, reply); });
    }

    void write(HttpResponse answer, unsigned version, bool keep_alive)
    {
        m_busy = true;
        auto response
            = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), version);
        for (auto& [name, value] : answer.headers)
            response->set(name, value);
        response->body() = std::move(answer.body);
        bool keep = keep_alive && !answer.close && !m_state->stopping;
        response->keep_alive(keep);
        response->prepare_payload();
        beast::get_lowest_layer(m_stream).expires_after(io_timeout());
        http::async_write(
            m_stream, *response, [self = shared_from_this(), response, keep](beast::error_code error, std::size_t) {
                self->m_busy = false;
                if (error)
                    return;
                if (!keep || self->m_state->stopping)
                    return self->shut_down();
                self->read();
            });
    }

    // TLS close_notify, then the socket closes with the session. A client
    // that does not answer the close_notify gets a second to do so.
    void shut_down()
    {
        beast::get_lowest_layer(m_stream).expires_after(std::chrono::seconds(1));
        m_stream.async_shutdown([self = shared_from_this()](beast::error_code) {
            beast::error_code ignored;
            beast::get_lowest_layer(self->m_stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
    }

    beast::ssl_stream<beast::tcp_stream> m_stream;
    std::shared_ptr<HttpServer::State> m_state;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::size_t m_requests { 0 };
    bool m_busy { false };
};

}

// [SECTION] Accepting and routing

void HttpServer::State::accept()
{
    acceptor.async_accept(
        net::make_strand(io), [self = shared_from_this()](beast::error_code error, tcp::socket socket) {
            if (error == net::error::operation_aborted || !self->acceptor.is_open() || self->stopping)
                return;
            if (error) {
                // Out of file descriptors, most likely: pause rather than spin.
                std::fprintf(stderr, "kiosk-hub: accept failed (%s), pausing\n", error.message().c_str());
                self->accept_pause.expires_after(std::chrono::milliseconds(100));
                self->accept_pause.async_wait([self](beast::error_code waited) {
                    if (!waited)
                        self->accept();
                });
                return;
            }
            if (self->connections.load() >= self->settings.max_connections) {
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                beast::error_code ignored;
                // Answers are written as soon as they are ready: without
                // this, one waits for the client's delayed ACK (40 ms).
                socket.set_option(tcp::no_delay(true), ignored);
                self->connections++;
                std::make_shared<Session>(std::move(socket), self)->start();
            }
            self->accept();
        });
}

Route const* HttpServer::State::find(HttpRequest& request) const
{
    for (auto const& route : routes) {
        if (route.method != request.method)
            continue;
        if (route.pattern) {
            std::smatch groups;
            if (std::regex_match(request.path, groups, *route.pattern)) {
                request.matches.assign(groups.begin(), groups.end());
                return &route;
            }
        } else if (request.path == route.literal) {
            request.matches = { request.path };
            return &route;
        }
    }
    return nullptr;
}

void HttpServer::State::handle(HttpRequest& request, Route const* route, HttpReply const& reply)
{
    HttpResponse response;
    if (before)
        before(request, response);
    if (!route) {
        bool path_known = std::any_of(routes.begin(), routes.end(), [&](Route const& other) {
            return other.pattern ? std::regex_match(request.path, *other.pattern) : request.path == other.literal;
        });
        send_error_json(response, path_known ? 405 : 404, path_known ? "request.method" : "request.not_found");
        return reply.send(std::move(response));
    }
    try {
        if (route->async_handler)
            return route->async_handler(request, std::move(response), reply);
        route->handler(request, response);
    } catch (std::exception const& error) {
        std::fprintf(
            stderr, "kiosk-hub: %s %s failed: %s\n", request.method.c_str(), request.path.c_str(), error.what());
        response = HttpResponse {};
        send_error_json(response, 500, "hub.internal");
    }
    reply.send(std::move(response));
}

// [SECTION] Life cycle

HttpServer::HttpServer(std::shared_ptr<State> state)
    : m_state(std::move(state))
{
}

HttpServer::~HttpServer()
{
    stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::create(HttpServerSettings const& settings)
{
    auto state = std::make_shared<State>(settings);
    beast::error_code error;
    state->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3
        | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(state->tls.native_handle(), TLS1_2_VERSION);
    // An idle connection gives its record buffers back: kiosks keep theirs
    // open between heartbeats.
    SSL_CTX_set_mode(state->tls.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    state->tls.use_certificate_chain_file(settings.certificate.string(), error);
    if (error)
        return Error::make("server.tls", "cannot load the certificate " + settings.certificate.string());
    state->tls.use_private_key_file(settings.private_key.string(), ssl::context::pem, error);
    if (error || SSL_CTX_check_private_key(state->tls.native_handle()) != 1)
        return Error::make(
            "server.tls", "cannot load the private key " + settings.private_key.string() + " or it does not match");

    tcp::resolver resolver(state->io);
    auto endpoints = resolver.resolve(settings.host, std::to_string(settings.port), error);
    if (error || endpoints.empty())
        return Error::make("server.bind", "cannot resolve " + settings.host);
    auto endpoint = endpoints.begin()->endpoint();
    auto where = settings.host + ":" + std::to_string(settings.port);
    state->acceptor.open(endpoint.protocol(), error);
    if (!error)
        state->acceptor.set_option(net::socket_base::reuse_address(true), error);
    if (!error)
        state->acceptor.bind(endpoint, error);
    if (error)
        return Error::make("server.bind", "cannot listen on " + where + " (taken?): " + error.message());
    // Room for a burst of new connections (heartbeats of a large fleet).
    state->acceptor.listen(net::socket_base::max_listen_connections, error);
    if (error)
        return Error::make("server.bind", "cannot listen on " + where + ": " + error.message());
    state->port = state->acceptor.local_endpoint().port();
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

void HttpServer::route(std::string method, std::string const& pattern, HttpHandler handler, Run where)
{
    Route route;
    route.method = std::move(method);
    if (is_literal(pattern))
        route.literal = pattern;
    else
        route.pattern.emplace(pattern, std::regex::ECMAScript | std::regex::optimize);
    route.handler = std::move(handler);
    route.on_io_thread = where == Run::on_io_thread;
    m_state->routes.push_back(std::move(route));
}

void HttpServer::route_async(std::string method, std::string const& pattern, HttpAsyncHandler handler, Run where)
{
    route(std::move(method), pattern, nullptr, where);
    m_state->routes.back().async_handler = std::move(handler);
}

void HttpServer::before_each(std::function<void(HttpRequest const&, HttpResponse&)> hook)
{
    m_state->before = std::move(hook);
}

int HttpServer::port() const
{
    return m_state->port;
}

void HttpServer::run()
{
    auto& state = *m_state;
    state.workers = std::make_unique<WorkerPool>(std::max(1, state.settings.workers));
    state.accept();
    // The I/O threads have a name of their own (the calling thread, often
    // the main one, keeps its name and only waits).
    std::vector<std::thread> threads;
    for (int i = 0; i < std::max(1, state.settings.io_threads); ++i) {
        threads.emplace_back([&state] {
            name_this_thread("hub-io");
            state.io.run();
        });
    }
    for (auto& thread : threads)
        thread.join();
    state.workers->join();
}

void HttpServer::stop()
{
    if (!m_state || m_state->stopping.exchange(true))
        return;
    net::post(m_state->io, [state = m_state] {
        beast::error_code ignored;
        state->acceptor.close(ignored);
        state->accept_pause.cancel();
    });
    std::vector<std::shared_ptr<Session>> open;
    {
        std::lock_guard lock(m_state->sessions_mutex);
        for (auto& [pointer, session] : m_state->sessions) {
            if (auto alive = session.lock())
                open.push_back(std::move(alive));
        }
    }
    for (auto& session : open)
        session->close_unless_busy();
}

}
