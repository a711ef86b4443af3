// Usage figures: what the kiosk records of each visit, so that the
// collectivité can tell how the service is used and where residents give up
// (docs/usage.md).
//
// Anonymous by construction: an event holds catalogue ids (démarche, step),
// values from closed lists (why a card read failed, how a print ended, a
// satisfaction face), a language code and a display mode. It never holds an
// identity, an answer or a tracking code, and nothing typed: there is no
// free-text field to put one in, and the hub refuses any value outside the
// lists (parse_usage_event).
//
// The session watches its own state after every intent (UsageWatcher) and
// records what changed; a UsageLog keeps the events until the hub has them.
#pragma once

#include "result.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace guichet {

enum class UsageKind {
    Started, // "Commencer" on a démarche's start screen
    Step, // a step shown for the first time in this démarche
    Review, // the review reached
    Completed, // the dossier is in the outbox
    Abandoned, // the démarche's answers went without a dossier
    HelpAsked, // detail: remote, desk, agent
    HelpEnded, // remote help's end; detail: helped, cancelled, unanswered, unavailable, session_ended
    CardRead, // detail: ok, or the CardFailure's name
    ReceiptPrint, // detail: the PrintOutcome's name
    TicketPrint, // the desk's queue ticket; detail: the PrintOutcome's name
    Satisfaction, // detail: good, neutral, bad
    SatisfactionReason, // detail: the reason's id (rating_reasons)
};

std::string_view to_string(UsageKind kind);
std::optional<UsageKind> usage_kind_from_wire(std::string_view text);

// "Comment s'est passée votre démarche ?"
enum class Rating {
    Good,
    Neutral,
    Bad,
};

std::string_view to_string(Rating rating);

// The optional "pourquoi" after a face: a few tiles, each with its id (on
// the wire), its French text (translated by the screen) and a pictogram name.
struct RatingReason {
    std::string_view id;
    char const* text;
    std::string_view pictogram;
};

// The reasons offered after this face, in the order shown.
std::span<RatingReason const> rating_reasons(Rating rating);

// How the screen was set when the event happened: "standard", "large_text",
// "high_contrast" or "large_text+high_contrast".
std::string_view display_mode(bool large_text, bool high_contrast);

struct UsageEvent {
    // Which visit of this kiosk's run: the log turns it into a random id, so
    // that the events of one visit can be put together and nothing else.
    std::uint64_t visit { 0 };
    std::int64_t at { 0 }; // Unix seconds
    UsageKind kind { UsageKind::Started };
    std::string demarche; // catalogue id; empty outside a démarche
    std::string step; // the step's key, "review" for the review
    int position { 0 }; // the step's place among those shown, from 1
    std::int64_t elapsed_s { -1 }; // since "Commencer"; -1 outside a démarche
    std::string detail; // from the kind's closed list
    std::string language; // "fr", "ar", ...
    std::string display; // display_mode()

    bool operator==(UsageEvent const&) const = default;
};

// Keeps the events until the hub acknowledges them. record() must not block
// the caller (the UI thread): writing happens elsewhere.
class UsageLog {
public:
    virtual ~UsageLog() = default;
    virtual void record(UsageEvent const& event) = 0;
};

// The wire form (docs/sync-api.yaml, UsageEvent): the event with its `id`
// (unique on this kiosk, the idempotency key) and `visit` as given.
nlohmann::json usage_event_json(UsageEvent const& event, std::string const& id, std::string const& visit);

// An event as a kiosk sent it, checked against the closed lists: an
// unknown kind, a detail outside its kind's list, an id that is not a
// catalogue id, a language not offered or a field too long is refused
// ("usage.invalid", naming the field, never echoing its value).
struct WireUsageEvent {
    std::string id;
    std::string visit;
    UsageEvent event;
};
Result<WireUsageEvent> parse_usage_event(nlohmann::json const& json);

}
