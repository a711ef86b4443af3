// Help from a remote mediator, as the core sees it: what the kiosk asks
// for, what it shows the mediator of its screen, what comes back, and the
// port that carries it (sync/help_channel implements it over the hub).
// docs/sync.md, "Help from a mediator", has the protocol.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

struct HelpRequest {
    std::string demarche_id; // empty on the home screens
    std::string step; // the step's id, or the screen's name
    std::string language { "fr" };
};

// One widget of the screen as the mediator sees it: the UI's own record of
// what it drew (id, label, rectangle), and a field's value unless it is
// personal and the resident has not agreed to show it.
struct ScreenWidget {
    std::string id; // "field:nom", "next", "choice:cantine"
    std::string label;
    std::string kind; // "button", "field", "tile", "text"
    std::array<int, 4> rect {}; // x0, y0, x1, y1 in screen pixels
    std::optional<std::string> value; // fields only; absent when masked
    bool personal { false };
    bool masked { false };

    bool operator==(ScreenWidget const&) const = default;
};

struct ScreenState {
    std::string screen; // "home", "step", "review", ...
    std::string step;
    std::string focus; // the widget that receives typed text
    int width { 1920 };
    int height { 1080 };
    std::vector<ScreenWidget> widgets;

    bool operator==(ScreenState const&) const = default;
};

// What the mediator's side did, as the help line reports it.
struct HelpNews {
    enum class Kind {
        Waiting, // the request is queued; `position` is its place, and
                 // `text` the hub's id of the request when it was just opened
        Accepted, // `text`: how the mediator is named ("Marie, médiatrice")
        Message, // `text`: the mediator's message
        Point, // `text`: the widget's id
        ControlRequested,
        Tap, // `text`: the widget's id; only while control is granted
        Type, // `text`: what to type; only while control is granted
        Ended, // `text`: why ("mediator", "kiosk_lost", "network", ...)
        Unavailable, // the request could not be made: the hub did not answer
    };
    Kind kind { Kind::Waiting };
    std::string text;
    int position { 0 };
};

// A remote help the resident had during a démarche, as its dossier records
// it: who helped, whether they were given control (and personal fields),
// and how many of their actions were applied. `help_id` is the hub's id of
// the request: its audit log (kiosk-hub audit --help-id) has the rest.
struct HelpRecord {
    std::string help_id;
    std::string mediator; // as the banner named them: "Marie, médiatrice"
    std::int64_t accepted_at { 0 }; // Unix seconds
    bool control_granted { false };
    bool personal_shared { false };
    int actions { 0 }; // taps and typing applied through the touch path

    bool operator==(HelpRecord const&) const = default;
};

// The resident's answer about control: on the consent screen ("J'accepte",
// "Non merci"), or "Reprendre la main" once it was given.
enum class ConsentAnswer {
    Granted,
    Refused,
    Revoked,
};

// Carries a help session to the central services. No call blocks; news
// comes back through the callback the implementation was given, on its own
// thread (kiosk/main posts it to the UI's queue as an intent).
class HelpLine {
public:
    virtual ~HelpLine() = default;
    // Whether a remote mediator can be asked now (the hub answered lately).
    virtual bool reachable() const = 0;
    // Opens a request; a request already open is ended first.
    virtual void request(HelpRequest const& request) = 0;
    // The screen as it is now; sent when it differs from the last one sent,
    // the latest winning when several come in quick succession.
    virtual void report(ScreenState const& screen) = 0;
    // The resident's answer about control; `personal` (Granted only): the
    // mediator may see personal fields.
    virtual void consent(ConsentAnswer answer, bool personal) = 0;
    // The resident cancels, or the session ends: the request ends at once.
    virtual void end() = 0;
};

}
