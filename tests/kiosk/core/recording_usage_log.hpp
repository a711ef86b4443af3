// A stand-in for the UsageLog port that keeps what the session recorded
// (the real log, sync/usage_journal, is tested against SQLite and the hub).
#pragma once

#include "kiosk/core/usage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace guichet {

class RecordingUsageLog final : public UsageLog {
public:
    void record(UsageEvent const& event) override { events.push_back(event); }
    // "kind" or "kind:detail", in order, for short expectations.
    std::vector<std::string> kinds() const
    {
        std::vector<std::string> out;
        for (auto const& event : events)
            out.push_back(std::string(to_string(event.kind)) + (event.detail.empty() ? "" : ":" + event.detail));
        return out;
    }
    std::size_t count(UsageKind kind) const
    {
        return static_cast<std::size_t>(
            std::count_if(events.begin(), events.end(), [&](UsageEvent const& event) { return event.kind == kind; }));
    }
    UsageEvent const& last(UsageKind kind) const
    {
        auto found
            = std::find_if(events.rbegin(), events.rend(), [&](UsageEvent const& event) { return event.kind == kind; });
        EXPECT_NE(found, events.rend()) << to_string(kind);
        return *found;
    }
    std::vector<UsageEvent> events;
};

}
