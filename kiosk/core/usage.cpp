#include "usage.hpp"

#include "card.hpp"
#include "i18n.hpp"
#include "ports.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace guichet {

namespace {

constexpr std::array kinds {
    std::pair { UsageKind::Started, std::string_view("started") },
    std::pair { UsageKind::Step, std::string_view("step") },
    std::pair { UsageKind::Review, std::string_view("review") },
    std::pair { UsageKind::Completed, std::string_view("completed") },
    std::pair { UsageKind::Abandoned, std::string_view("abandoned") },
    std::pair { UsageKind::HelpAsked, std::string_view("help_asked") },
    std::pair { UsageKind::HelpEnded, std::string_view("help_ended") },
    std::pair { UsageKind::CardRead, std::string_view("card_read") },
    std::pair { UsageKind::ReceiptPrint, std::string_view("receipt_print") },
    std::pair { UsageKind::TicketPrint, std::string_view("ticket_print") },
    std::pair { UsageKind::Satisfaction, std::string_view("satisfaction") },
    std::pair { UsageKind::SatisfactionReason, std::string_view("satisfaction_reason") },
};

constexpr std::array good_reasons {
    RatingReason { "easy", N_("C'était facile"), "facile" },
    RatingReason { "fast", N_("C'était rapide"), "rapide" },
    RatingReason { "helped", N_("J'ai été bien aidé"), "aide" },
};

constexpr std::array other_reasons {
    RatingReason { "too_long", N_("C'était trop long"), "long" },
    RatingReason { "unclear", N_("Des questions difficiles à comprendre"), "difficile" },
    RatingReason { "device", N_("La carte ou le reçu n'a pas marché"), "appareil" },
    RatingReason { "no_help", N_("Je n'ai pas eu assez d'aide"), "sans-aide" },
};

constexpr std::array languages { "fr", "en", "es", "ar", "pt", "tr" };

constexpr std::array displays { "standard", "large_text", "high_contrast", "large_text+high_contrast" };

// What each kind's detail may be: nothing else reaches the hub's tables.
bool detail_allowed(UsageKind kind, std::string_view detail)
{
    auto among
        = [&](std::initializer_list<std::string_view> list) { return std::ranges::find(list, detail) != list.end(); };
    switch (kind) {
    case UsageKind::Started:
    case UsageKind::Step:
    case UsageKind::Review:
    case UsageKind::Completed:
        return detail.empty();
    case UsageKind::Abandoned:
        return among({ "gave_up", "idle", "back", "stopped" });
    case UsageKind::HelpAsked:
        return among({ "remote", "desk", "agent" });
    case UsageKind::HelpEnded:
        return among({ "helped", "cancelled", "unanswered", "unavailable", "session_ended" });
    case UsageKind::CardRead:
        return detail == "ok"
            || among({ to_string(CardFailure::WrongAccessData), to_string(CardFailure::Removed),
                to_string(CardFailure::NotIdentityDocument), to_string(CardFailure::NoReader),
                to_string(CardFailure::Unreadable) });
    case UsageKind::ReceiptPrint:
    case UsageKind::TicketPrint:
        return among({ to_string(PrintOutcome::Printed), to_string(PrintOutcome::OutOfPaper),
            to_string(PrintOutcome::Jammed), to_string(PrintOutcome::Offline), to_string(PrintOutcome::Failed) });
    case UsageKind::Satisfaction:
        return among({ "good", "neutral", "bad" });
    case UsageKind::SatisfactionReason: {
        for (auto rating : { Rating::Good, Rating::Bad }) {
            for (auto const& reason : rating_reasons(rating))
                if (reason.id == detail)
                    return true;
        }
        return false;
    }
    }
    return false;
}

// A catalogue id ("etat-civil", "acte_naissance", "review"), or a random
// id of the kiosk's (hex): short, and nothing a person could write a name in
// beyond what an id allows. `may_be_empty` for the fields outside a démarche.
bool is_token(std::string_view text, std::size_t max, bool may_be_empty)
{
    if (text.empty())
        return may_be_empty;
    if (text.size() > max)
        return false;
    return std::ranges::all_of(text, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || c == '.';
    });
}

}

std::string_view to_string(UsageKind kind)
{
    for (auto const& [k, name] : kinds)
        if (k == kind)
            return name;
    return "?";
}

std::optional<UsageKind> usage_kind_from_wire(std::string_view text)
{
    for (auto const& [k, name] : kinds)
        if (name == text)
            return k;
    return std::nullopt;
}

std::string_view to_string(Rating rating)
{
    switch (rating) {
    case Rating::Good:
        return "good";
    case Rating::Neutral:
        return "neutral";
    case Rating::Bad:
        return "bad";
    }
    return "neutral";
}

std::span<RatingReason const> rating_reasons(Rating rating)
{
    if (rating == Rating::Good)
        return good_reasons;
    return other_reasons;
}

std::string_view display_mode(bool large_text, bool high_contrast)
{
    if (large_text && high_contrast)
        return "large_text+high_contrast";
    if (large_text)
        return "large_text";
    if (high_contrast)
        return "high_contrast";
    return "standard";
}

nlohmann::json usage_event_json(UsageEvent const& event, std::string const& id, std::string const& visit)
{
    nlohmann::json json {
        { "id", id },
        { "visit", visit },
        { "at", event.at },
        { "kind", to_string(event.kind) },
        { "language", event.language },
        { "display", event.display },
    };
    if (!event.demarche.empty())
        json["demarche"] = event.demarche;
    if (!event.step.empty()) {
        json["step"] = event.step;
        json["position"] = event.position;
    }
    if (event.elapsed_s >= 0)
        json["elapsed_s"] = event.elapsed_s;
    if (!event.detail.empty())
        json["detail"] = event.detail;
    return json;
}

Result<WireUsageEvent> parse_usage_event(nlohmann::json const& json)
{
    auto refuse = [](std::string_view field) {
        return Error::make("usage.invalid", "the event's " + std::string(field) + " is not acceptable");
    };
    if (!json.is_object())
        return refuse("body");
    // Only the documented fields: anything else could carry what must not.
    for (auto const& [key, value] : json.items()) {
        (void)value;
        static constexpr std::array known { "id", "visit", "at", "kind", "language", "display", "demarche", "step",
            "position", "elapsed_s", "detail" };
        if (std::ranges::find(known, key) == known.end())
            return refuse("fields");
    }
    auto text = [&](char const* field) -> std::optional<std::string> {
        if (!json.contains(field))
            return std::string();
        if (!json[field].is_string())
            return std::nullopt;
        return json[field].get<std::string>();
    };
    auto integer = [&](char const* field, std::int64_t fallback) -> std::optional<std::int64_t> {
        if (!json.contains(field))
            return fallback;
        if (!json[field].is_number_integer())
            return std::nullopt;
        return json[field].get<std::int64_t>();
    };
    WireUsageEvent wire;
    auto id = text("id");
    if (!id || !is_token(*id, 64, false))
        return refuse("id");
    wire.id = *id;
    auto visit = text("visit");
    if (!visit || !is_token(*visit, 64, false))
        return refuse("visit");
    wire.visit = *visit;
    auto kind_text = text("kind");
    auto kind = kind_text ? usage_kind_from_wire(*kind_text) : std::nullopt;
    if (!kind)
        return refuse("kind");
    auto& event = wire.event;
    event.kind = *kind;
    auto at = integer("at", -1);
    if (!at || *at <= 0)
        return refuse("at");
    event.at = *at;
    auto language = text("language");
    if (!language || std::ranges::find(languages, *language) == languages.end())
        return refuse("language");
    event.language = *language;
    auto display = text("display");
    if (!display || std::ranges::find(displays, *display) == displays.end())
        return refuse("display");
    event.display = *display;
    auto demarche = text("demarche");
    if (!demarche || !is_token(*demarche, 64, true))
        return refuse("demarche");
    event.demarche = *demarche;
    auto step = text("step");
    if (!step || !is_token(*step, 128, true))
        return refuse("step");
    event.step = *step;
    auto position = integer("position", 0);
    if (!position || *position < 0 || *position > 10000)
        return refuse("position");
    event.position = static_cast<int>(*position);
    auto elapsed = integer("elapsed_s", -1);
    if (!elapsed || *elapsed < -1 || *elapsed > 7 * 24 * 3600)
        return refuse("elapsed_s");
    event.elapsed_s = *elapsed;
    auto detail = text("detail");
    if (!detail || !detail_allowed(event.kind, *detail))
        return refuse("detail");
    event.detail = *detail;
    return wire;
}

}
