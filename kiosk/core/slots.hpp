// Appointment slots: when a service receives residents, and which times a
// résident can book.
//
// The central services will publish slots (sync issue). Until then a site
// describes its week in a small JSON file (kiosk/data/creneaux.json): for
// each service, the place, the times of each weekday, and how many weeks
// ahead residents may book. Concrete slots are worked out from it and
// today's date, so that the file never goes stale. This file does no I/O.
#pragma once

#include "field_values.hpp"
#include "result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guichet {

struct Slot {
    std::string id; // "cni-passeport-2026-11-24T09:30": stable, stored in the dossier
    Date day;
    int minutes { 0 }; // since midnight, local time
    std::string place;
};

class SlotSchedule {
public:
    // Error code "slots.malformed", with the JSON path and the reason.
    static Result<SlotSchedule> parse(std::string_view text);

    // Every slot of `service` from the day after `today`, for the weeks the
    // service allows, in time order. Today is left out: a resident booking
    // at the kiosk cannot be at the desk in an hour.
    std::vector<Slot> slots(std::string_view service, Date today) const;

private:
    struct Service {
        std::string id;
        std::string place;
        int weeks_ahead { 4 };
        std::vector<int> times[7]; // minutes since midnight, Monday first
    };
    std::vector<Service> m_services;
};

// 0 for Monday to 6 for Sunday.
int day_of_week(Date date);
Date add_days(Date date, int days);
// "mardi 24 novembre", for tiles and the review.
std::string display_day(Date date);
// "9 h 30", as French signs and speech say it.
std::string display_time(int minutes);

}
