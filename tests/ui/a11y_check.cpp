// a11y_check REPORT WAV_DIR: the accessibility tier's verdict on what a
// scenario's screens measured (kiosk --a11y-report, one JSON line a screen
// and language; ui/a11y.hpp says what is measured).
//
// Fails on any of:
//  - a problem the kiosk measured: a target under 12 × 12 mm, two widgets
//    overlapping, text under 7:1 against what is under it, a clipped text;
//  - a text drawn in another language than French that no table
//    translates;
//  - a screen without a spoken instruction, or one that espeak-ng cannot
//    say: each (language, instruction) is rendered into WAV_DIR by the
//    kiosk's own speech driver, and must last a plausible time for its
//    length;
//  - in Arabic, "Retour" on the left, or in another language on the right
//    (the layout must mirror).
// Each distinct problem is printed once, with the scenario line that
// opened the screen.
#include "drivers/speech/espeak_speech.hpp"
#include "kiosk/core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace {

using Json = nlohmann::json;

struct Where {
    int line;
    std::string screen;
};

}

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: a11y_check REPORT WAV_DIR\n");
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::fprintf(stderr, "a11y_check: cannot read %s\n", argv[1]);
        return 2;
    }
    std::filesystem::path wav_dir(argv[2]);
    std::filesystem::create_directories(wav_dir);

    // problem text -> where it was first seen
    std::map<std::string, Where> problems;
    std::map<std::pair<std::string, std::string>, Where> instructions;
    std::set<std::string> screens;
    std::size_t entries = 0;
    std::string text;
    while (std::getline(in, text)) {
        if (text.empty())
            continue;
        auto entry = Json::parse(text, nullptr, false);
        if (entry.is_discarded()) {
            std::fprintf(stderr, "a11y_check: a line of the report is not JSON\n");
            return 1;
        }
        ++entries;
        Where where { entry.value("line", 0),
            entry.value("screen", "") + (entry.value("overlay", false) ? "+overlay" : "") };
        // "[ar] step" or, in large text and high contrast, "[ar+] step".
        auto language = entry.value("language", "");
        auto shown_as = language + (entry.value("mode", "") == "large-contrast" ? "+" : "");
        screens.insert(where.screen + "/" + entry.value("step", ""));
        auto note = [&](std::string const& what) {
            problems.emplace("[" + shown_as + "] " + where.screen + ": " + what, where);
        };
        for (auto const& problem : entry["problems"])
            note(problem.value("kind", "") + ": " + problem.value("detail", ""));
        if (language != "fr") {
            for (auto const& missing : entry["untranslated"])
                note("untranslated: « " + missing.get<std::string>() + " »");
        }
        auto instruction = entry.value("instruction", "");
        if (instruction.empty())
            note("no spoken instruction");
        else
            instructions.emplace(std::pair { language, instruction }, where);
        for (auto const& widget : entry["widgets"]) {
            if (widget.value("id", "") != "back")
                continue;
            auto const& rect = widget["rect"];
            float middle = (rect[0].get<float>() + rect[2].get<float>()) / 2;
            bool right_to_left = language == "ar";
            if (right_to_left != (middle > 960))
                note(right_to_left ? "« Retour » is on the left in a right-to-left layout"
                                   : "« Retour » is on the right in a left-to-right layout");
        }
    }
    if (entries == 0) {
        std::fprintf(stderr, "a11y_check: the report is empty: no screen was measured\n");
        return 1;
    }

    // Every instruction said by espeak-ng through the kiosk's driver.
    bool const keep = std::getenv("A11Y_KEEP_WAVS") != nullptr;
    double total_seconds = 0;
    int number = 0;
    for (auto const& [key, where] : instructions) {
        auto const& [language, sentence] = key;
        char name[32];
        std::snprintf(name, sizeof name, "%04d-%s.wav", ++number, language.c_str());
        auto rendered = guichet::speech::render_wav(sentence, language, wav_dir / name);
        auto label = "[" + language + "] " + where.screen + ": ";
        if (!rendered) {
            problems.emplace(label + "espeak-ng cannot say the instruction: " + rendered.error().detail, where);
            continue;
        }
        // From 15 ms to 250 ms a character (espeak-ng speaks 40 to 90), and
        // at least half a second: an empty or truncated WAV fails.
        double characters = double(guichet::utf8::length(sentence));
        double seconds = rendered.value().seconds;
        total_seconds += seconds;
        if (rendered.value().samples == 0 || seconds < 0.5 || seconds < characters * 0.015
            || seconds > characters * 0.25 + 1) {
            char detail[160];
            std::snprintf(
                detail, sizeof detail, "the spoken instruction lasts %.2f s for %.0f characters", seconds, characters);
            problems.emplace(label + detail, where);
        } else if (!keep) {
            // Heard and sound: only the WAVs of a problem stay (set
            // A11Y_KEEP_WAVS to keep them all and listen).
            std::filesystem::remove(wav_dir / name);
        }
    }

    for (auto const& [problem, where] : problems)
        std::printf("a11y: line %d: %s\n", where.line, problem.c_str());
    std::printf("a11y: %zu measures of %zu screens in 6 languages; %zu instructions spoken (%.0f s of speech, in %s); "
                "%zu problem(s)\n",
        entries, screens.size(), instructions.size(), total_seconds, wav_dir.c_str(), problems.size());
    return problems.empty() ? 0 : 1;
}
