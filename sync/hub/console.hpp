// The mediators' console, served by the hub under /console: the page
// itself (console_page.cpp), a login by password (Argon2id hashes in the
// store), sessions by cookie, and a JSON API over the help desk.
//
// The cookie ("guichet_console") is 32 random bytes, HttpOnly, Secure,
// SameSite=Strict, Path=/console; the hub keeps only its SHA-256, in memory:
// a hub restart logs everyone out. A session ends after 30 minutes without
// a call or 12 hours after login, and at once when the mediator is disabled
// (checked on every call). Every POST must carry "X-Guichet-Console: 1",
// which a page of another site cannot send without the hub's consent
// (CORS), besides the SameSite cookie. Five wrong passwords for a login
// lock it for 5 minutes.
//
// docs/sync-api.yaml has every route; docs/sync.md, "Help", the flow.
#pragma once

#include "help_desk.hpp"
#include "http_server.hpp"
#include "hub.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <semaphore>
#include <string>

namespace guichet::hub {

class Console {
public:
    using Clock = std::chrono::steady_clock;
    // How the server answers an error (its one mapping of codes to statuses).
    using SendError = std::function<void(HttpResponse&, Error const&)>;

    Console(Hub& hub, HelpDesk& desk, SendError send_error);

    void add_routes(HttpServer& http);

    static constexpr char const* cookie_name = "guichet_console";
    static constexpr std::chrono::minutes idle_limit { 30 };
    static constexpr std::chrono::hours session_limit { 12 };
    static constexpr int failures_before_lock = 5;
    static constexpr std::chrono::minutes lock_time { 5 };

private:
    struct Session {
        ConsoleUser user;
        Clock::time_point created;
        Clock::time_point used;
    };
    struct Failures {
        int count { 0 };
        Clock::time_point locked_until;
    };

    // The caller's session, or an answer 401 and nothing.
    std::optional<ConsoleUser> user_of(HttpRequest const& request, HttpResponse& response, bool posting);
    void login(HttpRequest const& request, HttpResponse& response);
    void logout(HttpRequest const& request, HttpResponse& response);
    static std::string token_of(HttpRequest const& request);

    Hub& m_hub;
    HelpDesk& m_desk;
    SendError m_send_error;
    std::mutex m_mutex;
    std::map<std::string, Session, std::less<>> m_sessions; // by the token's SHA-256
    std::map<std::string, Failures, std::less<>> m_failures; // by login
    // Argon2 takes 64 MiB a verification: two at once at most, so that a
    // burst of logins (or of guesses) queues instead of exhausting memory.
    std::counting_semaphore<2> m_hashing { 2 };
};

// The page: HTML, CSS and script in one document, in French.
std::string const& console_page();

}
