// The kiosk's side of remote help (kiosk/core/assistance.hpp), with a
// recording stand-in for the HelpLine port: the real line
// (sync/help_channel) is tested against the real hub in
// tests/sync/help_server_tests.cpp.
#include "recording_help_line.hpp"

#include "kiosk/core/assistance.hpp"

#include <gtest/gtest.h>

namespace guichet {
namespace {

using Kind = HelpNews::Kind;

HelpNews news(Kind kind, std::string text = {}, int position = 0)
{
    return HelpNews { kind, std::move(text), position };
}

class AssistanceWithARecordingLine : public ::testing::Test {
protected:
    void SetUp() override { help.set_line(&line); }

    void connect()
    {
        ASSERT_TRUE(help.ask(HelpRequest { "inscription-cantine", "enfant", "fr" }));
        ASSERT_TRUE(help.hear(news(Kind::Accepted, "Marie, médiatrice")));
    }

    RecordingHelpLine line;
    Assistance help;
};

TEST(Assistance, WithoutALineOnlyTheDeskIsOffered)
{
    Assistance help;
    EXPECT_FALSE(help.remote_available());
    EXPECT_FALSE(help.ask(HelpRequest {}));
    EXPECT_EQ(help.state(), Assistance::State::Idle);
}

TEST_F(AssistanceWithARecordingLine, ARequestWaitsInTheQueueThenNamesTheMediator)
{
    EXPECT_TRUE(help.remote_available());
    line.up = false;
    EXPECT_FALSE(help.remote_available()) << "greyed when the hub does not answer";
    line.up = true;

    ASSERT_TRUE(help.ask(HelpRequest { "inscription-cantine", "enfant", "fr" }));
    ASSERT_EQ(line.requests.size(), 1U);
    EXPECT_EQ(line.requests[0].step, "enfant");
    EXPECT_EQ(help.state(), Assistance::State::Waiting);
    EXPECT_TRUE(help.live());
    EXPECT_TRUE(help.hear(news(Kind::Waiting, {}, 3)));
    EXPECT_EQ(help.position(), 3);
    EXPECT_FALSE(help.hear(news(Kind::Waiting, {}, 3))) << "the same place again changes nothing";
    EXPECT_FALSE(help.hear(news(Kind::Message, "trop tôt"))) << "nobody speaks before a mediator is there";

    EXPECT_TRUE(help.hear(news(Kind::Accepted, "Marie, médiatrice")));
    EXPECT_EQ(help.state(), Assistance::State::Connected);
    EXPECT_EQ(help.mediator(), "Marie, médiatrice");
    for (auto const* text : { "Un", "Deux", "Trois", "Quatre" })
        EXPECT_TRUE(help.hear(news(Kind::Message, text)));
    EXPECT_EQ(help.messages(), (std::vector<std::string> { "Deux", "Trois", "Quatre" }));
    EXPECT_TRUE(help.hear(news(Kind::Point, "next")));
    EXPECT_EQ(help.pointed(), "next");
}

TEST_F(AssistanceWithARecordingLine, EveryHelpTakenIsRecordedUntilTheSessionForgetsIt)
{
    ASSERT_TRUE(help.ask(HelpRequest { "signalement", "lieu", "fr" }));
    EXPECT_TRUE(help.hear(news(Kind::Waiting, "first-help-id", 1)));
    EXPECT_TRUE(help.records().empty()) << "nobody helped yet";
    help.stop();
    EXPECT_TRUE(help.records().empty()) << "a request cancelled while waiting is not a help";

    ASSERT_TRUE(help.ask(HelpRequest { "signalement", "lieu", "fr" }));
    help.hear(news(Kind::Waiting, "second-help-id", 2));
    help.hear(news(Kind::Waiting, {}, 1));
    help.hear(news(Kind::Accepted, "Marie, médiatrice"), 1000);
    ASSERT_EQ(help.records().size(), 1U);
    EXPECT_EQ(help.records()[0].help_id, "second-help-id");
    EXPECT_EQ(help.records()[0].accepted_at, 1000);
    EXPECT_FALSE(help.records()[0].control_granted);
    help.hear(news(Kind::ControlRequested));
    help.grant_control(true);
    help.hear(news(Kind::Tap, "next"));
    help.hear(news(Kind::Tap, "next"));
    EXPECT_EQ(help.records()[0].actions, 0) << "counted when applied, not when heard";
    EXPECT_EQ(help.take_actions().size(), 2U);
    help.take_back_control();
    help.hear(news(Kind::Tap, "next"));
    EXPECT_TRUE(help.take_actions().empty());
    EXPECT_EQ(help.records()[0].actions, 2);
    EXPECT_TRUE(help.records()[0].control_granted);
    EXPECT_TRUE(help.records()[0].personal_shared) << "once shared, the dossier says so";
    help.hear(news(Kind::Ended, "mediator"));

    ASSERT_TRUE(help.ask(HelpRequest { "signalement", "lieu", "fr" }));
    help.hear(news(Kind::Waiting, "third-help-id", 1));
    help.hear(news(Kind::Accepted, "Paul, médiateur"), 2000);
    ASSERT_EQ(help.records().size(), 2U);
    EXPECT_EQ(help.records()[1].mediator, "Paul, médiateur");
    EXPECT_FALSE(help.records()[1].control_granted);

    help.forget();
    EXPECT_TRUE(help.records().empty());
    EXPECT_EQ(help.state(), Assistance::State::Idle);
}

TEST_F(AssistanceWithARecordingLine, NoMediatorActionPassesWithoutConsentAndTakingBackStopsThemAtOnce)
{
    connect();
    EXPECT_FALSE(help.hear(news(Kind::Tap, "next")));
    EXPECT_FALSE(help.hear(news(Kind::Type, "Léa")));
    EXPECT_TRUE(help.take_actions().empty());

    EXPECT_TRUE(help.hear(news(Kind::ControlRequested)));
    EXPECT_EQ(help.control(), Assistance::Control::Asked);
    help.refuse_control();
    EXPECT_EQ(help.control(), Assistance::Control::Refused);
    EXPECT_FALSE(help.hear(news(Kind::Tap, "next")));
    EXPECT_TRUE(help.take_actions().empty());

    EXPECT_TRUE(help.hear(news(Kind::ControlRequested)));
    help.grant_control(false);
    EXPECT_EQ(help.control(), Assistance::Control::Granted);
    EXPECT_FALSE(help.personal_shared());
    EXPECT_TRUE(help.hear(news(Kind::Type, "Léa")));
    EXPECT_TRUE(help.hear(news(Kind::Tap, "next")));
    auto actions = help.take_actions();
    ASSERT_EQ(actions.size(), 2U);
    EXPECT_EQ(actions[0].kind, Kind::Type);
    EXPECT_EQ(actions[0].text, "Léa");
    EXPECT_EQ(actions[1].kind, Kind::Tap);
    EXPECT_TRUE(help.take_actions().empty()) << "taken once";

    EXPECT_TRUE(help.hear(news(Kind::Tap, "back")));
    help.take_back_control();
    EXPECT_TRUE(help.take_actions().empty()) << "an action queued before « Reprendre la main » is dropped";
    EXPECT_EQ(help.control(), Assistance::Control::Refused);
    EXPECT_EQ(line.consents,
        (std::vector<std::pair<ConsentAnswer, bool>> {
            { ConsentAnswer::Refused, false }, { ConsentAnswer::Granted, false }, { ConsentAnswer::Revoked, false } }));
}

TEST_F(AssistanceWithARecordingLine, PersonalFieldsAreSharedOnlyWithControlAndOnlyWhenTicked)
{
    connect();
    help.grant_control(true);
    EXPECT_TRUE(help.personal_shared());
    help.take_back_control();
    EXPECT_FALSE(help.personal_shared());
    EXPECT_EQ(line.consents.back(), std::make_pair(ConsentAnswer::Revoked, false));
}

TEST_F(AssistanceWithARecordingLine, AnEndIsShownOnceAndLateNewsIsIgnored)
{
    connect();
    help.grant_control(false);
    EXPECT_TRUE(help.hear(news(Kind::Ended, "mediator")));
    EXPECT_EQ(help.state(), Assistance::State::Ended);
    EXPECT_EQ(help.end_reason(), "mediator");
    EXPECT_EQ(help.control(), Assistance::Control::None) << "control ends with the help";
    EXPECT_FALSE(help.hear(news(Kind::Tap, "next")));
    EXPECT_NE(help_end_sentence("mediator").find("Vos réponses sont toujours là"), std::string_view::npos);
    EXPECT_NE(help_end_sentence("network").find("accueil"), std::string_view::npos);
    help.dismiss();
    EXPECT_EQ(help.state(), Assistance::State::Idle);
    EXPECT_EQ(line.ends, 0) << "the line already knows it ended";
}

TEST_F(AssistanceWithARecordingLine, StoppingEndsTheLineOnceAndForgetsEverything)
{
    connect();
    help.hear(news(Kind::Message, "Bonjour"));
    help.stop();
    EXPECT_EQ(line.ends, 1);
    EXPECT_EQ(help.state(), Assistance::State::Idle);
    EXPECT_TRUE(help.messages().empty());
    EXPECT_TRUE(help.mediator().empty());
    help.stop();
    EXPECT_EQ(line.ends, 1) << "nothing live, nothing to end";
    EXPECT_FALSE(help.hear(news(Kind::Accepted, "Paul"))) << "news of a stopped help is old news";
}

TEST_F(AssistanceWithARecordingLine, AnUnanswerableRequestSaysSoAndCanBeDismissed)
{
    ASSERT_TRUE(help.ask(HelpRequest {}));
    EXPECT_TRUE(help.hear(news(Kind::Unavailable)));
    EXPECT_TRUE(help.unavailable());
    EXPECT_FALSE(help.live());
    help.dismiss();
    EXPECT_FALSE(help.unavailable());
}

}
}
