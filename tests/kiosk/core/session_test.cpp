#include "kiosk/core/log.hpp"
#include "kiosk/core/session.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace guichet;
using namespace std::chrono_literals;

namespace {

class FakeStore final : public DossierStore {
public:
    Result<TrackingCode> save(Dossier const& dossier) override
    {
        if (fail_with)
            return Error::make(*fail_with, "injected");
        saved.push_back(dossier);
        return TrackingCode::from_serial(saved.size(), 1);
    }
    std::vector<Dossier> saved;
    std::optional<std::string> fail_with;
};

class FakePrinter final : public ReceiptPrinter {
public:
    void submit(Receipt const& receipt, PrintJobId job) override
    {
        submitted.push_back(receipt);
        jobs.push_back(job);
    }
    std::vector<Receipt> submitted;
    std::vector<PrintJobId> jobs;
};

Catalogue shipped_catalogue()
{
    std::ifstream in(std::string(GUICHET_SOURCE_DIR) + "/kiosk/catalogue/signalement-voie-publique.json");
    std::ostringstream text;
    text << in.rdbuf();
    return load_catalogue({ { "signalement.json", text.str() } });
}

class SessionTest : public testing::Test {
protected:
    void start()
    {
        session.dispatch(intent::Activity {});
        session.dispatch(intent::StartDemarche { "signalement-voie-publique" });
    }
    void fill_to_review(std::string const& phone = "")
    {
        start();
        session.dispatch(intent::Choose { "eclairage" });
        session.dispatch(intent::Next {});
        session.dispatch(intent::InsertText { "12 rue de la Paix" });
        session.dispatch(intent::Next {});
        session.dispatch(intent::InsertText { "Lampadaire éteint" });
        session.dispatch(intent::Next {});
        if (!phone.empty())
            session.dispatch(intent::InsertText { phone });
        session.dispatch(intent::Next {});
    }
    void wait(Millis duration)
    {
        clock.advance(duration);
        session.dispatch(intent::Tick {});
    }

    Catalogue catalogue { shipped_catalogue() };
    ManualClock clock;
    FakeStore store;
    FakePrinter printer;
    Session session { catalogue, clock, store, printer, SessionConfig {} };
};

}

TEST_F(SessionTest, StartsOnTheAttractScreenAndWakesOnATouch)
{
    EXPECT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.next_deadline());
    session.dispatch(intent::Activity {});
    EXPECT_EQ(session.screen(), Screen::Home);
}

TEST_F(SessionTest, OutOfServiceStartsNoDemarche)
{
    session.set_out_of_service(true);
    start();
    EXPECT_EQ(session.screen(), Screen::Home);
    EXPECT_EQ(session.runner(), nullptr);
    session.set_out_of_service(false);
    session.dispatch(intent::StartDemarche { "signalement-voie-publique" });
    EXPECT_EQ(session.screen(), Screen::Step);
}

TEST_F(SessionTest, UnknownDemarcheStaysHome)
{
    session.dispatch(intent::Activity {});
    session.dispatch(intent::StartDemarche { "nope" });
    EXPECT_EQ(session.screen(), Screen::Home);
}

TEST_F(SessionTest, HappyPathWritesTheDossierThenShowsTheReceipt)
{
    fill_to_review("06 12 34 56 78");
    ASSERT_EQ(session.screen(), Screen::Review);
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(session.screen(), Screen::Receipt);
    ASSERT_EQ(store.saved.size(), 1u);
    auto const& dossier = store.saved[0];
    EXPECT_EQ(dossier.demarche_id, "signalement-voie-publique");
    EXPECT_EQ(dossier.confirmed_at, clock.unix_seconds());
    ASSERT_EQ(dossier.answers.size(), 4u);
    EXPECT_EQ(dossier.answers[0].second, "eclairage");
    EXPECT_EQ(dossier.answers[3].second, "0612345678");

    ASSERT_TRUE(session.receipt());
    EXPECT_EQ(session.receipt()->code, TrackingCode::from_serial(1, 1));
    EXPECT_EQ(session.receipt()->title, "Votre signalement est enregistré");
    EXPECT_NE(session.receipt()->follow_url.find(session.receipt()->code.text()), std::string::npos);
    ASSERT_EQ(printer.submitted.size(), 1u);
    EXPECT_EQ(printer.submitted[0].code, session.receipt()->code);
    EXPECT_EQ(session.print_status(), PrintStatus::Printing);
    // The answers are no longer needed once the dossier is written.
    EXPECT_EQ(session.runner(), nullptr);

    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Printed });
    EXPECT_EQ(session.print_status(), PrintStatus::Printed);
}

TEST_F(SessionTest, PrinterFailureKeepsTheCodeOnScreen)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::OutOfPaper });
    EXPECT_EQ(session.screen(), Screen::Receipt);
    EXPECT_EQ(session.print_status(), PrintStatus::Failed);
    EXPECT_EQ(session.print_outcome(), PrintOutcome::OutOfPaper);
    EXPECT_TRUE(session.receipt());
    EXPECT_NE(
        std::string(resident_message(PrintOutcome::OutOfPaper)).find("Prenez une photo de ce code"), std::string::npos);
}

TEST_F(SessionTest, ALateOutcomeOfAnEarlierReceiptChangesNothing)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    auto first_job = printer.jobs.back();
    session.dispatch(intent::EndSession {});
    fill_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_NE(printer.jobs.back(), first_job);
    session.dispatch(intent::PrintFinished { first_job, PrintOutcome::OutOfPaper });
    EXPECT_EQ(session.print_status(), PrintStatus::Printing);
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Printed });
    EXPECT_EQ(session.print_status(), PrintStatus::Printed);
}

TEST_F(SessionTest, APrinterThatNeverAnswersCountsAsFailedAfterTheTimeout)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    EXPECT_EQ(session.next_deadline(), clock.monotonic() + 30s);
    wait(29s);
    EXPECT_EQ(session.print_status(), PrintStatus::Printing);
    wait(1s);
    EXPECT_EQ(session.print_status(), PrintStatus::Failed);
    EXPECT_EQ(session.screen(), Screen::Receipt);
    EXPECT_TRUE(session.receipt());
    // If it prints after all, the screen says so.
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Printed });
    EXPECT_EQ(session.print_status(), PrintStatus::Printed);
}

TEST_F(SessionTest, StoreFailureKeepsTheAnswersAndSaysWhatToDo)
{
    fill_to_review();
    store.fail_with = "store.disk_full";
    std::vector<std::string> logged;
    set_log_sink([&](LogLevel, std::string_view component, std::string_view message) {
        logged.push_back(std::string(component) + ": " + std::string(message));
    });
    session.dispatch(intent::Confirm {});
    set_log_sink(nullptr);
    // The technician learns why; the log learns nothing the resident typed.
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("store: dossier not saved: store.disk_full"), std::string::npos) << logged[0];
    EXPECT_EQ(logged[0].find("12 rue de la Paix"), std::string::npos);
    EXPECT_EQ(session.screen(), Screen::Review);
    ASSERT_TRUE(session.save_error());
    EXPECT_NE(session.save_error()->find("Vos réponses sont gardées"), std::string::npos);
    EXPECT_EQ(session.save_error_code(), "store.disk_full");
    EXPECT_TRUE(printer.submitted.empty());
    ASSERT_TRUE(session.runner());
    EXPECT_EQ(session.runner()->answer("lieu"), "12 rue de la Paix");

    store.fail_with.reset();
    session.dispatch(intent::Confirm {});
    EXPECT_EQ(session.screen(), Screen::Receipt);
    EXPECT_EQ(store.saved.size(), 1u);
    EXPECT_FALSE(session.save_error());
}

TEST_F(SessionTest, BackFromTheFirstQuestionReturnsHome)
{
    start();
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Home);
    EXPECT_EQ(session.runner(), nullptr);
}

TEST_F(SessionTest, BackFromReviewShowsTheLastQuestion)
{
    fill_to_review();
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->page_index(), 3u);
}

TEST_F(SessionTest, EditFromReviewReturnsToReviewAfterTheCorrection)
{
    fill_to_review();
    session.dispatch(intent::EditPage { 1 });
    ASSERT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->page_index(), 1u);
    session.dispatch(intent::InsertText { " bis" });
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Review);
    EXPECT_EQ(session.runner()->answer("lieu"), "12 rue de la Paix bis");
}

TEST_F(SessionTest, ConfirmSendsBackToAnInvalidPageThenStraightToTheReview)
{
    fill_to_review();
    // A mediator (later) or a catalogue change could leave a page invalid:
    // here the place is emptied, and "Retour" returns to the review
    // without validating it.
    session.dispatch(intent::EditPage { 1 });
    for (int i = 0; i < 20; ++i)
        session.dispatch(intent::EraseLast {});
    session.dispatch(intent::Back {});
    ASSERT_EQ(session.screen(), Screen::Review);
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->page_index(), 1u);
    EXPECT_TRUE(store.saved.empty());
    session.dispatch(intent::InsertText { "Rue Basse" });
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Review);
}

TEST_F(SessionTest, InvalidCorrectionStaysOnThePage)
{
    fill_to_review();
    session.dispatch(intent::EditPage { 1 });
    for (int i = 0; i < 20; ++i)
        session.dispatch(intent::EraseLast {});
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Step);
    EXPECT_TRUE(session.runner()->error());
}

TEST_F(SessionTest, ConfirmOnlyCountsOnTheReview)
{
    start();
    session.dispatch(intent::Confirm {});
    EXPECT_TRUE(store.saved.empty());
    EXPECT_EQ(session.screen(), Screen::Step);
}

TEST_F(SessionTest, IdleWarningThenWipe)
{
    fill_to_review();
    auto sessions = session.sessions_ended();
    wait(44s);
    EXPECT_FALSE(session.idle_warning());
    wait(1s);
    ASSERT_TRUE(session.idle_warning());
    EXPECT_EQ(session.idle_seconds_left(), 30);
    wait(10s);
    EXPECT_EQ(session.idle_seconds_left(), 20);
    wait(20s);
    EXPECT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.idle_warning());
    EXPECT_EQ(session.runner(), nullptr);
    EXPECT_EQ(session.sessions_ended(), sessions + 1);
    EXPECT_TRUE(store.saved.empty());
}

TEST_F(SessionTest, ATouchBesideTheWarningDoesNotDismissIt)
{
    start();
    wait(45s);
    ASSERT_TRUE(session.idle_warning());
    session.dispatch(intent::Activity {});
    EXPECT_TRUE(session.idle_warning());
    session.dispatch(intent::StillHere {});
    EXPECT_FALSE(session.idle_warning());
    EXPECT_EQ(session.screen(), Screen::Step);
    wait(44s);
    EXPECT_FALSE(session.idle_warning());
}

TEST_F(SessionTest, TypingPostponesTheWarning)
{
    start();
    wait(40s);
    session.dispatch(intent::Choose { "voirie" });
    wait(40s);
    EXPECT_FALSE(session.idle_warning());
}

TEST_F(SessionTest, IdleHomeReturnsToAttractWithoutAsking)
{
    session.dispatch(intent::Activity {});
    wait(45s);
    EXPECT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.idle_warning());
}

TEST_F(SessionTest, DeadlinesFollowTheIdleDelays)
{
    start();
    EXPECT_EQ(session.next_deadline(), clock.monotonic() + 45s);
    wait(45s);
    EXPECT_EQ(session.next_deadline(), clock.monotonic() + 1s);
    clock.advance(500ms);
    EXPECT_EQ(session.next_deadline(), clock.monotonic() + 500ms);
}

TEST_F(SessionTest, IdleDelaysAreConfigurable)
{
    SessionConfig config;
    config.idle_warning_after = 10s;
    config.idle_end_after = 5s;
    Session quick(catalogue, clock, store, printer, config);
    quick.dispatch(intent::Activity {});
    quick.dispatch(intent::StartDemarche { "signalement-voie-publique" });
    clock.advance(10s);
    quick.dispatch(intent::Tick {});
    EXPECT_TRUE(quick.idle_warning());
    clock.advance(5s);
    quick.dispatch(intent::Tick {});
    EXPECT_EQ(quick.screen(), Screen::Attract);
}

TEST_F(SessionTest, FinishingEndsTheSessionAndForgetsTheReceipt)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::EndSession {});
    EXPECT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.receipt());
}

TEST_F(SessionTest, HelpOpensOverAnyScreenAndBackClosesIt)
{
    start();
    session.dispatch(intent::OpenHelp {});
    EXPECT_TRUE(session.help_open());
    session.dispatch(intent::Back {});
    EXPECT_FALSE(session.help_open());
    EXPECT_EQ(session.screen(), Screen::Step);
}

TEST_F(SessionTest, CountdownRedrawsOncePerSecondNotOncePerTick)
{
    start();
    wait(45s);
    ASSERT_TRUE(session.idle_warning());
    auto before = session.revision();
    session.dispatch(intent::Tick {});
    session.dispatch(intent::Tick {});
    wait(300ms);
    EXPECT_EQ(session.revision(), before);
    wait(700ms);
    EXPECT_EQ(session.revision(), before + 1);
    EXPECT_EQ(session.idle_seconds_left(), 29);
}

TEST_F(SessionTest, RevisionMovesOnEveryVisibleChange)
{
    auto before = session.revision();
    session.dispatch(intent::Activity {});
    EXPECT_GT(session.revision(), before);
    before = session.revision();
    session.dispatch(intent::Tick {});
    EXPECT_EQ(session.revision(), before);
}
