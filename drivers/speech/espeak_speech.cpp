// espeak-ng behind the Speech port: the process-wide engine, the worker
// that serves EspeakSpeech, and render_wav.
#include "espeak_speech.hpp"

#include "wav_folder_sink.hpp"

#include "kiosk/core/log.hpp"
#include "kiosk/core/utf8.hpp"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <array>
#include <functional>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

namespace guichet::speech {

namespace {

// [SECTION] Voices

struct Voice {
    std::string_view language; // the kiosk's code
    char const* espeak; // the voice's file under espeak-ng-data/lang/; espeak-ng wants a C string
};

// The one table from the kiosk's languages to espeak-ng's voices, French
// first: it is the fallback. Voices are named by their file, which is
// unambiguous: espeak-ng 1.51 finds English (Great Britain) as "gmw/en" but
// not as "en-gb", and "roa/pt" is Portugal's Portuguese where "roa/pt-BR"
// would be Brazil's.
constexpr std::array<Voice, 6> voices { {
    { "fr", "roa/fr" },
    { "en", "gmw/en" },
    { "es", "roa/es" },
    { "ar", "sem/ar" },
    { "pt", "roa/pt" },
    { "tr", "trk/tr" },
} };

Voice const& french()
{
    return voices.front();
}

Voice const& voice_for(std::string_view language)
{
    auto found = std::find_if(voices.begin(), voices.end(), [&](Voice const& v) { return v.language == language; });
    return found == voices.end() ? french() : *found;
}

// [SECTION] The engine

// How much speech each call of the synth callback carries. It is also how
// far a sentence runs on after it has been overtaken, and how soon a volume
// change reaches what is synthesised.
constexpr int chunk_milliseconds = 100;

// What one synthesis tells its caller as it goes: begin() once the voice is
// chosen, then samples() for each chunk; samples() returns false to stop.
struct Listener {
    std::function<void(int sample_rate, Voice const& voice)> begin;
    std::function<bool(std::span<std::int16_t const>)> samples;
};

enum class Synthesis {
    Completed,
    Cut,
    Failed,
    Unavailable,
};

// The process's one espeak-ng. Every call into the library happens with
// m_mutex held, from whichever thread: espeak-ng has no state per thread,
// only globals that must not be touched by two at once.
class Engine {
public:
    static Engine& instance()
    {
        static Engine engine;
        return engine;
    }

    // Initialises espeak-ng if nobody has yet; false when it cannot speak.
    bool start()
    {
        std::lock_guard lock(m_mutex);
        return start_locked();
    }

    Synthesis speak(std::string_view text, Voice const& wanted, Listener const& listener)
    {
        std::lock_guard lock(m_mutex);
        if (!start_locked())
            return Synthesis::Unavailable;
        Voice const& voice = select_locked(wanted);
        listener.begin(m_sample_rate, voice);
        // espeak_Synth reads up to a NUL; the view may not have one.
        std::string terminated(text);
        m_listener = &listener;
        m_cut = false;
        espeak_ERROR const status = espeak_Synth(
            terminated.c_str(), terminated.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
        m_listener = nullptr;
        wipe(terminated);
        if (m_cut)
            return Synthesis::Cut;
        if (status != EE_OK) {
            log(LogLevel::Warning, "speech",
                "espeak-ng failed to synthesise a sentence (error " + std::to_string(status) + ")");
            return Synthesis::Failed;
        }
        return Synthesis::Completed;
    }

private:
    Engine() = default;

    bool start_locked()
    {
        if (m_state != State::NotStarted)
            return m_state == State::Ready;
        // Without DONT_EXIT, espeak-ng ends the process when its data is
        // missing. With it, espeak_Initialize returns whatever it can (a
        // rate of 0, or even 22050), so loading the French voice is the
        // real test that it can speak.
        int const rate
            = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, chunk_milliseconds, nullptr, espeakINITIALIZE_DONT_EXIT);
        if (rate <= 0 || espeak_SetVoiceByName(french().espeak) != EE_OK) {
            m_state = State::Unavailable;
            log(LogLevel::Warning, "speech",
                "espeak-ng cannot speak (is espeak-ng-data installed?): the kiosk works without its voice");
            return false;
        }
        espeak_SetSynthCallback(&Engine::on_samples);
        m_sample_rate = rate;
        m_current = french().espeak;
        m_state = State::Ready;
        return true;
    }

    // Loading a voice costs milliseconds (its dictionary is read again), so
    // it is only done when the language changes.
    Voice const& select_locked(Voice const& wanted)
    {
        if (m_current == wanted.espeak)
            return wanted;
        if (espeak_SetVoiceByName(wanted.espeak) == EE_OK) {
            m_current = wanted.espeak;
            return wanted;
        }
        // A data package without this voice: French, once warned, rather
        // than the previous language's voice reading a text it cannot.
        if (std::find(m_missing.begin(), m_missing.end(), wanted.espeak) == m_missing.end()) {
            m_missing.push_back(wanted.espeak);
            log(LogLevel::Warning, "speech",
                "espeak-ng has no voice " + std::string(wanted.espeak) + ": speaking French instead");
        }
        if (m_current != french().espeak && espeak_SetVoiceByName(french().espeak) == EE_OK)
            m_current = french().espeak;
        return french();
    }

    // espeak-ng calls this on the thread in espeak_Synth, so m_mutex is held.
    // It is called with wav == nullptr when the synthesis ends, and sometimes
    // with no samples in between: neither is a chunk.
    static int on_samples(short* wav, int count, espeak_EVENT*)
    {
        Engine& engine = instance();
        if (wav == nullptr || count <= 0 || engine.m_listener == nullptr)
            return 0;
        // An exception must not unwind through espeak-ng's C frames: a sink
        // that throws (out of memory) cuts the sentence instead.
        try {
            if (engine.m_listener->samples(std::span<std::int16_t const>(wav, static_cast<std::size_t>(count))))
                return 0;
        } catch (...) {
        }
        engine.m_cut = true;
        return 1;
    }

    enum class State {
        NotStarted,
        Ready,
        Unavailable,
    };

    std::mutex m_mutex;
    State m_state { State::NotStarted };
    int m_sample_rate { 0 };
    std::string_view m_current;
    std::vector<std::string_view> m_missing;
    Listener const* m_listener { nullptr };
    bool m_cut { false };
};

}

// [SECTION] render_wav

Result<WavInfo> render_wav(std::string_view text, std::string_view language, std::filesystem::path const& out)
{
    WavWriter writer;
    WavInfo info;
    std::optional<Error> failure;
    Listener const listener {
        .begin =
            [&](int sample_rate, Voice const& voice) {
                info.sample_rate = sample_rate;
                info.voice = voice.espeak;
                if (auto opened = writer.open(out, sample_rate); !opened)
                    failure = opened.release_error();
            },
        .samples =
            [&](std::span<std::int16_t const> samples) {
                if (failure)
                    return false;
                if (auto written = writer.write(samples); !written) {
                    failure = written.release_error();
                    return false;
                }
                return true;
            },
    };
    Synthesis const ended = Engine::instance().speak(text, voice_for(language), listener);
    if (ended == Synthesis::Unavailable)
        return Error::make("speech.unavailable", "espeak-ng cannot speak");
    bool const created = writer.is_open();
    if (created) {
        if (auto closed = writer.close(); !closed && !failure)
            failure = closed.release_error();
    }
    if (!failure && ended != Synthesis::Completed)
        failure = Error::make("speech.synthesis", "espeak-ng failed to synthesise the sentence");
    if (failure) {
        // Half a sentence in the file would pass for the whole of it.
        std::error_code ignored;
        if (created)
            std::filesystem::remove(out, ignored);
        return *failure;
    }
    info.samples = writer.samples();
    info.seconds = static_cast<double>(info.samples) / info.sample_rate;
    return info;
}

// [SECTION] EspeakSpeech

EspeakSpeech::EspeakSpeech(SpeechSink& sink)
    : m_sink(sink)
    , m_worker([this] { run(); })
{
}

EspeakSpeech::~EspeakSpeech()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        ++m_generation;
        if (m_request)
            wipe(m_request->text);
    }
    m_wake.notify_one();
    m_worker.join();
}

void EspeakSpeech::say(std::string_view text, std::string_view language)
{
    post(Request { std::string(text), std::string(language) });
}

void EspeakSpeech::stop()
{
    post(Request {});
}

void EspeakSpeech::set_volume(int percent)
{
    {
        std::lock_guard lock(m_mutex);
        m_volume = std::clamp(percent, 0, 100);
    }
    m_wake.notify_one();
}

void EspeakSpeech::post(Request request)
{
    {
        std::lock_guard lock(m_mutex);
        // A sentence overtaken before it was started is never spoken; it
        // may be an answer, so it does not linger either.
        if (m_request)
            wipe(m_request->text);
        m_request = std::move(request);
        ++m_generation;
    }
    m_wake.notify_one();
}

void EspeakSpeech::run()
{
    // At once rather than at the first sentence: a kiosk without voice data
    // says so in the log at start-up, and the first sentence is not late.
    Engine::instance().start();
    for (;;) {
        std::optional<Request> request;
        std::uint64_t generation = 0;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || m_request || m_volume != m_sink_volume; });
            if (m_stopping)
                break;
            request = std::exchange(m_request, std::nullopt);
            generation = m_generation;
        }
        // An exception escaping a thread ends the process: a sink that
        // throws costs a sentence, not the kiosk.
        try {
            apply_volume_to_sink();
            if (request) {
                // Whatever the request, what was being said ends here.
                m_sink.cut();
                if (!request->text.empty() && m_generation == generation)
                    speak(*request, generation);
            }
        } catch (...) {
            log(LogLevel::Warning, "speech", "a sentence was lost: the speech output failed");
        }
        if (request)
            wipe(request->text);
    }
    try {
        m_sink.cut();
    } catch (...) {
    }
}

void EspeakSpeech::speak(Request const& request, std::uint64_t generation)
{
    Listener const listener {
        .begin = [&](int sample_rate, Voice const& voice) { m_sink.begin(sample_rate, voice.language); },
        .samples =
            [&](std::span<std::int16_t const> samples) {
                if (m_generation != generation)
                    return false;
                apply_volume_to_sink();
                m_sink.write(samples);
                return true;
            },
    };
    switch (Engine::instance().speak(request.text, voice_for(request.language), listener)) {
    case Synthesis::Completed:
        m_sink.end();
        break;
    case Synthesis::Cut:
    case Synthesis::Failed:
        m_sink.cut();
        break;
    case Synthesis::Unavailable:
        break;
    }
}

void EspeakSpeech::apply_volume_to_sink()
{
    int const volume = m_volume;
    if (volume == m_sink_volume)
        return;
    m_sink.set_volume(volume);
    m_sink_volume = volume;
}

}
