#include "slots.hpp"
#include "kiosk/core/i18n.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace guichet {

namespace {

constexpr std::array<std::string_view, 7> weekdays { N_("lundi"), N_("mardi"), N_("mercredi"), N_("jeudi"),
    N_("vendredi"), N_("samedi"), N_("dimanche") };
constexpr std::array<std::string_view, 12> months { N_("janvier"), N_("février"), N_("mars"), N_("avril"), N_("mai"),
    N_("juin"), N_("juillet"), N_("août"), N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre") };

// "09:30" → 570; -1 if it is not a time of day.
int parse_time(std::string_view text)
{
    if (text.size() != 5 || text[2] != ':')
        return -1;
    for (std::size_t i : { 0u, 1u, 3u, 4u }) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
    }
    int hours = (text[0] - '0') * 10 + (text[1] - '0');
    int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59)
        return -1;
    return hours * 60 + minutes;
}

std::string two_digits(int value)
{
    return std::string(1, static_cast<char>('0' + value / 10)) + static_cast<char>('0' + value % 10);
}

}

int day_of_week(Date date)
{
    // 1970-01-01 was a Thursday (3, Monday being 0).
    long days = days_since_epoch(date);
    return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

Date add_days(Date date, int days)
{
    return date_from_days(days_since_epoch(date) + days);
}

std::string display_day(Date date)
{
    if (date.month < 1 || date.month > 12)
        return to_iso(date);
    auto day = date.day == 1 ? std::string(N_("1er")) : std::to_string(date.day);
    // A pattern, so that the screen finds it back and says it in the
    // resident's language ("Tuesday 24 November").
    return fill(N_("{weekday} {day} {month}"),
        { { "weekday", std::string(weekdays[static_cast<std::size_t>(day_of_week(date))]) }, { "day", day },
            { "month", std::string(months[static_cast<std::size_t>(date.month - 1)]) } });
}

std::string display_time(int minutes)
{
    auto hour = std::to_string(minutes / 60);
    if (minutes % 60 == 0)
        return fill(N_("{hour} h"), { { "hour", hour } });
    return fill(N_("{hour} h {minutes}"), { { "hour", hour }, { "minutes", two_digits(minutes % 60) } });
}

Result<SlotSchedule> SlotSchedule::parse(std::string_view text)
{
    auto fail = [](std::string const& where, std::string const& reason) {
        return Error::make("slots.malformed", where + ": " + reason);
    };
    nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded())
        return fail("$", "not valid JSON");
    if (!json.is_object() || !json.contains("services") || !json["services"].is_array())
        return fail("$", "an object with a list 'services' is expected");
    SlotSchedule schedule;
    auto const& services = json["services"];
    for (std::size_t i = 0; i < services.size(); ++i) {
        auto path = "$.services[" + std::to_string(i) + "]";
        auto const& item = services[i];
        if (!item.is_object())
            return fail(path, "must be an object");
        Service service;
        if (!item.contains("id") || !item["id"].is_string() || item["id"].get<std::string>().empty())
            return fail(path + ".id", "a service id is required");
        service.id = item["id"].get<std::string>();
        if (item.contains("place")) {
            if (!item["place"].is_string())
                return fail(path + ".place", "must be a text");
            service.place = item["place"].get<std::string>();
        }
        if (item.contains("weeks_ahead")) {
            if (!item["weeks_ahead"].is_number_integer() || item["weeks_ahead"].get<int>() < 1
                || item["weeks_ahead"].get<int>() > 12)
                return fail(path + ".weeks_ahead", "must be a whole number from 1 to 12");
            service.weeks_ahead = item["weeks_ahead"].get<int>();
        }
        if (!item.contains("week") || !item["week"].is_object())
            return fail(path + ".week", "an object of times by weekday is required");
        for (auto const& day : item["week"].items()) {
            auto found = std::find(weekdays.begin(), weekdays.end(), day.key());
            if (found == weekdays.end())
                return fail(path + ".week." + day.key(), "not a weekday (lundi … dimanche)");
            if (!day.value().is_array())
                return fail(path + ".week." + day.key(), "must be a list of times like \"09:30\"");
            auto& times = service.times[found - weekdays.begin()];
            for (auto const& time : day.value()) {
                int minutes = time.is_string() ? parse_time(time.get<std::string>()) : -1;
                if (minutes < 0)
                    return fail(path + ".week." + day.key(), "times are written HH:MM, like \"09:30\"");
                times.push_back(minutes);
            }
            std::sort(times.begin(), times.end());
            times.erase(std::unique(times.begin(), times.end()), times.end());
        }
        schedule.m_services.push_back(std::move(service));
    }
    return schedule;
}

std::vector<Slot> SlotSchedule::slots(std::string_view service_id, Date today) const
{
    std::vector<Slot> slots;
    for (auto const& service : m_services) {
        if (service.id != service_id)
            continue;
        for (int offset = 1; offset <= service.weeks_ahead * 7; ++offset) {
            auto day = add_days(today, offset);
            for (int minutes : service.times[day_of_week(day)]) {
                auto id
                    = service.id + "-" + to_iso(day) + "T" + two_digits(minutes / 60) + ":" + two_digits(minutes % 60);
                slots.push_back(Slot { std::move(id), day, minutes, service.place });
            }
        }
    }
    return slots;
}

}
