#include "kiosk/core/runner.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace guichet;

namespace {

Demarche shipped()
{
    std::ifstream in(std::string(GUICHET_SOURCE_DIR) + "/kiosk/catalogue/signalement-voie-publique.json");
    std::ostringstream text;
    text << in.rdbuf();
    std::vector<LoadError> errors;
    auto demarche = load_demarche({ "signalement.json", text.str() }, errors);
    EXPECT_TRUE(demarche);
    return *demarche;
}

class RunnerTest : public testing::Test {
protected:
    Demarche demarche { shipped() };
    DemarcheRunner runner { demarche };
};

}

TEST_F(RunnerTest, RequiredChoiceSaysWhatToDo)
{
    EXPECT_FALSE(runner.next());
    ASSERT_TRUE(runner.error());
    EXPECT_EQ(*runner.error(), "Touchez une image pour dire quel est le problème.");
    EXPECT_EQ(runner.page_index(), 0u);
}

TEST_F(RunnerTest, ChoosingClearsTheErrorAndMovesOn)
{
    EXPECT_FALSE(runner.next());
    runner.choose("eclairage");
    EXPECT_FALSE(runner.error());
    EXPECT_TRUE(runner.next());
    EXPECT_EQ(runner.page_index(), 1u);
}

TEST_F(RunnerTest, UnknownChoiceIsIgnored)
{
    runner.choose("volcan");
    EXPECT_EQ(runner.answer("categorie"), "");
}

TEST_F(RunnerTest, TooShortPlaceUsesTheCataloguesMessage)
{
    runner.choose("voirie");
    ASSERT_TRUE(runner.next());
    runner.insert_text("ru");
    EXPECT_FALSE(runner.next());
    EXPECT_EQ(*runner.error(), "Écrivez au moins 3 lettres pour que la mairie trouve le lieu.");
    runner.insert_text("e");
    EXPECT_TRUE(runner.next());
}

TEST_F(RunnerTest, LengthIsCountedInCharacters)
{
    runner.choose("voirie");
    ASSERT_TRUE(runner.next());
    runner.insert_text("éè");
    EXPECT_FALSE(runner.next()); // 2 characters, 4 bytes: still too short
    runner.insert_text("à");
    EXPECT_TRUE(runner.next());
}

TEST_F(RunnerTest, KeyboardStopsAtTheMaximumLength)
{
    runner.choose("voirie");
    ASSERT_TRUE(runner.next());
    for (int i = 0; i < 130; ++i)
        runner.insert_text("a");
    EXPECT_EQ(runner.answer("lieu").size(), 120u);
}

TEST_F(RunnerTest, LeadingSpaceIsIgnoredAndBlankIsEmpty)
{
    runner.choose("voirie");
    ASSERT_TRUE(runner.next());
    runner.insert_text(" ");
    EXPECT_EQ(runner.answer("lieu"), "");
    EXPECT_FALSE(runner.next());
    EXPECT_EQ(*runner.error(), "Cette réponse est obligatoire. Écrivez-la avec le clavier.");
}

TEST_F(RunnerTest, EraseRemovesAWholeAccentedLetter)
{
    runner.choose("voirie");
    ASSERT_TRUE(runner.next());
    runner.insert_text("café");
    runner.erase_last();
    EXPECT_EQ(runner.answer("lieu"), "caf");
}

TEST_F(RunnerTest, OptionalPhoneMayBeEmptyButNotWrong)
{
    runner.go_to(3);
    EXPECT_TRUE(runner.validate_current());
    runner.insert_text("0612");
    EXPECT_FALSE(runner.validate_current());
    EXPECT_EQ(*runner.error(), "Ce numéro n'est pas complet. Il faut 10 chiffres, par exemple 06 12 34 56 78.");
    runner.insert_text("345678");
    EXPECT_TRUE(runner.validate_current());
}

TEST(Phone, NormalisesFrenchNumbers)
{
    EXPECT_EQ(normalize_french_phone("06 12 34 56 78"), "0612345678");
    EXPECT_EQ(normalize_french_phone("06.12.34.56.78"), "0612345678");
    EXPECT_EQ(normalize_french_phone("+33 6 12 34 56 78"), "0612345678");
    EXPECT_EQ(normalize_french_phone("+33 06 12 34 56 78"), "0612345678");
    EXPECT_FALSE(normalize_french_phone("0012345678"));
    EXPECT_FALSE(normalize_french_phone("061234567"));
    EXPECT_FALSE(normalize_french_phone("06123456789"));
    EXPECT_FALSE(normalize_french_phone("+44 20 7946 0958"));
    EXPECT_FALSE(normalize_french_phone("06 12 ab 56 78"));
}

TEST_F(RunnerTest, SummaryShowsLabelsAndReadableValues)
{
    runner.choose("eclairage");
    runner.next();
    runner.insert_text("12 rue de la Paix");
    runner.next();
    runner.insert_text("Lampadaire éteint");
    runner.next();
    runner.insert_text("0612345678");
    auto lines = runner.summary();
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].value, "Éclairage");
    EXPECT_EQ(lines[1].value, "12 rue de la Paix");
    EXPECT_EQ(lines[3].value, "06 12 34 56 78");
    EXPECT_EQ(lines[3].page_index, 3u);
}

TEST_F(RunnerTest, AnswersOmitEmptyOptionalFieldsAndNormalisePhones)
{
    runner.choose("proprete");
    runner.next();
    runner.insert_text("Place du marché");
    auto answers = runner.answers();
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0], (std::pair<std::string, std::string> { "categorie", "proprete" }));
    EXPECT_EQ(answers[1].second, "Place du marché");
    runner.go_to(3);
    runner.insert_text("+33 6 12 34 56 78");
    EXPECT_EQ(runner.answers().back().second, "0612345678");
}

TEST_F(RunnerTest, FirstInvalidPageFindsWhatIsMissing)
{
    runner.choose("proprete");
    EXPECT_EQ(runner.first_invalid_page(), 1u);
}

TEST_F(RunnerTest, TypingNeverMovesTheAnswerToANewBuffer)
{
    // A string that grows frees its old buffer unwiped; the answer must
    // stay in one buffer from the first letter to the last.
    runner.choose("voirie");
    ASSERT_TRUE(runner.next());
    runner.insert_text("1");
    char const* buffer = runner.answer("lieu").data();
    for (int i = 0; i < 119; ++i)
        runner.insert_text("é");
    EXPECT_EQ(runner.answer("lieu").data(), buffer);
}

TEST_F(RunnerTest, WipeForgetsEveryAnswer)
{
    runner.choose("proprete");
    runner.next();
    runner.insert_text("Place du marché");
    runner.wipe();
    EXPECT_EQ(runner.answer("categorie"), "");
    EXPECT_EQ(runner.answer("lieu"), "");
    EXPECT_EQ(runner.page_index(), 0u);
    EXPECT_TRUE(runner.answers().empty());
}
