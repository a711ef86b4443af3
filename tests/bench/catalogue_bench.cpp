// Benchmarks of the démarche engine, printed as figures (never asserted):
// loading and checking a catalogue of 200 démarches (the figure to
// reach: under 50 ms), parsing the list of communes, and one step of a
// démarche (the core's share of a page transition, against a 16.7 ms frame).
//
//   catalogue_bench SOURCE_DIR
#include "kiosk/core/catalogue.hpp"
#include "kiosk/core/communes.hpp"
#include "kiosk/core/runner.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace guichet;

namespace {

std::string read(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

template<typename F> double median_ms(int runs, F&& work)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: catalogue_bench SOURCE_DIR\n");
        return 2;
    }
    std::filesystem::path source = argv[1];
    auto folder = source / "kiosk" / "catalogue";
    CatalogueSource orientation { "orientation.json", read(folder / "orientation.json") };
    std::vector<CatalogueSource> shipped;
    for (auto const& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().extension() == ".json" && entry.path().filename() != "orientation.json")
            shipped.push_back({ entry.path().string(), read(entry.path()) });
    }
    std::sort(shipped.begin(), shipped.end(), [](auto const& a, auto const& b) { return a.name < b.name; });
    if (shipped.empty()) {
        std::fprintf(stderr, "no démarche in %s\n", folder.c_str());
        return 1;
    }

    // 200 démarches: the shipped ones again and again, each with an id of
    // its own, so that every one is parsed and checked in full.
    std::vector<CatalogueSource> big;
    std::size_t bytes = 0;
    for (int i = 0; big.size() < 200; ++i) {
        auto const& model = shipped[static_cast<std::size_t>(i) % shipped.size()];
        auto text = model.text;
        auto id = text.find("\"id\": \"");
        if (id == std::string::npos)
            return 1;
        text.insert(id + 7, "n" + std::to_string(i) + "-");
        bytes += text.size();
        big.push_back({ "copy-" + std::to_string(i) + ".json", std::move(text) });
    }
    Catalogue loaded;
    auto load_ms = median_ms(15, [&] { loaded = load_catalogue(orientation, big); });
    if (loaded.demarches.size() != 200 || !loaded.errors.empty()) {
        std::fprintf(stderr, "the 200 démarches did not all load: %zu, first error %s\n", loaded.demarches.size(),
            loaded.errors.empty() ? "" : loaded.errors.front().to_string().c_str());
        return 1;
    }
    // The JSON parser's share, for comparison: the rest is the checks.
    auto parse_ms = median_ms(15, [&] {
        for (auto const& source : big)
            if (nlohmann::json::parse(source.text).is_discarded())
                std::abort();
    });
    std::printf("catalogue-200-load-ms %.2f (%zu KiB of JSON, of which parsing %.2f; target < 50)\n", load_ms,
        bytes / 1024, parse_ms);

    auto communes_text = read(source / "kiosk" / "data" / "communes.tsv");
    CommuneIndex communes;
    auto communes_ms = median_ms(9, [&] { communes = CommuneIndex::parse(communes_text).release_value(); });
    std::printf("communes-parse-ms %.2f (%zu pairs)\n", communes_ms, communes.size());

    // The longest shipped démarche, walked with every answer typed: the
    // median time of one "Continuer" (check, conditions, steps worked out
    // again) in microseconds.
    auto const* longest = &loaded.demarches.front();
    for (auto const& demarche : loaded.demarches) {
        std::size_t fields = 0, most = 0;
        for (auto const& page : demarche.pages)
            fields += page.fields.size();
        for (auto const& page : longest->pages)
            most += page.fields.size();
        if (fields > most)
            longest = &demarche;
    }
    std::vector<double> step_us;
    DemarcheRunner runner(*longest, &communes, Date { 2026, 11, 22 });
    for (int i = 0; i < 200; ++i) {
        auto start = std::chrono::steady_clock::now();
        auto advance = runner.next();
        step_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
        if (advance != Advance::Moved)
            runner.go_to(runner.steps().front().key);
    }
    std::sort(step_us.begin(), step_us.end());
    std::printf("step-transition-us median %.1f, worst %.1f (%s, %zu steps; a frame is 16700)\n",
        step_us[step_us.size() / 2], step_us.back(), longest->id.c_str(), runner.steps().size());
    return 0;
}
