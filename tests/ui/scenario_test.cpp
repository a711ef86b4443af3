// The scenario format (docs/scenarios.md) and the frame record's lookups.
#include "ui/frame_record.hpp"
#include "ui/scenario.hpp"

#include <gtest/gtest.h>

using namespace guichet;
using namespace guichet::ui;

TEST(Scenario, ParsesEveryAction)
{
    auto parsed = parse_scenario(R"(# a comment
tap "Signaler un problème"
tap #edit:lieu
double-tap "Continuer"   # trailing comment
type "Il a dit \"stop\""
expect "Votre code"
expect-not "Rue"
expect-screen review
wait 31s
wait 500ms
wait 2min
screenshot 07-receipt
expect "Message de Marie" within 30s   # another program's pace
hold-corner 5s
)");
    ASSERT_TRUE(parsed) << parsed.error().detail;
    auto const& actions = parsed.value();
    ASSERT_EQ(actions.size(), 13u);
    EXPECT_EQ(actions[0].kind, ActionKind::Tap);
    EXPECT_EQ(actions[0].argument, "Signaler un problème");
    EXPECT_FALSE(actions[0].by_id);
    EXPECT_EQ(actions[0].line, 2);
    EXPECT_TRUE(actions[1].by_id);
    EXPECT_EQ(actions[1].argument, "edit:lieu");
    EXPECT_EQ(actions[2].kind, ActionKind::DoubleTap);
    EXPECT_EQ(actions[3].argument, "Il a dit \"stop\"");
    EXPECT_EQ(actions[6].kind, ActionKind::ExpectScreen);
    EXPECT_EQ(actions[7].duration, Millis(31'000));
    EXPECT_EQ(actions[8].duration, Millis(500));
    EXPECT_EQ(actions[9].duration, Millis(120'000));
    EXPECT_EQ(actions[10].argument, "07-receipt");
    EXPECT_EQ(actions[4].duration, Millis(0)); // the usual 5 s
    EXPECT_EQ(actions[11].kind, ActionKind::Expect);
    EXPECT_EQ(actions[11].argument, "Message de Marie");
    EXPECT_EQ(actions[11].duration, Millis(30'000));
    EXPECT_EQ(actions[12].kind, ActionKind::HoldCorner);
    EXPECT_EQ(actions[12].duration, Millis(5'000));
}

TEST(Scenario, ErrorsNameTheLine)
{
    struct Case {
        char const* text;
        char const* error;
    };
    Case const cases[] = {
        { "tap \"Continuer\"\nfrobnicate \"x\"", "line 2: unknown action 'frobnicate'" },
        { "tap \"Continuer", "line 1: a closing quote is missing" },
        { "expect \"\"", "line 1: an empty argument matches everything" },
        { "tap", "line 1: an argument is missing" },
        { "wait 31", "line 1: unknown duration unit ''" },
        { "wait soon", "line 1: a duration is a number and a unit" },
        { "hold-corner", "line 1: an argument is missing" },
        { "hold-corner long", "line 1: a duration is a number and a unit" },
        { "wait 2000min", "line 1: a duration of more than a day" },
        { "tap \"A\" \"B\"", "line 1: unexpected text after the argument" },
        { "expect \"A\" soon", "line 1: unexpected text after the argument: soon" },
        { "expect \"A\" within", "line 1: unexpected text after the argument: within" },
        { "expect \"A\" within 0s", "line 1: within needs a duration above zero" },
        { "expect \"A\" within 3 s", "line 1: unknown duration unit ' s'" },
        { "expect-not \"A\" within 3s", "line 1: unexpected text after the argument" },
        { "tap \"A\" within 3s", "line 1: unexpected text after the argument" },
    };
    for (auto const& c : cases) {
        auto parsed = parse_scenario(c.text);
        ASSERT_FALSE(parsed) << c.text;
        EXPECT_NE(parsed.error().detail.find(c.error), std::string::npos)
            << c.text << " gave: " << parsed.error().detail;
    }
}

TEST(FrameRecord, OnlyTheTopLayerIsTouchable)
{
    FrameRecord record;
    record.add_widget({ "next", "Continuer", { 0, 0, 10, 10 }, 0 });
    record.add_widget({ "help:close", "Revenir à ma démarche", { 0, 0, 10, 10 }, 1 });
    // An open panel hides the screen under it.
    EXPECT_EQ(record.find_by_label("Continuer"), nullptr);
    ASSERT_NE(record.find_by_id("help:close"), nullptr);
    EXPECT_EQ(record.find_by_label("Revenir à ma démarche")->id, "help:close");
}

TEST(FrameRecord, ShowsTextFindsTextsAndLabels)
{
    FrameRecord record;
    record.add_text("Votre code de suivi :");
    record.add_widget({ "finish", "Terminer", { 0, 0, 1, 1 }, 0 });
    EXPECT_TRUE(record.shows_text("code de suivi"));
    EXPECT_TRUE(record.shows_text("Terminer"));
    EXPECT_FALSE(record.shows_text("Confirmer"));
    record.clear();
    EXPECT_FALSE(record.shows_text("code de suivi"));
}
