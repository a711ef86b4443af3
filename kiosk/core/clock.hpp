// The clock port. Time is an input like any other: the session reads it
// through this interface so that tests and scenarios advance it by hand and
// never sleep.
#pragma once

#include "field_values.hpp"

#include <chrono>
#include <cstdint>

namespace guichet {

using Millis = std::chrono::milliseconds;

class Clock {
public:
    virtual ~Clock() = default;
    // Monotonic time, for timeouts. Never goes backwards.
    virtual Millis monotonic() const = 0;
    // Wall-clock time in seconds since the Unix epoch, for what is printed.
    virtual std::int64_t unix_seconds() const = 0;
    // The calendar day where the kiosk stands, for ages and dates a
    // resident types. The default reads the Unix time as UTC; the real clock
    // uses the local time zone, which the core does not read.
    virtual Date today() const { return civil_date(unix_seconds()); }

    // The UTC calendar day of a Unix time (Howard Hinnant's days_from_civil,
    // inverted).
    static Date civil_date(std::int64_t unix_seconds)
    {
        std::int64_t days = unix_seconds / 86400 - (unix_seconds % 86400 < 0 ? 1 : 0);
        days += 719468;
        std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
        auto day_of_era = static_cast<unsigned>(days - era * 146097);
        unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
        unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        unsigned mp = (5 * day_of_year + 2) / 153;
        unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
        unsigned month = mp < 10 ? mp + 3 : mp - 9;
        auto year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
        return Date { year, static_cast<int>(month), static_cast<int>(day) };
    }
};

// A clock that only moves when told to. Used by unit tests and by the
// headless scenario runner (`wait 31s`).
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t unix_start = 1767225600 /* 2026-01-01 */)
        : m_unix_start(unix_start)
    {
    }
    Millis monotonic() const override { return m_now; }
    std::int64_t unix_seconds() const override
    {
        return m_unix_start + std::chrono::duration_cast<std::chrono::seconds>(m_now).count();
    }
    void advance(Millis delta) { m_now += delta; }

private:
    Millis m_now { 0 };
    std::int64_t m_unix_start;
};

}
