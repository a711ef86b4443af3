#include "help_channel.hpp"

#include "sync/hub_client.hpp"

#include "kiosk/core/log.hpp"

#include <nlohmann/json.hpp>

#include <pthread.h>

namespace guichet {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

Json to_json(ScreenState const& screen)
{
    Json widgets = Json::array();
    for (auto const& widget : screen.widgets) {
        Json item { { "id", widget.id }, { "label", widget.label }, { "kind", widget.kind },
            { "rect", { widget.rect[0], widget.rect[1], widget.rect[2], widget.rect[3] } } };
        if (widget.personal)
            item["personal"] = true;
        if (widget.masked)
            item["masked"] = true;
        else if (widget.value)
            item["value"] = *widget.value;
        widgets.push_back(std::move(item));
    }
    return Json { { "screen", screen.screen }, { "step", screen.step }, { "focus", screen.focus },
        { "width", screen.width }, { "height", screen.height }, { "widgets", widgets } };
}

// The mediator's event as news; nothing for an event this kiosk does not
// know (a newer hub).
std::optional<HelpNews> news_of(Json const& event)
{
    auto type = event.value("type", std::string());
    auto text = [&](char const* key) { return event.value(key, std::string()); };
    if (type == "accepted")
        return HelpNews { HelpNews::Kind::Accepted, text("mediator"), 0 };
    if (type == "message")
        return HelpNews { HelpNews::Kind::Message, text("text"), 0 };
    if (type == "point")
        return HelpNews { HelpNews::Kind::Point, text("widget"), 0 };
    if (type == "control_requested")
        return HelpNews { HelpNews::Kind::ControlRequested, {}, 0 };
    if (type == "action" && text("kind") == "tap")
        return HelpNews { HelpNews::Kind::Tap, text("widget"), 0 };
    if (type == "action" && text("kind") == "type")
        return HelpNews { HelpNews::Kind::Type, text("text"), 0 };
    if (type == "ended")
        return HelpNews { HelpNews::Kind::Ended, text("reason"), 0 };
    return std::nullopt;
}

// A failure worth trying again: no answer, or the hub's own trouble.
bool transient(Result<HubResponse> const& answer)
{
    return !answer.ok() || answer.value().status >= 500 || answer.value().status == 429;
}

}

HelpChannel::HelpChannel(
    KioskIdentity identity, News news, std::function<bool()> reachable, HelpChannelSettings settings)
    : m_identity(std::move(identity))
    , m_news(std::move(news))
    , m_reachable(std::move(reachable))
    , m_settings(settings)
{
    m_sender = std::thread([this] {
        pthread_setname_np(pthread_self(), "help-send");
        send_loop();
    });
    m_poller = std::thread([this] {
        pthread_setname_np(pthread_self(), "help-poll");
        poll_loop();
    });
}

HelpChannel::~HelpChannel()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_help_id.empty())
            m_to_cancel.push_back(m_help_id);
        m_help_id.clear();
        m_to_open.reset();
        ++m_generation;
        m_stopping = true;
    }
    m_wake.notify_all();
    m_sender.join();
    m_poller.join();
}

bool HelpChannel::reachable() const
{
    return m_reachable ? m_reachable() : true;
}

void HelpChannel::request(HelpRequest const& request)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_help_id.empty())
            m_to_cancel.push_back(m_help_id);
        m_help_id.clear();
        ++m_generation;
        m_to_open = request;
        m_last_seq = 0;
        m_consent_to_send.reset();
        m_screen_to_send.reset();
        m_screen_sent = ScreenState {};
    }
    m_wake.notify_all();
}

void HelpChannel::report(ScreenState const& screen)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_help_id.empty() && !m_to_open)
            return;
        if (screen == m_screen_sent) {
            m_screen_to_send.reset();
            return;
        }
        m_screen_to_send = screen;
    }
    m_wake.notify_all();
}

void HelpChannel::consent(ConsentAnswer answer, bool personal)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_help_id.empty() && !m_to_open)
            return;
        m_consent_to_send = std::pair { answer, answer == ConsentAnswer::Granted && personal };
    }
    m_wake.notify_all();
}

void HelpChannel::end()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_help_id.empty())
            m_to_cancel.push_back(m_help_id);
        m_help_id.clear();
        m_to_open.reset();
        m_consent_to_send.reset();
        m_screen_to_send.reset();
        ++m_generation;
    }
    m_wake.notify_all();
}

void HelpChannel::give_news(HelpNews news)
{
    if (m_news)
        m_news(std::move(news));
}

void HelpChannel::send_loop()
{
    HubClient client(HubClientSettings {
        m_identity.hub_url, m_identity.ca_file, m_settings.connect_timeout, m_settings.call_timeout });
    client.set_identity(m_identity.kiosk_id, m_identity.keys.secret_key, m_identity.hub_box_public_key);
    auto retry = m_settings.retry_first;

    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] {
            return m_stopping || !m_to_cancel.empty() || m_to_open
                || (!m_help_id.empty() && (m_consent_to_send || m_screen_to_send));
        });
        if (!m_to_cancel.empty()) {
            auto id = m_to_cancel.back();
            m_to_cancel.pop_back();
            lock.unlock();
            // Best effort: a session left open on the hub ends by itself
            // once this kiosk stops polling it (45 s).
            (void)client.request("POST", "/v1/help/" + id + "/cancel");
            lock.lock();
            continue;
        }
        if (m_stopping)
            return;

        auto generation = m_generation;
        if (m_to_open) {
            auto wanted = *m_to_open;
            m_to_open.reset();
            lock.unlock();
            Json body { { "demarche_id", wanted.demarche_id }, { "step", wanted.step },
                { "language", wanted.language } };
            auto answer = client.request("POST", "/v1/help", body.dump());
            std::optional<HelpNews> news;
            std::string opened;
            if (answer.ok() && answer.value().status == 201) {
                auto parsed = Json::parse(answer.value().body, nullptr, false);
                if (parsed.is_object() && parsed.value("help_id", std::string()).size() == 32) {
                    opened = parsed["help_id"].get<std::string>();
                    news = HelpNews { HelpNews::Kind::Waiting, opened, parsed.value("position", 1) };
                }
            }
            if (!news) {
                log(LogLevel::Warning, "help",
                    "a help request could not be made: "
                        + (answer.ok() ? "the hub answered " + std::to_string(answer.value().status)
                                       : answer.error().code));
                news = HelpNews { HelpNews::Kind::Unavailable, {}, 0 };
            }
            lock.lock();
            if (!current(generation)) {
                // Ended or replaced while it was being opened.
                if (!opened.empty())
                    m_to_cancel.push_back(opened);
                continue;
            }
            // Given under the lock, so that no end() or request() comes
            // between the news and the session it is about.
            give_news(*news);
            if (!opened.empty()) {
                m_help_id = opened;
                m_wake.notify_all(); // the poller starts
            }
            continue;
        }

        auto id = m_help_id;
        std::string path;
        Json body;
        bool is_consent = false;
        std::optional<std::pair<ConsentAnswer, bool>> consent;
        ScreenState screen;
        if (m_consent_to_send) {
            is_consent = true;
            consent = m_consent_to_send;
            m_consent_to_send.reset();
            path = "/v1/help/" + id + "/consent";
            auto answer = consent->first;
            body = Json { { "control",
                              answer == ConsentAnswer::Granted       ? "granted"
                                  : answer == ConsentAnswer::Refused ? "refused"
                                                                     : "revoked" },
                { "personal", consent->second } };
        } else {
            screen = *m_screen_to_send;
            m_screen_to_send.reset();
            path = "/v1/help/" + id + "/screen";
            body = to_json(screen);
        }
        lock.unlock();
        auto answer = client.request("POST", path, body.dump());
        lock.lock();
        if (!current(generation) || m_help_id != id)
            continue;
        if (transient(answer)) {
            // Sent again unless something newer replaced it meanwhile.
            if (is_consent && !m_consent_to_send)
                m_consent_to_send = consent;
            if (!is_consent && !m_screen_to_send)
                m_screen_to_send = screen;
            m_wake.wait_for(lock, retry, [&] { return !current(generation); });
            retry = std::min(retry * 2, m_settings.retry_most);
            continue;
        }
        retry = m_settings.retry_first;
        if (!is_consent && answer.value().ok())
            m_screen_sent = screen;
        // Other refusals (the session ended: the poller hears it) are not
        // sent again.
    }
}

void HelpChannel::poll_loop()
{
    HubClient client(HubClientSettings {
        m_identity.hub_url, m_identity.ca_file, m_settings.connect_timeout, m_settings.poll_timeout });
    client.set_identity(m_identity.kiosk_id, m_identity.keys.secret_key, m_identity.hub_box_public_key);
    auto retry = m_settings.retry_first;
    // Since when the hub has not answered; nothing while it does.
    Clock::time_point failing_since {};
    bool failing = false;
    int position = 0;

    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stopping || !m_help_id.empty(); });
        if (m_stopping)
            return;
        auto id = m_help_id;
        auto generation = m_generation;
        auto after = m_last_seq;
        lock.unlock();
        auto asked = Clock::now();
        auto answer = client.request("GET", "/v1/help/" + id + "/events?after=" + std::to_string(after));
        lock.lock();
        if (!current(generation) || m_help_id != id) {
            failing = false;
            position = 0;
            continue;
        }

        std::vector<HelpNews> news;
        if (transient(answer)) {
            auto now = Clock::now();
            if (!failing) {
                // From when the failed request left: a poll that hung for
                // its whole timeout counts.
                failing = true;
                failing_since = asked;
            }
            if (now - failing_since > m_settings.give_up_after) {
                log(LogLevel::Warning, "help", "the hub has not answered for too long: the help session ends");
                m_help_id.clear();
                failing = false;
                give_news(HelpNews { HelpNews::Kind::Ended, "network", 0 });
                continue;
            }
            m_wake.wait_for(lock, retry, [&] { return !current(generation); });
            retry = std::min(retry * 2, m_settings.retry_most);
            continue;
        }
        failing = false;
        retry = m_settings.retry_first;

        auto parsed = answer.value().status == 200 ? Json::parse(answer.value().body, nullptr, false) : Json();
        if (!parsed.is_object()) {
            // Unknown to the hub (it restarted and forgot it), refused, or
            // nonsense: the session is over.
            log(LogLevel::Warning, "help",
                "the hub ended the help session: " + std::to_string(answer.value().status) + " "
                    + answer.value().error_code());
            m_help_id.clear();
            news.push_back(HelpNews { HelpNews::Kind::Ended, "lost", 0 });
        } else {
            bool ended_told = false;
            for (auto const& event : parsed.value("events", Json::array())) {
                auto seq = event.value("seq", std::int64_t { 0 });
                if (seq <= m_last_seq)
                    continue;
                m_last_seq = seq;
                if (auto item = news_of(event)) {
                    ended_told = ended_told || item->kind == HelpNews::Kind::Ended;
                    news.push_back(std::move(*item));
                }
            }
            auto state = parsed.value("state", std::string());
            if (state == "waiting" && parsed.value("position", 0) != position) {
                position = parsed.value("position", 0);
                news.push_back(HelpNews { HelpNews::Kind::Waiting, {}, position });
            }
            if (state == "ended") {
                m_help_id.clear();
                position = 0;
                if (!ended_told)
                    news.push_back(HelpNews { HelpNews::Kind::Ended, parsed.value("reason", std::string("ended")), 0 });
            }
        }
        // Under the lock, still this session's (checked above): news of an
        // ended session never reaches the next one.
        for (auto& item : news)
            give_news(std::move(item));
    }
}

}
