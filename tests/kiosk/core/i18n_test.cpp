// The translation tables: exact texts, patterns filled with values, lists,
// and the checks made when a table is read.
#include "kiosk/core/i18n.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace guichet;

namespace {

i18n::Translations english()
{
    i18n::Translations table;
    auto errors = table.load_table(R"({
        "format": 1, "language": "en",
        "texts": {
            "Continuer": "Continue",
            "Code faux. Encore {n} essais.": "Wrong code. {n} tries left.",
            "Votre rendez-vous : {day} à {time}": "Your appointment: {day} at {time}",
            "mardi": "Tuesday", "novembre": "November",
            "Éclairage": "Street lighting", "Trottoir": "Pavement",
            "Étape {n} sur {total}": "Step {n} of {total}",
            "{what} est obligatoire.": "{what} is required.",
            "Le nom": "The surname"
        }
    })");
    EXPECT_TRUE(errors.empty()) << errors.front();
    return table;
}

}

TEST(I18nTest, FindsAnExactText)
{
    auto table = english();
    EXPECT_EQ(table.translate("en", "Continuer"), "Continue");
    EXPECT_EQ(table.size("en"), 10u);
}

TEST(I18nTest, FrenchIsTheSourceAndAMissingTextFallsBackToIt)
{
    auto table = english();
    EXPECT_EQ(table.find("fr", "Continuer"), "Continuer");
    EXPECT_FALSE(table.find("en", "Annuler"));
    EXPECT_EQ(table.translate("en", "Annuler"), "Annuler");
    EXPECT_FALSE(table.find("tr", "Continuer")) << "no Turkish table was read";
}

TEST(I18nTest, FindsThePatternAFilledTextCameFromAndFillsItsTranslation)
{
    auto table = english();
    auto french = fill("Code faux. Encore {n} essais.", { { "n", "3" } });
    EXPECT_EQ(french, "Code faux. Encore 3 essais.");
    EXPECT_EQ(table.translate("en", french), "Wrong code. 3 tries left.");
    EXPECT_EQ(table.translate("en", "Étape 2 sur 12"), "Step 2 of 12");
    EXPECT_FALSE(table.find("en", "Code faux. Encore  essais.")) << "a place must hold something";
}

TEST(I18nTest, AValueTheTableKnowsIsTranslatedWordByWord)
{
    auto table = english();
    EXPECT_EQ(table.translate("en", "Votre rendez-vous : mardi 25 novembre à 09:20"),
        "Your appointment: Tuesday 25 November at 09:20");
    EXPECT_EQ(table.translate("en", "Le nom est obligatoire."), "The surname is required.");
    // A value the table does not know (a name) stays as it was.
    EXPECT_EQ(table.translate("en", "Votre rendez-vous : Salle Voltaire à 09:20"),
        "Your appointment: Salle Voltaire at 09:20");
}

TEST(I18nTest, AListOfKnownChoicesIsTranslatedItemByItem)
{
    auto table = english();
    EXPECT_EQ(table.translate("en", "Éclairage, Trottoir"), "Street lighting, Pavement");
    EXPECT_FALSE(table.find("en", "Éclairage, Banc")) << "one unknown item: the list is not translated";
    table.add("ar", "Éclairage", "الإنارة");
    table.add("ar", "Trottoir", "الرصيف");
    EXPECT_EQ(table.translate("ar", "Éclairage, Trottoir"), "الإنارة، الرصيف");
}

TEST(I18nTest, CatalogueTextsBringTheirOwnTranslations)
{
    i18n::Translations table;
    Text title("Demande d'acte de naissance");
    title.set("es", "Solicitud de partida de nacimiento");
    table.add(title);
    EXPECT_EQ(table.translate("es", "Demande d'acte de naissance"), "Solicitud de partida de nacimiento");
    EXPECT_FALSE(table.find("en", "Demande d'acte de naissance"));
}

TEST(I18nTest, ATableWithMistakesReportsEachAndKeepsTheRest)
{
    i18n::Translations table;
    auto errors = table.load_table(R"({
        "format": 1, "language": "pt",
        "texts": {
            "Continuer": "Continuar",
            "Encore {n} essais.": "Restam {count} tentativas.",
            "Annuler": "",
            "Retour": 3
        }
    })");
    ASSERT_EQ(errors.size(), 3u);
    auto mentions = [&](std::string_view what) {
        return std::any_of(
            errors.begin(), errors.end(), [&](auto const& error) { return error.find(what) != std::string::npos; });
    };
    EXPECT_TRUE(mentions("Encore {n} essais.")) << "the places differ";
    EXPECT_TRUE(mentions("Annuler")) << "empty";
    EXPECT_TRUE(mentions("Retour")) << "not a text";
    EXPECT_EQ(table.translate("pt", "Continuer"), "Continuar");
    EXPECT_FALSE(table.find("pt", "Annuler"));

    EXPECT_FALSE(table.load_table("{").empty());
    EXPECT_FALSE(table.load_table(R"({"format": 1, "language": "de", "texts": {}})").empty());
    EXPECT_FALSE(table.load_table(R"({"format": 1, "language": "fr", "texts": {}})").empty());
}

TEST(I18nTest, FillLeavesAnUnknownPlaceVisible)
{
    EXPECT_EQ(fill("Il reste {n} minutes", {}), "Il reste {n} minutes");
    EXPECT_EQ(fill("{a}{b}", { { "a", "1" }, { "b", "2" } }), "12");
    EXPECT_EQ(i18n::place_names("Étape {n} sur {total}"), (std::vector<std::string> { "n", "total" }));
}

TEST(I18nTest, LanguagesAreFrenchFirstAndArabicIsRightToLeft)
{
    auto const& all = i18n::languages();
    ASSERT_EQ(all.size(), kiosk_languages.size());
    EXPECT_EQ(all.front().code, "fr");
    EXPECT_TRUE(i18n::info("ar").right_to_left);
    EXPECT_FALSE(i18n::info("tr").right_to_left);
    EXPECT_EQ(i18n::info("xx").code, "fr");
}
