// Scenario files: the action vocabulary written down, one action a line.
// Tests, the demo and (later) a remote mediator drive the kiosk with these
// actions. Format in docs/scenarios.md.
#pragma once

#include "kiosk/core/clock.hpp"
#include "kiosk/core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guichet::ui {

enum class ActionKind {
    Tap, // tap "Label" or tap #widget-id
    DoubleTap, // double-tap "Label": a second tap right after the first
    Type, // type "text", key by key on the on-screen keyboard
    Expect, // expect "text" [within 30s]: visible on the current screen, within 5 s or the duration
    ExpectNot, // expect-not "text": not visible
    ExpectScreen, // expect-screen review
    Wait, // wait 31s: advance the kiosk's clock
    Screenshot, // screenshot name: DIR/name.png
    Card, // card insert NAME, card remove, card unplug, card plug
    Printer, // printer out-of-paper|jam|offline|paper-low|ready|cancel (the simulator)
    Scan, // scan "LINE|LINE": a document scanner types the MRZ
    ExpectSound, // expect-sound success|failure: the last sound played
    ExpectSaid, // expect-said "text": in the last sentence the voice was asked to say
    ExpectNotSaid, // expect-not-said "text": not in it
    HoldCorner, // hold-corner 5s: a finger on the top left corner, for that long (the technician's entry)
};

struct Action {
    ActionKind kind;
    std::string argument;
    bool by_id { false }; // tap #id
    Millis duration { 0 }; // wait, hold-corner: how long; expect: within how long (0: the usual 5 s)
    int line { 0 };
    std::string detail; // card insert NAME: the NAME
};

// Parses a whole scenario; an error names the line and what is wrong.
Result<std::vector<Action>> parse_scenario(std::string_view text);

}
