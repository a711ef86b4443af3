// The real clock, for the kiosk in service.
#pragma once

#include "kiosk/core/clock.hpp"

#include <chrono>

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
};

}
