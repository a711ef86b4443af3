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

    // The UTC calendar day of a Unix time.
    static Date civil_date(std::int64_t unix_seconds)
    {
        std::int64_t days = unix_seconds / 86400 - (unix_seconds % 86400 < 0 ? 1 : 0);
        return date_from_days(static_cast<long>(days));
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
