// Every pictogram the shipped catalogue names has a picture: a misspelt
// name would silently show the neutral document on a tile.
#include "kiosk/core/catalogue_files.hpp"
#include "ui/pictograms.hpp"

#include <gtest/gtest.h>

using namespace guichet;

TEST(Pictograms, EveryNameInTheShippedCatalogueHasAPicture)
{
    auto catalogue = load_catalogue_files(std::string(GUICHET_SOURCE_DIR) + "/kiosk/catalogue");
    ASSERT_TRUE(catalogue.errors.empty()) << catalogue.errors.front().to_string();
    std::vector<std::string> unknown;
    auto check = [&](std::string const& where, std::string const& name) {
        if (!name.empty() && !ui::is_known_pictogram(name))
            unknown.push_back(where + ": " + name);
    };
    for (auto const& theme : catalogue.orientation.themes)
        check("theme " + theme.id, theme.pictogram);
    for (auto const& situation : catalogue.orientation.situations)
        check("situation " + situation.id, situation.pictogram);
    std::function<void(Demarche const&, Field const&)> field_pictograms
        = [&](Demarche const& demarche, Field const& field) {
              check(demarche.id + "." + field.id, field.pictogram);
              for (auto const& choice : field.choices)
                  check(demarche.id + "." + field.id + "." + choice.id, choice.pictogram);
              for (auto const& member : field.fields)
                  field_pictograms(demarche, member);
          };
    for (auto const& demarche : catalogue.demarches) {
        check(demarche.id, demarche.pictogram);
        for (auto const& page : demarche.pages) {
            for (auto const& field : page.fields)
                field_pictograms(demarche, field);
        }
    }
    EXPECT_TRUE(unknown.empty()) << "no picture for: " << ::testing::PrintToString(unknown);
    EXPECT_FALSE(ui::is_known_pictogram("signalemnt"));
}
