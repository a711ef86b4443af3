// Help from a remote mediator, the kiosk's side of it: where the request
// stands, who helps, what they said and pointed at, and whether the resident
// gave them control. Pure state; the HelpLine port carries it to the hub.
//
// The rule it keeps: nobody acts on the kiosk without the resident's say.
// The mediator's taps and typing are kept for the UI to apply through the
// touch path only while control is granted; anything that comes otherwise
// is dropped. Control is asked on a consent screen, taken back with
// "Reprendre la main", and ends with the help session. Personal fields are
// shown to the mediator only if the resident ticked it on that same screen.
#pragma once

#include "help.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

class Assistance {
public:
    enum class State {
        Idle,
        Waiting, // asked; `position()` in the queue
        Connected, // a mediator is there: the banner names them
        Ended, // the mediator left or the line dropped: `end_reason()`
    };
    enum class Control {
        None,
        Asked, // the consent screen is up
        Granted,
        Refused,
    };

    // May be null: the kiosk has no hub, and only the desk is offered.
    void set_line(HelpLine* line) { m_line = line; }
    // Whether "Un conseiller à distance" can be offered now.
    bool remote_available() const { return m_line && m_line->reachable(); }

    // "Un conseiller à distance". False (and nothing asked) when the line
    // is not there; a request already open is replaced.
    bool ask(HelpRequest const& request);
    // The resident stops the help, or the session ends: the line ends it
    // and everything is forgotten.
    void stop();
    // What the line reported, at `now` (Unix seconds). Returns true when
    // something visible changed.
    bool hear(HelpNews const& news, std::int64_t now = 0);

    // The consent screen's answers, and "Reprendre la main".
    void grant_control(bool show_personal);
    void refuse_control();
    void take_back_control();
    // The "help ended" note was read.
    void dismiss();

    // The mediator's taps and typing to apply now (granted control only),
    // oldest first; taken once.
    std::vector<HelpNews> take_actions();

    State state() const { return m_state; }
    Control control() const { return m_control; }
    bool personal_shared() const { return m_personal_shared; }
    int position() const { return m_position; }
    std::string const& mediator() const { return m_mediator; }
    // The mediator's messages, the newest last (at most the last three).
    std::vector<std::string> const& messages() const { return m_messages; }
    // How many messages came in this help, for the screens to tell the
    // ones not yet read.
    std::uint64_t message_count() const { return m_message_count; }
    // The widget the mediator pointed at last, until the screen changes.
    std::string const& pointed() const { return m_pointed; }
    void clear_pointed() { m_pointed.clear(); }
    std::string const& end_reason() const { return m_end_reason; }
    // The last request could not be made (the hub did not answer).
    bool unavailable() const { return m_unavailable; }
    // Whether the help is live: the screen is streamed while it is.
    bool live() const { return m_state == State::Waiting || m_state == State::Connected; }

    // Every help a mediator took in this session, the live one included:
    // the dossier records them. They outlive stop(); forget() drops them
    // when the session ends.
    std::vector<HelpRecord> const& records() const { return m_records; }
    void forget();

private:
    void reset();

    HelpLine* m_line { nullptr };
    State m_state { State::Idle };
    Control m_control { Control::None };
    bool m_personal_shared { false };
    bool m_unavailable { false };
    int m_position { 0 };
    std::string m_mediator;
    std::vector<std::string> m_messages;
    std::uint64_t m_message_count { 0 };
    std::string m_pointed;
    std::string m_end_reason;
    std::vector<HelpNews> m_actions;
    std::string m_help_id;
    std::vector<HelpRecord> m_records;
    // Which record the live help writes to, if a mediator took it.
    std::optional<std::size_t> m_record;
};

// The sentence the resident reads when the help ended, for each reason the
// hub or the line gives.
std::string_view help_end_sentence(std::string_view reason);

}
