// The speech simulator: utterances become WAV files in a folder.
#include "wav_folder_sink.hpp"

#include "kiosk/core/log.hpp"

#include <array>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

namespace guichet::speech {

namespace {

constexpr std::size_t header_size = 44;
// RIFF sizes are 32-bit; past this the file cannot say how long it is.
// Hours of speech: nothing the kiosk says comes near.
constexpr std::size_t max_data_bytes = std::numeric_limits<std::uint32_t>::max() - (header_size - 8);

void put_u16(unsigned char* at, std::uint16_t value)
{
    at[0] = static_cast<unsigned char>(value & 0xff);
    at[1] = static_cast<unsigned char>(value >> 8);
}

void put_u32(unsigned char* at, std::uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        at[i] = static_cast<unsigned char>((value >> (8 * i)) & 0xff);
}

// The canonical 44-byte header of PCM 16-bit mono; the sizes are patched
// by close().
std::array<unsigned char, header_size> header_for(int sample_rate, std::uint32_t data_bytes)
{
    std::array<unsigned char, header_size> header {};
    auto* at = header.data();
    std::memcpy(at, "RIFF", 4);
    put_u32(at + 4, static_cast<std::uint32_t>(header_size - 8 + data_bytes));
    std::memcpy(at + 8, "WAVEfmt ", 8);
    put_u32(at + 16, 16); // the size of the fmt chunk for PCM
    put_u16(at + 20, 1); // PCM
    put_u16(at + 22, 1); // mono
    put_u32(at + 24, static_cast<std::uint32_t>(sample_rate));
    put_u32(at + 28, static_cast<std::uint32_t>(sample_rate) * 2); // bytes per second
    put_u16(at + 32, 2); // bytes per frame
    put_u16(at + 34, 16); // bits per sample
    std::memcpy(at + 36, "data", 4);
    put_u32(at + 40, data_bytes);
    return header;
}

Error io_error(std::string_view what, std::filesystem::path const& path, int error)
{
    return Error::make(
        "speech.wav_write", std::string(what) + " " + path.string() + ": " + std::generic_category().message(error));
}

// "0007" from "0007-fr.wav"; 0 for any other name.
int number_of(std::string const& name)
{
    if (!name.ends_with(".wav"))
        return 0;
    auto const dash = name.find('-');
    if (dash == std::string::npos || dash < 4)
        return 0;
    int number = 0;
    auto const [end, error] = std::from_chars(name.data(), name.data() + dash, number);
    if (error != std::errc {} || end != name.data() + dash)
        return 0;
    return number;
}

// Languages come from the voice table, but the sink is public: keep the
// file name to letters, digits and dashes whatever it is given.
std::string file_language(std::string_view language)
{
    std::string clean;
    for (char c : language.substr(0, 16)) {
        auto const byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-')
            clean += static_cast<char>(std::tolower(byte));
    }
    return clean.empty() ? std::string("xx") : clean;
}

}

// [SECTION] WavWriter

WavWriter::~WavWriter()
{
    if (m_file)
        (void)close();
}

Result<void> WavWriter::open(std::filesystem::path const& path, int sample_rate)
{
    if (m_file)
        (void)close();
    m_path = path;
    m_samples = 0;
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file)
        return io_error("cannot create", path, errno);
    auto const header = header_for(sample_rate, 0);
    if (std::fwrite(header.data(), 1, header.size(), m_file) != header.size()) {
        int const error = errno;
        std::fclose(m_file);
        m_file = nullptr;
        return io_error("cannot write", path, error);
    }
    return {};
}

Result<void> WavWriter::write(std::span<std::int16_t const> samples)
{
    if (!m_file)
        return Error::make("speech.wav_write", "no file open");
    if ((m_samples + samples.size()) * 2 > max_data_bytes)
        return Error::make("speech.wav_write", "utterance too long for a WAV file: " + m_path.string());
    std::size_t written = 0;
    if constexpr (std::endian::native == std::endian::little) {
        written = std::fwrite(samples.data(), sizeof(std::int16_t), samples.size(), m_file);
    } else {
        std::vector<unsigned char> bytes(samples.size() * 2);
        for (std::size_t i = 0; i < samples.size(); ++i)
            put_u16(bytes.data() + 2 * i, static_cast<std::uint16_t>(samples[i]));
        written = std::fwrite(bytes.data(), 2, samples.size(), m_file);
    }
    m_samples += written;
    if (written != samples.size())
        return io_error("cannot write", m_path, errno);
    return {};
}

Result<std::size_t> WavWriter::close()
{
    if (!m_file)
        return Error::make("speech.wav_write", "no file open");
    auto const header = header_for(0, static_cast<std::uint32_t>(m_samples * 2));
    // Only the two sizes change: the RIFF size at 4 and the data size at 40.
    bool ok = std::fseek(m_file, 4, SEEK_SET) == 0 && std::fwrite(header.data() + 4, 1, 4, m_file) == 4
        && std::fseek(m_file, 40, SEEK_SET) == 0 && std::fwrite(header.data() + 40, 1, 4, m_file) == 4;
    int error = ok ? 0 : errno;
    if (std::fclose(m_file) != 0 && ok) {
        ok = false;
        error = errno;
    }
    m_file = nullptr;
    if (!ok)
        return io_error("cannot finish", m_path, error);
    return m_samples;
}

// [SECTION] WavFolderSink

WavFolderSink::WavFolderSink(std::filesystem::path folder)
    : m_folder(std::move(folder))
{
    std::error_code error;
    std::filesystem::create_directories(m_folder, error);
    if (error) {
        warn_once(Error::make("speech.wav_write", "cannot create " + m_folder.string() + ": " + error.message()));
        return;
    }
    for (auto const& entry : std::filesystem::directory_iterator(m_folder, error))
        m_next = std::max(m_next, number_of(entry.path().filename().string()) + 1);
}

WavFolderSink::~WavFolderSink()
{
    close();
}

void WavFolderSink::begin(int sample_rate, std::string_view language)
{
    close();
    std::array<char, 16> number {};
    std::snprintf(number.data(), number.size(), "%04d", m_next++);
    std::string const name = std::string(number.data()) + "-" + file_language(language) + ".wav";
    m_final = m_folder / name;
    m_part = m_folder / (name + ".part");
    if (auto opened = m_writer.open(m_part, sample_rate); !opened) {
        warn_once(opened.error());
        return;
    }
    m_warned = false;
}

void WavFolderSink::write(std::span<std::int16_t const> samples)
{
    if (!m_writer.is_open())
        return;
    apply_volume(samples, m_volume, m_scaled);
    if (auto written = m_writer.write(m_scaled); !written) {
        // A half-written file is worse than none: whoever reads the folder
        // would take it for what was said.
        warn_once(written.error());
        (void)m_writer.close();
        std::error_code ignored;
        std::filesystem::remove(m_part, ignored);
    }
}

void WavFolderSink::end()
{
    close();
}

void WavFolderSink::cut()
{
    // The samples already written were spoken: a cut utterance stays, shorter.
    close();
}

void WavFolderSink::set_volume(int percent)
{
    m_volume = std::clamp(percent, 0, 100);
}

void WavFolderSink::close()
{
    if (!m_writer.is_open())
        return;
    std::error_code error;
    if (auto closed = m_writer.close(); !closed) {
        warn_once(closed.error());
    } else {
        std::filesystem::rename(m_part, m_final, error);
        if (!error)
            return;
        warn_once(Error::make("speech.wav_write", "cannot rename " + m_part.string() + ": " + error.message()));
    }
    std::filesystem::remove(m_part, error);
}

void WavFolderSink::warn_once(Error const& error)
{
    if (m_warned)
        return;
    m_warned = true;
    log(LogLevel::Warning, "speech", "the speech simulator drops what is said: " + error.detail);
}

}
