// Where synthesised speech goes: the loudspeaker on a kiosk (SdlAudioSink),
// WAV files in the simulator (WavFolderSink), a fake in tests.
//
// EspeakSpeech turns a sentence into 16-bit mono samples and hands them to
// its sink one chunk at a time. The volume is a software gain that the sink
// applies, because only the sink knows what it still holds: a loudspeaker's
// queue can be scaled again when the volume changes mid-sentence, a file
// already written cannot.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace guichet::speech {

// Every call comes from one thread at a time (EspeakSpeech's worker), so a
// sink needs no locking of its own. write() runs while espeak-ng's
// process-wide lock is held: it must not wait on anything slow, or it holds
// back every other synthesis (render_wav included).
//
// An utterance is begin(), write()s, then end() once it is complete, or
// cut() when a newer sentence or a stop() abandons it.
class SpeechSink {
public:
    virtual ~SpeechSink() = default;
    // A new utterance starts. Whatever still plays from an earlier one is
    // dropped: a new sentence cuts the previous one. `language` is the
    // kiosk's code of the voice that speaks ("fr").
    virtual void begin(int sample_rate, std::string_view language) = 0;
    // More of the utterance, at full scale: the sink applies the volume.
    virtual void write(std::span<std::int16_t const> samples) = 0;
    // The utterance is complete; what is queued plays to its end.
    virtual void end() = 0;
    // Drops what is queued and closes the utterance if one is open.
    // Harmless when nothing is.
    virtual void cut() = 0;
    // 0 (silent) to 100 (full scale): for the samples written from now on,
    // and for those already queued where the sink still holds them.
    virtual void set_volume(int percent) = 0;
};

// The gain is linear in amplitude (50 halves it), done in integers. It never
// exceeds 1, so it cannot clip.
inline void apply_volume(std::span<std::int16_t const> samples, int percent, std::vector<std::int16_t>& out)
{
    int const gain = std::clamp(percent, 0, 100);
    out.resize(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i)
        out[i] = static_cast<std::int16_t>(std::int32_t { samples[i] } * gain / 100);
}

}
