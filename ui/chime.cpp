#include "ui/chime.hpp"

#include "kiosk/core/log.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace guichet::ui {

namespace {

constexpr int rate = 22050;

// A note with a soft start and end, so that it does not click.
void note(std::vector<float>& out, float frequency, float seconds, float volume)
{
    int samples = int(seconds * rate);
    int fade = rate / 100;
    for (int i = 0; i < samples; ++i) {
        float envelope = std::min({ 1.0f, float(i) / fade, float(samples - i) / fade });
        out.push_back(volume * envelope * std::sin(2.0f * float(M_PI) * frequency * float(i) / rate));
    }
}

}

std::string_view to_string(ChimeKind kind)
{
    return kind == ChimeKind::Success ? "success" : "failure";
}

Chime::~Chime()
{
    if (m_device)
        SDL_CloseAudioDevice(m_device);
}

bool Chime::open()
{
    if (m_device)
        return true;
    if (m_failed)
        return false;
    if (!(SDL_WasInit(SDL_INIT_AUDIO) & SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        m_failed = true;
        log(LogLevel::Warning, "ui", std::string("no sound: ") + SDL_GetError());
        return false;
    }
    SDL_AudioSpec wanted {};
    wanted.freq = rate;
    wanted.format = AUDIO_F32SYS;
    wanted.channels = 1;
    wanted.samples = 1024;
    m_device = SDL_OpenAudioDevice(nullptr, 0, &wanted, nullptr, 0);
    if (!m_device) {
        m_failed = true;
        log(LogLevel::Warning, "ui", std::string("no sound: ") + SDL_GetError());
        return false;
    }
    SDL_PauseAudioDevice(m_device, 0);
    return true;
}

void Chime::play(ChimeKind kind)
{
    if (!open())
        return;
    std::vector<float> samples;
    if (kind == ChimeKind::Success) {
        note(samples, 660, 0.15f, 0.4f); // E5
        note(samples, 988, 0.3f, 0.4f); // B5
    } else {
        note(samples, 330, 0.25f, 0.45f); // E4
        note(samples, 247, 0.45f, 0.45f); // B3
    }
    SDL_ClearQueuedAudio(m_device);
    SDL_QueueAudio(m_device, samples.data(), static_cast<Uint32>(samples.size() * sizeof(float)));
}

}
