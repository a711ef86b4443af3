// The core's Speech port, spoken by espeak-ng; and render_wav, which speaks
// one sentence into a WAV file for the accessibility tests.
//
// espeak-ng keeps all its state in globals and is not thread-safe, so the
// process has one espeak-ng, behind one lock, initialised once and shared
// by every EspeakSpeech and by render_wav. Initialising and switching
// voices cost a few milliseconds each (more from a cold disk), so they are
// done once and when the language changes; a sentence then takes 2 to 8 ms,
// some 400 to 900 times faster than it is spoken.
//
// Voices, one per kiosk language: French (France), English (Great Britain),
// Spanish (Spain), Arabic, Portuguese (Portugal), Turkish. Any other
// language code is spoken in French, as the kiosk's texts fall back to it.
//
// Privacy: what is said may be the resident's own answer. Nothing here logs
// it, and the copies this driver makes of it are wiped once spoken.
#pragma once

#include "speech_sink.hpp"

#include "kiosk/core/ports.hpp"
#include "kiosk/core/result.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace guichet::speech {

struct WavInfo {
    int sample_rate { 0 };
    std::size_t samples { 0 };
    double seconds { 0 };
    // The espeak-ng voice that spoke ("roa/fr"): French for a language the
    // kiosk has no voice for.
    std::string voice;
};

// Speaks `text` into the WAV file `out` (PCM 16-bit mono, at espeak-ng's
// rate), synchronously on the calling thread, at full volume. Safe to call
// from any thread, alongside an EspeakSpeech: it waits for the sentence
// being synthesised to be done, never for one being played. Fails with
// "speech.unavailable" when espeak-ng or its data is missing,
// "speech.wav_write" when the file cannot be written.
Result<WavInfo> render_wav(std::string_view text, std::string_view language, std::filesystem::path const& out);

// say() and stop() only post to a worker thread and return at once. The
// latest request wins: a say() or stop() makes the sentence being
// synthesised stop at its next chunk (about 100 ms of speech) and the sink
// drop what it has queued; a sentence not yet started is skipped.
//
// Without espeak-ng's data the worker logs one warning and the kiosk is
// silent: it never fails for want of a voice. The sink must outlive this.
class EspeakSpeech final : public Speech {
public:
    explicit EspeakSpeech(SpeechSink& sink);
    ~EspeakSpeech() override;
    EspeakSpeech(EspeakSpeech const&) = delete;
    EspeakSpeech& operator=(EspeakSpeech const&) = delete;

    void say(std::string_view text, std::string_view language) override;
    void stop() override;
    void set_volume(int percent) override;

private:
    // What the worker is to do next; empty text for "say nothing".
    struct Request {
        std::string text;
        std::string language;
    };

    void run();
    void post(Request request);
    void speak(Request const& request, std::uint64_t generation);
    void apply_volume_to_sink();

    SpeechSink& m_sink;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<Request> m_request;
    bool m_stopping { false };
    // Moved on by every say() and stop(), under m_mutex; read without it by
    // the synthesis to notice it has been overtaken.
    std::atomic<std::uint64_t> m_generation { 0 };
    std::atomic<int> m_volume { 100 };
    // The volume the sink has, the worker's alone.
    int m_sink_volume { -1 };
    // Last, so that it starts once everything it uses is initialised.
    std::thread m_worker;
};

}
