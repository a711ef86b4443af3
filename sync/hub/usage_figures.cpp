#include "usage_figures.hpp"

#include "hub.hpp"

#include "kiosk/core/runner.hpp"
#include "kiosk/core/usage.hpp"
#include "sync/catalogue_bundle.hpp"
#include "sync/private_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

namespace guichet::hub {

namespace {

using Json = nlohmann::json;
using Key = std::pair<std::string, std::string>; // site, démarche

std::int64_t count_of(std::map<std::string, std::int64_t> const& counts, std::string const& key)
{
    auto found = counts.find(key);
    return found == counts.end() ? 0 : found->second;
}

std::int64_t total_of(std::map<std::string, std::int64_t> const& counts)
{
    std::int64_t total = 0;
    for (auto const& [key, count] : counts)
        total += count;
    return total;
}

std::string site_name(std::vector<Site> const& sites, std::string const& id)
{
    for (auto const& site : sites)
        if (site.id == id)
            return site.name;
    return id;
}

// A published count: null under the threshold.
Json published(std::int64_t count)
{
    return count < open_data_threshold ? Json(nullptr) : Json(count);
}

std::string csv_field(std::string const& text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string percent(std::int64_t part, std::int64_t whole)
{
    if (whole <= 0)
        return "–";
    char text[16];
    std::snprintf(text, sizeof text, "%.0f %%", 100.0 * double(part) / double(whole));
    return text;
}

std::string duration(std::optional<std::int64_t> seconds)
{
    if (!seconds)
        return "–";
    char text[32];
    std::snprintf(text, sizeof text, "%lld min %02lld s", static_cast<long long>(*seconds / 60),
        static_cast<long long>(*seconds % 60));
    return text;
}

}

std::vector<DemarcheFigures> usage_figures(std::vector<UsageRecord> const& records)
{
    struct Work {
        DemarcheFigures figures;
        std::map<std::string, StepReach> steps;
        std::map<std::string, std::vector<int>> positions;
        std::vector<std::int64_t> durations;
        std::set<std::string> started_visits;
        std::set<std::string> helped_visits;
    };
    std::map<Key, Work> rows;
    for (auto const& record : records) {
        auto const& event = record.event;
        auto& work = rows[Key { record.site_id, event.demarche }];
        auto& f = work.figures;
        f.site_id = record.site_id;
        f.demarche = event.demarche;
        ++f.events;
        auto visit = record.kiosk_id + "/" + record.visit;
        auto reach = [&](std::string const& step) -> StepReach& {
            auto& entry = work.steps[step];
            entry.step = step;
            work.positions[step].push_back(event.position);
            return entry;
        };
        switch (event.kind) {
        case UsageKind::Started:
            ++f.started;
            ++f.languages[event.language];
            ++f.displays[event.display];
            work.started_visits.insert(visit);
            break;
        case UsageKind::Step:
        case UsageKind::Review:
            ++reach(event.step).reached;
            break;
        case UsageKind::Completed:
            ++f.completed;
            if (event.elapsed_s >= 0)
                work.durations.push_back(event.elapsed_s);
            break;
        case UsageKind::Abandoned:
            ++f.abandoned;
            ++f.abandon_reasons[event.detail];
            if (!event.step.empty())
                ++reach(event.step).abandoned;
            break;
        case UsageKind::HelpAsked:
            ++f.help_asked[event.detail];
            work.helped_visits.insert(visit);
            break;
        case UsageKind::HelpEnded:
            ++f.help_ended[event.detail];
            break;
        case UsageKind::CardRead:
            ++f.card_reads;
            if (event.detail != "ok")
                ++f.card_failures[event.detail];
            break;
        case UsageKind::ReceiptPrint:
            ++f.receipt_prints;
            if (event.detail != "printed")
                ++f.receipt_failures;
            break;
        case UsageKind::TicketPrint:
            ++f.ticket_prints;
            if (event.detail != "printed")
                ++f.ticket_failures;
            break;
        case UsageKind::Satisfaction:
            ++f.ratings[event.detail];
            break;
        case UsageKind::SatisfactionReason:
            ++f.reasons[event.detail];
            break;
        }
    }

    std::vector<DemarcheFigures> out;
    for (auto& [key, work] : rows) {
        auto& f = work.figures;
        for (auto const& visit : work.helped_visits)
            f.helped_demarches += work.started_visits.count(visit);
        if (!work.durations.empty()) {
            auto middle = work.durations.begin() + work.durations.size() / 2;
            std::nth_element(work.durations.begin(), middle, work.durations.end());
            f.median_seconds = *middle;
        }
        auto median_position = [&](std::string const& step) {
            auto positions = work.positions[step];
            std::sort(positions.begin(), positions.end());
            return positions.empty() ? 0 : positions[positions.size() / 2];
        };
        for (auto& [step, reach] : work.steps)
            f.funnel.push_back(reach);
        std::stable_sort(f.funnel.begin(), f.funnel.end(), [&](StepReach const& a, StepReach const& b) {
            // The review after every step, whatever its position says.
            if ((a.step == "review") != (b.step == "review"))
                return b.step == "review";
            auto pa = median_position(a.step), pb = median_position(b.step);
            return pa != pb ? pa < pb : a.reached > b.reached;
        });
        out.push_back(std::move(f));
    }
    // The rows outside a démarche after each site's démarches.
    std::stable_sort(out.begin(), out.end(), [](DemarcheFigures const& a, DemarcheFigures const& b) {
        if (a.site_id != b.site_id)
            return a.site_id < b.site_id;
        return !a.demarche.empty() && b.demarche.empty();
    });
    return out;
}

std::string UsageNames::demarche(std::string const& id) const
{
    auto found = demarches.find(id);
    return found == demarches.end() ? id : found->second;
}

std::string UsageNames::step(std::string const& demarche, std::string const& key) const
{
    auto found = steps.find({ demarche, key });
    return found == steps.end() ? key : found->second;
}

UsageNames usage_names(std::string_view catalogue_bundle, std::vector<DemarcheFigures> const& figures)
{
    UsageNames names;
    auto files = bundle::files_of(catalogue_bundle);
    if (!files.ok())
        return names;
    auto catalogue = bundle::load(files.value());
    for (auto const& f : figures) {
        auto demarche = std::find_if(catalogue.demarches.begin(), catalogue.demarches.end(),
            [&](Demarche const& known) { return known.id == f.demarche; });
        if (demarche == catalogue.demarches.end())
            continue;
        names.demarches[f.demarche] = demarche->title.fr();
        std::map<std::string, int> uses;
        for (auto const& step : f.funnel)
            ++uses[names.steps[{ f.demarche, step.step }] = describe_step(*demarche, step.step)];
        // Two steps with one label (the detail of each kind of problem,
        // alternatives of one another) are told apart by their keys.
        for (auto const& step : f.funnel) {
            auto& name = names.steps[{ f.demarche, step.step }];
            if (uses[name] > 1)
                name += " (" + step.step + ")";
        }
    }
    return names;
}

Result<UsageReport> usage_report(HubStore& store, UsageFilter const& filter)
{
    auto records = GUICHET_TRY(store.usage_events(filter));
    UsageReport report { usage_figures(records), GUICHET_TRY(store.sites()), {} };
    // Names are a nicety: without a catalogue the ids are shown.
    if (auto latest = store.latest_catalogue(); latest.ok() && latest.value())
        report.names = usage_names(latest.value()->document, report.figures);
    return report;
}

namespace {

// Midnight starting `day` + `later` days, local time.
std::optional<std::int64_t> local_midnight(std::string const& day, int later)
{
    int year = 0, month = 0, mday = 0;
    char end = 0;
    if (day.size() != 10 || std::sscanf(day.c_str(), "%4d-%2d-%2d%c", &year, &month, &mday, &end) != 3)
        return std::nullopt;
    if (year < 2000 || year > 9999 || month < 1 || month > 12 || mday < 1 || mday > 31)
        return std::nullopt;
    std::tm tm {};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = mday;
    std::tm checked = tm;
    checked.tm_isdst = -1;
    // 31 February would roll over into March.
    if (mktime(&checked) == -1 || checked.tm_mday != mday || checked.tm_mon != month - 1)
        return std::nullopt;
    tm.tm_mday += later;
    tm.tm_isdst = -1; // whether summer time applies, mktime knows
    auto seconds = mktime(&tm);
    if (seconds == -1)
        return std::nullopt;
    return static_cast<std::int64_t>(seconds);
}

}

std::optional<std::int64_t> day_start(std::string const& day)
{
    return local_midnight(day, 0);
}

std::optional<std::int64_t> day_end(std::string const& day)
{
    return local_midnight(day, 1);
}

std::string today(std::int64_t now)
{
    return local_text(now, "%Y-%m-%d");
}

std::string day_before(std::string const& day)
{
    // An hour before its midnight is the day before, whatever the clocks do.
    return local_text(local_midnight(day, 0).value_or(0) - 3600, "%Y-%m-%d");
}

// [SECTION] Open data

namespace {

struct Column {
    char const* name;
    Json (*value)(DemarcheFigures const&);
};

// The published columns, in order; docs/usage.md describes each.
constexpr Column columns[] = {
    { "started", [](DemarcheFigures const& f) { return published(f.started); } },
    { "completed", [](DemarcheFigures const& f) { return published(f.completed); } },
    { "abandoned", [](DemarcheFigures const& f) { return published(f.abandoned); } },
    { "median_seconds",
        [](DemarcheFigures const& f) {
            return f.completed < open_data_threshold || !f.median_seconds ? Json(nullptr) : Json(*f.median_seconds);
        } },
    { "help_asked", [](DemarcheFigures const& f) { return published(total_of(f.help_asked)); } },
    { "satisfaction_good", [](DemarcheFigures const& f) { return published(count_of(f.ratings, "good")); } },
    { "satisfaction_neutral", [](DemarcheFigures const& f) { return published(count_of(f.ratings, "neutral")); } },
    { "satisfaction_bad", [](DemarcheFigures const& f) { return published(count_of(f.ratings, "bad")); } },
    { "card_reads", [](DemarcheFigures const& f) { return published(f.card_reads); } },
    { "card_failures", [](DemarcheFigures const& f) { return published(total_of(f.card_failures)); } },
    { "receipt_prints", [](DemarcheFigures const& f) { return published(f.receipt_prints); } },
    { "receipt_failures", [](DemarcheFigures const& f) { return published(f.receipt_failures); } },
};

// Rows of fewer events than the threshold are not published at all: even
// their existence says that someone came.
bool publishable(DemarcheFigures const& f)
{
    return f.events >= open_data_threshold;
}

}

Json open_data_json(std::string const& day, UsageReport const& report)
{
    Json rows = Json::array();
    for (auto const& f : report.figures) {
        if (!publishable(f))
            continue;
        Json row {
            { "day", day },
            { "site_id", f.site_id },
            { "site_name", site_name(report.sites, f.site_id) },
            { "demarche", f.demarche },
            { "demarche_title", f.demarche.empty() ? std::string() : report.names.demarche(f.demarche) },
        };
        for (auto const& column : columns)
            row[column.name] = column.value(f);
        Json funnel = Json::array();
        for (auto const& step : f.funnel)
            funnel.push_back(Json { { "step", step.step }, { "step_title", report.names.step(f.demarche, step.step) },
                { "reached", published(step.reached) }, { "abandoned", published(step.abandoned) } });
        row["funnel"] = funnel;
        rows.push_back(row);
    }
    return Json {
        { "dataset", "guichet-usage" },
        { "day", day },
        { "time_zone", time_zone_name() },
        { "licence", open_data_licence },
        { "licence_url", open_data_licence_url },
        { "suppressed_under", open_data_threshold },
        { "schema", "https://guichet.example/docs/usage.md#open-data" },
        { "rows", rows },
    };
}

std::string open_data_csv(std::string const& day, UsageReport const& report)
{
    std::ostringstream out;
    out << "day,site_id,site_name,demarche,demarche_title";
    for (auto const& column : columns)
        out << ',' << column.name;
    out << ",licence\r\n";
    for (auto const& f : report.figures) {
        if (!publishable(f))
            continue;
        out << day << ',' << csv_field(f.site_id) << ',' << csv_field(site_name(report.sites, f.site_id)) << ','
            << csv_field(f.demarche) << ','
            << csv_field(f.demarche.empty() ? std::string() : report.names.demarche(f.demarche));
        for (auto const& column : columns) {
            auto value = column.value(f);
            out << ',';
            if (!value.is_null())
                out << value.dump();
        }
        out << ',' << csv_field(open_data_licence) << "\r\n";
    }
    return out.str();
}

Result<UsageReport> open_data_report(HubStore& store, std::string const& day, std::int64_t now)
{
    auto start = day_start(day), end = day_end(day);
    if (!start || !end || *end > now)
        return Error::make("request.invalid", "day is a past day: YYYY-MM-DD");
    return usage_report(store, UsageFilter { std::nullopt, *start, *end });
}

Result<std::vector<std::filesystem::path>> write_open_data(
    HubStore& store, std::filesystem::path const& folder, std::string const& day, std::int64_t now)
{
    auto report = GUICHET_TRY(open_data_report(store, day, now));
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error)
        return Error::make("io.write", "cannot create " + folder.string() + ": " + error.message());
    auto base = folder / ("guichet-usage-" + day);
    std::vector<std::filesystem::path> written { base.string() + ".csv", base.string() + ".json" };
    GUICHET_TRY(write_file_atomically(written[0], open_data_csv(day, report), 0644));
    GUICHET_TRY(write_file_atomically(written[1], open_data_json(day, report).dump(2) + "\n", 0644));
    return written;
}

// [SECTION] The usage page

namespace {

// A horizontal bar chart: one bar a line, its label on the left, its
// value on the right; `of` is 100 %.
std::string bars_svg(std::vector<std::pair<std::string, std::int64_t>> const& bars, std::int64_t of,
    std::vector<std::int64_t> const& marks = {})
{
    constexpr int line = 30, label = 330, width = 360;
    std::ostringstream svg;
    auto height = static_cast<int>(bars.size()) * line + 4;
    svg << "<svg class=\"bars\" role=\"img\" width=\"" << label + width + 170 << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << label + width + 170 << ' ' << height << "\">";
    for (std::size_t i = 0; i < bars.size(); ++i) {
        auto const& [name, value] = bars[i];
        int y = static_cast<int>(i) * line;
        double share = of > 0 ? std::clamp(double(value) / double(of), 0.0, 1.0) : 0.0;
        svg << "<text x=\"" << label - 8 << "\" y=\"" << y + 20 << "\" text-anchor=\"end\">" << html_escape(name)
            << "</text>";
        svg << "<rect x=\"" << label << "\" y=\"" << y + 4 << "\" width=\"" << width << "\" height=\"22\" "
            << "class=\"track\"/>";
        svg << "<rect x=\"" << label << "\" y=\"" << y + 4 << "\" width=\"" << std::lround(share * width)
            << "\" height=\"22\" class=\"bar\"><title>" << html_escape(name) << ": " << value << "</title></rect>";
        svg << "<text x=\"" << label + width + 8 << "\" y=\"" << y + 20 << "\">" << value << " (" << percent(value, of)
            << ")";
        if (i < marks.size() && marks[i] > 0)
            svg << " <tspan class=\"lost\">−" << marks[i] << "</tspan>";
        svg << "</text>";
    }
    svg << "</svg>";
    return svg.str();
}

// The closed lists' values as the page says them.
std::string said(std::string const& value, std::initializer_list<std::pair<char const*, char const*>> words)
{
    for (auto const& [id, text] : words)
        if (value == id)
            return text;
    return value;
}

std::string help_label(std::string const& how)
{
    return said(how,
        { { "remote", "conseiller à distance" }, { "desk", "ticket pour l'accueil" },
            { "agent", "agent venu à la borne" } });
}

std::string help_end_label(std::string const& how)
{
    return said(how,
        { { "helped", "aidée" }, { "cancelled", "a annulé l'appel" }, { "unanswered", "personne n'a répondu" },
            { "unavailable", "service injoignable" }, { "session_ended", "partie pendant l'aide" } });
}

std::string abandon_label(std::string const& why)
{
    return said(why,
        { { "gave_up", "a choisi d'arrêter" }, { "idle", "partie sans finir (inactivité)" },
            { "back", "revenue à l'accueil" }, { "stopped", "borne arrêtée pendant la démarche" } });
}

// The reason's tile text on the kiosk, in French.
std::string reason_label(std::string const& id)
{
    for (auto rating : { Rating::Good, Rating::Neutral, Rating::Bad })
        for (auto const& reason : rating_reasons(rating))
            if (reason.id == id)
                return reason.text;
    return id;
}

template<typename Label>
std::vector<std::pair<std::string, std::int64_t>> labelled(
    std::map<std::string, std::int64_t> const& counts, Label label, std::string const& prefix = {})
{
    std::vector<std::pair<std::string, std::int64_t>> bars;
    for (auto const& [id, count] : counts)
        bars.emplace_back(prefix + label(id), count);
    return bars;
}

// Good, neutral, bad as one stacked bar.
std::string rating_svg(DemarcheFigures const& f)
{
    auto total = total_of(f.ratings);
    std::ostringstream svg;
    svg << "<svg class=\"rating\" role=\"img\" width=\"580\" height=\"34\" viewBox=\"0 0 580 34\">";
    if (total == 0) {
        svg << "<text x=\"0\" y=\"22\">aucune réponse</text></svg>";
        return svg.str();
    }
    double x = 0;
    for (auto const& [name, css, label] : { std::tuple { "good", "good", "bien" },
             std::tuple { "neutral", "neutral", "moyen" }, std::tuple { "bad", "bad", "mal" } }) {
        auto count = count_of(f.ratings, name);
        double width = 580.0 * double(count) / double(total);
        if (count > 0) {
            svg << "<rect x=\"" << std::lround(x) << "\" y=\"2\" width=\"" << std::lround(width)
                << "\" height=\"30\" class=\"" << css << "\"><title>" << label << ": " << count << "</title></rect>";
            if (width > 70)
                svg << "<text x=\"" << std::lround(x + 8) << "\" y=\"23\" class=\"on\">" << label << " " << count
                    << "</text>";
        }
        x += width;
    }
    svg << "</svg>";
    return svg.str();
}

}

std::string usage_page(UsageReport const& report, std::string const& from, std::string const& to)
{
    auto const& figures = report.figures;
    auto const& sites = report.sites;
    std::ostringstream html;
    html << R"(<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Guichet — usage</title><style>
body{font-family:"DejaVu Sans",sans-serif;margin:2em;color:#161616;max-width:1100px}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:3px solid #000091;color:#000091}
section{border:1px solid #ddd;border-radius:8px;padding:1em 1.5em;margin:1em 0}
dl{display:grid;grid-template-columns:repeat(4,1fr);gap:.5em 2em}dt{color:#555;font-size:.85em}dd{margin:0;font-size:1.3em;font-weight:bold}
svg text{font-size:14px;fill:#161616}.track{fill:#e3e3fd}.bar{fill:#000091}.lost{fill:#ce0500;font-weight:bold}
.good{fill:#18753c}.neutral{fill:#b34000}.bad{fill:#ce0500}.on{fill:#fff;font-weight:bold}
form{margin:1em 0}small{color:#555}
</style></head><body><h1>Usage des bornes</h1>)";
    html << "<form>Du <input type=\"date\" name=\"from\" value=\"" << html_escape(from)
         << "\"> au <input type=\"date\" name=\"to\" value=\"" << html_escape(to)
         << "\"> <button>Afficher</button></form>";
    html << "<p><small>Chiffres anonymes envoyés par les bornes : aucune identité, aucune réponse, aucun code de "
            "suivi. Données ouvertes par jour : <a href=\"/open-data/usage.csv\">CSV</a>, "
            "<a href=\"/open-data/usage.json\">JSON</a> (Licence Ouverte 2.0, cellules de moins de "
         << open_data_threshold << " masquées).</small></p>";
    if (figures.empty())
        html << "<p>Aucun événement sur cette période.</p>";
    std::string site;
    for (auto const& f : figures) {
        if (f.site_id != site) {
            site = f.site_id;
            html << "<h2>" << html_escape(site_name(sites, site)) << " <small>(" << html_escape(site)
                 << ")</small></h2>";
        }
        html << "<section><h3>";
        if (f.demarche.empty())
            html << "Hors démarche";
        else
            html << html_escape(report.names.demarche(f.demarche)) << " <small>(" << html_escape(f.demarche)
                 << ")</small>";
        html << "</h3>";
        if (!f.demarche.empty()) {
            html << "<dl><dt>commencées</dt><dt>terminées</dt><dt>durée médiane</dt><dt>aide demandée</dt>"
                 << "<dd>" << f.started << "</dd><dd>" << f.completed << " (" << percent(f.completed, f.started)
                 << ")</dd><dd>" << duration(f.median_seconds) << "</dd><dd>" << f.helped_demarches << " ("
                 << percent(f.helped_demarches, f.started) << ")</dd>"
                 << "<dt>abandons</dt><dt>lecteur de carte en échec</dt><dt>reçus non imprimés</dt><dt>tickets non "
                    "imprimés</dt>"
                 << "<dd>" << f.abandoned << "</dd><dd>" << total_of(f.card_failures) << " / " << f.card_reads << " ("
                 << percent(total_of(f.card_failures), f.card_reads) << ")</dd><dd>" << f.receipt_failures << " / "
                 << f.receipt_prints << " (" << percent(f.receipt_failures, f.receipt_prints) << ")</dd><dd>"
                 << f.ticket_failures << " / " << f.ticket_prints << "</dd></dl>";
            std::vector<std::pair<std::string, std::int64_t>> bars { { "commencée", f.started } };
            std::vector<std::int64_t> lost { 0 };
            for (auto const& step : f.funnel) {
                bars.emplace_back(report.names.step(f.demarche, step.step), step.reached);
                lost.push_back(step.abandoned);
            }
            bars.emplace_back("terminée", f.completed);
            html << "<h4>Parcours, étape par étape <small>(en rouge : abandons sur l'étape)</small></h4>"
                 << bars_svg(bars, f.started, lost);
            if (!f.abandon_reasons.empty())
                html << "<h4>Comment les abandons se sont passés</h4>"
                     << bars_svg(labelled(f.abandon_reasons, abandon_label), f.abandoned);
            html << "<h4>Satisfaction</h4>" << rating_svg(f);
            if (!f.reasons.empty()) {
                html << "<h4>Pourquoi</h4>" << bars_svg(labelled(f.reasons, reason_label), total_of(f.ratings));
            }
        } else {
            html << "<p>Aide demandée hors démarche : " << total_of(f.help_asked) << "</p>";
        }
        if (!f.help_asked.empty()) {
            auto help = labelled(f.help_asked, help_label);
            for (auto& ended : labelled(f.help_ended, help_end_label, "à distance : "))
                help.push_back(std::move(ended));
            html << "<h4>Aide</h4>" << bars_svg(help, total_of(f.help_asked));
        }
        html << "</section>";
    }
    html << "</body></html>";
    return html.str();
}

}
