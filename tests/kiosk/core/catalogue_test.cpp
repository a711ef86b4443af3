// Tests for the catalogue loader (format 2).
//
// The corpus in catalogues/ is what a catalogue author sees: each file of
// broken/ holds one mistake, and the .expected file beside it the exact
// lines the loader must print for it, so that a changed message or a lost
// JSON path shows up as a diff. good/ holds an orientation file and sound
// démarches that use most of the format. The unit tests below the corpus
// check how sound files are read: translations, defaults, type and part
// names, and conditions resolved into their tree.
#include "kiosk/core/catalogue.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace guichet;
namespace fs = std::filesystem;

namespace {

// [SECTION] Helpers

fs::path const corpus = fs::path(GUICHET_SOURCE_DIR) / "tests" / "kiosk" / "core" / "catalogues";

std::string read_text(fs::path const& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

CatalogueSource source_of(fs::path const& file)
{
    return CatalogueSource { file.string(), read_text(file) };
}

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// What `kioskctl catalogue check` prints after the file name.
std::vector<std::string> error_lines(std::vector<LoadError> const& errors)
{
    std::vector<std::string> lines;
    for (auto const& error : errors)
        lines.push_back(error.json_path + ": " + error.reason);
    return lines;
}

std::string dump(std::vector<LoadError> const& errors)
{
    std::string text;
    for (auto const& error : errors)
        text += "  " + error.to_string() + "\n";
    return text;
}

// A readable account of how two lists of lines differ: what is missing,
// what is extra, or that only the order changed.
std::string diff(std::vector<std::string> const& expected, std::vector<std::string> const& actual)
{
    std::string text;
    for (auto const& line : expected) {
        if (std::find(actual.begin(), actual.end(), line) == actual.end())
            text += "  - expected, not printed: " + line + "\n";
    }
    for (auto const& line : actual) {
        if (std::find(expected.begin(), expected.end(), line) == expected.end())
            text += "  + printed, not expected: " + line + "\n";
    }
    if (text.empty())
        text = "  the same lines in another order, or repeated\n";
    text += "expected:\n";
    for (auto const& line : expected)
        text += "    " + line + "\n";
    text += "printed:\n";
    for (auto const& line : actual)
        text += "    " + line + "\n";
    return text;
}

std::vector<fs::path> json_files_in(fs::path const& folder)
{
    std::vector<fs::path> files;
    for (auto const& entry : fs::directory_iterator(folder)) {
        if (entry.path().extension() == ".json")
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<fs::path> broken_files()
{
    return json_files_in(corpus / "broken");
}

bool is_orientation_file(fs::path const& file)
{
    return file.filename().string().starts_with("orientation-");
}

Orientation good_orientation()
{
    std::vector<LoadError> errors;
    auto orientation = load_orientation(source_of(corpus / "good" / "orientation.json"), errors);
    if (!orientation)
        throw std::runtime_error("good/orientation.json does not load:\n" + dump(errors));
    return *orientation;
}

// A démarche around the given pages, sound in everything else.
std::string demarche_text(std::string const& pages)
{
    return R"({
        "format": 2,
        "id": "essai",
        "version": "1",
        "title": "Une démarche d'essai",
        "description": "Pour les tests.",
        "pictogram": "essai",
        "theme": "papiers",
        "intro": { "asks": "Quelques questions.", "minutes": 2 },
        "pages": )"
        + pages + R"(,
        "receipt": { "title": "C'est enregistré", "next_steps": "La suite." }
    })";
}

std::string one_page(std::string const& fields)
{
    return R"([{ "id": "page", "title": "La page", "fields": )" + fields + "}]";
}

std::vector<LoadError> errors_of(std::string const& text)
{
    std::vector<LoadError> errors;
    auto demarche = load_demarche({ "essai.json", text }, good_orientation(), errors);
    EXPECT_EQ(demarche.has_value(), errors.empty()) << "a démarche and errors, or neither";
    return errors;
}

Demarche sound(std::string const& text)
{
    std::vector<LoadError> errors;
    auto demarche = load_demarche({ "essai.json", text }, good_orientation(), errors);
    if (!demarche || !errors.empty())
        throw std::runtime_error("the test's démarche does not load:\n" + dump(errors));
    return *demarche;
}

Field first_field(std::string const& field_json)
{
    return sound(demarche_text(one_page("[" + field_json + "]"))).pages[0].fields[0];
}

}

// [SECTION] The corpus of broken files

TEST(CatalogueCorpus, EveryBrokenFileHasItsExpectedErrors)
{
    auto files = broken_files();
    // The parametrized tests below walk this folder: an empty or misplaced
    // corpus must fail here rather than pass there without a single case.
    EXPECT_GE(files.size(), 25u);
    for (auto const& file : files) {
        auto expected = fs::path(file).replace_extension(".expected");
        ASSERT_TRUE(fs::exists(expected)) << file << " has no .expected file";
        EXPECT_FALSE(lines_of(read_text(expected)).empty()) << expected << " is empty";
    }
    for (auto const& entry : fs::directory_iterator(corpus / "broken")) {
        if (entry.path().extension() != ".expected")
            continue;
        EXPECT_TRUE(fs::exists(fs::path(entry.path()).replace_extension(".json")))
            << entry.path() << " expects errors from a file that is not there";
    }
}

class BrokenFile : public testing::TestWithParam<fs::path> { };

TEST_P(BrokenFile, GivesExactlyTheExpectedErrors)
{
    auto const& file = GetParam();
    auto source = source_of(file);
    std::vector<LoadError> errors;
    if (is_orientation_file(file))
        (void)load_orientation(source, errors);
    else
        (void)load_demarche(source, good_orientation(), errors);

    auto expected = lines_of(read_text(fs::path(file).replace_extension(".expected")));
    auto actual = error_lines(errors);
    EXPECT_EQ(actual, expected) << file.filename().string() << ":\n" << diff(expected, actual);
    for (auto const& error : errors)
        EXPECT_EQ(error.file, source.name) << "every error names the file it is about";
}

TEST_P(BrokenFile, NeverYieldsADemarche)
{
    auto const& file = GetParam();
    auto good_orientation_source = source_of(corpus / "good" / "orientation.json");
    auto good_demarche = source_of(corpus / "good" / "acte-naissance.json");
    auto broken = source_of(file);
    std::vector<LoadError> errors;

    if (is_orientation_file(file)) {
        EXPECT_FALSE(load_orientation(broken, errors));
        EXPECT_FALSE(errors.empty());
        // Without its themes no démarche can be checked, so none is offered.
        auto catalogue = load_catalogue(broken, { good_demarche });
        EXPECT_TRUE(catalogue.demarches.empty());
        ASSERT_FALSE(catalogue.errors.empty());
        EXPECT_EQ(catalogue.errors.back().to_string(),
            broken.name + ": $: no démarche can be checked without a sound orientation file: none is loaded");
        return;
    }

    EXPECT_FALSE(load_demarche(broken, good_orientation(), errors));
    EXPECT_FALSE(errors.empty());
    // In a catalogue, the broken file is left out whole and the sound one
    // beside it is still offered.
    auto catalogue = load_catalogue(good_orientation_source, { broken, good_demarche });
    ASSERT_EQ(catalogue.demarches.size(), 1u) << dump(catalogue.errors);
    EXPECT_EQ(catalogue.demarches[0].id, "acte-naissance");
    EXPECT_EQ(catalogue.errors.size(), errors.size());
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, BrokenFile, testing::ValuesIn(broken_files()), [](testing::TestParamInfo<fs::path> const& info) {
        auto name = info.param.stem().string();
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

TEST(CatalogueCorpus, GoodFolderLoadsWholeWithoutErrors)
{
    std::vector<CatalogueSource> sources;
    for (auto const& file : json_files_in(corpus / "good")) {
        if (file.filename() != orientation_file_name)
            sources.push_back(source_of(file));
    }
    ASSERT_EQ(sources.size(), 2u);
    auto catalogue = load_catalogue(source_of(corpus / "good" / "orientation.json"), sources);
    EXPECT_TRUE(catalogue.errors.empty()) << dump(catalogue.errors);
    EXPECT_TRUE(catalogue.find("acte-naissance"));
    EXPECT_TRUE(catalogue.find("inscription-cantine"));
    EXPECT_EQ(catalogue.orientation.themes.size(), 2u);
    EXPECT_EQ(catalogue.orientation.situations.size(), 1u);
}

TEST(CatalogueCorpus, SecondFileWithTheSameIdIsReportedAndTheFirstStays)
{
    auto text = read_text(corpus / "good" / "inscription-cantine.json");
    auto copy = text;
    auto at = copy.find("\"short_title\": \"Cantine\"");
    ASSERT_NE(at, std::string::npos);
    copy.replace(at, std::string("\"short_title\": \"Cantine\"").size(), "\"short_title\": \"Repas\"");

    auto catalogue = load_catalogue(
        source_of(corpus / "good" / "orientation.json"), { { "a/cantine.json", text }, { "b/cantine.json", copy } });
    ASSERT_EQ(catalogue.errors.size(), 1u) << dump(catalogue.errors);
    EXPECT_EQ(catalogue.errors[0].to_string(),
        "b/cantine.json: $.id: another file already defines the démarche 'inscription-cantine'");
    ASSERT_EQ(catalogue.demarches.size(), 1u);
    EXPECT_EQ(catalogue.demarches[0].short_title.fr(), "Cantine");
}

TEST(CatalogueShipped, LoadsWithoutErrorsAndOffersEveryDemarcheOfTheFolder)
{
    auto folder = fs::path(GUICHET_SOURCE_DIR) / "kiosk" / "catalogue";
    std::vector<CatalogueSource> sources;
    std::vector<std::string> ids;
    for (auto const& file : json_files_in(folder)) {
        if (file.filename() == orientation_file_name)
            continue;
        sources.push_back(source_of(file));
        auto json = nlohmann::json::parse(sources.back().text, nullptr, false);
        ASSERT_TRUE(json.is_object() && json.contains("id") && json["id"].is_string())
            << file << " has no id to look for";
        ids.push_back(json["id"].get<std::string>());
    }
    ASSERT_FALSE(sources.empty());

    auto catalogue = load_catalogue(source_of(folder / orientation_file_name), sources);
    EXPECT_TRUE(catalogue.errors.empty()) << dump(catalogue.errors);
    for (auto const& id : ids)
        EXPECT_TRUE(catalogue.find(id)) << "the démarche '" << id << "' is not offered";
    EXPECT_EQ(catalogue.demarches.size(), sources.size());
}

TEST(CatalogueErrors, ReadAsFilePathAndReason)
{
    LoadError error { "/srv/catalogue/cantine.json", "$.pages[1].fields[0].type", "unknown field type 'x'" };
    EXPECT_EQ(error.to_string(), "/srv/catalogue/cantine.json: $.pages[1].fields[0].type: unknown field type 'x'");
}

TEST(CatalogueErrors, EveryMistakeOfAFileIsReportedNotOnlyTheFirst)
{
    auto errors = errors_of(demarche_text(one_page(R"([
        { "id": "Nom", "type": "text", "label": "Nom" },
        { "id": "ville", "type": "text", "label": "Ville", "requried": false }
    ])")));
    EXPECT_EQ(error_lines(errors),
        (std::vector<std::string> { "$.pages[0].fields[0].id: must use only a-z, 0-9, '-' and '_'",
            "$.pages[0].fields[1].requried: unknown key" }));
}

// [SECTION] Texts and languages

TEST(CatalogueText, TranslationsAreKeptAndAMissingOneFallsBackToFrench)
{
    auto field = first_field(R"({ "id": "prenom", "type": "text",
        "label": { "fr": "Votre prénom", "en": "Your first name", "ar": "اسمك" } })");
    EXPECT_EQ(field.label.fr(), "Votre prénom");
    EXPECT_EQ(field.label.in("fr"), "Votre prénom");
    EXPECT_EQ(field.label.in("en"), "Your first name");
    EXPECT_EQ(field.label.in("ar"), "اسمك");
    EXPECT_EQ(field.label.in("es"), "Votre prénom");
    EXPECT_EQ(field.label.in("tr"), "Votre prénom");

    auto plain = first_field(R"({ "id": "prenom", "type": "text", "label": "Votre prénom" })");
    EXPECT_TRUE(plain.label.translations().empty());
    EXPECT_EQ(plain.label.in("en"), "Votre prénom");
}

TEST(CatalogueText, ItemsToHaveAtHandMayBeTranslated)
{
    auto text = demarche_text(one_page(R"([{ "id": "nom", "type": "text", "label": "Nom" }])"));
    auto at = text.find("\"minutes\": 2");
    text.insert(at, R"("have_at_hand": ["Le livret de famille", { "fr": "Un justificatif", "en": "A proof" }], )");
    auto demarche = sound(text);
    ASSERT_EQ(demarche.intro.have_at_hand.size(), 2u);
    EXPECT_EQ(demarche.intro.have_at_hand[0].fr(), "Le livret de famille");
    EXPECT_EQ(demarche.intro.have_at_hand[1].in("en"), "A proof");
    EXPECT_EQ(demarche.intro.have_at_hand[1].in("pt"), "Un justificatif");
}

TEST(CatalogueText, LengthsCountCharactersNotBytes)
{
    // A label holds 40 characters: 40 accented letters are 80 bytes.
    std::string forty;
    for (int i = 0; i < 40; ++i)
        forty += "é";
    auto field = first_field(R"({ "id": "nom", "type": "text", "label": ")" + forty + R"(" })");
    EXPECT_EQ(field.label.fr(), forty);

    auto errors
        = errors_of(demarche_text(one_page(R"([{ "id": "nom", "type": "text", "label": ")" + forty + R"(é" }])")));
    EXPECT_EQ(error_lines(errors),
        (std::vector<std::string> {
            "$.pages[0].fields[0].label: too long for the screen: 40 characters at most, found 41" }));
}

// [SECTION] Defaults

TEST(CatalogueDefaults, FieldsTakeTheDocumentedDefaults)
{
    struct Row {
        char const* json;
        char const* question;
        bool personal;
        bool required;
        std::size_t max_length;
    };
    Row const rows[] = {
        { R"({ "id": "f", "type": "text", "label": "Le nom" })", "Le nom", false, true, 120 },
        { R"({ "id": "f", "type": "text", "label": "Le nom", "question": "Quel est votre nom ?" })",
            "Quel est votre nom ?", false, true, 120 },
        { R"({ "id": "f", "type": "long_text", "label": "Le détail" })", "Le détail", false, true, 500 },
        { R"({ "id": "f", "type": "text", "label": "Le nom", "required": false, "personal": true })", "Le nom", true,
            false, 120 },
        { R"({ "id": "f", "type": "phone", "label": "Téléphone" })", "Téléphone", true, true, 120 },
        { R"({ "id": "f", "type": "phone", "label": "Téléphone", "personal": false })", "Téléphone", false, true, 120 },
        { R"({ "id": "f", "type": "email", "label": "E-mail" })", "E-mail", true, true, 120 },
        { R"({ "id": "f", "type": "identity", "label": "La personne" })", "La personne", true, true, 120 },
        { R"({ "id": "f", "type": "address", "label": "L'adresse" })", "L'adresse", true, true, 120 },
        { R"({ "id": "f", "type": "date", "label": "La date" })", "La date", false, true, 120 },
        { R"({ "id": "f", "type": "number", "label": "Le nombre" })", "Le nombre", false, true, 120 },
        { R"({ "id": "f", "type": "yes_no", "label": "Oui ou non" })", "Oui ou non", false, true, 120 },
        { R"({ "id": "f", "type": "consent", "label": "Accord", "text": "J'accepte." })", "Accord", false, true, 120 },
        { R"({ "id": "f", "type": "info", "question": "À savoir", "text": "Un texte." })", "À savoir", false, false,
            120 },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.json);
        auto field = first_field(row.json);
        EXPECT_EQ(field.question.fr(), row.question);
        EXPECT_EQ(field.personal, row.personal);
        EXPECT_EQ(field.required, row.required);
        EXPECT_EQ(field.max_length, row.max_length);
    }
}

TEST(CatalogueDefaults, MultipleChoiceAllowsFromOneToEveryOption)
{
    auto field = first_field(R"({ "id": "f", "type": "multi_choice", "label": "Sports", "choices": [
        { "id": "judo", "label": "Judo", "pictogram": "judo" },
        { "id": "foot", "label": "Football", "pictogram": "foot" },
        { "id": "piano", "label": "Piano", "pictogram": "piano" } ] })");
    EXPECT_EQ(field.min_selected, 1u);
    EXPECT_EQ(field.max_selected, 3u);

    auto optional = first_field(R"({ "id": "f", "type": "multi_choice", "label": "Sports", "required": false,
        "choices": [ { "id": "judo", "label": "Judo", "pictogram": "judo" },
                     { "id": "foot", "label": "Football", "pictogram": "foot" } ] })");
    EXPECT_EQ(optional.min_selected, 0u);
}

TEST(CatalogueDefaults, GroupsAskOneItemAndAllowSix)
{
    auto field = first_field(R"({ "id": "enfants", "type": "group", "label": "Les enfants",
        "item_label": "Enfant {n}", "add_question": "Un autre enfant ?",
        "fields": [{ "id": "prenom", "type": "text", "label": "Prénom" }] })");
    EXPECT_EQ(field.min_items, 1u);
    EXPECT_EQ(field.max_items, 6u);
    EXPECT_FALSE(field.required);
    ASSERT_EQ(field.fields.size(), 1u);
    EXPECT_EQ(field.fields[0].id, "prenom");
}

TEST(CatalogueDefaults, DemarcheTakesTheDocumentedDefaults)
{
    auto demarche = sound(demarche_text(one_page(R"([{ "id": "nom", "type": "text", "label": "Nom" }])")));
    EXPECT_EQ(demarche.short_title.fr(), "Une démarche d'essai"); // the title, short enough for a tile
    EXPECT_EQ(demarche.devices.printer, DeviceNeed::Optional);
    EXPECT_EQ(demarche.devices.card_reader, DeviceNeed::None);
    EXPECT_EQ(demarche.when_unavailable.fr(),
        "Cette démarche n'est pas possible sur la borne pour le moment. Un agent de l'accueil peut la faire avec "
        "vous.");
    EXPECT_TRUE(demarche.situations.empty());
    EXPECT_EQ(demarche.intro.minutes, 2);
}

TEST(CatalogueDefaults, GoodCorpusDemarcheReadsAsWritten)
{
    auto demarche = sound(read_text(corpus / "good" / "inscription-cantine.json"));
    EXPECT_EQ(demarche.devices.printer, DeviceNeed::Required);
    EXPECT_EQ(demarche.when_unavailable.fr(), "L'imprimante ne marche pas. Demandez le formulaire papier à l'accueil.");
    EXPECT_EQ(demarche.situations, std::vector<std::string> { "ecole" });
    EXPECT_EQ(demarche.pages[0].title.in("en"), "Your children");
    auto const* group = demarche.find_field("enfants");
    ASSERT_TRUE(group);
    EXPECT_EQ(group->max_items, 3u);
    ASSERT_EQ(group->fields.size(), 4u);
    EXPECT_EQ(group->fields[3].max_selected, 2u);
    // Members are found through their group only.
    EXPECT_FALSE(demarche.find_field("prenom"));
    auto const* people = demarche.find_field("personnes");
    ASSERT_TRUE(people);
    EXPECT_EQ(people->min, 1);
    EXPECT_EQ(people->max, 15);
}

// [SECTION] Names of types and parts

TEST(CatalogueNames, FieldTypeNamesRoundTrip)
{
    struct Row {
        FieldType type;
        char const* name;
    };
    Row const rows[] = {
        { FieldType::ShortText, "text" },
        { FieldType::LongText, "long_text" },
        { FieldType::Number, "number" },
        { FieldType::Date, "date" },
        { FieldType::Choice, "choice" },
        { FieldType::MultiChoice, "multi_choice" },
        { FieldType::YesNo, "yes_no" },
        { FieldType::Address, "address" },
        { FieldType::Phone, "phone" },
        { FieldType::Email, "email" },
        { FieldType::Identity, "identity" },
        { FieldType::Consent, "consent" },
        { FieldType::Info, "info" },
        { FieldType::Group, "group" },
        { FieldType::Appointment, "appointment" },
        { FieldType::TrackingCode, "tracking_code" },
    };
    for (auto const& row : rows) {
        EXPECT_EQ(to_string(row.type), row.name);
        EXPECT_EQ(parse_field_type(row.name), row.type) << row.name;
    }
    for (auto const* unknown : { "", "Text", "short_text", "adresse", "yes-no" })
        EXPECT_FALSE(parse_field_type(unknown)) << unknown;
}

TEST(CatalogueNames, CompositesHaveTheirPartsInTheOrderTheyAreAsked)
{
    EXPECT_EQ(parts_of(FieldType::Identity),
        (std::vector<Part> { Part::Surname, Part::GivenNames, Part::BirthDate, Part::BirthPlace }));
    EXPECT_EQ(parts_of(FieldType::Address),
        (std::vector<Part> { Part::StreetNumber, Part::Street, Part::Postcode, Part::Commune }));
    EXPECT_EQ(parts_of(FieldType::ShortText), std::vector<Part> { Part::Whole });
    EXPECT_EQ(parts_of(FieldType::Group), std::vector<Part> { Part::Whole });

    struct Row {
        FieldType type;
        char const* name;
        std::optional<Part> part;
    };
    Row const rows[] = {
        { FieldType::Identity, "surname", Part::Surname },
        { FieldType::Identity, "given_names", Part::GivenNames },
        { FieldType::Identity, "birth_date", Part::BirthDate },
        { FieldType::Identity, "birth_place", Part::BirthPlace },
        { FieldType::Address, "number", Part::StreetNumber },
        { FieldType::Address, "street", Part::Street },
        { FieldType::Address, "postcode", Part::Postcode },
        { FieldType::Address, "commune", Part::Commune },
        // A part of the other composite, a whole field, a typo.
        { FieldType::Address, "birth_date", std::nullopt },
        { FieldType::Identity, "postcode", std::nullopt },
        { FieldType::ShortText, "", std::nullopt },
        { FieldType::Date, "birth_date", std::nullopt },
        { FieldType::Address, "code_postal", std::nullopt },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(std::string(to_string(row.type)) + "." + row.name);
        EXPECT_EQ(parse_part(row.type, row.name), row.part);
        if (row.part) {
            EXPECT_EQ(to_string(*row.part), row.name);
        }
    }
}

// [SECTION] Conditions

namespace {

std::string describe(Condition const& condition)
{
    using Op = Condition::Op;
    auto children = [&](char const* name) {
        std::string text = std::string(name) + "(";
        for (std::size_t i = 0; i < condition.children.size(); ++i)
            text += (i ? ", " : "") + describe(condition.children[i]);
        return text + ")";
    };
    std::string ref = (condition.ref.in_item ? "item." : "") + condition.ref.field;
    if (condition.ref.part != Part::Whole)
        ref += "." + std::string(to_string(condition.ref.part));
    std::string values;
    for (auto const& value : condition.values)
        values += (values.empty() ? " = " : "|") + value;
    auto number = " " + std::to_string(condition.number);
    switch (condition.op) {
    case Op::All:
        return children("all");
    case Op::Any:
        return children("any");
    case Op::Not:
        return children("not");
    case Op::Is:
        return "is(" + ref + values + ")";
    case Op::In:
        return "in(" + ref + values + ")";
    case Op::Has:
        return "has(" + ref + values + ")";
    case Op::Answered:
        return "answered(" + ref + ")";
    case Op::NotAnswered:
        return "not_answered(" + ref + ")";
    case Op::AgeAtLeast:
        return "age_at_least(" + ref + number + ")";
    case Op::AgeUnder:
        return "age_under(" + ref + number + ")";
    case Op::AtLeast:
        return "at_least(" + ref + number + ")";
    case Op::AtMost:
        return "at_most(" + ref + number + ")";
    }
    return "?";
}

// Every kind of field a condition may read, then a panel shown under
// `when`; inside the group, a member shown under `member_when`.
Demarche with_condition(
    std::string const& when, std::string const& member_when = R"({ "field": "allergie", "answered": true })")
{
    return sound(demarche_text(R"([
        { "id": "questions", "title": "Les questions", "fields": [
            { "id": "prenom", "type": "text", "label": "Prénom" },
            { "id": "ecole", "type": "choice", "label": "École", "choices": [
                { "id": "jaures", "label": "Jaurès", "pictogram": "ecole" },
                { "id": "moulin", "label": "Moulin", "pictogram": "ecole" } ] },
            { "id": "activites", "type": "multi_choice", "label": "Activités", "choices": [
                { "id": "judo", "label": "Judo", "pictogram": "judo" },
                { "id": "piano", "label": "Piano", "pictogram": "piano" } ] },
            { "id": "personnes", "type": "number", "label": "Personnes" },
            { "id": "naissance", "type": "date", "label": "Naissance" },
            { "id": "sans_porc", "type": "yes_no", "label": "Sans porc" } ] },
        { "id": "qui", "title": "Qui", "fields": [
            { "id": "personne", "type": "identity", "label": "La personne" },
            { "id": "adresse", "type": "address", "label": "L'adresse" } ] },
        { "id": "suite", "title": "La suite", "fields": [
            { "id": "panneau", "type": "info", "text": "À savoir.", "when": )"
        + when + R"( },
            { "id": "enfants", "type": "group", "label": "Enfants", "item_label": "Enfant {n}",
              "add_question": "Un autre ?", "fields": [
                { "id": "allergie", "type": "yes_no", "label": "Allergie" },
                { "id": "detail", "type": "text", "label": "Détail", "when": )"
        + member_when + R"( } ] } ] }
    ])"));
}

}

TEST(ConditionParsing, EachTestBecomesItsNodeWithTheFieldItReads)
{
    struct Row {
        char const* json;
        char const* tree;
    };
    Row const rows[] = {
        { R"({ "field": "ecole", "is": "jaures" })", "is(ecole = jaures)" },
        { R"({ "field": "ecole", "in": ["jaures", "moulin"] })", "in(ecole = jaures|moulin)" },
        { R"({ "field": "activites", "has": "piano" })", "has(activites = piano)" },
        { R"({ "field": "prenom", "is": "Léa" })", "is(prenom = Léa)" },
        { R"({ "field": "prenom", "answered": true })", "answered(prenom)" },
        { R"({ "field": "prenom", "answered": false })", "not_answered(prenom)" },
        { R"({ "field": "sans_porc", "is": "non" })", "is(sans_porc = non)" },
        { R"({ "field": "naissance", "age_at_least": 18 })", "age_at_least(naissance 18)" },
        { R"({ "field": "naissance", "age_under": 3 })", "age_under(naissance 3)" },
        { R"({ "field": "personnes", "at_least": 5 })", "at_least(personnes 5)" },
        { R"({ "field": "personnes", "at_most": 2 })", "at_most(personnes 2)" },
        { R"({ "field": "personne.birth_date", "age_under": 18 })", "age_under(personne.birth_date 18)" },
        { R"({ "field": "personne.surname", "answered": true })", "answered(personne.surname)" },
        { R"({ "field": "adresse.postcode", "in": ["42000", "42100"] })", "in(adresse.postcode = 42000|42100)" },
        { R"({ "field": "adresse.commune", "answered": false })", "not_answered(adresse.commune)" },
        { R"({ "not": { "field": "sans_porc", "is": "oui" } })", "not(is(sans_porc = oui))" },
        { R"({ "all": [{ "field": "ecole", "is": "jaures" }, { "field": "personnes", "at_least": 2 }] })",
            "all(is(ecole = jaures), at_least(personnes 2))" },
        { R"({ "any": [{ "field": "prenom", "answered": false },
                       { "all": [{ "field": "activites", "has": "judo" }, { "not": { "field": "ecole", "is": "moulin" } }] }] })",
            "any(not_answered(prenom), all(has(activites = judo), not(is(ecole = moulin))))" },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.json);
        auto demarche = with_condition(row.json);
        auto const* panel = demarche.find_field("panneau");
        ASSERT_TRUE(panel);
        ASSERT_TRUE(panel->when);
        EXPECT_EQ(describe(*panel->when), row.tree);
    }
}

TEST(ConditionParsing, InsideAGroupASiblingIsReadInTheSameItem)
{
    struct Row {
        char const* json;
        char const* tree;
    };
    Row const rows[] = {
        { R"({ "field": "allergie", "is": "oui" })", "is(item.allergie = oui)" },
        // A top-level field keeps its plain name inside a group.
        { R"({ "field": "ecole", "is": "moulin" })", "is(ecole = moulin)" },
        { R"({ "all": [{ "field": "allergie", "is": "oui" }, { "field": "personne.birth_date", "age_under": 12 }] })",
            "all(is(item.allergie = oui), age_under(personne.birth_date 12))" },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.json);
        auto demarche = with_condition(R"({ "field": "prenom", "answered": true })", row.json);
        auto const* group = demarche.find_field("enfants");
        ASSERT_TRUE(group);
        ASSERT_EQ(group->fields.size(), 2u);
        ASSERT_TRUE(group->fields[1].when);
        EXPECT_EQ(describe(*group->fields[1].when), row.tree);
    }
}

TEST(ConditionParsing, PagesAndRulesHaveTheirConditionsToo)
{
    auto demarche = sound(read_text(corpus / "good" / "acte-naissance.json"));
    ASSERT_EQ(demarche.pages.size(), 4u);
    EXPECT_FALSE(demarche.pages[0].when);
    ASSERT_TRUE(demarche.pages[2].when);
    EXPECT_EQ(describe(*demarche.pages[2].when), "all(is(pour_qui = autre), age_under(personne.birth_date 18))");

    auto const* kind = demarche.find_field("sorte");
    ASSERT_TRUE(kind);
    ASSERT_EQ(kind->rules.size(), 1u);
    EXPECT_EQ(describe(kind->rules[0].require), "any(is(sorte = extrait), in(pour_qui = moi|enfant))");
    EXPECT_EQ(kind->rules[0].message.fr(),
        "Une copie intégrale est seulement pour vous ou votre enfant. Choisissez « Extrait ».");
}

TEST(ConditionParsing, MistakesInAConditionAreNamedWhereTheyAre)
{
    struct Row {
        char const* json;
        char const* error;
    };
    Row const rows[] = {
        { R"({ "field": "ecole" })",
            "$.pages[2].fields[0].when: a condition on a field needs one test (is, in, has, answered, age_at_least, "
            "age_under, at_least or at_most)" },

        { R"({ "field": "ecole", "in": [] })", "$.pages[2].fields[0].when.in: must be a list of at least one value" },
        { R"({ "field": "ecole", "in": ["jaures", "lycee"] })",
            "$.pages[2].fields[0].when.in[1]: 'lycee' is not a choice of 'ecole' (expected jaures, moulin)" },
        { R"({ "field": "naissance", "is": "2000-01-01" })",
            "$.pages[2].fields[0].when.is: 'is' cannot test a date field (use age_at_least or age_under)" },
        { R"({ "field": "activites", "is": "judo" })",
            "$.pages[2].fields[0].when.is: 'is' cannot test a multi_choice field (use 'has')" },
        { R"({ "field": "personnes", "at_least": "5" })",
            "$.pages[2].fields[0].when.at_least: must be a whole number" },
        { R"({ "field": "naissance", "age_under": 200 })",
            "$.pages[2].fields[0].when.age_under: an age is between 0 and 130" },
        { R"({ "field": "prenom.surname", "answered": true })",
            "$.pages[2].fields[0].when.field: the field 'prenom' has no parts (only address, identity and appointment "
            "fields do)" },
        { R"({ "field": "adresse.ville", "answered": true })",
            "$.pages[2].fields[0].when.field: the field 'adresse' has no part 'ville' (expected number, street, "
            "postcode or commune)" },
        { R"({ "field": "enfants", "answered": true })",
            "$.pages[2].fields[0].when.field: the field 'enfants' is asked later: a condition can only use answers "
            "given before it" },
        { R"({ "not": [{ "field": "prenom", "answered": true }] })",
            "$.pages[2].fields[0].when.not: a condition must be a JSON object, found array" },
        { R"({ "any": [{ "field": "prenom", "answered": true }, { "field": "ecole", "is": "jaures" }], "field": "prenom" })",
            "$.pages[2].fields[0].when: 'any' must be the only key of its condition" },
        { R"({ "field": "personnes", "answered": "oui" })",
            "$.pages[2].fields[0].when.answered: must be true or false" },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.json);
        auto text = demarche_text(R"([
            { "id": "questions", "title": "Les questions", "fields": [
                { "id": "prenom", "type": "text", "label": "Prénom" },
                { "id": "ecole", "type": "choice", "label": "École", "choices": [
                    { "id": "jaures", "label": "Jaurès", "pictogram": "ecole" },
                    { "id": "moulin", "label": "Moulin", "pictogram": "ecole" } ] },
                { "id": "activites", "type": "multi_choice", "label": "Activités", "choices": [
                    { "id": "judo", "label": "Judo", "pictogram": "judo" },
                    { "id": "piano", "label": "Piano", "pictogram": "piano" } ] },
                { "id": "personnes", "type": "number", "label": "Personnes" },
                { "id": "naissance", "type": "date", "label": "Naissance" } ] },
            { "id": "qui", "title": "Qui", "fields": [ { "id": "adresse", "type": "address", "label": "L'adresse" } ] },
            { "id": "suite", "title": "La suite", "fields": [
                { "id": "panneau", "type": "info", "text": "À savoir.", "when": )"
            + std::string(row.json) + R"( },
                { "id": "enfants", "type": "group", "label": "Enfants", "item_label": "Enfant {n}",
                  "add_question": "Un autre ?", "fields": [ { "id": "allergie", "type": "yes_no", "label": "Allergie" } ] } ] }
        ])");
        EXPECT_EQ(error_lines(errors_of(text)), std::vector<std::string> { row.error });
    }
}
