// The card read's end, as a sound: a rising pair of notes when it worked,
// a low falling one when it did not. A resident who looks away from the
// screen while holding the card still knows when to take it back.
#pragma once

#include <SDL.h>

#include <string_view>

namespace guichet::ui {

enum class ChimeKind {
    Success,
    Failure,
};

std::string_view to_string(ChimeKind kind);

class Chime {
public:
    Chime() = default;
    ~Chime();
    Chime(Chime const&) = delete;
    Chime& operator=(Chime const&) = delete;

    // Queues the sound and returns at once. Without an audio device (a
    // kiosk with no speaker, a test) it does nothing, once logged.
    void play(ChimeKind kind);

private:
    bool open();

    SDL_AudioDeviceID m_device { 0 };
    bool m_failed { false };
};

}
