// The kiosk's help line to a remote mediator, over the hub's help API
// (docs/sync.md, "Help from a mediator"): HelpLine for the core.
//
// Two threads, each with its own connection, so that a parked long-poll
// never holds up what the kiosk sends:
// - "help-send" sends, in this order of priority, the end of a session,
//   the opening of a new one, the resident's consent, and the latest screen
//   (screens in between are skipped: the mediator needs the last one);
// - "help-poll" long-polls the hub for the mediator's events and turns them
//   into HelpNews.
// A network drop is retried (0.5 s doubling to 5 s) for up to 40 s from the
// first failed request's start, less than the hub's 45, with the events
// asked again from the last one seen, so nothing is lost or seen twice;
// after that the session ends as "network".
#pragma once

#include "sync/identity.hpp"

#include "kiosk/core/help.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace guichet {

struct HelpChannelSettings {
    std::chrono::milliseconds connect_timeout { 5000 };
    // A long-poll's whole time: the hub answers within its poll wait (20 s).
    std::chrono::milliseconds poll_timeout { 30000 };
    // Any other call.
    std::chrono::milliseconds call_timeout { 10000 };
    std::chrono::milliseconds retry_first { 500 };
    std::chrono::milliseconds retry_most { 5000 };
    std::chrono::milliseconds give_up_after { 40000 };
};

class HelpChannel final : public HelpLine {
public:
    using News = std::function<void(HelpNews)>;

    // `news` is called on the channel's threads, under its lock: it must
    // not call back into the channel (kiosk/main posts it to the UI's
    // queue). `reachable` says whether the hub answered lately.
    HelpChannel(KioskIdentity identity, News news, std::function<bool()> reachable, HelpChannelSettings settings = {});
    // Ends an open session (one last call, bounded by call_timeout), then
    // stops both threads.
    ~HelpChannel() override;
    HelpChannel(HelpChannel const&) = delete;
    HelpChannel& operator=(HelpChannel const&) = delete;

    bool reachable() const override;
    void request(HelpRequest const& request) override;
    void report(ScreenState const& screen) override;
    void consent(ConsentAnswer answer, bool personal) override;
    void end() override;

private:
    void send_loop();
    void poll_loop();
    // Under the lock: the session `generation` is still the current one.
    bool current(std::uint64_t generation) const { return generation == m_generation && !m_stopping; }
    void give_news(HelpNews news);

    KioskIdentity m_identity;
    News m_news;
    std::function<bool()> m_reachable;
    HelpChannelSettings m_settings;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping { false };
    // Each request() or end() starts a new generation: what a thread learns
    // of an older one is dropped.
    std::uint64_t m_generation { 0 };
    std::optional<HelpRequest> m_to_open;
    std::string m_help_id; // empty until the hub answered the opening
    std::int64_t m_last_seq { 0 };
    // What is still to send for the current session.
    std::optional<std::pair<ConsentAnswer, bool>> m_consent_to_send;
    std::optional<ScreenState> m_screen_to_send;
    ScreenState m_screen_sent;
    // Sessions to end on the hub (their ids), sent before anything else.
    std::vector<std::string> m_to_cancel;

    std::thread m_sender;
    std::thread m_poller;
};

}
