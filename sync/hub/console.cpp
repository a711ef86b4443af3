#include "console.hpp"

#include "kiosk/core/log.hpp"
#include "sync/crypto.hpp"

namespace guichet::hub {

namespace {

void send_json(HttpResponse& response, int status, Json const& body)
{
    response.status = status;
    response.set_content(body.dump(), "application/json");
}

// A member's text; empty when absent or not a string (the desk then says
// what is missing).
std::string text_member(Json const& body, char const* name)
{
    auto found = body.find(name);
    return found != body.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}

Console::Console(Hub& hub, HelpDesk& desk, SendError send_error)
    : m_hub(hub)
    , m_desk(desk)
    , m_send_error(std::move(send_error))
{
}

std::string Console::token_of(HttpRequest const& request)
{
    auto cookies = request.header("Cookie");
    std::string_view rest = cookies;
    std::string const wanted = std::string(cookie_name) + "=";
    while (!rest.empty()) {
        auto end = rest.find(';');
        auto pair = rest.substr(0, end);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        if (pair.starts_with(wanted))
            return std::string(pair.substr(wanted.size()));
        if (end == std::string_view::npos)
            break;
        rest.remove_prefix(end + 1);
    }
    return {};
}

std::optional<ConsoleUser> Console::user_of(HttpRequest const& request, HttpResponse& response, bool posting)
{
    if (posting && request.header("X-Guichet-Console") != "1") {
        send_json(response, 403, Json { { "error", "auth.console_header" } });
        return std::nullopt;
    }
    auto token = token_of(request);
    std::optional<ConsoleUser> user;
    if (!token.empty()) {
        auto key = crypto::sha256_hex(token);
        std::lock_guard lock(m_mutex);
        auto found = m_sessions.find(key);
        auto now = Clock::now();
        if (found != m_sessions.end()) {
            if (now - found->second.used > idle_limit || now - found->second.created > session_limit) {
                m_sessions.erase(found);
            } else {
                found->second.used = now;
                user = found->second.user;
            }
        }
    }
    if (user) {
        // A mediator disabled since their login is out at their next call.
        auto mediator = m_hub.store().mediator(user->login);
        if (!mediator.ok()) {
            m_send_error(response, mediator.error());
            return std::nullopt;
        }
        if (!mediator.value() || mediator.value()->disabled_at)
            user.reset();
    }
    if (!user) {
        send_json(response, 401, Json { { "error", "auth.console" } });
        return std::nullopt;
    }
    return user;
}

void Console::login(HttpRequest const& request, HttpResponse& response)
{
    if (request.header("X-Guichet-Console") != "1")
        return send_json(response, 403, Json { { "error", "auth.console_header" } });
    auto body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("login") || !body["login"].is_string() || !body.contains("password")
        || !body["password"].is_string())
        return send_json(response, 400, Json { { "error", "request.invalid" } });
    auto login = body["login"].get<std::string>();
    auto password = body["password"].get<std::string>();
    if (login.empty() || login.size() > 100 || password.size() > 1000)
        return send_json(response, 401, Json { { "error", "auth.console_login" } });

    auto now = Clock::now();
    {
        std::lock_guard lock(m_mutex);
        // Logins only tried, never locked, are forgotten past 10,000.
        if (m_failures.size() > 10'000)
            std::erase_if(m_failures, [now](auto const& entry) { return entry.second.locked_until <= now; });
        auto& failures = m_failures[login];
        if (failures.locked_until > now) {
            auto seconds = std::chrono::duration_cast<std::chrono::seconds>(failures.locked_until - now).count() + 1;
            response.set_header("Retry-After", std::to_string(seconds));
            return send_json(response, 429, Json { { "error", "auth.console_locked" }, { "retry_after", seconds } });
        }
        // Counted before the check, so that guesses sent all at once count
        // too; a right password clears it.
        if (++failures.count > failures_before_lock) {
            failures.count = 0;
            failures.locked_until = now + lock_time;
            log(LogLevel::Warning, "console", "a console login was locked after repeated wrong passwords");
            response.set_header("Retry-After", std::to_string(lock_time.count() * 60));
            return send_json(response, 429, Json { { "error", "auth.console_locked" } });
        }
    }
    auto mediator = m_hub.store().mediator(login);
    if (!mediator.ok())
        return m_send_error(response, mediator.error());
    // The hash is verified even for an unknown login, so that the time
    // taken does not tell which logins exist.
    static std::string const decoy = [] {
        auto hashed = crypto::hash_password("no one has this password");
        return hashed.ok() ? hashed.value() : std::string();
    }();
    auto const& known = mediator.value();
    // A worker waits 5 s at most for its turn, then the caller is told to
    // come back: a burst of logins must not hold every worker.
    if (!m_hashing.try_acquire_for(std::chrono::seconds(5))) {
        std::lock_guard lock(m_mutex);
        if (auto found = m_failures.find(login); found != m_failures.end() && found->second.count > 0)
            --found->second.count;
        response.set_header("Retry-After", "2");
        return send_json(response, 503, Json { { "error", "auth.console_busy" } });
    }
    bool matches = crypto::verify_password(known ? known->password_hash : decoy, password);
    m_hashing.release();
    if (!known || known->disabled_at || !matches)
        return send_json(response, 401, Json { { "error", "auth.console_login" } });

    auto token = crypto::random_hex(32);
    ConsoleUser user { known->login, known->display_name, known->role };
    {
        std::lock_guard lock(m_mutex);
        m_failures.erase(login);
        m_sessions[crypto::sha256_hex(token)] = Session { user, Clock::now(), Clock::now() };
    }
    response.set_header("Set-Cookie",
        std::string(cookie_name) + "=" + token + "; Path=/console; HttpOnly; Secure; SameSite=Strict; Max-Age="
            + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(session_limit).count()));
    send_json(response, 200,
        Json { { "login", user.login }, { "display_name", user.display_name }, { "role", to_wire(user.role) } });
}

void Console::logout(HttpRequest const& request, HttpResponse& response)
{
    if (request.header("X-Guichet-Console") != "1")
        return send_json(response, 403, Json { { "error", "auth.console_header" } });
    auto token = token_of(request);
    if (!token.empty()) {
        std::lock_guard lock(m_mutex);
        m_sessions.erase(crypto::sha256_hex(token));
    }
    response.set_header(
        "Set-Cookie", std::string(cookie_name) + "=; Path=/console; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    response.status = 204;
}

void Console::add_routes(HttpServer& http)
{
    http.route("GET", "/console", [](HttpRequest const&, HttpResponse& response) {
        response.set_content(console_page(), "text/html; charset=utf-8");
        // The page's script is its own; nothing else runs or frames it.
        response.set_header("Content-Security-Policy",
            "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
            "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        response.set_header("X-Content-Type-Options", "nosniff");
        response.set_header("Referrer-Policy", "no-referrer");
    });
    http.route("POST", "/console/login",
        [this](HttpRequest const& request, HttpResponse& response) { login(request, response); });
    http.route("POST", "/console/logout",
        [this](HttpRequest const& request, HttpResponse& response) { logout(request, response); });

    http.route("GET", "/console/api/me", [this](HttpRequest const& request, HttpResponse& response) {
        auto user = user_of(request, response, false);
        if (!user)
            return;
        send_json(response, 200,
            Json { { "login", user->login }, { "display_name", user->display_name }, { "role", to_wire(user->role) } });
    });

    http.route("GET", "/console/api/queue", [this](HttpRequest const& request, HttpResponse& response) {
        auto user = user_of(request, response, false);
        if (!user)
            return;
        send_json(response, 200, m_desk.queue(*user));
    });

    constexpr char const* help = R"(/console/api/help/([0-9a-f]{32}))";

    http.route("POST", std::string(help) + "/accept", [this](HttpRequest const& request, HttpResponse& response) {
        auto user = user_of(request, response, true);
        if (!user)
            return;
        auto view = m_desk.accept(*user, request.matches[1]);
        if (!view.ok())
            return m_send_error(response, view.error());
        send_json(response, 200, view.value());
    });

    // The live view: answered at once when the view is newer than `after`,
    // otherwise when it changes or after the desk's poll wait.
    http.route_async("GET", help, [this](HttpRequest const& request, HttpResponse response, HttpReply reply) {
        auto user = user_of(request, response, false);
        if (!user)
            return reply.send(std::move(response));
        m_desk.console_poll(
            *user, request.matches[1], request.number_param("after"), [this, response, reply](Json view) mutable {
                if (view.contains("error"))
                    m_send_error(response, Error::make(view["error"].get<std::string>(), "help"));
                else
                    send_json(response, 200, view);
                reply.send(std::move(response));
            });
    });

    auto simple = [this, &http, help](char const* action, auto call) {
        http.route(
            "POST", std::string(help) + "/" + action, [this, call](HttpRequest const& request, HttpResponse& response) {
                auto user = user_of(request, response, true);
                if (!user)
                    return;
                auto body = request.body.empty() ? Json::object() : Json::parse(request.body, nullptr, false);
                if (!body.is_object())
                    return send_json(response, 400, Json { { "error", "request.invalid" } });
                auto done = call(*user, request.matches[1], body);
                if (!done.ok())
                    return m_send_error(response, done.error());
                response.status = 204;
            });
    };
    simple("message", [this](ConsoleUser const& user, std::string const& id, Json const& body) {
        return m_desk.message(user, id, text_member(body, "text"));
    });
    simple("point", [this](ConsoleUser const& user, std::string const& id, Json const& body) {
        return m_desk.point(user, id, text_member(body, "widget"));
    });
    simple("control", [this](ConsoleUser const& user, std::string const& id, Json const&) {
        return m_desk.request_control(user, id);
    });
    simple("action", [this](ConsoleUser const& user, std::string const& id, Json const& body) {
        return m_desk.act(user, id, body);
    });
    simple("end", [this](ConsoleUser const& user, std::string const& id, Json const&) { return m_desk.end(user, id); });

    // The audit log, for administrators.
    http.route("GET", "/console/api/audit", [this](HttpRequest const& request, HttpResponse& response) {
        auto user = user_of(request, response, false);
        if (!user)
            return;
        if (user->role != MediatorRole::Administrator)
            return send_json(response, 403, Json { { "error", "auth.console_role" } });
        AuditFilter filter;
        if (request.has_param("help_id"))
            filter.help_id = request.param("help_id");
        if (request.has_param("kiosk_id"))
            filter.kiosk_id = request.param("kiosk_id");
        filter.after_id = request.number_param("after");
        filter.limit = 500;
        auto lines = m_hub.store().audit(filter);
        if (!lines.ok())
            return m_send_error(response, lines.error());
        Json list = Json::array();
        for (auto const& line : lines.value()) {
            list.push_back(Json { { "id", line.id }, { "at", line.at }, { "help_id", line.help_id },
                { "kiosk_id", line.kiosk_id }, { "mediator", line.mediator_login }, { "action", line.action },
                { "detail", Json::parse(line.detail, nullptr, false) } });
        }
        send_json(response, 200, list);
    });
}

}
