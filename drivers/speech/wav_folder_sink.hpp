// The speech simulator (`--speech wav:DIR`): each utterance becomes a WAV
// file in a folder, for laptops without a loudspeaker worth the name, the
// demo, and tests that listen to what the kiosk said. Also the WAV writer
// that render_wav shares.
#pragma once

#include "speech_sink.hpp"

#include "kiosk/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace guichet::speech {

// Writes one RIFF/WAVE file, PCM 16-bit mono. The sizes in the header are
// only known at the end, so close() writes them; a file never closed (the
// process died) has zero sizes, which players read as empty.
class WavWriter {
public:
    WavWriter() = default;
    ~WavWriter();
    WavWriter(WavWriter const&) = delete;
    WavWriter& operator=(WavWriter const&) = delete;

    Result<void> open(std::filesystem::path const& path, int sample_rate);
    Result<void> write(std::span<std::int16_t const> samples);
    // Patches the header and closes the file. Returns the samples written.
    Result<std::size_t> close();

    bool is_open() const { return m_file != nullptr; }
    std::size_t samples() const { return m_samples; }

private:
    std::FILE* m_file { nullptr };
    std::filesystem::path m_path;
    std::size_t m_samples { 0 };
};

// Each utterance is DIR/NNNN-LANG.wav, NNNN counting from 0001, or on from
// the highest number already in the folder so that a second run of the demo
// never overwrites the first. A file is written as NNNN-LANG.wav.part and
// renamed once closed, so whoever watches the folder only ever sees
// complete files. A cut utterance is closed too: a valid, shorter WAV.
//
// The folder is created when missing. A folder that cannot be written costs
// the sound, never the kiosk: one warning, then the samples are dropped
// until a file can be written again.
class WavFolderSink final : public SpeechSink {
public:
    explicit WavFolderSink(std::filesystem::path folder);
    ~WavFolderSink() override;

    void begin(int sample_rate, std::string_view language) override;
    void write(std::span<std::int16_t const> samples) override;
    void end() override;
    void cut() override;
    void set_volume(int percent) override;

    std::filesystem::path const& folder() const { return m_folder; }

private:
    void close();
    void warn_once(Error const& error);

    std::filesystem::path m_folder;
    int m_next { 1 };
    int m_volume { 100 };
    WavWriter m_writer;
    std::filesystem::path m_part;
    std::filesystem::path m_final;
    std::vector<std::int16_t> m_scaled;
    bool m_warned { false };
};

}
