// The kiosk's loudspeaker: speech played through SDL's audio subsystem
// (`--speech sdl`). SDL is already how the kiosk reaches its screen, and its
// audio works over PulseAudio, PipeWire or bare ALSA alike.
#pragma once

#include "speech_sink.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace guichet::speech {

// Queues samples on an SDL audio device (SDL_QueueAudio) that plays them as
// they come; cut() empties the queue (SDL_ClearQueuedAudio), so speech stops
// within one device buffer (about 50 ms).
//
// The sink keeps the current utterance at full scale, so that a volume
// change mid-sentence scales what is still queued too: the resident who
// turns the sound down does not have to hear the end of the sentence loud.
//
// A kiosk without sound (no device, SDL_AUDIODRIVER naming a driver that
// is not there, a headless CI) logs one warning and drops the samples: the
// kiosk works without its voice. Construct and destroy it on the thread
// that initialises SDL (the main thread); the other calls may come from
// the speech worker.
class SdlAudioSink final : public SpeechSink {
public:
    // espeak-ng always synthesises at 22050 Hz; the device is opened at that
    // rate up front so that a missing device shows in the log at start-up.
    explicit SdlAudioSink(int sample_rate = 22050);
    ~SdlAudioSink() override;
    SdlAudioSink(SdlAudioSink const&) = delete;
    SdlAudioSink& operator=(SdlAudioSink const&) = delete;

    void begin(int sample_rate, std::string_view language) override;
    void write(std::span<std::int16_t const> samples) override;
    void end() override;
    void cut() override;
    void set_volume(int percent) override;

    // Whether there is a device to play on.
    bool has_device() const { return m_device != 0; }
    // Samples queued on the device and not yet played, for tests and
    // diagnostics.
    std::size_t queued_samples() const;

private:
    bool open(int sample_rate);
    void close();
    void queue(std::span<std::int16_t const> samples);

    bool m_audio_started { false };
    // An SDL_AudioDeviceID, 0 for none; SDL stays out of this header.
    std::uint32_t m_device { 0 };
    int m_sample_rate { 0 };
    int m_volume { 100 };
    bool m_warned { false };
    std::vector<std::int16_t> m_utterance;
    std::vector<std::int16_t> m_scaled;
};

}
