#include "help_desk.hpp"

#include "thread_name.hpp"

#include "kiosk/core/log.hpp"
#include "kiosk/core/utf8.hpp"
#include "sync/crypto.hpp"

#include <algorithm>

namespace guichet::hub {

namespace {

constexpr std::size_t max_screen_bytes = 64 * 1024;
constexpr std::size_t max_message_characters = 500;
constexpr std::size_t max_typed_bytes = 200;
// Events a kiosk may still ask for again after a drop; older ones are
// dropped (a session lasts minutes, with a few dozen events).
constexpr std::size_t max_events_kept = 256;

Error invalid(std::string detail)
{
    return Error::make("request.invalid", std::move(detail));
}

char const* wire(HelpDesk::Status status)
{
    static constexpr char const* names[] = { "waiting", "connected", "ended" };
    return names[static_cast<int>(status)];
}

char const* wire(HelpDesk::Control control)
{
    static constexpr char const* names[] = { "none", "requested", "granted", "refused" };
    return names[static_cast<int>(control)];
}

Error unknown()
{
    return Error::make("help.unknown", "no such help session");
}

std::string text_or_empty(Json const& object, char const* key)
{
    auto found = object.find(key);
    if (found == object.end() || !found->is_string())
        return {};
    return found->get<std::string>();
}

// An identifier a kiosk sends for its démarche, step or widget: short,
// printable ASCII, so that it may go to the audit log and the console as is.
bool is_identifier(std::string const& text, std::size_t most = 100)
{
    if (text.empty() || text.size() > most)
        return false;
    return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 127; });
}

}

HelpDesk::HelpDesk(HubStore& store, Now now, HelpSettings settings)
    : m_store(store)
    , m_now(std::move(now))
    , m_settings(settings)
{
    m_timer = std::thread([this] {
        name_this_thread("hub-help");
        std::unique_lock lock(m_mutex);
        while (!m_stopping) {
            m_wake.wait_for(lock, std::chrono::milliseconds(200));
            lock.unlock();
            tick();
            lock.lock();
        }
    });
}

HelpDesk::~HelpDesk()
{
    close();
    m_wake.notify_all();
    m_timer.join();
}

void HelpDesk::close()
{
    Deferred deferred;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        // finish() answers a live session's parked polls; an ended session
        // never has any (its polls are answered at once).
        for (auto& [id, session] : m_sessions) {
            if (session->status != Status::Ended)
                finish(*session, "hub_stopped", "", deferred);
        }
    }
    run(deferred);
}

// [SECTION] The kiosk's side

Result<Json> HelpDesk::open(Kiosk const& kiosk, Json const& request)
{
    if (!request.is_object())
        return invalid("the body is not a JSON object");
    auto demarche = text_or_empty(request, "demarche_id");
    auto step = text_or_empty(request, "step");
    auto language = text_or_empty(request, "language");
    if ((!demarche.empty() && !is_identifier(demarche)) || (!step.empty() && !is_identifier(step)))
        return invalid("demarche_id and step are identifiers");
    if (language.empty())
        language = "fr";
    if (!is_identifier(language, 8))
        return invalid("language is a short code");

    Deferred deferred;
    Json answer;
    {
        std::lock_guard lock(m_mutex);
        for (auto& [id, session] : m_sessions) {
            if (session->kiosk_id == kiosk.id && session->status != Status::Ended)
                finish(*session, "replaced", "", deferred);
        }
        auto session = std::make_unique<Session>();
        session->id = crypto::random_hex(16);
        session->kiosk_id = kiosk.id;
        session->site_id = kiosk.site_id;
        session->demarche_id = demarche;
        session->step = step;
        session->language = language;
        session->requested_at = m_now();
        session->requested = Clock::now();
        session->kiosk_seen = session->requested;
        audit(*session, "", "requested",
            Json { { "demarche_id", demarche }, { "step", step }, { "language", language } });
        answer = Json { { "help_id", session->id }, { "state", "waiting" }, { "position", 0 } };
        auto& kept = *session;
        m_sessions.emplace(session->id, std::move(session));
        answer["position"] = position(kept);
    }
    run(deferred);
    return answer;
}

Result<void> HelpDesk::report_screen(Kiosk const& kiosk, std::string const& help_id, Json const& screen)
{
    if (!screen.is_object())
        return invalid("the body is not a JSON object");
    auto widgets = screen.find("widgets");
    if (widgets != screen.end() && !widgets->is_array())
        return invalid("widgets is a list");
    if (screen.dump().size() > max_screen_bytes)
        return invalid("the screen state is too large");

    Deferred deferred;
    {
        std::lock_guard lock(m_mutex);
        auto session = GUICHET_TRY(kiosk_session(kiosk, help_id));
        if (session->status == Status::Ended)
            return Error::make("help.ended", "the help session has ended");
        session->personal_widgets.clear();
        Json kept = screen;
        if (kept.contains("widgets")) {
            for (auto& widget : kept["widgets"]) {
                if (!widget.is_object())
                    continue;
                auto id = text_or_empty(widget, "id");
                auto personal = widget.find("personal");
                if (personal != widget.end() && personal->is_boolean() && personal->get<bool>()) {
                    session->personal_widgets.insert(id);
                    // The kiosk masks these already; masked again here, so
                    // that a kiosk bug does not show them.
                    if (!session->personal_shared && widget.contains("value")) {
                        widget["value"] = nullptr;
                        widget["masked"] = true;
                    }
                }
            }
        }
        session->focused_widget = text_or_empty(kept, "focus");
        auto step = text_or_empty(kept, "step");
        if (is_identifier(step))
            session->step = step;
        session->screen = std::move(kept);
        session->kiosk_seen = Clock::now();
        changed(*session, deferred);
    }
    run(deferred);
    return {};
}

Result<void> HelpDesk::consent(Kiosk const& kiosk, std::string const& help_id, Json const& consent)
{
    if (!consent.is_object())
        return invalid("the body is not a JSON object");
    auto control = text_or_empty(consent, "control");
    if (control != "granted" && control != "refused" && control != "revoked")
        return invalid("control is granted, refused or revoked");
    auto personal = consent.find("personal");
    if (personal != consent.end() && !personal->is_boolean())
        return invalid("personal is true or false");

    Deferred deferred;
    {
        std::lock_guard lock(m_mutex);
        auto session = GUICHET_TRY(kiosk_session(kiosk, help_id));
        if (session->status != Status::Connected)
            return Error::make("help.ended", "no mediator is connected");
        session->control = control == "granted" ? Control::Granted : Control::Refused;
        bool shared = control == "granted" && personal != consent.end() && personal->get<bool>();
        session->personal_shared = shared;
        if (!shared) {
            // Values already sent stay hidden from now on.
            if (session->screen.contains("widgets")) {
                for (auto& widget : session->screen["widgets"]) {
                    auto personal = widget.is_object() ? widget.find("personal") : widget.end();
                    if (personal != widget.end() && personal->is_boolean() && personal->get<bool>()
                        && widget.contains("value")) {
                        widget["value"] = nullptr;
                        widget["masked"] = true;
                    }
                }
            }
        }
        session->kiosk_seen = Clock::now();
        audit(*session, "", "control_" + control, Json { { "personal_shared", shared } });
        changed(*session, deferred);
    }
    run(deferred);
    return {};
}

Result<void> HelpDesk::cancel(Kiosk const& kiosk, std::string const& help_id)
{
    Deferred deferred;
    {
        std::lock_guard lock(m_mutex);
        auto session = GUICHET_TRY(kiosk_session(kiosk, help_id));
        if (session->status != Status::Ended)
            finish(*session, "resident", "", deferred);
    }
    run(deferred);
    return {};
}

void HelpDesk::kiosk_poll(Kiosk const& kiosk, std::string const& help_id, std::int64_t after, Answer answer)
{
    poll(
        Side::Kiosk, [&] { return kiosk_session(kiosk, help_id); }, after, std::move(answer));
}

// [SECTION] The console's side

Json HelpDesk::queue(ConsoleUser const& user)
{
    std::lock_guard lock(m_mutex);
    std::vector<Session const*> waiting;
    Json mine = Json::array();
    for (auto const& [id, session] : m_sessions) {
        if (session->status == Status::Waiting)
            waiting.push_back(session.get());
        else if (session->status == Status::Connected && session->mediator_login == user.login)
            mine.push_back(Json { { "help_id", session->id }, { "kiosk_id", session->kiosk_id } });
    }
    std::sort(waiting.begin(), waiting.end(), [](auto* a, auto* b) { return a->requested < b->requested; });
    Json list = Json::array();
    auto now = Clock::now();
    for (auto const* session : waiting) {
        list.push_back(Json {
            { "help_id", session->id },
            { "kiosk_id", session->kiosk_id },
            { "site_id", session->site_id },
            { "demarche_id", session->demarche_id },
            { "step", session->step },
            { "language", session->language },
            { "requested_at", session->requested_at },
            { "waiting_seconds", std::chrono::duration_cast<std::chrono::seconds>(now - session->requested).count() },
        });
    }
    return Json { { "waiting", list }, { "mine", mine } };
}

Result<Json> HelpDesk::accept(ConsoleUser const& user, std::string const& help_id)
{
    Deferred deferred;
    Json view;
    {
        std::lock_guard lock(m_mutex);
        auto* session = find(help_id);
        if (!session)
            return unknown();
        if (session->status == Status::Ended)
            return Error::make("help.ended", "the resident is no longer waiting");
        if (session->status == Status::Connected) {
            if (session->mediator_login != user.login)
                return Error::make("help.taken", "another mediator took this request");
            return console_view(*session);
        }
        session->status = Status::Connected;
        session->mediator_login = user.login;
        session->mediator_name = user.display_name;
        session->mediator_seen = Clock::now();
        audit(*session, user.login, "accepted",
            Json { { "waited_seconds",
                std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - session->requested).count() } });
        push_event(*session, Json { { "type", "accepted" }, { "mediator", user.display_name } }, deferred);
        changed(*session, deferred);
        view = console_view(*session);
    }
    run(deferred);
    return view;
}

void HelpDesk::console_poll(ConsoleUser const& user, std::string const& help_id, std::int64_t after, Answer answer)
{
    poll(
        Side::Console, [&] { return mediator_session(user, help_id); }, after, std::move(answer));
}

Result<void> HelpDesk::message(ConsoleUser const& user, std::string const& help_id, std::string const& text)
{
    if (text.empty())
        return invalid("the message is empty");
    if (utf8::length(text) > max_message_characters)
        return invalid("the message is too long");
    return with_connected(user, help_id, [&](Session& session, Deferred& deferred) -> Result<void> {
        // The mediator's own words, for the audit; never a resident's field.
        audit(session, user.login, "message", Json { { "text", text } });
        push_event(session, Json { { "type", "message" }, { "text", text } }, deferred);
        return {};
    });
}

Result<void> HelpDesk::point(ConsoleUser const& user, std::string const& help_id, std::string const& widget)
{
    if (!is_identifier(widget, 200))
        return invalid("widget is a widget's id");
    return with_connected(user, help_id, [&](Session& session, Deferred& deferred) -> Result<void> {
        audit(session, user.login, "point", Json { { "widget", widget } });
        push_event(session, Json { { "type", "point" }, { "widget", widget } }, deferred);
        session.pointed_widget = widget;
        changed(session, deferred);
        return {};
    });
}

Result<void> HelpDesk::request_control(ConsoleUser const& user, std::string const& help_id)
{
    return with_connected(user, help_id, [&](Session& session, Deferred& deferred) -> Result<void> {
        if (session.control != Control::Granted)
            session.control = Control::Requested;
        audit(session, user.login, "control_requested", Json::object());
        push_event(session, Json { { "type", "control_requested" } }, deferred);
        changed(session, deferred);
        return {};
    });
}

Result<void> HelpDesk::act(ConsoleUser const& user, std::string const& help_id, Json const& action)
{
    if (!action.is_object())
        return invalid("the action is a JSON object");
    auto kind = text_or_empty(action, "kind");
    Json event { { "type", "action" }, { "kind", kind } };
    Json detail { { "kind", kind } };
    if (kind == "tap") {
        auto widget = text_or_empty(action, "widget");
        if (!is_identifier(widget, 200))
            return invalid("a tap names a widget");
        event["widget"] = widget;
        detail["widget"] = widget;
    } else if (kind == "type") {
        auto text = text_or_empty(action, "text");
        if (text.empty() || text.size() > max_typed_bytes)
            return invalid("type needs a text of at most 200 bytes");
        event["text"] = text;
    } else {
        return invalid("kind is tap or type");
    }

    return with_connected(user, help_id, [&](Session& session, Deferred& deferred) -> Result<void> {
        if (kind == "type") {
            // What was typed is never written down: only where, and how much.
            detail["widget"] = session.focused_widget;
            detail["characters"] = utf8::length(text_or_empty(action, "text"));
            detail["personal"] = session.personal_widgets.contains(session.focused_widget);
        }
        bool refused = session.control != Control::Granted;
        audit(session, user.login, refused ? "action_refused" : "action", detail);
        if (refused)
            return Error::make("help.no_control", "the resident has not given control");
        push_event(session, event, deferred);
        return {};
    });
}

Result<void> HelpDesk::end(ConsoleUser const& user, std::string const& help_id)
{
    Deferred deferred;
    {
        std::lock_guard lock(m_mutex);
        auto session = GUICHET_TRY(mediator_session(user, help_id));
        if (session->status != Status::Ended)
            finish(*session, "mediator", user.login, deferred);
    }
    run(deferred);
    return {};
}

HelpDesk::Counts HelpDesk::counts()
{
    std::lock_guard lock(m_mutex);
    Counts counts;
    for (auto const& [id, session] : m_sessions) {
        if (session->status == Status::Waiting)
            ++counts.waiting;
        else if (session->status == Status::Connected)
            ++counts.connected;
    }
    return counts;
}

// [SECTION] Inside

template<typename Find> void HelpDesk::poll(Side side, Find find, std::int64_t after, Answer answer)
{
    Json now_answer;
    {
        std::lock_guard lock(m_mutex);
        auto session = find();
        if (!session.ok()) {
            now_answer = Json { { "error", session.error().code } };
        } else {
            auto& held = *session.value();
            bool kiosk = side == Side::Kiosk;
            (kiosk ? held.kiosk_seen : held.mediator_seen) = Clock::now();
            // The kiosk waits for an event after `after`, the console for a
            // view newer than `after`.
            auto newest = kiosk ? (held.events.empty() ? 0 : held.events.back().value("seq", std::int64_t { 0 }))
                                : held.version;
            if (newest <= after && held.status != Status::Ended && !m_stopping) {
                (kiosk ? held.kiosk_waiters : held.console_waiters)
                    .push_back(Waiter { after, Clock::now() + m_settings.poll_wait, std::move(answer) });
                return;
            }
            now_answer = kiosk ? kiosk_answer(held, after) : console_view(held);
        }
    }
    answer(std::move(now_answer));
}

template<typename Change>
Result<void> HelpDesk::with_connected(ConsoleUser const& user, std::string const& help_id, Change change)
{
    Deferred deferred;
    Result<void> outcome;
    {
        std::lock_guard lock(m_mutex);
        auto session = GUICHET_TRY(mediator_session(user, help_id));
        if (session->status != Status::Connected)
            return Error::make("help.ended", "the help session has ended");
        session->mediator_seen = Clock::now();
        outcome = change(*session, deferred);
    }
    run(deferred);
    return outcome;
}

HelpDesk::Session* HelpDesk::find(std::string const& help_id)
{
    auto found = m_sessions.find(help_id);
    return found == m_sessions.end() ? nullptr : found->second.get();
}

Result<HelpDesk::Session*> HelpDesk::kiosk_session(Kiosk const& kiosk, std::string const& help_id)
{
    auto* session = find(help_id);
    // Another kiosk's session is as unknown as one that never was.
    if (!session || session->kiosk_id != kiosk.id)
        return unknown();
    return session;
}

Result<HelpDesk::Session*> HelpDesk::mediator_session(ConsoleUser const& user, std::string const& help_id)
{
    auto* session = find(help_id);
    if (!session || session->mediator_login != user.login)
        return unknown();
    return session;
}

void HelpDesk::push_event(Session& session, Json event, Deferred& deferred)
{
    auto seq = session.events.empty() ? 1 : session.events.back().value("seq", std::int64_t { 0 }) + 1;
    event["seq"] = seq;
    session.events.push_back(std::move(event));
    if (session.events.size() > max_events_kept)
        session.events.erase(session.events.begin());
    for (auto& waiter : session.kiosk_waiters)
        deferred.answers.emplace_back(std::move(waiter.answer), kiosk_answer(session, waiter.after));
    session.kiosk_waiters.clear();
}

void HelpDesk::changed(Session& session, Deferred& deferred)
{
    ++session.version;
    for (auto& waiter : session.console_waiters)
        deferred.answers.emplace_back(std::move(waiter.answer), console_view(session));
    session.console_waiters.clear();
}

void HelpDesk::finish(Session& session, std::string reason, std::string const& by, Deferred& deferred)
{
    session.status = Status::Ended;
    session.end_reason = std::move(reason);
    session.ended = Clock::now();
    session.control = Control::None;
    session.personal_shared = false;
    session.screen = Json::object();
    audit(session, by, "ended", Json { { "reason", session.end_reason } });
    push_event(session, Json { { "type", "ended" }, { "reason", session.end_reason } }, deferred);
    changed(session, deferred);
}

void HelpDesk::audit(Session const& session, std::string const& by, std::string action, Json detail)
{
    // Under m_mutex: queued in the order of the desk's decisions.
    m_audit_queue.push_back(
        AuditEntry { 0, m_now(), session.id, session.kiosk_id, by, std::move(action), detail.dump() });
}

Json HelpDesk::kiosk_answer(Session const& session, std::int64_t after) const
{
    Json events = Json::array();
    for (auto const& event : session.events) {
        if (event.value("seq", std::int64_t { 0 }) > after)
            events.push_back(event);
    }
    Json answer { { "state", wire(session.status) }, { "events", events } };
    if (session.status == Status::Waiting)
        answer["position"] = position(session);
    if (session.status == Status::Ended)
        answer["reason"] = session.end_reason;
    return answer;
}

Json HelpDesk::console_view(Session const& session) const
{
    Json view {
        { "help_id", session.id },
        { "version", session.version },
        { "state", wire(session.status) },
        { "kiosk_id", session.kiosk_id },
        { "site_id", session.site_id },
        { "demarche_id", session.demarche_id },
        { "step", session.step },
        { "language", session.language },
        { "control", wire(session.control) },
        { "personal_shared", session.personal_shared },
        { "pointed", session.pointed_widget },
        { "screen", session.screen },
    };
    if (session.status == Status::Ended)
        view["reason"] = session.end_reason;
    return view;
}

std::size_t HelpDesk::position(Session const& session) const
{
    std::size_t ahead = 0;
    for (auto const& [id, other] : m_sessions) {
        if (other->status == Status::Waiting && other->requested < session.requested)
            ++ahead;
    }
    return ahead + 1;
}

void HelpDesk::run(Deferred& deferred)
{
    {
        // In the desk's order: the queue is taken and written under the
        // same lock, so a later call's lines never pass an earlier one's.
        std::lock_guard writing(m_audit_writing);
        std::vector<AuditEntry> lines;
        {
            std::lock_guard lock(m_mutex);
            lines.swap(m_audit_queue);
        }
        for (auto const& entry : lines) {
            auto appended = m_store.append_audit(entry);
            if (!appended.ok())
                log(LogLevel::Error, "help",
                    "could not write to the help audit log (" + appended.error().code + "): " + entry.action
                        + " in help session " + entry.help_id);
        }
    }
    for (auto& [answer, body] : deferred.answers)
        answer(std::move(body));
    deferred.answers.clear();
}

void HelpDesk::tick()
{
    Deferred deferred;
    {
        std::lock_guard lock(m_mutex);
        auto now = Clock::now();
        for (auto it = m_sessions.begin(); it != m_sessions.end();) {
            auto& session = *it->second;
            if (session.status == Status::Ended && now - session.ended > m_settings.ended_kept
                && session.kiosk_waiters.empty() && session.console_waiters.empty()) {
                it = m_sessions.erase(it);
                continue;
            }
            if (session.status != Status::Ended) {
                // A parked poll means the side is there.
                if (!session.kiosk_waiters.empty())
                    session.kiosk_seen = now;
                if (!session.console_waiters.empty())
                    session.mediator_seen = now;
                if (now - session.kiosk_seen > m_settings.kiosk_gone_after)
                    finish(session, "kiosk_lost", "", deferred);
                else if (session.status == Status::Connected
                    && now - session.mediator_seen > m_settings.mediator_gone_after)
                    finish(session, "mediator_lost", session.mediator_login, deferred);
            }
            auto expire = [&](std::vector<Waiter>& waiters, auto make) {
                for (auto waiter = waiters.begin(); waiter != waiters.end();) {
                    if (waiter->deadline <= now) {
                        deferred.answers.emplace_back(std::move(waiter->answer), make(waiter->after));
                        waiter = waiters.erase(waiter);
                    } else {
                        ++waiter;
                    }
                }
            };
            expire(session.kiosk_waiters, [&](std::int64_t after) { return kiosk_answer(session, after); });
            expire(session.console_waiters, [&](std::int64_t) { return console_view(session); });
            ++it;
        }
    }
    run(deferred);
}

}
