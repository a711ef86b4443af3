// Speech to the loudspeaker through SDL's audio queue.
#include "sdl_audio_sink.hpp"

#include "kiosk/core/log.hpp"

#include <SDL.h>

#include <algorithm>
#include <string>

namespace guichet::speech {

namespace {

// Samples per device buffer: at 22050 Hz, 46 ms. SDL_ClearQueuedAudio cannot
// take back the buffer the device is playing, so this bounds how late a cut
// is heard; smaller buffers risk underruns on a busy kiosk.
constexpr Uint16 device_buffer = 1024;

}

SdlAudioSink::SdlAudioSink(int sample_rate)
{
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        m_warned = true;
        log(LogLevel::Warning, "speech",
            std::string("no audio (SDL: ") + SDL_GetError() + "): the kiosk works without its voice");
        return;
    }
    m_audio_started = true;
    open(sample_rate);
}

SdlAudioSink::~SdlAudioSink()
{
    close();
    if (m_audio_started)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

bool SdlAudioSink::open(int sample_rate)
{
    close();
    if (!m_audio_started)
        return false;
    SDL_AudioSpec wanted {};
    wanted.freq = sample_rate;
    wanted.format = AUDIO_S16SYS;
    wanted.channels = 1;
    wanted.samples = device_buffer;
    // No callback: the device plays what SDL_QueueAudio gives it. No allowed
    // changes either: SDL converts to whatever the hardware wants.
    wanted.callback = nullptr;
    SDL_AudioSpec obtained {};
    m_device = SDL_OpenAudioDevice(nullptr, 0, &wanted, &obtained, 0);
    if (m_device == 0) {
        if (!m_warned)
            log(LogLevel::Warning, "speech",
                std::string("no audio device (SDL: ") + SDL_GetError() + "): the kiosk works without its voice");
        m_warned = true;
        return false;
    }
    m_sample_rate = sample_rate;
    SDL_PauseAudioDevice(m_device, 0);
    return true;
}

void SdlAudioSink::close()
{
    if (m_device != 0)
        SDL_CloseAudioDevice(m_device);
    m_device = 0;
    m_sample_rate = 0;
}

void SdlAudioSink::begin(int sample_rate, std::string_view)
{
    cut();
    // espeak-ng's rate never changes in practice; reopening covers a sink
    // built with a rate that turns out wrong. A kiosk without a device does
    // not try again at every sentence.
    if (m_device != 0 && sample_rate != m_sample_rate)
        open(sample_rate);
}

void SdlAudioSink::write(std::span<std::int16_t const> samples)
{
    if (m_device == 0)
        return;
    m_utterance.insert(m_utterance.end(), samples.begin(), samples.end());
    queue(samples);
}

void SdlAudioSink::end()
{
    // The queue plays to its end on SDL's own thread; the utterance is kept
    // for a volume change while it does.
}

void SdlAudioSink::cut()
{
    m_utterance.clear();
    if (m_device != 0)
        SDL_ClearQueuedAudio(m_device);
}

void SdlAudioSink::set_volume(int percent)
{
    percent = std::clamp(percent, 0, 100);
    if (percent == m_volume)
        return;
    m_volume = percent;
    if (m_device == 0 || m_utterance.empty())
        return;
    // What is queued is the tail of the current utterance (begin() and cut()
    // empty the queue): queue that tail again at the new volume. The device
    // lock keeps SDL's audio thread from playing a buffer in between.
    SDL_LockAudioDevice(m_device);
    std::size_t const queued = std::min<std::size_t>(SDL_GetQueuedAudioSize(m_device) / 2, m_utterance.size());
    SDL_ClearQueuedAudio(m_device);
    queue(std::span<std::int16_t const>(m_utterance).last(queued));
    SDL_UnlockAudioDevice(m_device);
}

std::size_t SdlAudioSink::queued_samples() const
{
    return m_device == 0 ? 0 : SDL_GetQueuedAudioSize(m_device) / 2;
}

void SdlAudioSink::queue(std::span<std::int16_t const> samples)
{
    if (samples.empty())
        return;
    apply_volume(samples, m_volume, m_scaled);
    if (SDL_QueueAudio(m_device, m_scaled.data(), static_cast<Uint32>(m_scaled.size() * 2)) != 0 && !m_warned) {
        m_warned = true;
        log(LogLevel::Warning, "speech", std::string("cannot play (SDL: ") + SDL_GetError() + ")");
    }
}

}
