// Tests for the démarche runner: what a resident sees and can do, one step
// at a time. Each test loads a small démarche written inline (through the
// real loader, so the catalogue's defaults apply), drives the runner as the
// screens do (insert_text, choose, next, back, go_to), and checks the
// message shown, the steps offered, or the answers that reach the dossier.
#include "kiosk/core/communes.hpp"
#include "kiosk/core/runner.hpp"
#include "kiosk/core/slots.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>

using namespace guichet;
using Json = nlohmann::ordered_json;

namespace guichet {

// Names rather than bytes in gtest's failure messages.
void PrintTo(Advance advance, std::ostream* out)
{
    *out << (advance == Advance::Refused ? "Refused" : advance == Advance::Moved ? "Moved" : "Finished");
}

void PrintTo(InputKind input, std::ostream* out)
{
    constexpr char const* names[] = { "Text", "LongText", "Email", "Digits", "Phone", "Date", "Choice", "MultiChoice",
        "YesNo", "Consent", "Info", "Commune" };
    *out << names[static_cast<int>(input)];
}

}

namespace {

// [SECTION] Helpers

// A fixed day, so that ages and "not in the future" do not change with the
// calendar.
constexpr Date today { 2025, 6, 15 };

Orientation orientation()
{
    Orientation orientation;
    orientation.themes.push_back(Theme { "papiers", "Papiers", "", "papiers" });
    return orientation;
}

Demarche demarche_of(std::string const& pages)
{
    std::string text = R"({
        "format": 2, "id": "essai", "version": "1", "title": "Essai", "description": "Pour les tests.",
        "pictogram": "essai", "theme": "papiers", "intro": { "asks": "Quelques questions.", "minutes": 2 },
        "pages": )"
        + pages + R"(, "receipt": { "title": "C'est enregistré", "next_steps": "La suite." } })";
    std::vector<LoadError> errors;
    auto demarche = load_demarche({ "essai.json", text }, orientation(), errors);
    if (!demarche) {
        std::string message = "the test's démarche does not load:\n";
        for (auto const& error : errors)
            message += "  " + error.to_string() + "\n";
        throw std::runtime_error(message);
    }
    return *demarche;
}

// One page holding `fields` (a JSON list).
Demarche page_of(std::string const& fields)
{
    return demarche_of(R"([{ "id": "page", "title": "La page", "fields": )" + fields + "}]");
}

// Communes of a few postcodes: one commune for 42000, two for 01090 and
// for 01100.
CommuneIndex const& communes()
{
    static CommuneIndex const index = CommuneIndex::parse("# postcode\tinsee\tname\n"
                                                          "42000\t42218\tSaint-Étienne\n"
                                                          "01090\t01169\tGenouilleux\n"
                                                          "01090\t01165\tFrancheleins\n"
                                                          "01100\t01283\tOyonnax\n"
                                                          "01100\t01025\tArbent\n")
                                          .value();
    return index;
}

std::vector<std::string> keys(DemarcheRunner const& runner)
{
    std::vector<std::string> keys;
    for (auto const& step : runner.steps())
        keys.push_back(step.key);
    return keys;
}

bool shows(DemarcheRunner const& runner, std::string_view key)
{
    auto all = keys(runner);
    return std::find(all.begin(), all.end(), key) != all.end();
}

std::vector<std::string> option_ids(DemarcheRunner const& runner)
{
    std::vector<std::string> ids;
    for (auto const& option : runner.options(runner.step()))
        ids.push_back(option.id);
    return ids;
}

std::vector<std::string> option_labels(DemarcheRunner const& runner)
{
    std::vector<std::string> labels;
    for (auto const& option : runner.options(runner.step()))
        labels.push_back(option.label);
    return labels;
}

std::string summary_value(DemarcheRunner const& runner, std::string_view key)
{
    for (auto const& line : runner.summary()) {
        if (line.key == key)
            return line.value;
    }
    return "(not in the summary)";
}

// Types `text` and moves on; the step's message when it is refused.
std::optional<std::string> answer_with(DemarcheRunner& runner, std::string_view text)
{
    runner.insert_text(text);
    if (runner.next() == Advance::Refused)
        return runner.error();
    return std::nullopt;
}

std::string const three_schools = R"([
    { "id": "jaures", "label": "École Jaurès", "hint": "Rue Jaurès", "pictogram": "ecole" },
    { "id": "moulin", "label": "École du Moulin", "pictogram": "ecole" },
    { "id": "pasteur", "label": "École Pasteur", "pictogram": "ecole" } ])";

}

// [SECTION] Steps and their input

TEST(RunnerSteps, EachFieldTypeIsAskedWithItsInput)
{
    using K = InputKind;
    struct Row {
        std::string field;
        std::vector<InputKind> with_communes;
        std::vector<InputKind> without_communes;
    };
    Row const rows[] = {
        { R"({ "id": "f", "type": "text", "label": "L" })", { K::Text }, { K::Text } },
        { R"({ "id": "f", "type": "long_text", "label": "L" })", { K::LongText }, { K::LongText } },
        { R"({ "id": "f", "type": "number", "label": "L" })", { K::Digits }, { K::Digits } },
        { R"({ "id": "f", "type": "date", "label": "L" })", { K::Date }, { K::Date } },
        { R"({ "id": "f", "type": "choice", "label": "L", "choices": )" + three_schools + "}", { K::Choice },
            { K::Choice } },
        { R"({ "id": "f", "type": "multi_choice", "label": "L", "choices": )" + three_schools + "}", { K::MultiChoice },
            { K::MultiChoice } },
        { R"({ "id": "f", "type": "yes_no", "label": "L" })", { K::YesNo }, { K::YesNo } },
        { R"({ "id": "f", "type": "phone", "label": "L" })", { K::Phone }, { K::Phone } },
        { R"({ "id": "f", "type": "email", "label": "L" })", { K::Email }, { K::Email } },
        { R"({ "id": "f", "type": "consent", "label": "L", "text": "J'accepte." })", { K::Consent }, { K::Consent } },
        { R"({ "id": "f", "type": "info", "text": "À savoir." })", { K::Info }, { K::Info } },
        { R"({ "id": "f", "type": "identity", "label": "L" })", { K::Text, K::Text, K::Date, K::Text },
            { K::Text, K::Text, K::Date, K::Text } },
        { R"({ "id": "f", "type": "address", "label": "L" })", { K::Text, K::Text, K::Digits, K::Commune },
            { K::Text, K::Text, K::Digits, K::Text } },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.field);
        auto demarche = page_of(std::string("[") + row.field + "]");
        for (auto const* index : { &communes(), static_cast<CommuneIndex const*>(nullptr) }) {
            DemarcheRunner runner(demarche, index, today);
            std::vector<InputKind> inputs;
            for (auto const& step : runner.steps())
                inputs.push_back(step.input);
            EXPECT_EQ(inputs, index ? row.with_communes : row.without_communes);
        }
    }
}

TEST(RunnerSteps, CompositesAreAskedPartByPartUnderTheirLabel)
{
    auto demarche = page_of(R"([{ "id": "personne", "type": "identity", "label": "La personne concernée" }])");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(keys(runner),
        (std::vector<std::string> {
            "personne.surname", "personne.given_names", "personne.birth_date", "personne.birth_place" }));
    auto texts = runner.texts(runner.steps()[2]);
    EXPECT_EQ(texts.section, "La personne concernée");
    EXPECT_EQ(texts.question, "Date de naissance");
    EXPECT_EQ(texts.instruction, "Tapez les chiffres.");
}

TEST(RunnerSteps, QuestionDefaultsToTheLabelAndTheSectionIsThePageTitle)
{
    auto demarche = demarche_of(R"([{ "id": "p", "title": "Votre enfant", "instruction": "Une réponse par écran.",
        "fields": [
            { "id": "prenom", "type": "text", "label": "Son prénom", "hint": "Par exemple : Léa" },
            { "id": "nom", "type": "text", "label": "Son nom", "question": "Quel est son nom de famille ?" } ] }])");
    DemarcheRunner runner(demarche, nullptr, today);
    auto first = runner.texts(runner.steps()[0]);
    EXPECT_EQ(first.section, "Votre enfant");
    EXPECT_EQ(first.question, "Son prénom");
    EXPECT_EQ(first.instruction, "Une réponse par écran.");
    EXPECT_EQ(first.hint, "Par exemple : Léa");
    auto second = runner.texts(runner.steps()[1]);
    EXPECT_EQ(second.question, "Quel est son nom de famille ?");
    EXPECT_EQ(second.label, "Son nom");
}

// [SECTION] Checking answers

TEST(RunnerChecks, AnEmptyRequiredAnswerSaysHowToGiveIt)
{
    struct Row {
        std::string field;
        char const* message;
    };
    Row const rows[] = {
        { R"({ "id": "f", "type": "text", "label": "L" })",
            "Cette réponse est obligatoire. Écrivez-la avec le clavier." },
        { R"({ "id": "f", "type": "long_text", "label": "L" })",
            "Cette réponse est obligatoire. Écrivez-la avec le clavier." },
        { R"({ "id": "f", "type": "email", "label": "L" })",
            "Cette réponse est obligatoire. Écrivez-la avec le clavier." },
        { R"({ "id": "f", "type": "number", "label": "L" })",
            "Cette réponse est obligatoire. Tapez-la avec les chiffres." },
        { R"({ "id": "f", "type": "phone", "label": "L" })",
            "Cette réponse est obligatoire. Tapez-la avec les chiffres." },
        { R"({ "id": "f", "type": "date", "label": "L" })",
            "Tapez la date avec les chiffres : le jour, le mois, puis l'année." },
        { R"({ "id": "f", "type": "choice", "label": "L", "choices": )" + three_schools + "}",
            "Touchez une image pour choisir." },
        { R"({ "id": "f", "type": "multi_choice", "label": "L", "choices": )" + three_schools + "}",
            "Touchez au moins une image pour choisir." },
        { R"({ "id": "f", "type": "multi_choice", "label": "L", "min_selected": 2, "choices": )" + three_schools + "}",
            "Touchez au moins 2 images pour choisir." },
        { R"({ "id": "f", "type": "yes_no", "label": "L" })", "Touchez « Oui » ou « Non »." },
        { R"({ "id": "f", "type": "consent", "label": "L", "text": "J'accepte." })",
            "Pour continuer, touchez la case « J'accepte »." },
        { R"({ "id": "f", "type": "text", "label": "L", "messages": { "required": "Écrivez le prénom de l'enfant." } })",
            "Écrivez le prénom de l'enfant." },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.field);
        auto demarche = page_of("[" + row.field + "]");
        DemarcheRunner runner(demarche, nullptr, today);
        EXPECT_EQ(runner.next(), Advance::Refused);
        ASSERT_TRUE(runner.error());
        EXPECT_EQ(runner.error().value_or("(no message)"), row.message);
        EXPECT_EQ(runner.step_index(), 0u);
        EXPECT_EQ(runner.first_invalid_step(), 0u);
    }
}

TEST(RunnerChecks, AnEmptyOptionalAnswerMovesOn)
{
    for (auto const* type : { "text", "number", "date", "phone", "email", "yes_no" }) {
        SCOPED_TRACE(type);
        auto demarche = page_of(std::string(R"([{ "id": "f", "label": "L", "required": false, "type": ")") + type
            + R"(" }, { "id": "g", "type": "text", "label": "M" }])");
        DemarcheRunner runner(demarche, nullptr, today);
        EXPECT_EQ(runner.next(), Advance::Moved);
        EXPECT_FALSE(runner.error());
        EXPECT_EQ(runner.answers_json(), Json::object());
    }
}

TEST(RunnerChecks, WhatIsTypedIsCheckedWithAMessageTheResidentCanActOn)
{
    struct Row {
        char const* field;
        char const* typed;
        std::optional<std::string> message; // nothing: accepted
    };
    Row const rows[] = {
        // Lengths, in characters.
        { R"({ "type": "text", "min_length": 3 })", "ab", "C'est un peu court. Écrivez au moins 3 lettres." },
        { R"({ "type": "text", "min_length": 3 })", "élé", std::nullopt },
        { R"({ "type": "text", "min_length": 3, "messages": { "too_short": "Au moins {n} lettres pour trouver le lieu." } })",
            "ab", "Au moins 3 lettres pour trouver le lieu." },
        { R"({ "type": "long_text", "min_length": 10 })", "Un trou",
            "C'est un peu court. Écrivez au moins 10 lettres." },
        // Numbers and their bounds.
        { R"({ "type": "number", "min": 1, "max": 15 })", "0", "Le nombre doit être entre 1 et 15." },
        { R"({ "type": "number", "min": 1, "max": 15 })", "16", "Le nombre doit être entre 1 et 15." },
        { R"({ "type": "number", "min": 1, "max": 15 })", "15", std::nullopt },
        { R"({ "type": "number", "min": 18 })", "17", "Le nombre doit être 18 ou plus." },
        { R"({ "type": "number", "max": 3 })", "4", "Le nombre doit être 3 ou moins." },
        { R"({ "type": "number", "min": 1, "max": 15, "messages": { "invalid": "Entre 1 et 15 personnes." } })", "20",
            "Entre 1 et 15 personnes." },
        // Dates, typed as digits on the pad.
        { R"({ "type": "date" })", "31021990", "Le 31 février n'existe pas." },
        { R"({ "type": "date" })", "29021990", "En 1990, février n'a que 28 jours." },
        { R"({ "type": "date" })", "29022000", std::nullopt },
        { R"({ "type": "date" })", "31041990", "Le 31 avril n'existe pas." },
        { R"({ "type": "date" })", "150690", "L'année doit avoir 4 chiffres, par exemple 1985." },
        { R"({ "type": "date" })", "1513", "Le mois doit être entre 01 et 12." },
        { R"({ "type": "date" })", "32", "Le jour doit être entre 01 et 31." },
        { R"({ "type": "date" })", "01011850", "L'année ne peut pas être avant 1900." },
        { R"({ "type": "date" })", "16062025", std::nullopt },
        { R"({ "type": "date", "not_future": true })", "16062025", "Cette date est dans le futur. Vérifiez l'année." },
        { R"({ "type": "date", "not_future": true })", "15062025", std::nullopt },
        { R"({ "type": "date", "not_past": true })", "14062025", "Cette date est déjà passée. Vérifiez la date." },
        { R"({ "type": "date", "not_past": true })", "15062025", std::nullopt },
        { R"({ "type": "date", "min_age": 18 })", "16062007", "Il faut avoir au moins 18 ans." },
        { R"({ "type": "date", "min_age": 18 })", "15062007", std::nullopt },
        { R"({ "type": "date", "max_age": 25 })", "14061999", "Il faut avoir 25 ans ou moins." },
        { R"({ "type": "date", "max_age": 25 })", "16061999", std::nullopt },
        // Phones and e-mail addresses.
        { R"({ "type": "phone" })", "0612",
            "Ce numéro n'est pas complet. Il faut 10 chiffres, par exemple 06 12 34 56 78." },
        { R"({ "type": "phone" })", "0012345678",
            "Ce numéro n'est pas complet. Il faut 10 chiffres, par exemple 06 12 34 56 78." },
        { R"({ "type": "phone" })", "06 12 34 56 78", std::nullopt },
        { R"({ "type": "phone" })", "+33 6 12 34 56 78", std::nullopt },
        { R"({ "type": "email" })", "marie", "Il manque le signe @ (arobase)." },
        { R"({ "type": "email" })", "marie@exemple", "Il manque la fin de l'adresse, par exemple .fr ou .com." },
        { R"({ "type": "email" })", "marie.dupont@exemple.fr", std::nullopt },
        { R"({ "type": "email", "messages": { "invalid": "Vérifiez l'adresse e-mail." } })", "marie",
            "Vérifiez l'adresse e-mail." },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(std::string(row.field) + " typed " + row.typed);
        // The row's keys, plus an id and a label.
        std::string field = std::string(R"({ "id": "f", "label": "L", )") + (row.field + 1);
        auto demarche = page_of("[" + field + "]");
        DemarcheRunner runner(demarche, nullptr, today);
        EXPECT_EQ(answer_with(runner, row.typed), row.message);
        if (!row.message) {
            EXPECT_FALSE(runner.first_invalid_step());
        }
    }
}

TEST(RunnerChecks, AnswersAreStoredNormalizedAndShownReadably)
{
    auto demarche = page_of(R"([
        { "id": "personnes", "type": "number", "label": "Personnes" },
        { "id": "naissance", "type": "date", "label": "Naissance" },
        { "id": "telephone", "type": "phone", "label": "Téléphone" },
        { "id": "courriel", "type": "email", "label": "E-mail" } ])");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(answer_with(runner, "007"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "05031985"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "+33 6 12 34 56 78"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "  Marie.Dupont@Exemple.FR "), std::nullopt);

    EXPECT_EQ(
        runner.answers_json(), Json::parse(R"({ "personnes": 7, "naissance": "1985-03-05", "telephone": "0612345678",
                         "courriel": "Marie.Dupont@exemple.fr" })"));
    EXPECT_EQ(summary_value(runner, "personnes"), "7");
    EXPECT_EQ(summary_value(runner, "naissance"), "05/03/1985");
    EXPECT_EQ(summary_value(runner, "telephone"), "06 12 34 56 78");
    EXPECT_EQ(summary_value(runner, "courriel"), "Marie.Dupont@exemple.fr");
}

// [SECTION] Tiles: choices, yes or no, consent

TEST(RunnerTiles, AChoiceTakesOnlyItsOwnOptions)
{
    auto demarche
        = page_of(R"([{ "id": "ecole", "type": "choice", "label": "L'école", "choices": )" + three_schools + "}]");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(option_ids(runner), (std::vector<std::string> { "jaures", "moulin", "pasteur" }));
    EXPECT_EQ(runner.options(runner.step())[0].hint, "Rue Jaurès");
    runner.choose("lycee");
    EXPECT_EQ(runner.answer("ecole"), "");
    runner.choose("jaures");
    runner.choose("moulin");
    EXPECT_EQ(runner.answer("ecole"), "moulin");
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "ecole": "moulin" })"));
    EXPECT_EQ(summary_value(runner, "ecole"), "École du Moulin");
}

TEST(RunnerTiles, MultipleChoiceTogglesAndKeepsTheCataloguesOrder)
{
    auto demarche = page_of(
        R"([{ "id": "ecoles", "type": "multi_choice", "label": "Les écoles", "choices": )" + three_schools + "}]");
    DemarcheRunner runner(demarche, nullptr, today);
    runner.choose("pasteur");
    runner.choose("jaures");
    runner.choose("moulin");
    EXPECT_EQ(runner.answer("ecoles"), "jaures,moulin,pasteur");
    runner.choose("moulin"); // touched again: taken back
    EXPECT_EQ(runner.answer("ecoles"), "jaures,pasteur");
    runner.choose("lycee");
    EXPECT_EQ(runner.answer("ecoles"), "jaures,pasteur");
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "ecoles": ["jaures", "pasteur"] })"));
    EXPECT_EQ(summary_value(runner, "ecoles"), "École Jaurès, École Pasteur");
}

TEST(RunnerTiles, MultipleChoiceStopsAtItsMaximumAndSaysHowToChange)
{
    struct Row {
        int max_selected;
        char const* message;
        char const* kept;
    };
    Row const rows[] = {
        { 2, "Vous pouvez choisir 2 images au plus. Touchez une image choisie pour l'enlever.", "jaures,pasteur" },
        { 1, "Vous pouvez choisir une seule image. Touchez-la encore pour l'enlever.", "pasteur" },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.max_selected);
        auto demarche = page_of(R"([{ "id": "ecoles", "type": "multi_choice", "label": "Les écoles", "max_selected": )"
            + std::to_string(row.max_selected) + R"(, "choices": )" + three_schools + "}]");
        DemarcheRunner runner(demarche, nullptr, today);
        runner.choose("pasteur");
        if (row.max_selected == 2)
            runner.choose("jaures");
        runner.choose("moulin");
        ASSERT_TRUE(runner.error());
        EXPECT_EQ(runner.error().value_or("(no message)"), row.message);
        EXPECT_EQ(runner.answer("ecoles"), row.kept);
        // Taking one back makes room.
        runner.choose("pasteur");
        runner.choose("moulin");
        EXPECT_FALSE(runner.error());
        EXPECT_EQ(runner.next(), Advance::Finished);
    }
}

TEST(RunnerTiles, YesOrNoIsStoredAsABoolean)
{
    auto demarche = page_of(R"([{ "id": "dangereux", "type": "yes_no", "label": "Dangereux" }])");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(option_labels(runner), (std::vector<std::string> { "Oui", "Non" }));
    runner.choose("peut-etre");
    EXPECT_EQ(runner.answer("dangereux"), "");
    runner.choose("non");
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "dangereux": false })"));
    EXPECT_EQ(summary_value(runner, "dangereux"), "Non");
}

TEST(RunnerTiles, ConsentIsTickedAndUntickedByTouchingTheBox)
{
    auto demarche = page_of(R"([{ "id": "accord", "type": "consent", "label": "Accord",
        "text": "J'accepte que la mairie garde ces informations un an." }])");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(runner.texts(runner.step()).instruction, "J'accepte que la mairie garde ces informations un an.");
    runner.choose("accord");
    EXPECT_EQ(runner.answer("accord"), "oui");
    runner.choose("accord");
    EXPECT_EQ(runner.answer("accord"), "");
    EXPECT_EQ(runner.next(), Advance::Refused);
    EXPECT_EQ(runner.error().value_or("(no message)"), "Pour continuer, touchez la case « J'accepte ».");
    runner.choose("accord");
    EXPECT_FALSE(runner.error());
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "accord": true })"));
    EXPECT_EQ(summary_value(runner, "accord"), "Oui, j'accepte");
}

TEST(RunnerTiles, AnInformationPanelAsksNothingAndLeavesNoAnswer)
{
    auto demarche = page_of(R"([
        { "id": "a_savoir", "type": "info", "question": "À savoir", "text": "Le 112 pour les urgences.", "pictogram": "danger" },
        { "id": "lieu", "type": "text", "label": "Le lieu" } ])");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(runner.texts(runner.step()).question, "À savoir");
    EXPECT_EQ(runner.texts(runner.step()).instruction, "Le 112 pour les urgences.");
    runner.insert_text("abc"); // nothing to type on a panel
    EXPECT_EQ(runner.answer("a_savoir"), "");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_FALSE(runner.error());
    EXPECT_EQ(answer_with(runner, "Place du marché"), std::nullopt);
    EXPECT_FALSE(runner.first_invalid_step());
    auto summary = runner.summary();
    ASSERT_EQ(summary.size(), 1u);
    EXPECT_EQ(summary[0].key, "lieu");
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "lieu": "Place du marché" })"));
}

// [SECTION] Typing

TEST(RunnerTyping, KeysStopAtTheLengthAndDigitPadsTakeOnlyDigits)
{
    struct Row {
        char const* field;
        std::vector<char const*> keys; // one insert_text call each
        char const* answer;
    };
    Row const rows[] = {
        { R"({ "type": "number" })", { "12a" }, "" },
        { R"({ "type": "number" })", { "1", "2", "a", "-", "3" }, "123" },
        { R"({ "type": "number" })", { "1234567890123" }, "" },
        { R"({ "type": "number" })", { "123456789012", "3" }, "123456789012" },
        { R"({ "type": "date" })", { "31/02" }, "" },
        { R"({ "type": "date" })", { "310219901" }, "" },
        { R"({ "type": "date" })", { "31", "02", "1990", "1" }, "31021990" },
        { R"({ "type": "phone" })", { "06", "a", "12" }, "0612" },
        { R"({ "type": "phone" })", { "+33 6 12 34 56 78" }, "+33 6 12 34 56 78" },
        { R"({ "type": "phone" })", { "06 12 34 56 78 ", "9 0 1 2" }, "06 12 34 56 78 " },
        { R"({ "type": "text", "max_length": 5 })", { "abcdef" }, "" },
        { R"({ "type": "text", "max_length": 5 })", { "abcde", "f" }, "abcde" },
        { R"({ "type": "text", "max_length": 5 })", { "ééééé", "é" }, "ééééé" },
        { R"({ "type": "text" })", { " ", "a", " ", "b" }, "a b" },
        { R"({ "type": "text" })", { "\xff" }, "" },
        { R"({ "type": "long_text", "max_length": 8 })", { "Un trou", "s", "!" }, "Un trous" },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.field);
        auto demarche = page_of(std::string(R"([{ "id": "f", "label": "L", )") + (row.field + 1) + "]");
        DemarcheRunner runner(demarche, nullptr, today);
        for (auto const* key : row.keys)
            runner.insert_text(key);
        EXPECT_EQ(runner.answer("f"), row.answer);
    }
}

TEST(RunnerTyping, EraseTakesBackOneCharacterAndClearsTheMessage)
{
    auto demarche = page_of(R"([{ "id": "f", "type": "text", "label": "L", "min_length": 4 }])");
    DemarcheRunner runner(demarche, nullptr, today);
    runner.insert_text("épée");
    runner.erase_last();
    EXPECT_EQ(runner.answer("f"), "épé");
    EXPECT_EQ(runner.next(), Advance::Refused);
    runner.erase_last();
    EXPECT_FALSE(runner.error());
    EXPECT_EQ(runner.answer("f"), "ép");
}

// [SECTION] Addresses

TEST(RunnerAddress, APostcodeWithOneCommuneChoosesIt)
{
    auto demarche = page_of(R"([{ "id": "adresse", "type": "address", "label": "Votre adresse" }])");
    DemarcheRunner runner(demarche, &communes(), today);
    EXPECT_EQ(answer_with(runner, "12bis"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "rue de la Paix"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "42000"), std::nullopt);
    EXPECT_EQ(runner.step().key, "adresse.commune");
    EXPECT_EQ(runner.answer("adresse.commune"), "42218");
    EXPECT_EQ(option_labels(runner), std::vector<std::string> { "Saint-Étienne" });
    EXPECT_EQ(runner.texts(runner.step()).instruction, "Touchez votre commune.");
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "adresse": { "number": "12 bis", "street": "rue de la Paix",
        "postcode": "42000", "commune": "Saint-Étienne", "insee": "42218" } })"));
    EXPECT_EQ(summary_value(runner, "adresse.commune"), "Saint-Étienne");
    for (auto const& line : runner.summary())
        EXPECT_TRUE(line.personal) << line.key;
}

TEST(RunnerAddress, APostcodeWithSeveralCommunesOffersThemAsTiles)
{
    auto demarche = page_of(R"([{ "id": "adresse", "type": "address", "label": "Votre adresse" }])");
    DemarcheRunner runner(demarche, &communes(), today);
    EXPECT_EQ(runner.next(), Advance::Moved); // no number in the street: allowed
    EXPECT_EQ(answer_with(runner, "Grande Rue"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "01090"), std::nullopt);
    EXPECT_EQ(runner.answer("adresse.commune"), "");
    EXPECT_EQ(option_ids(runner), (std::vector<std::string> { "01165", "01169" }));
    EXPECT_EQ(option_labels(runner), (std::vector<std::string> { "Francheleins", "Genouilleux" }));
    EXPECT_EQ(runner.next(), Advance::Refused);
    EXPECT_EQ(runner.error().value_or("(no message)"), "Touchez le nom de votre commune.");
    runner.choose("42218"); // a commune of another postcode is not a tile here
    EXPECT_EQ(runner.answer("adresse.commune"), "");
    runner.choose("01169");
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(summary_value(runner, "adresse.commune"), "Genouilleux");
    EXPECT_EQ(runner.answers_json()["adresse"]["insee"], "01169");
    EXPECT_FALSE(runner.answers_json()["adresse"].contains("number"));
}

TEST(RunnerAddress, ChangingThePostcodeClearsACommuneThatNoLongerFits)
{
    auto demarche = page_of(R"([{ "id": "adresse", "type": "address", "label": "Votre adresse" }])");
    DemarcheRunner runner(demarche, &communes(), today);
    EXPECT_EQ(answer_with(runner, "3"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "Grande Rue"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "01090"), std::nullopt);
    runner.choose("01169");
    EXPECT_EQ(runner.next(), Advance::Finished);

    auto retype_postcode = [&](std::string_view postcode) {
        ASSERT_TRUE(runner.go_to("adresse.postcode"));
        for (int i = 0; i < 5; ++i)
            runner.erase_last();
        EXPECT_EQ(answer_with(runner, postcode), std::nullopt);
        EXPECT_EQ(runner.step().key, "adresse.commune");
    };
    // The same postcode again: the commune still fits and stays.
    retype_postcode("01090");
    EXPECT_EQ(runner.answer("adresse.commune"), "01169");
    // Another postcode with several communes: the resident chooses again.
    retype_postcode("01100");
    EXPECT_EQ(runner.answer("adresse.commune"), "");
    EXPECT_EQ(option_labels(runner), (std::vector<std::string> { "Arbent", "Oyonnax" }));
    EXPECT_EQ(runner.next(), Advance::Refused);
    EXPECT_EQ(runner.first_invalid_step(), 3u);
    // A postcode with one commune: that one.
    retype_postcode("42000");
    EXPECT_EQ(runner.answer("adresse.commune"), "42218");
    EXPECT_EQ(runner.next(), Advance::Finished);
}

TEST(RunnerAddress, AddressPartsSayWhatIsWrong)
{
    struct Row {
        std::size_t step;
        char const* typed;
        char const* message;
    };
    Row const rows[] = {
        { 0, "a12", "Le numéro commence par un chiffre, par exemple 12 ou 12 bis." },
        { 1, "ru", "Écrivez le nom de la rue, par exemple : rue de la Paix." },
        { 2, "4200", "Le code postal a 5 chiffres, par exemple 75001." },
        { 2, "99999", "Ce code postal n'existe pas. Vérifiez les 5 chiffres." },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.typed);
        auto demarche = page_of(R"([{ "id": "adresse", "type": "address", "label": "Votre adresse" }])");
        DemarcheRunner runner(demarche, &communes(), today);
        ASSERT_TRUE(runner.go_to(runner.steps()[row.step].key));
        EXPECT_EQ(answer_with(runner, row.typed), row.message);
    }
}

TEST(RunnerAddress, WithoutTheCommuneListTheCommuneIsTyped)
{
    auto demarche = page_of(R"([{ "id": "adresse", "type": "address", "label": "Votre adresse" }])");
    CommuneIndex const empty;
    for (auto const* index : { static_cast<CommuneIndex const*>(nullptr), &empty }) {
        DemarcheRunner runner(demarche, index, today);
        EXPECT_EQ(answer_with(runner, "8"), std::nullopt);
        EXPECT_EQ(answer_with(runner, "place Jean Jaurès"), std::nullopt);
        // Only the shape of the postcode can be checked.
        EXPECT_EQ(answer_with(runner, "99999"), std::nullopt);
        EXPECT_EQ(runner.step().input, InputKind::Text);
        EXPECT_EQ(runner.texts(runner.step()).instruction, "Écrivez le nom de la commune.");
        EXPECT_EQ(answer_with(runner, "Saint-Étienne"), std::nullopt);
        EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "adresse": { "number": "8", "street": "place Jean Jaurès",
            "postcode": "99999", "commune": "Saint-Étienne" } })"));
    }
}

// [SECTION] Identities

TEST(RunnerIdentity, EachPartIsCheckedAndStoredUnderItsName)
{
    auto demarche = page_of(R"([{ "id": "personne", "type": "identity", "label": "La personne" }])");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(answer_with(runner, "Martin2"), "Le nom ne peut pas contenir de chiffres.");
    runner.erase_last();
    EXPECT_EQ(answer_with(runner, ""), std::nullopt);
    EXPECT_EQ(answer_with(runner, "Marie  Louise"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "05031985"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "Saint-Étienne"), std::nullopt);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "personne": { "surname": "Martin", "given_names": "Marie Louise",
        "birth_date": "1985-03-05", "birth_place": "Saint-Étienne" } })"));
    EXPECT_EQ(summary_value(runner, "personne.birth_date"), "05/03/1985");
    EXPECT_EQ(summary_value(runner, "personne.given_names"), "Marie Louise");
    for (auto const& line : runner.summary())
        EXPECT_TRUE(line.personal) << line.key;
}

TEST(RunnerIdentity, TheBirthDateIsNeverInTheFutureAndMeetsTheMinimumAge)
{
    auto demarche = page_of(R"([{ "id": "personne", "type": "identity", "label": "La personne", "min_age": 18 }])");
    DemarcheRunner runner(demarche, nullptr, today);
    ASSERT_TRUE(runner.go_to("personne.birth_date"));
    EXPECT_EQ(answer_with(runner, "01012030"), "Cette date est dans le futur. Vérifiez l'année.");
    for (int i = 0; i < 8; ++i)
        runner.erase_last();
    EXPECT_EQ(answer_with(runner, "16062007"), "Il faut avoir au moins 18 ans.");
    runner.erase_last();
    runner.insert_text("6"); // 16/06/2006: 19 years old
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.step().key, "personne.birth_place");
}

// [SECTION] Groups

namespace {

std::string const children_page = R"([{ "id": "enfants", "title": "Vos enfants", "fields": [
    { "id": "enfants", "type": "group", "label": "Les enfants", "item_label": "Enfant {n}",
      "add_question": "Inscrire un autre enfant ?", "max_items": 3, "fields": [
        { "id": "prenom", "type": "text", "label": "Son prénom" },
        { "id": "allergie", "type": "yes_no", "label": "Allergie" },
        { "id": "aliments", "type": "text", "label": "Les aliments", "when": { "field": "allergie", "is": "oui" } } ] } ] },
  { "id": "fin", "title": "Pour finir", "fields": [ { "id": "courriel", "type": "email", "label": "E-mail" } ] }])";

}

TEST(RunnerGroup, AddingAnItemAsksItsQuestionsThenOffersOneMoreUpToTheMaximum)
{
    auto demarche = demarche_of(children_page);
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(keys(runner),
        (std::vector<std::string> { "enfants.0.prenom", "enfants.0.allergie", "enfants.more", "courriel" }));
    EXPECT_EQ(runner.texts(runner.step()).section, "Enfant 1");

    EXPECT_EQ(answer_with(runner, "Léa"), std::nullopt);
    runner.choose("oui");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.step().key, "enfants.0.aliments");
    EXPECT_EQ(answer_with(runner, "arachide"), std::nullopt);

    EXPECT_EQ(runner.step().key, "enfants.more");
    EXPECT_EQ(runner.texts(runner.step()).question, "Inscrire un autre enfant ?");
    EXPECT_EQ(runner.next(), Advance::Refused);
    EXPECT_EQ(runner.error().value_or("(no message)"), "Touchez « Oui » ou « Non ».");
    runner.choose("oui");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.step().key, "enfants.1.prenom");
    EXPECT_EQ(runner.texts(runner.step()).section, "Enfant 2");

    EXPECT_EQ(answer_with(runner, "Tom"), std::nullopt);
    runner.choose("non");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.step().key, "enfants.more");
    runner.choose("oui");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.step().key, "enfants.2.prenom");

    EXPECT_EQ(answer_with(runner, "Zoé"), std::nullopt);
    runner.choose("non");
    EXPECT_EQ(runner.next(), Advance::Moved);
    // Three children is the maximum: no question offers a fourth.
    EXPECT_EQ(runner.step().key, "courriel");
    EXPECT_EQ(keys(runner),
        (std::vector<std::string> { "enfants.0.prenom", "enfants.0.allergie", "enfants.0.aliments", "enfants.1.prenom",
            "enfants.1.allergie", "enfants.2.prenom", "enfants.2.allergie", "courriel" }));
    EXPECT_EQ(answer_with(runner, "famille@exemple.fr"), std::nullopt);

    EXPECT_EQ(runner.answers_json(), Json::parse(R"({
        "enfants": [ { "prenom": "Léa", "allergie": true, "aliments": "arachide" },
                     { "prenom": "Tom", "allergie": false },
                     { "prenom": "Zoé", "allergie": false } ],
        "courriel": "famille@exemple.fr" })"));
    EXPECT_EQ(summary_value(runner, "enfants.1.prenom"), "Tom");
}

TEST(RunnerGroup, AnsweringNoToOneMoreMovesOnWithOneItem)
{
    auto demarche = demarche_of(children_page);
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(answer_with(runner, "Léa"), std::nullopt);
    runner.choose("non");
    EXPECT_EQ(runner.next(), Advance::Moved);
    runner.choose("non");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.step().key, "courriel");
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "enfants": [ { "prenom": "Léa", "allergie": false } ] })"));
    // The "one more?" answer is not part of the dossier, nor of the review.
    EXPECT_EQ(summary_value(runner, "enfants.more"), "(not in the summary)");
}

// [SECTION] Conditions

TEST(RunnerConditions, EachTestShowsOrHidesWhatDependsOnIt)
{
    struct Row {
        std::string source; // the field answered first
        char const* when; // the condition on the panel after it
        std::vector<char const*> chosen; // tiles touched
        char const* typed;
        bool shown;
    };
    std::string const school = R"({ "id": "s", "type": "choice", "label": "L", "choices": )" + three_schools + "}";
    std::string const schools
        = R"({ "id": "s", "type": "multi_choice", "label": "L", "choices": )" + three_schools + "}";
    std::string const name = R"({ "id": "s", "type": "text", "label": "L", "required": false })";
    std::string const birth = R"({ "id": "s", "type": "date", "label": "L" })";
    std::string const count = R"({ "id": "s", "type": "number", "label": "L" })";
    std::string const yes_no = R"({ "id": "s", "type": "yes_no", "label": "L" })";
    Row const rows[] = {
        { school, R"({ "field": "s", "is": "jaures" })", { "jaures" }, "", true },
        { school, R"({ "field": "s", "is": "jaures" })", { "moulin" }, "", false },
        { school, R"({ "field": "s", "in": ["jaures", "moulin"] })", { "moulin" }, "", true },
        { school, R"({ "field": "s", "in": ["jaures", "moulin"] })", { "pasteur" }, "", false },
        { schools, R"({ "field": "s", "has": "moulin" })", { "jaures", "moulin" }, "", true },
        { schools, R"({ "field": "s", "has": "moulin" })", { "jaures", "pasteur" }, "", false },
        { name, R"({ "field": "s", "answered": true })", {}, "Léa", true },
        { name, R"({ "field": "s", "answered": true })", {}, "", false },
        { name, R"({ "field": "s", "answered": false })", {}, "", true },
        { name, R"({ "field": "s", "is": "Léa" })", {}, "  Léa ", true },
        { birth, R"({ "field": "s", "age_at_least": 18 })", {}, "15062007", true },
        { birth, R"({ "field": "s", "age_at_least": 18 })", {}, "16062007", false },
        { birth, R"({ "field": "s", "age_under": 18 })", {}, "16062007", true },
        { birth, R"({ "field": "s", "age_under": 18 })", {}, "15062007", false },
        { count, R"({ "field": "s", "at_least": 5 })", {}, "5", true },
        { count, R"({ "field": "s", "at_least": 5 })", {}, "4", false },
        { count, R"({ "field": "s", "at_most": 2 })", {}, "2", true },
        { count, R"({ "field": "s", "at_most": 2 })", {}, "3", false },
        { yes_no, R"({ "not": { "field": "s", "is": "oui" } })", { "non" }, "", true },
        { yes_no, R"({ "not": { "field": "s", "is": "oui" } })", { "oui" }, "", false },
        { count, R"({ "all": [{ "field": "s", "at_least": 2 }, { "field": "s", "at_most": 4 }] })", {}, "3", true },
        { count, R"({ "all": [{ "field": "s", "at_least": 2 }, { "field": "s", "at_most": 4 }] })", {}, "5", false },
        { count, R"({ "any": [{ "field": "s", "at_most": 1 }, { "field": "s", "at_least": 9 }] })", {}, "9", true },
        { count, R"({ "any": [{ "field": "s", "at_most": 1 }, { "field": "s", "at_least": 9 }] })", {}, "5", false },
    };
    for (auto const& row : rows) {
        SCOPED_TRACE(row.source + " then " + row.when + " with " + row.typed);
        auto demarche = demarche_of(R"([{ "id": "a", "title": "A", "fields": [)" + row.source + R"(] },
            { "id": "b", "title": "B", "fields": [{ "id": "panneau", "type": "info", "text": "À savoir.", "when": )"
            + row.when + " }] }]");
        DemarcheRunner runner(demarche, nullptr, today);
        for (auto const* id : row.chosen)
            runner.choose(id);
        runner.insert_text(row.typed);
        EXPECT_EQ(runner.next(), row.shown ? Advance::Moved : Advance::Finished);
        EXPECT_EQ(shows(runner, "panneau"), row.shown);
    }
}

namespace {

// A reported problem: its category, then a detail page for the road only,
// and a panel for danger.
std::string const report = R"([
    { "id": "probleme", "title": "Le problème", "fields": [
        { "id": "categorie", "type": "choice", "label": "Le problème", "choices": [
            { "id": "voirie", "label": "Voirie", "pictogram": "voirie" },
            { "id": "eclairage", "label": "Éclairage", "pictogram": "eclairage" } ] },
        { "id": "dangereux", "type": "yes_no", "label": "Dangereux", "when": { "field": "categorie", "is": "voirie" } } ] },
    { "id": "voirie", "title": "La route", "when": { "field": "categorie", "is": "voirie" }, "fields": [
        { "id": "detail", "type": "text", "label": "Le détail" } ] },
    { "id": "lieu", "title": "Le lieu", "fields": [ { "id": "lieu", "type": "text", "label": "Le lieu" } ] }])";

}

TEST(RunnerConditions, AConditionShowsOrHidesAFieldAndAWholePage)
{
    auto demarche = demarche_of(report);
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(keys(runner), (std::vector<std::string> { "categorie", "lieu" }));
    runner.choose("voirie");
    EXPECT_EQ(keys(runner), (std::vector<std::string> { "categorie", "dangereux", "detail", "lieu" }));
    runner.choose("eclairage");
    EXPECT_EQ(keys(runner), (std::vector<std::string> { "categorie", "lieu" }));
}

TEST(RunnerConditions, AHiddenAnswerNeverReachesTheDossierButComesBackIfShownAgain)
{
    auto demarche = demarche_of(report);
    DemarcheRunner runner(demarche, nullptr, today);
    runner.choose("voirie");
    EXPECT_EQ(runner.next(), Advance::Moved);
    runner.choose("oui");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(answer_with(runner, "Un trou profond"), std::nullopt);
    EXPECT_EQ(answer_with(runner, "Place du marché"), std::nullopt);

    ASSERT_TRUE(runner.go_to("categorie"));
    runner.choose("eclairage");
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "categorie": "eclairage", "lieu": "Place du marché" })"));
    EXPECT_EQ(summary_value(runner, "detail"), "(not in the summary)");
    EXPECT_EQ(summary_value(runner, "dangereux"), "(not in the summary)");
    EXPECT_FALSE(runner.first_invalid_step());

    // The resident changes their mind back: what they typed is still there.
    runner.choose("voirie");
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "categorie": "voirie", "dangereux": true,
        "detail": "Un trou profond", "lieu": "Place du marché" })"));
}

TEST(RunnerConditions, ChangingAnEarlierAnswerShowsTheStepsItNowNeeds)
{
    auto demarche = demarche_of(report);
    DemarcheRunner runner(demarche, nullptr, today);
    runner.choose("eclairage");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(answer_with(runner, "Place du marché"), std::nullopt);
    EXPECT_FALSE(runner.first_invalid_step());

    // Back to the first question, as from the review screen.
    EXPECT_TRUE(runner.back());
    EXPECT_EQ(runner.step().key, "categorie");
    runner.choose("voirie");
    EXPECT_EQ(keys(runner), (std::vector<std::string> { "categorie", "dangereux", "detail", "lieu" }));
    EXPECT_EQ(runner.first_invalid_step(), 1u);
    EXPECT_TRUE(runner.show_first_invalid());
    EXPECT_EQ(runner.step().key, "dangereux");
    EXPECT_EQ(runner.error().value_or("(no message)"), "Touchez « Oui » ou « Non ».");
    runner.choose("non");
    EXPECT_EQ(runner.first_invalid_step(), 2u);
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.step().key, "detail");
}

TEST(RunnerConditions, TypingAloneUpdatesWhatDependsOnTheAnswer)
{
    // A correction from the review screen can go back to it without next():
    // what reaches the dossier must already follow the corrected answer.
    auto demarche = demarche_of(R"([
        { "id": "a", "title": "A", "fields": [ { "id": "numero", "type": "text", "label": "Numéro de dossier",
                                                 "required": false } ] },
        { "id": "b", "title": "B", "when": { "field": "numero", "answered": false }, "fields": [
            { "id": "motif", "type": "text", "label": "Le motif" } ] }])");
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(answer_with(runner, "Déménagement"), std::nullopt);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "motif": "Déménagement" })"));

    ASSERT_TRUE(runner.go_to("numero"));
    runner.insert_text("A-1234");
    EXPECT_EQ(keys(runner), std::vector<std::string> { "numero" });
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "numero": "A-1234" })"));
    EXPECT_EQ(summary_value(runner, "motif"), "(not in the summary)");

    // Erased again: the motive is asked, and already answered.
    for (int i = 0; i < 6; ++i)
        runner.erase_last();
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "motif": "Déménagement" })"));
    EXPECT_FALSE(runner.first_invalid_step());
}

TEST(RunnerConditions, AGroupMemberDependsOnItsOwnItemOnly)
{
    auto demarche = demarche_of(children_page);
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(answer_with(runner, "Léa"), std::nullopt);
    runner.choose("non");
    EXPECT_EQ(runner.next(), Advance::Moved);
    runner.choose("oui");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(answer_with(runner, "Tom"), std::nullopt);
    runner.choose("oui");
    EXPECT_TRUE(shows(runner, "enfants.1.aliments"));
    EXPECT_FALSE(shows(runner, "enfants.0.aliments"));
}

// [SECTION] Rules

TEST(RunnerRules, ARuleRefusesWithItsMessageUntilTheOtherAnswerChanges)
{
    auto demarche = page_of(R"([
        { "id": "pour_qui", "type": "choice", "label": "Pour qui", "choices": [
            { "id": "moi", "label": "Pour moi", "pictogram": "personne" },
            { "id": "autre", "label": "Pour un autre", "pictogram": "famille" } ] },
        { "id": "sorte", "type": "choice", "label": "Sorte d'acte", "choices": [
            { "id": "copie", "label": "Copie intégrale", "pictogram": "document" },
            { "id": "extrait", "label": "Extrait", "pictogram": "document" } ],
          "rules": [ { "require": { "any": [ { "field": "sorte", "is": "extrait" }, { "field": "pour_qui", "is": "moi" } ] },
                       "message": "Une copie intégrale est seulement pour vous. Choisissez « Extrait »." } ] } ])");
    DemarcheRunner runner(demarche, nullptr, today);
    runner.choose("autre");
    EXPECT_EQ(runner.next(), Advance::Moved);
    runner.choose("copie");
    EXPECT_EQ(runner.next(), Advance::Refused);
    EXPECT_EQ(runner.error().value_or("(no message)"),
        "Une copie intégrale est seulement pour vous. Choisissez « Extrait ».");
    EXPECT_EQ(runner.first_invalid_step(), 1u);

    // Changing who it is for makes the same answer acceptable.
    ASSERT_TRUE(runner.go_to("pour_qui"));
    runner.choose("moi");
    EXPECT_FALSE(runner.first_invalid_step());
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(runner.answers_json(), Json::parse(R"({ "pour_qui": "moi", "sorte": "copie" })"));
}

// [SECTION] A whole démarche, and forgetting it

TEST(RunnerWipe, ForgetsEveryAnswerAndStartsAgain)
{
    auto demarche = demarche_of(children_page);
    DemarcheRunner runner(demarche, nullptr, today);
    EXPECT_EQ(answer_with(runner, "Léa"), std::nullopt);
    runner.choose("oui");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(answer_with(runner, "arachide"), std::nullopt);
    runner.choose("oui");
    EXPECT_EQ(runner.next(), Advance::Moved);
    runner.insert_text("Tom");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.next(), Advance::Refused);
    ASSERT_TRUE(runner.error());

    runner.wipe();
    EXPECT_EQ(runner.step_index(), 0u);
    EXPECT_FALSE(runner.error());
    EXPECT_EQ(runner.answer("enfants.0.prenom"), "");
    EXPECT_EQ(runner.answer("enfants.1.prenom"), "");
    EXPECT_EQ(runner.answers_json(), Json::object());
    EXPECT_EQ(keys(runner),
        (std::vector<std::string> { "enfants.0.prenom", "enfants.0.allergie", "enfants.more", "courriel" }));
    EXPECT_EQ(runner.first_invalid_step(), 0u);
}

// [SECTION] Appointments

namespace {

SlotSchedule const& schedule()
{
    // Tuesdays and Saturdays; 2025-06-15 (today in these tests) is a Sunday.
    static SlotSchedule const slots = SlotSchedule::parse(R"({ "services": [ { "id": "titres",
        "place": "Mairie", "weeks_ahead": 1,
        "week": { "mardi": ["09:00", "14:30"], "samedi": ["10:00"] } } ] })")
                                          .release_value();
    return slots;
}

}

TEST(RunnerAppointment, OffersTheDaysThenTheTimesOfTheDayChosen)
{
    auto demarche
        = page_of(R"([{ "id": "rdv", "type": "appointment", "label": "Le rendez-vous", "service": "titres" }])");
    DemarcheRunner runner(demarche, nullptr, today, &schedule());
    ASSERT_EQ(runner.steps().size(), 2u);
    EXPECT_EQ(runner.step().key, "rdv.day");
    EXPECT_EQ(runner.texts(runner.step()).question, "Quel jour voulez-vous venir ?");
    auto days = runner.options(runner.step());
    ASSERT_EQ(days.size(), 2u);
    EXPECT_EQ(days[0].id, "2025-06-17");
    EXPECT_EQ(days[0].label, "mardi 17 juin");
    EXPECT_EQ(days[0].hint, "2 horaires libres");
    EXPECT_EQ(days[1].label, "samedi 21 juin");
    EXPECT_EQ(runner.next(), Advance::Refused);
    EXPECT_EQ(runner.error(), "Touchez le jour qui vous convient.");

    runner.choose("2025-06-17");
    EXPECT_EQ(runner.next(), Advance::Moved);
    auto times = runner.options(runner.step());
    ASSERT_EQ(times.size(), 2u);
    EXPECT_EQ(times[1].label, "14 h 30");
    runner.choose(times[1].id);
    EXPECT_EQ(runner.next(), Advance::Finished);
    EXPECT_EQ(runner.answers_json().dump(),
        R"({"rdv":{"day":"2025-06-17","time":"14:30","slot":"titres-2025-06-17T14:30","place":"Mairie"}})");
    ASSERT_EQ(runner.receipt_lines().size(), 1u);
    EXPECT_EQ(runner.receipt_lines()[0], "Votre rendez-vous : mardi 17 juin à 14 h 30, Mairie.");

    // Another day: the time chosen for Tuesday no longer fits.
    runner.go_to("rdv.day");
    runner.choose("2025-06-21");
    EXPECT_EQ(runner.next(), Advance::Moved);
    EXPECT_EQ(runner.answer("rdv.time"), "");
    EXPECT_TRUE(runner.receipt_lines().empty());
}

TEST(RunnerAppointment, WithoutSlotsTheResidentIsSentToTheDesk)
{
    auto demarche
        = page_of(R"([{ "id": "rdv", "type": "appointment", "label": "Le rendez-vous", "service": "titres" }])");
    DemarcheRunner runner(demarche, nullptr, today, nullptr);
    EXPECT_TRUE(runner.options(runner.step()).empty());
    EXPECT_EQ(runner.next(), Advance::Refused);
    EXPECT_EQ(
        runner.error(), "Il n'y a plus de rendez-vous libre pour le moment. Un agent de l'accueil peut vous aider.");
}

TEST(SlotSchedule, RefusesAMalformedWeekWithWhere)
{
    auto parsed = SlotSchedule::parse(R"({ "services": [ { "id": "titres", "week": { "lundi": ["9h"] } } ] })");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, "slots.malformed");
    EXPECT_EQ(parsed.error().detail, "$.services[0].week.lundi: times are written HH:MM, like \"09:30\"");
    EXPECT_FALSE(SlotSchedule::parse("{").ok());
    EXPECT_EQ(day_of_week(Date { 2026, 11, 22 }), 6); // a Sunday
    EXPECT_EQ(display_time(9 * 60), "9 h");
}

TEST(RunnerTrackingCode, AcceptsTheCodeTypedAnyWayOrTheScannedLink)
{
    EXPECT_EQ(tracking_code_in("bcdf bcdk")->text(), "BCDFBCDK");
    EXPECT_EQ(tracking_code_in("BCDF-BCDK")->text(), "BCDFBCDK");
    EXPECT_EQ(tracking_code_in("https://suivi.guichet.fr/BCDFBCDK")->text(), "BCDFBCDK");
    EXPECT_FALSE(tracking_code_in("BCDF-BCDX"));
    EXPECT_FALSE(tracking_code_in("https://suivi.guichet.fr/"));
}

TEST(RunnerGroups, AnItemAddedByMistakeIsTakenAwayFromTheReview)
{
    auto demarche = page_of(R"([{ "id": "enfants", "type": "group", "label": "Vos enfants", "item_label": "Enfant {n}",
        "add_question": "Un autre enfant ?", "fields": [ { "id": "prenom", "type": "text", "label": "Prénom" } ] }])");
    DemarcheRunner runner(demarche, nullptr, today);
    runner.insert_text("Léa");
    ASSERT_EQ(runner.next(), Advance::Moved);
    runner.choose("oui");
    ASSERT_EQ(runner.next(), Advance::Moved);
    runner.insert_text("Tom");
    ASSERT_EQ(runner.next(), Advance::Moved);
    runner.choose("oui");
    ASSERT_EQ(runner.next(), Advance::Moved);
    runner.insert_text("Zoé");
    ASSERT_EQ(runner.next(), Advance::Moved);
    runner.choose("non");
    ASSERT_EQ(runner.next(), Advance::Finished);

    // While there are more items than the minimum, each can be taken away.
    std::size_t removers = 0;
    for (auto const& line : runner.summary())
        removers += line.removes_item;
    EXPECT_EQ(removers, 3u);
    EXPECT_TRUE(runner.remove_item("enfants", 1));
    EXPECT_EQ(runner.answers_json().dump(), R"({"enfants":[{"prenom":"Léa"},{"prenom":"Zoé"}]})");
    EXPECT_TRUE(runner.remove_item("enfants", 1));
    EXPECT_FALSE(runner.remove_item("enfants", 0)) << "the group keeps its minimum";
    EXPECT_EQ(runner.answers_json().dump(), R"({"enfants":[{"prenom":"Léa"}]})");
    EXPECT_FALSE(runner.first_invalid_step());
}

TEST(RunnerAppointment, AnOptionalAppointmentCanBeLeftOut)
{
    auto demarche = page_of(
        R"([{ "id": "rdv", "type": "appointment", "label": "Le rendez-vous", "service": "titres", "required": false }])");
    DemarcheRunner with_slots(demarche, nullptr, today, &schedule());
    EXPECT_EQ(with_slots.next(), Advance::Moved);
    EXPECT_EQ(with_slots.next(), Advance::Finished);
    DemarcheRunner without_slots(demarche, nullptr, today, nullptr);
    EXPECT_EQ(without_slots.next(), Advance::Moved);
    EXPECT_EQ(without_slots.next(), Advance::Finished);
    EXPECT_EQ(without_slots.answers_json().dump(), "{}");
}

TEST(RunnerAddress, ASearchTypedForOnePostcodeDoesNotHideAnotherPostcodesCommunes)
{
    std::string tsv = "42000\t42218\tSaint-Étienne\n";
    for (int i = 0; i < 9; ++i)
        tsv += "51300\t516" + std::to_string(10 + i) + "\tVilla" + std::string(1, char('a' + i)) + "\n";
    auto index = CommuneIndex::parse(tsv).release_value();
    auto demarche = page_of(R"([{ "id": "adresse", "type": "address", "label": "Votre adresse" }])");
    DemarcheRunner runner(demarche, &index, today);
    ASSERT_EQ(runner.next(), Advance::Moved); // no street number
    runner.insert_text("rue Haute");
    ASSERT_EQ(runner.next(), Advance::Moved);
    runner.insert_text("51300");
    ASSERT_EQ(runner.next(), Advance::Moved);
    ASSERT_TRUE(runner.commune_needs_filter(runner.step()));
    runner.insert_text("villab");
    EXPECT_EQ(runner.options(runner.step()).size(), 1u);

    // Back to the postcode, another one with a single commune.
    runner.back();
    for (int i = 0; i < 5; ++i)
        runner.erase_last();
    runner.insert_text("42000");
    ASSERT_EQ(runner.next(), Advance::Moved);
    auto options = runner.options(runner.step());
    ASSERT_EQ(options.size(), 1u);
    EXPECT_EQ(options[0].label, "Saint-Étienne");
    EXPECT_EQ(runner.next(), Advance::Finished);
}

TEST(RunnerAppointment, ASlotAlreadyTakenIsNotOffered)
{
    auto demarche
        = page_of(R"([{ "id": "rdv", "type": "appointment", "label": "Le rendez-vous", "service": "titres" }])");
    DemarcheRunner runner(demarche, nullptr, today, &schedule());
    runner.set_booked_slots({ "titres-2025-06-17T09:00" });
    EXPECT_EQ(runner.options(runner.step())[0].hint, "1 horaire libre");
    runner.choose("2025-06-17");
    ASSERT_EQ(runner.next(), Advance::Moved);
    auto times = runner.options(runner.step());
    ASSERT_EQ(times.size(), 1u);
    EXPECT_EQ(times[0].label, "14 h 30");
    runner.choose(times[0].id);
    EXPECT_EQ(runner.chosen_slots(), std::vector<std::string> { "titres-2025-06-17T14:30" });
}

// [SECTION] Step keys said for people (the hub's usage page)

TEST(DescribeStep, NamesFieldsItemsAndPartsInFrench)
{
    auto demarche = page_of(R"([
        { "id": "lieu", "type": "text", "label": "Lieu", "question": "Où est le problème ?" },
        { "id": "adresse", "type": "address", "label": "Votre adresse" },
        { "id": "enfants", "type": "group", "label": "Enfants", "item_label": "Enfant {n}", "max_items": 3,
          "add_question": "Un autre enfant ?",
          "fields": [ { "id": "prenom", "type": "text", "label": "Prénom" } ] }
    ])");
    EXPECT_EQ(describe_step(demarche, "lieu"), "Lieu");
    EXPECT_EQ(describe_step(demarche, "adresse.postcode"), "Votre adresse : Code postal");
    EXPECT_EQ(describe_step(demarche, "adresse.commune"), "Votre adresse : Commune");
    EXPECT_EQ(describe_step(demarche, "enfants.0.prenom"), "Prénom (Enfant 1)");
    EXPECT_EQ(describe_step(demarche, "enfants.1.prenom"), "Prénom (Enfant 2)");
    EXPECT_EQ(describe_step(demarche, "enfants.more"), "Enfants : en ajouter ?");
    EXPECT_EQ(describe_step(demarche, "review"), "Vérification");
}

TEST(DescribeStep, AKeyTheDemarcheDoesNotKnowIsShownAsItIs)
{
    auto demarche = page_of(R"([
        { "id": "lieu", "type": "text", "label": "Lieu" },
        { "id": "adresse", "type": "address", "label": "Votre adresse" },
        { "id": "enfants", "type": "group", "label": "Enfants", "item_label": "Enfant {n}",
          "add_question": "Un autre enfant ?", "fields": [ { "id": "prenom", "type": "text", "label": "Prénom" } ] }
    ])");
    for (std::string_view key : { "ancien", "lieu.postcode", "adresse.planete", "adresse.postcode.x",
             "enfants.x.prenom", "enfants.-1.prenom", "enfants.0.nom", "enfants.0", "" })
        EXPECT_EQ(describe_step(demarche, key), key);
}
