// A stand-in for the HelpLine port that records what the core asked of it
// (the real line, sync/help_channel, is tested against the real hub).
#pragma once

#include "kiosk/core/help.hpp"

#include <utility>
#include <vector>

namespace guichet {

class RecordingHelpLine final : public HelpLine {
public:
    bool reachable() const override { return up; }
    void request(HelpRequest const& request) override { requests.push_back(request); }
    void report(ScreenState const& screen) override { screens.push_back(screen); }
    void consent(ConsentAnswer answer, bool personal) override { consents.emplace_back(answer, personal); }
    void end() override { ++ends; }

    bool up { true };
    std::vector<HelpRequest> requests;
    std::vector<ScreenState> screens;
    std::vector<std::pair<ConsentAnswer, bool>> consents;
    int ends { 0 };
};

}
