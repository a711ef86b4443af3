// The kiosk's settings: every key checks its values as the kiosk's option
// does, a file is all-or-nothing, layers stack kiosk over image over
// default, and a layer becomes the options the kiosk parses.
#include "kiosk/core/config_files.hpp"
#include "kiosk/core/kiosk_config.hpp"
#include "tests/lib/scratch_folder.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace guichet {
namespace {

TEST(KioskConfigTest, EachKeyTakesWhatItsOptionTakes)
{
    struct Case {
        char const* key;
        char const* value;
        bool ok;
    };
    std::string const long_site(61, 'x');
    Case const cases[] = {
        { "printer", "cups", true },
        { "printer", "cups:recus", true },
        { "printer", "cups:", false },
        { "printer", "cups:a/b", false },
        { "printer", "cups:with space", false },
        { "printer", "pdf:/var/tmp/r", true },
        { "printer", "pdf:", false },
        { "printer", "none", true },
        { "printer", "lp0", false },
        { "card", "pcsc", true },
        { "card", "pcsc:ACS", true },
        { "card", "pcsc:", false },
        { "card", "sim", true },
        { "card", "nfc", false },
        { "speech", "sdl", true },
        { "speech", "wav:/tmp/w", true },
        { "speech", "wav:", false },
        { "speech", "loud", false },
        { "site", "Mairie de Châlons", true },
        { "site", "", false },
        { "site", "two\nlines", false },
        { "site", long_site.c_str(), false },
        { "desk_letter", "B", true },
        { "desk_letter", "b", false },
        { "desk_letter", "AB", false },
        { "idle_warning", "5", true },
        { "idle_warning", "600", true },
        { "idle_warning", "4", false },
        { "idle_warning", "601", false },
        { "idle_end", "30s", false },
        { "idle_end", "", false },
        { "window", "auto", true },
        { "window", "1280x800", true },
        { "window", "639x800", false },
        { "window", "1280", false },
        { "window", "x", false },
        { "renderer", "software", true },
        { "renderer", "gpu", false },
        { "mrz_scanner", "true", true },
        { "mrz_scanner", "yes", false },
        { "hub_url", "https://hub.mairie.fr", true },
        { "hub_url", "hub.mairie.fr:8443", true },
        { "hub_url", "http://hub.mairie.fr", false },
        { "hub_url", "https://", false },
        { "hub_url", "https://hub:99999", false },
        { "hub_ca", "/etc/guichet/hub-ca.pem", true },
        { "hub_ca", "hub-ca.pem", false },
    };
    for (auto const& test : cases) {
        auto checked = check_config_value(test.key, test.value);
        EXPECT_EQ(checked.ok(), test.ok) << test.key << " = '" << test.value << "'";
        if (!checked.ok()) {
            EXPECT_EQ(checked.error().code, "config.invalid");
            // The technician's sentence names the key.
            EXPECT_TRUE(checked.error().detail.starts_with(std::string(test.key) + " : ")) << checked.error().detail;
        }
    }
    auto unknown = check_config_value("volume", "11");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, "config.unknown_key");
}

TEST(KioskConfigTest, AFileIsAllOrNothing)
{
    auto good = parse_config(R"({"printer": "cups:recus", "idle_warning": 60, "mrz_scanner": true})");
    ASSERT_TRUE(good.ok()) << good.error().detail;
    EXPECT_EQ(good.value().at("printer"), "cups:recus");
    EXPECT_EQ(good.value().at("idle_warning"), "60");
    EXPECT_EQ(good.value().at("mrz_scanner"), "true");

    EXPECT_EQ(parse_config("not json").error().code, "config.malformed");
    EXPECT_EQ(parse_config("[1]").error().code, "config.malformed");
    EXPECT_EQ(parse_config(R"({"printer": "cups", "volume": "11"})").error().code, "config.unknown_key");
    auto bad = parse_config(R"({"printer": "cups", "idle_end": 2})");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().detail.find("idle_end"), std::string::npos);
    EXPECT_EQ(parse_config(R"({"site": ["a"]})").error().code, "config.invalid");

    // What is written reads back the same.
    auto again = parse_config(dump_config(good.value()));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), good.value());
}

TEST(KioskConfigTest, ALayerIsTheKiosksOptions)
{
    ConfigLayer layer { { "printer", "cups:recus" }, { "mrz_scanner", "true" }, { "window", "auto" } };
    EXPECT_EQ(config_arguments(layer),
        (std::vector<std::string> { "--printer", "cups:recus", "--window", "auto", "--mrz-scanner" }));
    EXPECT_TRUE(config_arguments({ { "mrz_scanner", "false" } }).empty());
    for (auto const& key : config_keys()) {
        // Every built-in default is a value the key takes (but the empty
        // ones: no site name, no hub yet).
        if (*key.fallback) {
            EXPECT_TRUE(check_config_value(key.name, key.fallback).ok()) << key.name;
        }
        EXPECT_EQ(find_config_key(key.name), &key);
    }
}

TEST(KioskConfigTest, TheKiosksLayerWinsOverTheImagesWhichWinsOverTheDefault)
{
    test_support::ScratchFolder folder("config");
    auto write = [](std::filesystem::path const& path, std::string const& text) { std::ofstream(path) << text; };
    write(folder.path() / "system.json", R"({"printer": "cups:recus", "card": "pcsc"})");
    write(folder.path() / "config.json", R"({"card": "pcsc:ACS"})");
    auto loaded = load_config_files({ folder.path() / "system.json", folder.path() / "config.json" });
    ASSERT_TRUE(loaded.problems.empty());
    auto const& printer = *find_config_key("printer");
    auto const& card = *find_config_key("card");
    auto const& speech = *find_config_key("speech");
    EXPECT_EQ(loaded.value(printer), "cups:recus");
    EXPECT_STREQ(loaded.source(printer), "system");
    EXPECT_EQ(loaded.value(card), "pcsc:ACS");
    EXPECT_STREQ(loaded.source(card), "kiosk");
    EXPECT_EQ(loaded.value(speech), "sdl");
    EXPECT_STREQ(loaded.source(speech), "default");
    // The kiosk's last, so that its options win when parsed in order.
    EXPECT_EQ(loaded.arguments(),
        (std::vector<std::string> { "--printer", "cups:recus", "--card", "pcsc", "--card", "pcsc:ACS" }));

    // A broken file is an empty layer and a problem that names it; a
    // missing one is only empty.
    write(folder.path() / "config.json", R"({"card": "nfc"})");
    auto broken = load_config_files({ folder.path() / "system.json", folder.path() / "config.json" });
    ASSERT_EQ(broken.problems.size(), 1u);
    EXPECT_NE(broken.problems[0].detail.find("config.json"), std::string::npos);
    EXPECT_EQ(broken.value(card), "pcsc");
    auto missing = load_config_files({ folder.path() / "none.json", folder.path() / "nothing.json" });
    EXPECT_TRUE(missing.problems.empty());
    EXPECT_EQ(missing.value(card), "sim");
}

}
}
