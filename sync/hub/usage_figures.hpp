// What the hub makes of the kiosks' usage events (kiosk/core/usage.hpp):
// per site and démarche, the completion funnel, the median time, where
// residents give up, how often they ask for help, what they say of it, and
// how often the card reader and the printer fail them. The usage page
// (/usage) draws them; the open-data export (/open-data/usage.csv, .json)
// publishes them per day with small counts suppressed (docs/usage.md).
#pragma once

#include "hub_store.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace guichet::hub {

struct StepReach {
    std::string step; // the step's key, "review" for the review
    std::int64_t reached { 0 };
    std::int64_t abandoned { 0 }; // démarches given up on this step
};

struct DemarcheFigures {
    std::string site_id;
    std::string demarche; // empty: outside any démarche (help asked at home)
    std::int64_t started { 0 };
    std::int64_t completed { 0 };
    std::int64_t abandoned { 0 };
    std::map<std::string, std::int64_t> abandon_reasons; // gave_up, idle, back, stopped
    // Steps in the order residents meet them (their median position).
    std::vector<StepReach> funnel;
    std::optional<std::int64_t> median_seconds; // of the completed ones
    // Démarches (started ones) in which help was asked, and the help asked.
    std::int64_t helped_demarches { 0 };
    std::map<std::string, std::int64_t> help_asked; // remote, desk, agent
    std::map<std::string, std::int64_t> help_ended; // helped, cancelled, ...
    std::map<std::string, std::int64_t> ratings; // good, neutral, bad
    std::map<std::string, std::int64_t> reasons; // the reason's id
    std::int64_t card_reads { 0 };
    std::map<std::string, std::int64_t> card_failures; // by reason
    std::int64_t receipt_prints { 0 };
    std::int64_t receipt_failures { 0 };
    std::int64_t ticket_prints { 0 };
    std::int64_t ticket_failures { 0 };
    std::map<std::string, std::int64_t> languages; // of the démarches started
    std::map<std::string, std::int64_t> displays;

    std::int64_t events { 0 }; // every event counted in this row
};

// By site, then by démarche (the empty one last).
std::vector<DemarcheFigures> usage_figures(std::vector<UsageRecord> const& records);

// What people read instead of ids: démarches by their French title and
// steps by what they ask, from the latest published catalogue. An id it
// does not know (a démarche since withdrawn) is shown as it is.
struct UsageNames {
    std::map<std::string, std::string> demarches;
    std::map<std::pair<std::string, std::string>, std::string> steps; // (démarche, step key)

    std::string demarche(std::string const& id) const;
    std::string step(std::string const& demarche, std::string const& key) const;
};

// The names of the démarches and steps `figures` mention, from a published
// catalogue bundle (sync/catalogue_bundle.hpp); none from a document that
// does not load.
UsageNames usage_names(std::string_view catalogue_bundle, std::vector<DemarcheFigures> const& figures);

// The figures of the events the filter selects, with the sites and the
// latest catalogue to name them.
struct UsageReport {
    std::vector<DemarcheFigures> figures;
    std::vector<Site> sites;
    UsageNames names;
};
Result<UsageReport> usage_report(HubStore& store, UsageFilter const& filter);

// The Unix time of a day's start (midnight in the hub's time zone,
// local_text in hub.hpp) from "YYYY-MM-DD"; nothing for anything else.
std::optional<std::int64_t> day_start(std::string const& day);
// The start of the next day: 23 or 25 hours later on the days the clocks
// change.
std::optional<std::int64_t> day_end(std::string const& day);
// The hub's date now, and the date before `day` ("2026-03-01" → "2026-02-28");
// `day` must be a valid one (day_start).
std::string today(std::int64_t now);
std::string day_before(std::string const& day);

// [SECTION] Open data

// Counts under this are published as null: a cell that small could point
// at a person ("the one resident who used Arabic at this kiosk on Tuesday").
inline constexpr std::int64_t open_data_threshold = 5;
inline constexpr char const* open_data_licence = "Licence Ouverte / Open Licence 2.0";
inline constexpr char const* open_data_licence_url = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

// One day's figures (`day` as YYYY-MM-DD, the hub's time zone), site
// names beside ids.
nlohmann::json open_data_json(std::string const& day, UsageReport const& report);
std::string open_data_csv(std::string const& day, UsageReport const& report);

// The figures of one day that is over (`now` is past its end), as the open
// data publishes them: "request.invalid" for a day not over yet or not a day.
Result<UsageReport> open_data_report(HubStore& store, std::string const& day, std::int64_t now);

// Writes `folder`/guichet-usage-DAY.csv and .json for a day that is over,
// each atomically (a reader never sees half a file; 0644: open data).
// Returns the two paths. Written again, a day's files take in events that
// arrived late (a kiosk that was offline sends its events when it is back).
// "request.invalid" for a day not over yet, "io.write" when the folder
// cannot take them.
Result<std::vector<std::filesystem::path>> write_open_data(
    HubStore& store, std::filesystem::path const& folder, std::string const& day, std::int64_t now);

// [SECTION] The usage page

// The page at /usage: per site, per démarche, figures and SVG charts drawn
// here (no script, no library). `from` and `to` (YYYY-MM-DD) say which days.
std::string usage_page(UsageReport const& report, std::string const& from, std::string const& to);

}
