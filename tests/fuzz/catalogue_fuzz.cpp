// libFuzzer target for the catalogue loader (kiosk/core/catalogue.hpp).
//
// A catalogue file is the one input a kiosk takes from outside its own code
// that can be wrong in any way: a collectivité writes it by hand, a sync can
// truncate it. The loader promises to reject a bad file with errors, never to
// crash, throw or hand the kiosk a démarche it cannot show. This target feeds
// arbitrary bytes through load_demarche and load_catalogue and traps on any
// broken promise. It deliberately catches nothing: an exception escaping the
// loader terminates the process, and libFuzzer reports that as a crash.
//
// The input is one démarche file. When it contains kSeparator, the bytes on
// either side are two files of one catalogue; otherwise the catalogue is the
// same text twice under two names, which drives the duplicate-id path on
// every input that loads. The orientation file is the shipped one, loaded
// once: démarches are checked against its themes and situations, and with
// none of them no démarche could load.
//
// The fuzzed entry points are load_demarche and load_catalogue. The
// invariants are those of their contract in catalogue.hpp and of what the
// screens need, not the format's limits (pages, choices), so that they hold
// as the format grows.

#include "kiosk/core/catalogue.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using guichet::Catalogue;
using guichet::CatalogueSource;
using guichet::Demarche;
using guichet::Field;
using guichet::FieldType;
using guichet::LoadError;
using guichet::Orientation;
using guichet::Text;

// ASCII "record separator": never valid inside a JSON text, so splitting on it
// cannot turn one well-formed file into two.
constexpr char kSeparator = '\x1e';

// Set once by LLVMFuzzerInitialize, read-only afterwards.
CatalogueSource g_orientation_source;
Orientation g_orientation;

// A violated invariant must stop the run where it happened, whatever the
// build type: __builtin_trap is not compiled out by NDEBUG, and the stack
// ASan prints points at the failing check.
#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition))                                                                                              \
            __builtin_trap();                                                                                          \
    } while (false)

// Written here rather than taken from kiosk/core/utf8.hpp: the loader uses
// that one, and an oracle that shares the code under test would agree with
// its bugs. Strict RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF.
bool is_valid_utf8(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        std::size_t continuation = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (byte < 0x80) {
            ++i;
            continue;
        }
        if (byte >= 0xC2 && byte <= 0xDF) {
            continuation = 1;
        } else if (byte == 0xE0) {
            continuation = 2;
            low = 0xA0;
        } else if (byte == 0xED) {
            continuation = 2;
            high = 0x9F;
        } else if (byte >= 0xE1 && byte <= 0xEF) {
            continuation = 2;
        } else if (byte == 0xF0) {
            continuation = 3;
            low = 0x90;
        } else if (byte >= 0xF1 && byte <= 0xF3) {
            continuation = 3;
        } else if (byte == 0xF4) {
            continuation = 3;
            high = 0x8F;
        } else {
            return false;
        }
        if (text.size() - i - 1 < continuation)
            return false;
        for (std::size_t k = 1; k <= continuation; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF))
                return false;
        }
        i += continuation + 1;
    }
    return true;
}

// Every text of a démarche ends up on the screen, on the receipt or read
// aloud: invalid UTF-8 there would garble or crash the renderer.
void check_text(std::string const& text)
{
    FUZZ_CHECK(is_valid_utf8(text));
}

void check_text(Text const& text)
{
    check_text(text.fr());
    for (auto const& [language, translation] : text.translations()) {
        check_text(language);
        check_text(translation);
    }
}

// A field, or a member of a group field.
void check_field(Field const& field)
{
    FUZZ_CHECK(!field.id.empty());
    check_text(field.id);
    check_text(field.label);
    check_text(field.question);
    check_text(field.hint);
    check_text(field.text);
    check_text(field.pictogram);
    check_text(field.item_label);
    check_text(field.add_question);
    for (auto const* message :
        { &field.messages.required, &field.messages.too_short, &field.messages.too_long, &field.messages.invalid }) {
        if (*message)
            check_text(**message);
    }
    for (auto const& rule : field.rules)
        check_text(rule.message);
    // Otherwise no answer could ever be valid and the resident would be
    // stuck on this question.
    FUZZ_CHECK(field.min_length <= field.max_length);
    if (field.min && field.max)
        FUZZ_CHECK(*field.min <= *field.max);
    // A choice with no tile cannot be answered; two tiles with one id would
    // record the same answer for different things.
    if (field.type == FieldType::Choice || field.type == FieldType::MultiChoice)
        FUZZ_CHECK(!field.choices.empty());
    std::set<std::string> choice_ids;
    for (auto const& choice : field.choices) {
        FUZZ_CHECK(!choice.id.empty());
        FUZZ_CHECK(choice_ids.insert(choice.id).second);
        check_text(choice.id);
        check_text(choice.label);
        check_text(choice.hint);
        check_text(choice.pictogram);
    }
    for (auto const& member : field.fields)
        check_field(member);
}

// What the runner and the screens rely on in any démarche the loader accepts.
void check_demarche(Demarche const& demarche)
{
    // The id keys the home tile, the dossier and the duplicate check.
    FUZZ_CHECK(!demarche.id.empty());
    // A démarche without a page would go from the home screen straight to
    // the review with nothing to confirm.
    FUZZ_CHECK(!demarche.pages.empty());
    check_text(demarche.id);
    check_text(demarche.version);
    check_text(demarche.title);
    check_text(demarche.short_title);
    check_text(demarche.description);
    check_text(demarche.pictogram);
    check_text(demarche.theme);
    check_text(demarche.intro.asks);
    for (auto const& item : demarche.intro.have_at_hand)
        check_text(item);
    check_text(demarche.when_unavailable);
    check_text(demarche.receipt.title);
    check_text(demarche.receipt.next_steps);
    // The home tile shows the short title, which falls back on the title.
    FUZZ_CHECK(!demarche.short_title.empty());

    // The orientation screens list a démarche under its theme and its
    // situations: one that names another would be listed nowhere, or crash
    // the screen that looks it up.
    bool known_theme = false;
    for (auto const& theme : g_orientation.themes)
        known_theme = known_theme || theme.id == demarche.theme;
    FUZZ_CHECK(known_theme);
    for (auto const& id : demarche.situations) {
        bool known_situation = false;
        for (auto const& situation : g_orientation.situations)
            known_situation = known_situation || situation.id == id;
        FUZZ_CHECK(known_situation);
    }

    // Answers are keyed by field id across the whole démarche.
    std::set<std::string> field_ids;
    for (auto const& page : demarche.pages) {
        check_text(page.id);
        check_text(page.title);
        check_text(page.instruction);
        for (auto const& field : page.fields) {
            FUZZ_CHECK(field_ids.insert(field.id).second);
            check_field(field);
        }
    }
}

// An error is for the catalogue's author: it must say which file and where.
// `sources` are the files the loader was given.
void check_error(LoadError const& error, std::span<CatalogueSource const> sources)
{
    bool names_a_source = false;
    for (auto const& source : sources)
        names_a_source = names_a_source || error.file == source.name;
    FUZZ_CHECK(names_a_source);
    FUZZ_CHECK(!error.json_path.empty() && error.json_path.front() == '$');
    FUZZ_CHECK(!error.reason.empty());
}

// load_demarche's contract: a démarche and no error, or no démarche and at
// least one error. Returns the démarche for the catalogue checks below.
std::optional<Demarche> load_one(CatalogueSource const& source)
{
    std::vector<LoadError> errors;
    auto demarche = guichet::load_demarche(source, g_orientation, errors);
    FUZZ_CHECK(demarche.has_value() == errors.empty());
    for (auto const& error : errors)
        check_error(error, std::span(&source, 1));
    if (demarche)
        check_demarche(*demarche);
    return demarche;
}

// load_catalogue's contract, checked against load_demarche on each source:
// every source either contributes its démarche (in order) or is named by at
// least one error, never both and never neither; ids stay unique.
void check_catalogue(std::vector<CatalogueSource> const& sources)
{
    std::vector<std::optional<Demarche>> alone;
    for (auto const& source : sources)
        alone.push_back(load_one(source));

    // The orientation is sound and never changes, so an error may name only
    // the démarche files.
    Catalogue catalogue = guichet::load_catalogue(g_orientation_source, sources);
    for (auto const& error : catalogue.errors)
        check_error(error, sources);
    std::set<std::string> ids;
    for (auto const& demarche : catalogue.demarches) {
        check_demarche(demarche);
        FUZZ_CHECK(ids.insert(demarche.id).second);
    }

    std::size_t next = 0;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        bool named_by_an_error = false;
        for (auto const& error : catalogue.errors)
            named_by_an_error = named_by_an_error || error.file == sources[i].name;
        if (named_by_an_error)
            continue;
        // Silent about this source, so its démarche must be the next one,
        // and the same as when it is loaded alone.
        FUZZ_CHECK(alone[i].has_value());
        FUZZ_CHECK(next < catalogue.demarches.size());
        FUZZ_CHECK(catalogue.demarches[next].id == alone[i]->id);
        FUZZ_CHECK(catalogue.demarches[next].pages.size() == alone[i]->pages.size());
        ++next;
    }
    FUZZ_CHECK(next == catalogue.demarches.size());
}

}

// The shipped orientation file, found through the source tree: a démarche's
// theme must be one of its themes, so fuzzing against an empty one would
// never get a démarche past the loader.
extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    std::string const path = GUICHET_SOURCE_DIR "/kiosk/catalogue/orientation.json";
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    g_orientation_source = CatalogueSource { path, text.str() };
    std::vector<LoadError> errors;
    auto orientation = guichet::load_orientation(g_orientation_source, errors);
    if (!orientation) {
        std::fprintf(stderr, "catalogue_fuzz: cannot load %s\n", path.c_str());
        for (auto const& error : errors)
            std::fprintf(stderr, "  %s\n", error.to_string().c_str());
        std::abort();
    }
    g_orientation = std::move(*orientation);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view const input(reinterpret_cast<char const*>(data), size);

    check_catalogue({ CatalogueSource { "fuzz/demarche.json", std::string(input) } });

    auto separator = input.find(kSeparator);
    auto first = input.substr(0, separator);
    auto second = separator == std::string_view::npos ? input : input.substr(separator + 1);
    check_catalogue({ CatalogueSource { "fuzz/first.json", std::string(first) },
        CatalogueSource { "fuzz/second.json", std::string(second) } });
    return 0;
}
