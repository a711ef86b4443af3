// The speech driver as a resident would hear it: every kiosk language spoken
// by the real espeak-ng into a valid WAV file of a plausible length, and
// EspeakSpeech through the WAV-folder simulator: a sentence said in the
// background, cut by the next one or by stop(), at the volume asked for even
// when it changes mid-sentence; silence, not a crash, without voice data or
// without a loudspeaker; and never a word of it in the log.
#include "drivers/speech/espeak_speech.hpp"
#include "drivers/speech/sdl_audio_sink.hpp"
#include "drivers/speech/wav_folder_sink.hpp"

#include "kiosk/core/log.hpp"
#include "kiosk/core/utf8.hpp"
#include "tests/lib/scratch_folder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <unistd.h>

namespace guichet::speech {
namespace {

// [SECTION] Helpers

using test_support::names_in;

struct ScratchFolder : guichet::test_support::ScratchFolder {
    ScratchFolder()
        : guichet::test_support::ScratchFolder("guichet-speech")
    {
    }
};

struct Wav {
    int sample_rate { 0 };
    std::vector<std::int16_t> samples;

    double seconds() const { return static_cast<double>(samples.size()) / sample_rate; }
};

std::uint32_t u32_at(std::string const& bytes, std::size_t at)
{
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i)
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

std::uint16_t u16_at(std::string const& bytes, std::size_t at)
{
    return static_cast<std::uint16_t>(
        static_cast<unsigned char>(bytes[at]) | (static_cast<unsigned char>(bytes[at + 1]) << 8));
}

// Reads a WAV file as a player would, checking every field of the header
// against the file rather than trusting the writer.
Result<Wav> read_wav(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error::make("wav", "cannot open " + path.string());
    std::string const bytes { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
    if (bytes.size() < 44 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 8, "WAVEfmt ") != 0
        || bytes.compare(36, 4, "data") != 0)
        return Error::make("wav", "not a canonical RIFF/WAVE file");
    if (u32_at(bytes, 4) != bytes.size() - 8)
        return Error::make("wav",
            "RIFF size " + std::to_string(u32_at(bytes, 4)) + " for a file of " + std::to_string(bytes.size())
                + " bytes");
    if (u32_at(bytes, 16) != 16 || u16_at(bytes, 20) != 1 || u16_at(bytes, 22) != 1 || u16_at(bytes, 34) != 16)
        return Error::make("wav", "not PCM 16-bit mono");
    Wav wav;
    wav.sample_rate = static_cast<int>(u32_at(bytes, 24));
    if (wav.sample_rate <= 0 || u32_at(bytes, 28) != u32_at(bytes, 24) * 2 || u16_at(bytes, 32) != 2)
        return Error::make("wav", "inconsistent rates");
    std::uint32_t const data = u32_at(bytes, 40);
    if (data != bytes.size() - 44 || data % 2 != 0)
        return Error::make("wav",
            "data size " + std::to_string(data) + " for " + std::to_string(bytes.size() - 44) + " bytes of samples");
    wav.samples.resize(data / 2);
    for (std::size_t i = 0; i < wav.samples.size(); ++i)
        wav.samples[i] = static_cast<std::int16_t>(u16_at(bytes, 44 + 2 * i));
    return wav;
}

double rms(std::span<std::int16_t const> samples)
{
    if (samples.empty())
        return 0;
    double sum = 0;
    for (auto sample : samples)
        sum += static_cast<double>(sample) * sample;
    return std::sqrt(sum / static_cast<double>(samples.size()));
}

int peak(std::span<std::int16_t const> samples)
{
    int loudest = 0;
    for (auto sample : samples)
        loudest = std::max(loudest, std::abs(static_cast<int>(sample)));
    return loudest;
}

// Waits up to a few seconds for the worker to get somewhere.
template<typename Condition> bool eventually(Condition condition)
{
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

// The simulator renames a file once it is complete: its appearing is the
// utterance's end.
Result<Wav> wait_for_wav(std::filesystem::path const& path)
{
    if (!eventually([&] { return std::filesystem::exists(path); }))
        return Error::make("wav", path.filename().string() + " never appeared");
    return read_wav(path);
}

// A full rendering of `text`, to compare what EspeakSpeech said with.
Wav reference(std::string_view text, std::string_view language)
{
    ScratchFolder scratch;
    auto const rendered = render_wav(text, language, scratch.path() / "reference.wav");
    EXPECT_TRUE(rendered.ok()) << rendered.error().detail;
    auto wav = read_wav(scratch.path() / "reference.wav");
    EXPECT_TRUE(wav.ok()) << wav.error().detail;
    return wav.ok() ? wav.release_value() : Wav {};
}

// Holds the speech worker in its first write() until the test lets it go, so
// that a test can act while a sentence is being spoken however fast
// espeak-ng is (a sentence takes it about 2 ms). Everything else goes
// straight to the sink behind it.
//
// espeak-ng's lock is held while the worker waits here: a test must render
// its references before it says anything through this sink.
class GatedSink final : public SpeechSink {
public:
    explicit GatedSink(SpeechSink& inner)
        : m_inner(inner)
    {
    }

    void begin(int sample_rate, std::string_view language) override { m_inner.begin(sample_rate, language); }
    void write(std::span<std::int16_t const> samples) override
    {
        m_inner.write(samples);
        std::unique_lock lock(m_mutex);
        if (m_first_write == 0) {
            m_first_write = samples.size();
            m_changed.notify_all();
            // Bounded, so that a failed test ends rather than hangs.
            m_changed.wait_for(lock, std::chrono::seconds(5), [this] { return m_released; });
        }
    }
    void end() override { m_inner.end(); }
    void cut() override { m_inner.cut(); }
    void set_volume(int percent) override { m_inner.set_volume(percent); }

    // How many samples the first write() carried, once it has come.
    std::size_t wait_for_first_write()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait_for(lock, std::chrono::seconds(3), [this] { return m_first_write != 0; });
        return m_first_write;
    }
    void release()
    {
        std::lock_guard lock(m_mutex);
        m_released = true;
        m_changed.notify_all();
    }

private:
    SpeechSink& m_inner;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::size_t m_first_write { 0 };
    bool m_released { false };
};

// Counts what the worker asks of its sink, and passes it on to `inner` if
// there is one.
class CountingSink final : public SpeechSink {
public:
    explicit CountingSink(SpeechSink* inner = nullptr)
        : m_inner(inner)
    {
    }

    void begin(int sample_rate, std::string_view language) override
    {
        if (m_inner)
            m_inner->begin(sample_rate, language);
        ++begins;
    }
    void write(std::span<std::int16_t const> samples) override
    {
        if (m_inner)
            m_inner->write(samples);
        this->samples += samples.size();
    }
    void end() override
    {
        if (m_inner)
            m_inner->end();
        ++ends;
    }
    void cut() override
    {
        if (m_inner)
            m_inner->cut();
        ++cuts;
    }
    void set_volume(int percent) override
    {
        if (m_inner)
            m_inner->set_volume(percent);
    }

    std::atomic<int> begins { 0 };
    std::atomic<int> ends { 0 };
    std::atomic<int> cuts { 0 };
    std::atomic<std::size_t> samples { 0 };

private:
    SpeechSink* m_inner;
};

// Every log line, for the tests that check what is (not) in it.
class LogCapture {
public:
    LogCapture()
    {
        set_log_sink([this](LogLevel level, std::string_view component, std::string_view message) {
            std::lock_guard lock(m_mutex);
            m_lines.push_back({ level, std::string(component) + ": " + std::string(message) });
        });
    }
    ~LogCapture() { set_log_sink({}); }
    LogCapture(LogCapture const&) = delete;
    LogCapture& operator=(LogCapture const&) = delete;

    int warnings()
    {
        std::lock_guard lock(m_mutex);
        return static_cast<int>(std::count_if(
            m_lines.begin(), m_lines.end(), [](auto const& line) { return line.first == LogLevel::Warning; }));
    }
    bool mentions(std::string_view fragment)
    {
        std::lock_guard lock(m_mutex);
        return std::any_of(m_lines.begin(), m_lines.end(),
            [&](auto const& line) { return line.second.find(fragment) != std::string::npos; });
    }

private:
    std::mutex m_mutex;
    std::vector<std::pair<LogLevel, std::string>> m_lines;
};

// [SECTION] What the kiosk says

struct Spoken {
    char const* language;
    char const* sentence;
    char const* voice;
};

// The home screen's instruction, in each kiosk language.
constexpr Spoken touch_the_demarche[] = {
    { "fr", "Touchez la démarche que vous voulez faire.", "roa/fr" },
    { "en", "Touch the procedure you want to carry out.", "gmw/en" },
    { "es", "Toque el trámite que desea realizar.", "roa/es" },
    { "ar", "المس الإجراء الذي تريد القيام به.", "sem/ar" },
    { "pt", "Toque no procedimento que pretende fazer.", "roa/pt" },
    { "tr", "Yapmak istediğiniz işleme dokunun.", "trk/tr" },
};

constexpr char const* french_sentence = "Touchez la démarche que vous voulez faire.";

// About ten seconds of speech: long enough that a cut one is plainly short.
constexpr char const* long_english
    = "Your request has been saved. You will receive a text message when the town hall has examined it. Keep "
      "your receipt: it proves your request. If you need help, ask at the reception desk, someone will come.";

// Speech sounds: espeak-ng's sentences measure about 2500 to 3300 RMS at
// full scale; a silent or near-silent file is far below this.
constexpr double audible_rms = 500;

// [SECTION] render_wav

TEST(RenderWav, SpeaksEveryKioskLanguageInItsOwnVoiceForAPlausibleTime)
{
    ScratchFolder scratch;
    for (auto const& spoken : touch_the_demarche) {
        SCOPED_TRACE(spoken.language);
        auto const out = scratch.path() / (std::string(spoken.language) + ".wav");
        auto const rendered = render_wav(spoken.sentence, spoken.language, out);
        ASSERT_TRUE(rendered.ok()) << rendered.error().detail;
        EXPECT_EQ(rendered.value().voice, spoken.voice);

        auto const wav = read_wav(out);
        ASSERT_TRUE(wav.ok()) << wav.error().detail;
        EXPECT_EQ(wav.value().sample_rate, rendered.value().sample_rate);
        EXPECT_EQ(wav.value().samples.size(), rendered.value().samples);
        EXPECT_NEAR(rendered.value().seconds, wav.value().seconds(), 1e-9);

        // espeak-ng 1.51 at its default rate takes 0.040 s (French) to
        // 0.089 s (Arabic) per character of these sentences. Far less is a
        // sentence cut short, far more one padded with silence or spelled.
        double const per_character = wav.value().seconds() / static_cast<double>(utf8::length(spoken.sentence));
        EXPECT_GT(per_character, 0.03);
        EXPECT_LT(per_character, 0.15);
        EXPECT_GT(rms(wav.value().samples), audible_rms);
    }
}

TEST(RenderWav, ALanguageWithoutAVoiceIsSpokenInFrench)
{
    ScratchFolder scratch;
    auto const french = render_wav(french_sentence, "fr", scratch.path() / "fr.wav");
    ASSERT_TRUE(french.ok()) << french.error().detail;
    for (char const* language : { "de", "", "FR", "fr-FR" }) {
        SCOPED_TRACE(language);
        auto const spoken = render_wav(french_sentence, language, scratch.path() / "other.wav");
        ASSERT_TRUE(spoken.ok()) << spoken.error().detail;
        EXPECT_EQ(spoken.value().voice, "roa/fr");
        // espeak-ng is not bit-exact from one call to the next (a few
        // hundred samples in 37,000): the same voice is within 5 %.
        EXPECT_NEAR(spoken.value().seconds, french.value().seconds, 0.05 * french.value().seconds);
    }
}

TEST(RenderWav, AFileThatCannotBeWrittenIsAnErrorNotAFile)
{
    ScratchFolder scratch;
    auto const out = scratch.path() / "missing" / "fr.wav";
    auto const rendered = render_wav(french_sentence, "fr", out);
    ASSERT_FALSE(rendered.ok());
    EXPECT_EQ(rendered.error().code, "speech.wav_write");
    EXPECT_FALSE(std::filesystem::exists(out));
}

// [SECTION] EspeakSpeech through the simulator

TEST(EspeakSpeech, SaysASentenceInTheBackground)
{
    Wav const full = reference(french_sentence, "fr");
    ScratchFolder scratch;
    WavFolderSink sink(scratch.path());
    EspeakSpeech speech(sink);

    speech.say(french_sentence, "fr");
    auto const said = wait_for_wav(scratch.path() / "0001-fr.wav");
    ASSERT_TRUE(said.ok()) << said.error().detail;
    EXPECT_NEAR(said.value().seconds(), full.seconds(), 0.05 * full.seconds()) << "the whole sentence";
    EXPECT_GT(rms(said.value().samples), audible_rms);
    EXPECT_EQ(names_in(scratch.path()), std::vector<std::string> { "0001-fr.wav" }) << "no .part left behind";
}

TEST(EspeakSpeech, ANewSentenceCutsTheOneBeingSaid)
{
    Wav const full_long = reference(long_english, "en");
    Wav const full_french = reference(french_sentence, "fr");
    ASSERT_GT(full_long.seconds(), 5.0);
    ScratchFolder scratch;
    WavFolderSink folder(scratch.path());
    GatedSink sink(folder);
    EspeakSpeech speech(sink);

    speech.say(long_english, "en");
    ASSERT_GT(sink.wait_for_first_write(), 0u) << "the first sentence never started";
    speech.say(french_sentence, "fr");
    sink.release();

    auto const second = wait_for_wav(scratch.path() / "0002-fr.wav");
    ASSERT_TRUE(second.ok()) << second.error().detail;
    EXPECT_NEAR(second.value().seconds(), full_french.seconds(), 0.05 * full_french.seconds())
        << "the new sentence is said whole";
    auto const first = read_wav(scratch.path() / "0001-en.wav");
    ASSERT_TRUE(first.ok()) << "a cut sentence is still a valid file: " << first.error().detail;
    EXPECT_LT(first.value().seconds(), 0.25 * full_long.seconds()) << "the first sentence was cut";
}

TEST(EspeakSpeech, StopCutsTheSentenceBeingSaid)
{
    Wav const full_long = reference(long_english, "en");
    ScratchFolder scratch;
    WavFolderSink folder(scratch.path());
    GatedSink sink(folder);
    EspeakSpeech speech(sink);

    speech.say(long_english, "en");
    ASSERT_GT(sink.wait_for_first_write(), 0u);
    speech.stop();
    sink.release();

    auto const cut = wait_for_wav(scratch.path() / "0001-en.wav");
    ASSERT_TRUE(cut.ok()) << cut.error().detail;
    EXPECT_LT(cut.value().seconds(), 0.25 * full_long.seconds());

    // Stopped is not mute: the next sentence is said.
    speech.say(french_sentence, "fr");
    auto const next = wait_for_wav(scratch.path() / "0002-fr.wav");
    ASSERT_TRUE(next.ok()) << next.error().detail;
    EXPECT_GT(rms(next.value().samples), audible_rms);
}

TEST(EspeakSpeech, VolumeZeroIsSilentAndFiftyHalvesTheSound)
{
    ScratchFolder scratch;
    WavFolderSink sink(scratch.path());
    EspeakSpeech speech(sink);

    speech.say(french_sentence, "fr");
    auto const loud = wait_for_wav(scratch.path() / "0001-fr.wav");
    speech.set_volume(50);
    speech.say(french_sentence, "fr");
    auto const half = wait_for_wav(scratch.path() / "0002-fr.wav");
    speech.set_volume(0);
    speech.say(french_sentence, "fr");
    auto const silent = wait_for_wav(scratch.path() / "0003-fr.wav");
    ASSERT_TRUE(loud.ok() && half.ok() && silent.ok());

    double const peak_ratio
        = static_cast<double>(peak(half.value().samples)) / static_cast<double>(peak(loud.value().samples));
    EXPECT_NEAR(peak_ratio, 0.5, 0.05);
    EXPECT_NEAR(rms(half.value().samples) / rms(loud.value().samples), 0.5, 0.05);
    EXPECT_EQ(peak(silent.value().samples), 0);
    EXPECT_FALSE(silent.value().samples.empty()) << "silent, but still said";
}

TEST(EspeakSpeech, AVolumeChangeReachesTheSentenceBeingSaid)
{
    Wav const full = reference(french_sentence, "fr");
    ScratchFolder scratch;
    WavFolderSink folder(scratch.path());
    GatedSink sink(folder);
    EspeakSpeech speech(sink);

    speech.say(french_sentence, "fr");
    std::size_t const before = sink.wait_for_first_write();
    ASSERT_GT(before, 0u);
    speech.set_volume(0);
    sink.release();

    auto const said = wait_for_wav(scratch.path() / "0001-fr.wav");
    ASSERT_TRUE(said.ok()) << said.error().detail;
    auto const samples = std::span<std::int16_t const>(said.value().samples);
    ASSERT_GT(samples.size(), before);
    EXPECT_GT(peak(samples.first(before)), 0) << "what was said before the change was at full volume";
    EXPECT_EQ(peak(samples.subspan(before)), 0) << "the rest of the sentence is silent";
    EXPECT_NEAR(said.value().seconds(), full.seconds(), 0.05 * full.seconds()) << "a volume change is not a cut";
}

TEST(EspeakSpeech, ALanguageWithoutAVoiceIsSpokenInFrench)
{
    ScratchFolder scratch;
    WavFolderSink sink(scratch.path());
    EspeakSpeech speech(sink);

    speech.say(french_sentence, "de");
    auto const said = wait_for_wav(scratch.path() / "0001-fr.wav");
    ASSERT_TRUE(said.ok()) << said.error().detail;
    EXPECT_GT(rms(said.value().samples), audible_rms);
}

TEST(EspeakSpeech, NeverLogsWhatItSaysEvenWhenItFails)
{
    LogCapture captured;
    ScratchFolder scratch;
    // A file where the simulator's folder should be: nothing can be written.
    std::ofstream(scratch.path() / "blocked") << "not a folder";
    WavFolderSink folder(scratch.path() / "blocked" / "speech");
    CountingSink sink(&folder);
    EspeakSpeech speech(sink);

    speech.say("Mon numéro est le 06 12 34 56 78.", "fr");
    ASSERT_TRUE(eventually([&] { return sink.ends == 1; }));
    speech.say("J'habite 12 rue des Lilas.", "fr");
    ASSERT_TRUE(eventually([&] { return sink.ends == 2; }));
    EXPECT_EQ(captured.warnings(), 1) << "one warning, not one per sentence";
    for (char const* fragment : { "06 12", "Lilas", "numéro" })
        EXPECT_FALSE(captured.mentions(fragment)) << fragment;
}

// What the death test below runs in its own process; returns its exit code.
int speak_without_voice_data()
{
    ScratchFolder empty;
    ::setenv("ESPEAK_DATA_PATH", empty.path().c_str(), 1);
    LogCapture captured;
    CountingSink sink;
    {
        EspeakSpeech speech(sink);
        speech.say(french_sentence, "fr");
        if (!eventually([&] { return sink.cuts >= 1; })) {
            std::fprintf(stderr, "the worker never handled say()\n");
            return 2;
        }
        speech.stop();
        speech.set_volume(30);
    }
    auto const rendered = render_wav(french_sentence, "fr", empty.path() / "fr.wav");
    if (rendered.ok() || rendered.error().code != "speech.unavailable") {
        std::fprintf(stderr, "render_wav did not say that speech is unavailable\n");
        return 3;
    }
    if (sink.begins != 0 || sink.samples != 0) {
        std::fprintf(stderr, "something was spoken without voice data\n");
        return 4;
    }
    if (captured.warnings() != 1 || captured.mentions("Touchez")) {
        std::fprintf(stderr, "expected one warning without the text, got %d\n", captured.warnings());
        return 5;
    }
    return 0;
}

// The kiosk without espeak-ng's data. espeak-ng initialises once per
// process, so this runs in a process of its own (a re-executed death test)
// pointed at an empty data folder.
TEST(EspeakSpeechDeathTest, WithoutVoiceDataTheKioskIsSilentAndStaysUp)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(std::exit(speak_without_voice_data()), testing::ExitedWithCode(0), "");
}

// [SECTION] The sinks

TEST(WavFolderSink, NumbersOnFromTheFilesAlreadyThere)
{
    ScratchFolder scratch;
    std::ofstream(scratch.path() / "0007-en.wav") << "from an earlier run";
    WavFolderSink sink(scratch.path());
    std::vector<std::int16_t> const samples(2205, 1000);

    sink.begin(22050, "fr");
    sink.write(samples);
    sink.end();
    sink.begin(22050, "ar");
    sink.write(samples);
    sink.cut();

    EXPECT_EQ(names_in(scratch.path()), (std::vector<std::string> { "0007-en.wav", "0008-fr.wav", "0009-ar.wav" }));
    auto const cut = read_wav(scratch.path() / "0009-ar.wav");
    ASSERT_TRUE(cut.ok()) << cut.error().detail;
    EXPECT_EQ(cut.value().samples, samples);
}

// SDL reads SDL_AUDIODRIVER when the audio subsystem starts, and each sink
// starts and quits it, so each test can choose its own driver.
class ScopedAudioDriver {
public:
    explicit ScopedAudioDriver(char const* driver) { ::setenv("SDL_AUDIODRIVER", driver, 1); }
    ~ScopedAudioDriver() { ::unsetenv("SDL_AUDIODRIVER"); }
};

TEST(SdlAudioSink, WithoutASoundCardTheKioskWorksSilently)
{
    ScopedAudioDriver none("guichet-no-such-driver");
    LogCapture captured;
    SdlAudioSink sink;
    EXPECT_FALSE(sink.has_device());
    std::vector<std::int16_t> const samples(22050, 1000);
    sink.begin(22050, "fr");
    sink.write(samples);
    sink.set_volume(50);
    sink.end();
    sink.cut();
    EXPECT_EQ(sink.queued_samples(), 0u);
    EXPECT_EQ(captured.warnings(), 1);
}

TEST(SdlAudioSink, AVolumeChangeKeepsWhatIsQueuedAndCutDropsIt)
{
    ScopedAudioDriver dummy("dummy");
    SdlAudioSink sink;
    ASSERT_TRUE(sink.has_device()) << "SDL's dummy audio driver is missing";
    // Two seconds: SDL's dummy device plays in real time, so most of it is
    // still queued when the test looks.
    std::vector<std::int16_t> const samples(2 * 22050, 1000);
    sink.begin(22050, "fr");
    sink.write(samples);
    sink.end();
    std::size_t const queued = sink.queued_samples();
    EXPECT_GT(queued, 22050u);

    sink.set_volume(50);
    // The tail is queued again at half volume: not lost, not doubled. A few
    // buffers may have played in between.
    EXPECT_LE(sink.queued_samples(), queued);
    EXPECT_GT(sink.queued_samples(), queued - 4096);

    sink.cut();
    EXPECT_EQ(sink.queued_samples(), 0u);
}

}
}
