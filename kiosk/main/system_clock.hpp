// The real clock, for the kiosk in service.
#pragma once

#include "kiosk/core/clock.hpp"

#include <chrono>
#include <ctime>

namespace guichet {

class SystemClock final : public Clock {
public:
    Millis monotonic() const override
    {
        return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
    }
    std::int64_t unix_seconds() const override
    {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    Date today() const override
    {
        std::time_t now = static_cast<std::time_t>(unix_seconds());
        std::tm local {};
        localtime_r(&now, &local);
        return Date { local.tm_year + 1900, local.tm_mon + 1, local.tm_mday };
    }
};

}
