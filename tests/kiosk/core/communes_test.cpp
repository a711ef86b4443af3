// The communes index: what an address form relies on to say whether a
// postcode and a commune go together, and to offer a postcode's communes.
#include "kiosk/core/communes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace guichet;

namespace {

std::string shipped_text()
{
    std::ifstream in(std::string(GUICHET_SOURCE_DIR) + "/kiosk/data/communes.tsv");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Deliberately out of order, with a comment, a blank line and a Windows line
// ending, as a hand-edited copy might be.
constexpr std::string_view small_list = "# postcode\tinsee\tname\n"
                                        "42000\t42218\tSaint-Étienne\n"
                                        "01000\t01344\tSaint-Denis-lès-Bourg\n"
                                        "62560\t62638\tŒuf-en-Ternois\r\n"
                                        "\n"
                                        "01000\t01053\tBourg-en-Bresse\n"
                                        "69130\t69081\tÉcully\n"
                                        "69130\t69999\tZiegler\n"
                                        "69130\t69998\tAmbérieux\n"
                                        "01400\t01001\tL'Abergement-Clémenciat\n"
                                        "20000\t2A004\tAjaccio"; // no final newline

CommuneIndex small_index()
{
    auto index = CommuneIndex::parse(small_list);
    EXPECT_TRUE(index.ok()) << index.error().detail;
    return index.release_value();
}

std::vector<std::string> names(std::vector<Commune> const& communes)
{
    std::vector<std::string> result;
    for (auto const& commune : communes)
        result.push_back(commune.name);
    return result;
}

}

TEST(CommuneIndex, ParsesASmallList)
{
    auto index = small_index();
    EXPECT_EQ(index.size(), 9u);
    auto communes = index.by_postcode("42000");
    ASSERT_EQ(communes.size(), 1u);
    EXPECT_EQ(communes[0], (Commune { "42000", "42218", "Saint-Étienne" }));
    EXPECT_EQ(index.by_postcode("62560")[0].name, "Œuf-en-Ternois"); // the \r is not part of the name
    EXPECT_EQ(index.by_postcode("20000")[0].insee, "2A004");
}

TEST(CommuneIndex, PostcodeSharedBySeveralCommunesGivesThemAllInReadingOrder)
{
    auto index = small_index();
    EXPECT_EQ(
        names(index.by_postcode("01000")), (std::vector<std::string> { "Bourg-en-Bresse", "Saint-Denis-lès-Bourg" }));
    // "Écully" among the E, where a reader looks for it, not after "Z" as
    // its bytes would sort.
    EXPECT_EQ(names(index.by_postcode("69130")), (std::vector<std::string> { "Ambérieux", "Écully", "Ziegler" }));
    ASSERT_TRUE(index.find("01000", "01344"));
    EXPECT_EQ(index.find("01000", "01344")->name, "Saint-Denis-lès-Bourg");
    // Both communes exist, but not under each other's postcode.
    EXPECT_EQ(index.find("01000", "42218"), std::nullopt);
    EXPECT_EQ(index.find("42000", "01344"), std::nullopt);
}

TEST(CommuneIndex, UnknownOrMisshapenPostcodeFindsNothing)
{
    auto index = small_index();
    for (std::string_view postcode : { "75001", "4200", "420000", "4200A", " 42000", "" }) {
        EXPECT_TRUE(index.by_postcode(postcode).empty()) << postcode;
        EXPECT_FALSE(index.knows_postcode(postcode)) << postcode;
        EXPECT_EQ(index.find(postcode, "42218"), std::nullopt) << postcode;
        EXPECT_EQ(index.match_name(postcode, "Saint-Étienne"), std::nullopt) << postcode;
    }
    EXPECT_TRUE(index.knows_postcode("42000"));
    EXPECT_FALSE(CommuneIndex {}.knows_postcode("42000"));
}

TEST(CommuneIndex, MatchesATypedNameWhateverItsAccentsCaseAndPunctuation)
{
    auto index = small_index();
    auto saint_etienne = index.find("42000", "42218");
    ASSERT_TRUE(saint_etienne);
    for (std::string_view typed : {
             "Saint-Étienne",
             "saint etienne",
             "SAINT-ETIENNE",
             "SAINT ÉTIENNE",
             "  Saint -- Etienne  ",
             "Saint–Étienne", // en dash
             "Saint-E\xCC\x81tienne", // "E" then a combining acute accent
             "St Étienne",
             "st-etienne",
         })
        EXPECT_EQ(index.match_name("42000", typed), saint_etienne) << typed;

    EXPECT_EQ(index.match_name("62560", "oeuf en ternois"), index.find("62560", "62638"));
    EXPECT_EQ(index.match_name("01400", "L’ABERGEMENT CLEMENCIAT"), index.find("01400", "01001"));
    EXPECT_EQ(index.match_name("69130", "ecully"), index.find("69130", "69081"));
    EXPECT_EQ(index.match_name("01000", "Ste Denis les Bourg"), std::nullopt); // Sainte, not Saint
}

TEST(CommuneIndex, RejectsNamesThatAreNotTheCommuneOfThePostcode)
{
    auto index = small_index();
    EXPECT_EQ(index.match_name("42000", "Saint-Étiennes"), std::nullopt);
    EXPECT_EQ(index.match_name("42000", "Saint"), std::nullopt);
    EXPECT_EQ(index.match_name("42000", "SaintÉtienne"), std::nullopt);
    EXPECT_EQ(index.match_name("42000", "Bourg-en-Bresse"), std::nullopt); // a commune, but of 01000
    EXPECT_EQ(index.match_name("42000", ""), std::nullopt);
    EXPECT_EQ(index.match_name("42000", " - "), std::nullopt);
    EXPECT_EQ(index.match_name("42000", "Saint-\xC9tienne"), std::nullopt); // Latin-1 bytes, not UTF-8
}

TEST(CommuneIndex, FoldsNamesForComparison)
{
    EXPECT_EQ(fold_commune_name("Saint-Étienne"), "saint etienne");
    EXPECT_EQ(fold_commune_name("L'Haÿ-les-Roses"), "l hay les roses");
    EXPECT_EQ(fold_commune_name("ŒUF-EN-TERNOIS"), "oeuf en ternois");
    EXPECT_EQ(fold_commune_name("Château-Chinon (Ville)"), "chateau chinon ville");
    EXPECT_EQ(fold_commune_name("  Île\u00A0de  Clipperton "), "ile de clipperton"); // with a no-break space
    EXPECT_EQ(fold_commune_name("Ko\u01E7a"), "ko\u01E7a"); // outside Latin-1: kept as it is
    EXPECT_EQ(fold_commune_name(""), "");
}

TEST(CommuneIndex, MalformedListsAreRejectedNamingTheLineAndTheReason)
{
    struct Case {
        std::string_view text;
        std::string_view detail;
    };
    Case const cases[] = {
        { "75001\t75056\n", "line 1: expected 3 tab-separated fields (postcode, INSEE code, name), found 2" },
        { "# header\n75001\t75056\tParis\textra\n",
            "line 2: expected 3 tab-separated fields (postcode, INSEE code, name), found 4" },
        { "75001 75056 Paris\n", "line 1: expected 3 tab-separated fields (postcode, INSEE code, name), found 1" },
        { "75001\t75056\tParis\n7500\t75056\tParis\n", "line 2: postcode \"7500\" is not 5 digits" },
        { "750011\t75056\tParis\n", "line 1: postcode \"750011\" is not 5 digits" },
        { "7500A\t75056\tParis\n", "line 1: postcode \"7500A\" is not 5 digits" },
        { "20000\t2C004\tAjaccio\n", "line 1: INSEE code \"2C004\" is not 5 digits (or 2A/2B and 3 digits)" },
        { "75001\t\tParis\n", "line 1: INSEE code \"\" is not 5 digits (or 2A/2B and 3 digits)" },
        { "75001\t75056\t\n", "line 1: name is empty" },
        { "75001\t75056\t  \n", "line 1: name is empty" },
        { "75001\t75056\tParis \n", "line 1: name \"Paris \" starts or ends with white space" },
        { "42000\t42218\tSaint-\xC9tienne\n", "line 1: not valid UTF-8" },
        { "75001\t75056\tParis\n75002\t75056\tParis\n75001\t75056\tParis\n",
            "line 3: commune 75056 is listed again for postcode 75001 (first on line 1)" },
        { "", "no commune in the list" },
        { "# postcode\tinsee\tname\n\n", "no commune in the list" },
    };
    for (auto const& c : cases) {
        auto index = CommuneIndex::parse(c.text);
        ASSERT_FALSE(index.ok()) << c.text;
        EXPECT_EQ(index.error().code, "communes.malformed") << c.text;
        EXPECT_EQ(index.error().detail, c.detail) << c.text;
    }
}

TEST(CommuneIndex, TellsPostcodeShapes)
{
    EXPECT_TRUE(is_postcode_shape("75001"));
    EXPECT_TRUE(is_postcode_shape("01000"));
    EXPECT_TRUE(is_postcode_shape("97400"));
    for (std::string_view text : { "7500", "750011", "7500A", "2A004", "75 001", " 75001", "75001 ", "", "７５００１" })
        EXPECT_FALSE(is_postcode_shape(text)) << text;
}

TEST(CommuneIndex, ShippedListKnowsMetropolitanAndOverseasCommunes)
{
    auto text = shipped_text();
    ASSERT_FALSE(text.empty()) << "kiosk/data/communes.tsv is missing";
    ASSERT_TRUE(text.starts_with("# ")) << "the header naming source and licence is missing";
    auto parsed = CommuneIndex::parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    auto const& index = parsed.value();

    // France has about 35,000 communes; a few hundred serve several postcodes.
    EXPECT_GT(index.size(), 34000u);
    EXPECT_LT(index.size(), 45000u);

    struct Fact {
        std::string_view postcode, insee, name;
    };
    Fact const facts[] = {
        { "75001", "75056", "Paris" }, { "75020", "75056", "Paris" },
        { "75116", "75056", "Paris" }, // the 16th arrondissement's second postcode
        { "69001", "69123", "Lyon" }, { "13001", "13055", "Marseille" }, { "42000", "42218", "Saint-Étienne" },
        { "42100", "42218", "Saint-Étienne" }, { "20000", "2A004", "Ajaccio" },
        { "97400", "97411", "Saint-Denis" }, // La Réunion
        { "97200", "97209", "Fort-de-France" }, // Martinique
        { "97600", "97611", "Mamoudzou" }, // Mayotte
        { "97300", "97302", "Cayenne" }, // Guyane
    };
    for (auto const& fact : facts) {
        auto commune = index.find(fact.postcode, fact.insee);
        ASSERT_TRUE(commune) << fact.postcode << " " << fact.name;
        EXPECT_EQ(commune->name, fact.name);
        EXPECT_EQ(index.match_name(fact.postcode, fold_commune_name(fact.name)), commune);
    }
    EXPECT_EQ(names(index.by_postcode("75001")), (std::vector<std::string> { "Paris" }));
    EXPECT_EQ(
        names(index.by_postcode("01000")), (std::vector<std::string> { "Bourg-en-Bresse", "Saint-Denis-lès-Bourg" }));
    // One postcode of the Marne serves dozens of villages; the tiles show them all.
    auto vitry = index.by_postcode("51300");
    EXPECT_GT(vitry.size(), 40u);
    EXPECT_NE(std::ranges::find(vitry, "Vitry-le-François", &Commune::name), vitry.end());

    EXPECT_EQ(index.match_name("93200", "saint denis")->insee, "93066"); // the other Saint-Denis
    EXPECT_EQ(index.match_name("97400", "saint denis")->insee, "97411");
    EXPECT_FALSE(index.knows_postcode("99999"));
}
