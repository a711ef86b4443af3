// The hub's help desk: residents' requests for a remote mediator, from the
// kiosk's "Un conseiller à distance" to the end of the help session.
//
// Everything live is held in memory here (a hub restart ends every help
// session, and the kiosks say so to the resident); what happened is written
// to the store's audit log. Both sides long-poll: a kiosk waits for the
// mediator's events (accepted, message, point, control requested, action,
// ended), a console waits for the kiosk's next screen state. An answer is
// a callback, called once, maybe on another thread, never under the desk's
// lock: the server parks the HTTP reply in it, so no thread waits.
//
// Who may do what:
// - the kiosk opens, reports its screen, grants or refuses or takes back
//   control and the sight of personal fields, and cancels;
// - a mediator takes a waiting request (one mediator a request), then sends
//   messages, points at a widget, asks for control, acts (only while
//   control is granted), and ends;
// - an administrator may also read the audit log (Server).
// Personal fields' values never leave the desk towards a console unless
// the resident agreed; the kiosk masks them too, the desk masks again.
//
// Errors: "help.unknown" (404: no such session, or not this kiosk's or
// this mediator's), "help.taken" (409: another mediator accepted first),
// "help.ended" (409), "help.no_control" (409: the resident has not granted
// control; the action is refused and written to the audit log),
// "request.invalid" (400).
#pragma once

#include "hub_store.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace guichet::hub {

using Json = nlohmann::json;

struct HelpSettings {
    // A long-poll is answered after this long even when nothing happened.
    std::chrono::milliseconds poll_wait { 20000 };
    // A side that has neither polled nor called for this long is gone: the
    // session ends ("kiosk_lost", "mediator_lost") and the other side is
    // told. A network drop shorter than this resumes where it was.
    std::chrono::milliseconds kiosk_gone_after { 45000 };
    std::chrono::milliseconds mediator_gone_after { 60000 };
    // An ended session still answers "ended" this long, then is forgotten.
    std::chrono::milliseconds ended_kept { 300000 };
};

// The mediator a console call comes from (its cookie's session).
struct ConsoleUser {
    std::string login;
    std::string display_name;
    MediatorRole role { MediatorRole::Mediator };
};

class HelpDesk {
public:
    using Clock = std::chrono::steady_clock;
    using Answer = std::function<void(Json)>;
    using Now = std::function<std::int64_t()>;

    HelpDesk(HubStore& store, Now now, HelpSettings settings = {});
    // close(), then stops the desk's timer.
    ~HelpDesk();
    // Ends every session ("hub_stopped") and answers every parked poll;
    // later polls are answered at once. For the server's stop().
    void close();
    HelpDesk(HelpDesk const&) = delete;
    HelpDesk& operator=(HelpDesk const&) = delete;

    // [SECTION] The kiosk's side

    // {"demarche_id", "step", "language"} → {"help_id", "state": "waiting"}.
    // A kiosk has one request at a time: opening another ends the first.
    Result<Json> open(Kiosk const& kiosk, Json const& request);
    // The kiosk's screen state, sent on every change (docs/sync.md, "Help").
    Result<void> report_screen(Kiosk const& kiosk, std::string const& help_id, Json const& screen);
    // {"control": "granted"|"refused"|"revoked", "personal": bool}
    Result<void> consent(Kiosk const& kiosk, std::string const& help_id, Json const& consent);
    // The resident cancelled or left: the session ends.
    Result<void> cancel(Kiosk const& kiosk, std::string const& help_id);
    // Answers with {"state", "events": [...], "position"?} once there is an
    // event after `after`, the session ended, or poll_wait passed.
    void kiosk_poll(Kiosk const& kiosk, std::string const& help_id, std::int64_t after, Answer answer);

    // [SECTION] The console's side

    // Requests waiting (oldest first, with their waiting time) and the
    // sessions this mediator holds.
    Json queue(ConsoleUser const& user);
    Result<Json> accept(ConsoleUser const& user, std::string const& help_id);
    // Answers with the session's view once its version is above `after`, or
    // after poll_wait.
    void console_poll(ConsoleUser const& user, std::string const& help_id, std::int64_t after, Answer answer);
    Result<void> message(ConsoleUser const& user, std::string const& help_id, std::string const& text);
    Result<void> point(ConsoleUser const& user, std::string const& help_id, std::string const& widget);
    Result<void> request_control(ConsoleUser const& user, std::string const& help_id);
    // {"kind": "tap", "widget": ID} or {"kind": "type", "text": TEXT}
    Result<void> act(ConsoleUser const& user, std::string const& help_id, Json const& action);
    Result<void> end(ConsoleUser const& user, std::string const& help_id);

    // For /metrics and tests.
    struct Counts {
        std::size_t waiting { 0 };
        std::size_t connected { 0 };
    };
    Counts counts();

    // As the API says them (wire() in help_desk.cpp).
    enum class Status { Waiting, Connected, Ended };
    enum class Control { None, Requested, Granted, Refused };

private:
    enum class Side { Kiosk, Console };

    struct Waiter {
        std::int64_t after { 0 };
        Clock::time_point deadline;
        Answer answer;
    };

    struct Session {
        std::string id;
        std::string kiosk_id;
        std::string site_id;
        std::string demarche_id;
        std::string step;
        std::string language;
        std::int64_t requested_at { 0 };
        Clock::time_point requested;
        Status status { Status::Waiting };
        std::string end_reason;
        Clock::time_point ended;
        std::string mediator_login;
        std::string mediator_name;
        Control control { Control::None };
        bool personal_shared { false };

        // Towards the kiosk: events numbered from 1.
        std::vector<Json> events;
        std::vector<Waiter> kiosk_waiters;
        Clock::time_point kiosk_seen;

        // Towards the console: the view's version grows on every change.
        Json screen = Json::object();
        std::set<std::string> personal_widgets;
        std::string focused_widget;
        std::string pointed_widget; // what the mediator last pointed at
        std::int64_t version { 1 };
        std::vector<Waiter> console_waiters;
        Clock::time_point mediator_seen;
    };

    // What a call leaves to do once the lock is released.
    struct Deferred {
        std::vector<std::pair<Answer, Json>> answers;
    };

    // Runs `change(session, deferred)` on the mediator's connected session
    // under the lock, then what it left to do.
    template<typename Change>
    Result<void> with_connected(ConsoleUser const& user, std::string const& help_id, Change change);
    // A long-poll from either side: answered at once when there is news
    // for it, else parked until there is or poll_wait passes.
    template<typename Find> void poll(Side side, Find find, std::int64_t after, Answer answer);
    Session* find(std::string const& help_id);
    Result<Session*> kiosk_session(Kiosk const& kiosk, std::string const& help_id);
    Result<Session*> mediator_session(ConsoleUser const& user, std::string const& help_id);
    void push_event(Session& session, Json event, Deferred& deferred);
    void changed(Session& session, Deferred& deferred);
    void finish(Session& session, std::string reason, std::string const& by, Deferred& deferred);
    // Queues an audit line (under the lock); run() writes it.
    void audit(Session const& session, std::string const& by, std::string action, Json detail);
    Json kiosk_answer(Session const& session, std::int64_t after) const;
    Json console_view(Session const& session) const;
    std::size_t position(Session const& session) const;
    void run(Deferred& deferred);
    void tick();

    HubStore& m_store;
    Now m_now;
    HelpSettings m_settings;
    // Audit lines in the order the desk decided them, written by whichever
    // call drains them (under m_audit_writing, so in that order).
    std::mutex m_audit_writing;
    std::vector<AuditEntry> m_audit_queue; // under m_mutex
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping { false };
    std::map<std::string, std::unique_ptr<Session>, std::less<>> m_sessions;
    std::thread m_timer;
};

}
