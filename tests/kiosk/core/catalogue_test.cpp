#include "kiosk/core/catalogue.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace guichet;

namespace {

std::string shipped_text()
{
    std::ifstream in(std::string(GUICHET_SOURCE_DIR) + "/kiosk/catalogue/signalement-voie-publique.json");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

nlohmann::json shipped_json()
{
    return nlohmann::json::parse(shipped_text());
}

std::vector<LoadError> errors_of(nlohmann::json const& json, std::string const& name = "test.json")
{
    std::vector<LoadError> errors;
    auto demarche = load_demarche(CatalogueSource { name, json.dump() }, errors);
    EXPECT_EQ(demarche.has_value(), errors.empty());
    return errors;
}

bool has_error(std::vector<LoadError> const& errors, std::string const& path, std::string const& reason_part)
{
    for (auto const& e : errors) {
        if (e.json_path == path && e.reason.find(reason_part) != std::string::npos)
            return true;
    }
    return false;
}

std::string dump(std::vector<LoadError> const& errors)
{
    std::string out;
    for (auto const& e : errors)
        out += e.to_string() + "\n";
    return out;
}

}

TEST(Catalogue, ShippedSignalementLoadsCompletely)
{
    auto catalogue = load_catalogue({ { "signalement.json", shipped_text() } });
    ASSERT_TRUE(catalogue.errors.empty()) << dump(catalogue.errors);
    ASSERT_EQ(catalogue.demarches.size(), 1u);
    auto const& d = catalogue.demarches[0];
    EXPECT_EQ(d.id, "signalement-voie-publique");
    EXPECT_EQ(d.title, "Signaler un problème sur la voie publique");
    ASSERT_EQ(d.pages.size(), 4u);
    auto const& category = d.pages[0].fields[0];
    EXPECT_EQ(category.type, FieldType::Choice);
    ASSERT_EQ(category.choices.size(), 5u);
    EXPECT_EQ(category.choices[2].label, "Éclairage");
    auto const* phone = d.find_field("telephone");
    ASSERT_TRUE(phone);
    EXPECT_EQ(phone->type, FieldType::Phone);
    EXPECT_FALSE(phone->required);
    EXPECT_TRUE(phone->personal);
}

TEST(Catalogue, MalformedJsonNamesTheFileAndWhereTheParserStopped)
{
    auto text = shipped_text();
    text.erase(text.rfind('}')); // cut the closing brace
    auto catalogue = load_catalogue({ { "/srv/catalogue/signalement.json", text } });
    ASSERT_EQ(catalogue.errors.size(), 1u);
    EXPECT_EQ(catalogue.errors[0].file, "/srv/catalogue/signalement.json");
    EXPECT_EQ(catalogue.errors[0].json_path, "$");
    EXPECT_NE(catalogue.errors[0].reason.find("not valid JSON"), std::string::npos);
    EXPECT_NE(catalogue.errors[0].reason.find("line"), std::string::npos) << catalogue.errors[0].reason;
    EXPECT_TRUE(catalogue.demarches.empty());
}

TEST(Catalogue, WrongFieldTypeNamesTheJsonPath)
{
    auto json = shipped_json();
    json["pages"][1]["fields"][0]["type"] = "adresse-postale";
    auto errors = errors_of(json);
    EXPECT_TRUE(has_error(errors, "$.pages[1].fields[0].type", "unknown field type 'adresse-postale'")) << dump(errors);
}

TEST(Catalogue, ReportsEveryErrorNotOnlyTheFirst)
{
    auto json = shipped_json();
    json.erase("title");
    json["pages"][0]["fields"][0]["required"] = "oui";
    json["pages"][2]["fields"][0]["max_length"] = -3;
    auto errors = errors_of(json);
    EXPECT_TRUE(has_error(errors, "$.title", "missing")) << dump(errors);
    EXPECT_TRUE(has_error(errors, "$.pages[0].fields[0].required", "true or false")) << dump(errors);
    EXPECT_TRUE(has_error(errors, "$.pages[2].fields[0].max_length", "whole number")) << dump(errors);
}

TEST(Catalogue, UnknownKeysAreErrorsSoTyposDoNotPassSilently)
{
    auto json = shipped_json();
    json["pages"][1]["fields"][0]["requried"] = false;
    auto errors = errors_of(json);
    EXPECT_TRUE(has_error(errors, "$.pages[1].fields[0].requried", "unknown key")) << dump(errors);
}

TEST(Catalogue, ChoiceNeedsOptionsWithDistinctIds)
{
    auto json = shipped_json();
    json["pages"][0]["fields"][0]["choices"][1]["id"] = "proprete";
    EXPECT_TRUE(has_error(errors_of(json), "$.pages[0].fields[0].choices[1].id", "duplicate choice id"));
    json = shipped_json();
    json["pages"][0]["fields"][0].erase("choices");
    EXPECT_TRUE(has_error(errors_of(json), "$.pages[0].fields[0].choices", "missing"));
}

TEST(Catalogue, OnePagePerQuestion)
{
    auto json = shipped_json();
    json["pages"][1]["fields"].push_back(json["pages"][2]["fields"][0]);
    EXPECT_TRUE(has_error(errors_of(json), "$.pages[1].fields", "exactly one field"));
}

TEST(Catalogue, DuplicateFieldIdsAcrossPagesAreErrors)
{
    auto json = shipped_json();
    json["pages"][2]["fields"][0]["id"] = "lieu";
    EXPECT_TRUE(has_error(errors_of(json), "$.pages[2].fields[0].id", "duplicate field id 'lieu'"));
}

TEST(Catalogue, MoreThanTheScreenShowsIsRefused)
{
    auto json = shipped_json();
    json["pages"].push_back(json["pages"][1]);
    json["pages"][4]["id"] = "encore";
    json["pages"][4]["fields"][0]["id"] = "encore";
    EXPECT_TRUE(has_error(errors_of(json), "$.pages", "at most 4 pages"));
    json = shipped_json();
    auto extra = json["pages"][0]["fields"][0]["choices"][0];
    extra["id"] = "autre";
    json["pages"][0]["fields"][0]["choices"].push_back(extra);
    EXPECT_TRUE(has_error(errors_of(json), "$.pages[0].fields[0].choices", "at most 5 options"));
}

TEST(Catalogue, TextsLongerThanTheirBoxAreRefused)
{
    auto json = shipped_json();
    json["description"] = std::string(91, 'e');
    EXPECT_TRUE(has_error(errors_of(json), "$.description", "90 characters at most, found 91"));
    json = shipped_json();
    json["pages"][0]["fields"][0]["choices"][0]["label"] = "Propreté des rues et places";
    EXPECT_TRUE(has_error(errors_of(json), "$.pages[0].fields[0].choices[0].label", "24 characters at most"));
    // Counted in characters: 24 accented letters are 48 bytes and fit.
    json["pages"][0]["fields"][0]["choices"][0]["label"] = "éééééééééééééééééééééééé";
    EXPECT_TRUE(errors_of(json).empty());
}

TEST(Catalogue, WrongFormatVersionIsRefused)
{
    auto json = shipped_json();
    json["format"] = 2;
    EXPECT_TRUE(has_error(errors_of(json), "$.format", "must be 1"));
}

TEST(Catalogue, ABrokenDemarcheIsLeftOutAndTheOthersStillLoad)
{
    auto good = shipped_json();
    auto other = shipped_json();
    other["id"] = "autre-demarche";
    other["pages"][0]["fields"][0]["type"] = 42;
    auto catalogue = load_catalogue({ { "a.json", good.dump() }, { "b.json", other.dump() } });
    ASSERT_EQ(catalogue.demarches.size(), 1u);
    EXPECT_EQ(catalogue.demarches[0].id, "signalement-voie-publique");
    ASSERT_FALSE(catalogue.errors.empty());
    EXPECT_EQ(catalogue.errors[0].file, "b.json");
    EXPECT_EQ(catalogue.errors[0].json_path, "$.pages[0].fields[0].type");
}

TEST(Catalogue, TwoDemarchesWithTheSameIdAreAnError)
{
    auto json = shipped_json().dump();
    auto catalogue = load_catalogue({ { "first.json", json }, { "second.json", json } });
    ASSERT_EQ(catalogue.demarches.size(), 1u);
    ASSERT_EQ(catalogue.errors.size(), 1u);
    EXPECT_EQ(catalogue.errors[0].file, "second.json");
    EXPECT_EQ(catalogue.errors[0].json_path, "$.id");
}

TEST(Catalogue, InvalidUtf8IsRefused)
{
    auto json = shipped_json();
    auto text = json.dump();
    auto position = text.find("Quel est le problème");
    text.replace(position, 1, "\xC3"); // a lead byte with no continuation
    auto catalogue = load_catalogue({ { "bad.json", text } });
    EXPECT_TRUE(catalogue.demarches.empty());
    EXPECT_FALSE(catalogue.errors.empty());
}

TEST(Catalogue, NotAnObjectIsRefused)
{
    auto catalogue = load_catalogue({ { "list.json", "[1, 2, 3]" } });
    ASSERT_EQ(catalogue.errors.size(), 1u);
    EXPECT_EQ(catalogue.errors[0].json_path, "$");
}
