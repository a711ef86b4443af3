#include "fake_agents.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/session.hpp"
#include "recording_help_line.hpp"
#include "recording_usage_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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
    Result<std::optional<RequestStatus>> status(TrackingCode const& code) const override
    {
        looked_up.push_back(code.text());
        for (std::size_t i = 0; i < saved.size(); ++i) {
            if (TrackingCode::from_serial(i + 1, 1) == code)
                return std::optional<RequestStatus>(RequestStatus { saved[i].demarche_id, saved[i].confirmed_at });
        }
        return std::optional<RequestStatus> {};
    }
    Result<AgentLock> agent_lock() const override { return lock; }
    Result<void> set_agent_lock(AgentLock const& kept) override
    {
        lock = kept;
        return {};
    }
    AgentLock lock;
    Result<int> draw_desk_number(int day) override
    {
        if (fail_with)
            return Error::make(*fail_with, "injected");
        desk_days.push_back(day);
        return ++desk_numbers;
    }
    mutable std::vector<std::string> looked_up;
    std::vector<Dossier> saved;
    std::vector<int> desk_days;
    int desk_numbers { 0 };
    std::optional<std::string> fail_with;
};

// The site's agents: Paul has a badge, Léa has none (the PIN alone). The
// PIN check answers when the test says, as the real one answers later.
class FakeBadgeReader final : public CardReader {
public:
    void read(mrz::AccessKey const&, CardReadId) override { }
    void read_badge(CardReadId id) override { badge_reads.push_back(id); }
    std::vector<CardReadId> badge_reads;
};

class FakePrinter final : public ReceiptPrinter {
public:
    void submit(Receipt const& receipt, PrintJobId job) override
    {
        submitted.push_back(receipt);
        jobs.push_back(job);
    }
    std::vector<KeptReceipt> kept() const override { return kept_receipts; }
    bool reprint(PrintJobId job) override
    {
        auto found = std::ranges::find(kept_receipts, job, &KeptReceipt::job);
        if (found == kept_receipts.end())
            return false;
        kept_receipts.erase(found);
        reprinted.push_back(job);
        return true;
    }
    std::vector<Receipt> submitted;
    std::vector<PrintJobId> jobs;
    std::vector<KeptReceipt> kept_receipts;
    std::vector<PrintJobId> reprinted;
};

// A small catalogue of its own, so that these tests say what the session
// does whatever the shipped démarches become: two themes, two situations, a
// street report with a condition, and a démarche that needs the printer.
constexpr char const* orientation_json = R"({
  "format": 2,
  "themes": [
    { "id": "ma-rue", "title": "Ma rue", "pictogram": "ma-rue" },
    { "id": "papiers", "title": "Papiers", "pictogram": "papiers" },
    { "id": "vide", "title": "Vide", "pictogram": "autre" }
  ],
  "situations": [
    { "id": "probleme-rue", "title": "Il y a un problème dans ma rue", "pictogram": "signalement" },
    { "id": "papiers-perdus", "title": "J'ai perdu mes papiers", "pictogram": "papiers-perdus" }
  ]
})";

constexpr char const* signalement_json = R"({
  "format": 2, "id": "signalement", "version": "1", "title": "Signaler un problème",
  "description": "Prévenez la mairie.", "pictogram": "signalement", "theme": "ma-rue",
  "situations": ["probleme-rue"],
  "intro": { "asks": "Le problème et le lieu.", "minutes": 3 },
  "pages": [
    { "id": "probleme", "title": "Le problème", "fields": [
      { "id": "categorie", "type": "choice", "label": "Le problème", "choices": [
        { "id": "voirie", "label": "Voirie", "pictogram": "voirie" },
        { "id": "eclairage", "label": "Éclairage", "pictogram": "eclairage" } ] },
      { "id": "dangereux", "type": "yes_no", "label": "Dangereux", "when": { "field": "categorie", "is": "voirie" } } ] },
    { "id": "lieu", "title": "Le lieu", "fields": [
      { "id": "lieu", "type": "text", "label": "Le lieu", "min_length": 3 } ] },
    { "id": "telephone", "title": "Être rappelé", "fields": [
      { "id": "telephone", "type": "phone", "label": "Votre téléphone", "required": false } ] }
  ],
  "receipt": { "title": "Votre signalement est enregistré", "next_steps": "La mairie va regarder." }
})";

constexpr char const* acte_json = R"({
  "format": 2, "id": "acte", "version": "1", "title": "Acte de naissance",
  "description": "Un acte envoyé par la mairie.", "pictogram": "acte", "theme": "papiers",
  "situations": ["papiers-perdus"], "devices": { "printer": "required" },
  "when_unavailable": "Imprimante en panne : demandez à l'accueil.",
  "intro": { "asks": "Votre nom.", "minutes": 2 },
  "pages": [ { "id": "nom", "title": "Vous", "fields": [ { "id": "nom", "type": "text", "label": "Nom" } ] } ],
  "receipt": { "title": "Demande enregistrée", "next_steps": "Vous recevrez l'acte." }
})";

constexpr char const* suivi_json = R"({
  "format": 2, "id": "suivi", "kind": "follow_up", "version": "1", "title": "Suivre ma demande",
  "description": "Avec le code du reçu.", "pictogram": "suivi", "theme": "ma-rue",
  "intro": { "asks": "Le code.", "minutes": 1 },
  "pages": [ { "id": "code", "title": "Votre code", "fields": [ { "id": "code", "type": "tracking_code", "label": "Le code" } ] } ]
})";

Catalogue test_catalogue()
{
    auto catalogue = load_catalogue({ "orientation.json", orientation_json },
        { { "signalement.json", signalement_json }, { "acte.json", acte_json }, { "suivi.json", suivi_json } });
    EXPECT_TRUE(catalogue.errors.empty()) << catalogue.errors.front().to_string();
    return catalogue;
}

class SessionTest : public testing::Test {
protected:
    void start()
    {
        session.dispatch(intent::Activity {});
        session.dispatch(intent::StartDemarche { "signalement" });
        session.dispatch(intent::Begin {});
    }
    void fill_to_review(std::string const& phone = "")
    {
        start();
        answer_to_review(phone);
    }
    // The street report's answers, from its first question to the review.
    void answer_to_review(std::string const& phone = "")
    {
        session.dispatch(intent::Choose { "eclairage" });
        session.dispatch(intent::Next {});
        session.dispatch(intent::InsertText { "12 rue de la Paix" });
        session.dispatch(intent::Next {});
        if (!phone.empty())
            session.dispatch(intent::InsertText { phone });
        session.dispatch(intent::Next {});
    }
    // "Terminer" on the receipt, then "Passer" under the question.
    void finish()
    {
        session.dispatch(intent::EndSession {});
        ASSERT_EQ(session.screen(), Screen::Feedback);
        session.dispatch(intent::EndSession {});
    }
    void wait(Millis duration)
    {
        clock.advance(duration);
        session.dispatch(intent::Tick {});
    }

    Catalogue catalogue { test_catalogue() };
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
    session.dispatch(intent::StartDemarche { "signalement" });
    EXPECT_EQ(session.screen(), Screen::Intro);
    session.dispatch(intent::Begin {});
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
    EXPECT_EQ(dossier.demarche_id, "signalement");
    EXPECT_EQ(dossier.confirmed_at, clock.unix_seconds());
    // The hidden "dangereux" is not there: it was never asked.
    EXPECT_EQ(
        dossier.answers.dump(), R"({"categorie":"eclairage","lieu":"12 rue de la Paix","telephone":"0612345678"})");

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
    finish();
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

TEST_F(SessionTest, APrinterThatStopsWhilePrintingIsSaidAtOnce)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(session.print_status(), PrintStatus::Printing);
    // Paper low changes nothing for the resident.
    session.dispatch(intent::PrinterChanged { printer_state_of({ PrinterProblem::PaperLow }) });
    EXPECT_EQ(session.print_status(), PrintStatus::Printing);
    auto before = session.revision();
    session.dispatch(
        intent::PrinterChanged { printer_state_of({ PrinterProblem::Paused, PrinterProblem::OutOfPaper }) });
    EXPECT_GT(session.revision(), before);
    EXPECT_EQ(session.print_status(), PrintStatus::Failed);
    EXPECT_EQ(session.print_outcome(), PrintOutcome::OutOfPaper);
    EXPECT_TRUE(session.receipt());
    // Paper is back and the spooler prints the waiting job: the screen says so.
    session.dispatch(intent::PrinterChanged { PrinterState {} });
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Printed });
    EXPECT_EQ(session.print_status(), PrintStatus::Printed);
    ASSERT_EQ(printer.submitted.size(), 1u);
}

TEST_F(SessionTest, ConfirmingWhileThePrinterIsOutStillHandsTheJobOver)
{
    session.dispatch(intent::PrinterChanged { printer_state_of({ PrinterProblem::NotAccepting }) });
    EXPECT_FALSE(session.devices().printer);
    EXPECT_FALSE(session.unavailable(*catalogue.find("signalement")));
    EXPECT_TRUE(session.unavailable(*catalogue.find("acte")));
    fill_to_review();
    session.dispatch(intent::Confirm {});
    EXPECT_EQ(session.print_status(), PrintStatus::Failed);
    EXPECT_EQ(session.print_outcome(), PrintOutcome::Offline);
    // Handed over all the same: it prints when the queue accepts again, and
    // the desk can reprint it.
    ASSERT_EQ(printer.submitted.size(), 1u);
    // No deadline for a job already said to have failed.
    EXPECT_EQ(session.next_deadline(), clock.monotonic() + 45s);
}

TEST_F(SessionTest, AKioskWithoutPrinterSubmitsNothing)
{
    session.dispatch(intent::PrinterChanged { printer_state_of({ PrinterProblem::NotConfigured }) });
    fill_to_review();
    session.dispatch(intent::Confirm {});
    EXPECT_EQ(session.screen(), Screen::Receipt);
    EXPECT_EQ(session.print_status(), PrintStatus::Failed);
    EXPECT_TRUE(printer.submitted.empty());
}

TEST_F(SessionTest, PrinterReportsAreNotTheResidentTouching)
{
    session.dispatch(intent::Activity {});
    wait(40s);
    session.dispatch(intent::PrinterChanged { printer_state_of({ PrinterProblem::Offline }) });
    session.dispatch(intent::PrinterChanged { PrinterState {} });
    wait(5s);
    EXPECT_EQ(session.screen(), Screen::Attract);
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

TEST_F(SessionTest, BackFromTheFirstQuestionReturnsToTheStartScreenThenHome)
{
    start();
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Intro);
    EXPECT_EQ(session.runner(), nullptr);
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Home);
}

TEST_F(SessionTest, BackFromReviewShowsTheLastQuestion)
{
    fill_to_review();
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->step().key, "telephone");
}

TEST_F(SessionTest, EditFromReviewReturnsToReviewAfterTheCorrection)
{
    fill_to_review();
    session.dispatch(intent::EditStep { "lieu" });
    ASSERT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->step().key, "lieu");
    session.dispatch(intent::InsertText { " bis" });
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Review);
    EXPECT_EQ(session.runner()->answer("lieu"), "12 rue de la Paix bis");
}

TEST_F(SessionTest, BackFromAnEmptiedCorrectionNeverShowsTheReviewWithAHole)
{
    fill_to_review();
    session.dispatch(intent::EditStep { "lieu" });
    for (int i = 0; i < 20; ++i)
        session.dispatch(intent::EraseLast {});
    // "Retour" with the place emptied: the review would show a hole, so the
    // previous question shows instead.
    session.dispatch(intent::Back {});
    ASSERT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->step().key, "categorie");
    // Going on leads to the question left empty, then straight to the review.
    session.dispatch(intent::Next {});
    ASSERT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->step().key, "lieu");
    EXPECT_FALSE(session.runner()->error()) << "a question not yet re-asked shows no error";
    session.dispatch(intent::InsertText { "Rue Basse" });
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Review);
    EXPECT_TRUE(store.saved.empty());
}

TEST_F(SessionTest, AnEditThatShowsANewQuestionAsksItBeforeTheReview)
{
    fill_to_review();
    // Choosing "voirie" shows "dangereux", which was hidden: it must be
    // answered before the review comes back.
    session.dispatch(intent::EditStep { "categorie" });
    session.dispatch(intent::Choose { "voirie" });
    session.dispatch(intent::Next {});
    ASSERT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->step().key, "dangereux");
    session.dispatch(intent::Choose { "oui" });
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Review);
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(store.saved.size(), 1u);
    EXPECT_EQ(store.saved[0].answers.value("dangereux", false), true);
}

TEST_F(SessionTest, InvalidCorrectionStaysOnThePage)
{
    fill_to_review();
    session.dispatch(intent::EditStep { "lieu" });
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
    quick.dispatch(intent::StartDemarche { "signalement" });
    quick.dispatch(intent::Begin {});
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
    EXPECT_EQ(session.screen(), Screen::Feedback);
    EXPECT_FALSE(session.receipt()) << "the question comes once the receipt is gone";
    session.dispatch(intent::EndSession {});
    EXPECT_EQ(session.screen(), Screen::Attract);
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

TEST_F(SessionTest, RemoteHelpTellsWhereTheResidentIsAndEndsWithTheSession)
{
    RecordingHelpLine line;
    start();
    session.dispatch(intent::AskRemoteHelp {});
    EXPECT_TRUE(line.requests.empty()) << "no line: only the desk";

    session.set_help_line(&line);
    session.dispatch(intent::OpenHelp {});
    session.dispatch(intent::AskRemoteHelp {});
    ASSERT_EQ(line.requests.size(), 1U);
    EXPECT_EQ(line.requests[0].demarche_id, "signalement");
    EXPECT_EQ(line.requests[0].step, session.runner()->step().key);
    EXPECT_FALSE(session.help_open()) << "the panel gives way to the wait";
    EXPECT_EQ(session.assistance().state(), Assistance::State::Waiting);

    // Waiting for a mediator takes a while: the idle warning waits too,
    // but not for ever (a resident may have walked away).
    wait(120s);
    EXPECT_FALSE(session.idle_warning());
    EXPECT_EQ(session.next_deadline(), clock.monotonic() - 120s + SessionConfig {}.idle_warning_while_helped);
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Accepted, "Marie, médiatrice", 0 } });
    EXPECT_EQ(session.assistance().mediator(), "Marie, médiatrice");

    // Consent is only taken when it was asked for.
    session.dispatch(intent::GrantControl { true });
    EXPECT_EQ(session.assistance().control(), Assistance::Control::None);
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::ControlRequested, {}, 0 } });
    session.dispatch(intent::GrantControl { false });
    EXPECT_EQ(session.assistance().control(), Assistance::Control::Granted);
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Tap, "next", 0 } });
    EXPECT_EQ(session.take_remote_actions().size(), 1U);

    session.dispatch(intent::EndSession {});
    EXPECT_EQ(line.ends, 1) << "the help ends with the session";
    EXPECT_EQ(session.assistance().state(), Assistance::State::Idle);
    EXPECT_TRUE(session.assistance().mediator().empty());
}

TEST_F(SessionTest, TheDossierRecordsWhoHelpedAndWhetherTheyActed)
{
    RecordingHelpLine line;
    session.set_help_line(&line);
    start();
    session.dispatch(intent::AskRemoteHelp {});
    session.dispatch(
        intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Waiting, "0123456789abcdef0123456789abcdef", 1 } });
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Accepted, "Marie, médiatrice", 0 } });
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::ControlRequested, {}, 0 } });
    session.dispatch(intent::GrantControl { false });
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Tap, "choice:eclairage", 0 } });
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Type, "12 rue", 0 } });
    // The UI applies them through the touch path: here, by hand.
    ASSERT_EQ(session.take_remote_actions().size(), 2U);
    session.dispatch(intent::Choose { "eclairage" });
    session.dispatch(intent::Next {});
    session.dispatch(intent::InsertText { "12 rue de la Paix" });
    session.dispatch(intent::TakeBackControl {});
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Ended, "mediator", 0 } });
    session.dispatch(intent::DismissHelpNote {});
    session.dispatch(intent::Next {});
    session.dispatch(intent::Next {});
    ASSERT_EQ(session.screen(), Screen::Review);
    session.dispatch(intent::Confirm {});

    ASSERT_EQ(store.saved.size(), 1U);
    ASSERT_EQ(store.saved[0].remote_help.size(), 1U) << "the help ended before the confirmation, and still counts";
    auto const& help = store.saved[0].remote_help[0];
    EXPECT_EQ(help.help_id, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(help.mediator, "Marie, médiatrice");
    EXPECT_EQ(help.accepted_at, clock.unix_seconds());
    EXPECT_TRUE(help.control_granted);
    EXPECT_FALSE(help.personal_shared);
    EXPECT_EQ(help.actions, 2);
    auto json = nlohmann::json::parse(store.saved[0].to_json("KXTBPDQK"));
    EXPECT_EQ(json["assistance"]["remote"][0]["mediator"], "Marie, médiatrice");
    EXPECT_EQ(json["assistance"]["remote"][0]["control_granted"], true);

    // The next resident's dossier says nothing of it.
    finish();
    fill_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(store.saved.size(), 2U);
    EXPECT_TRUE(store.saved[1].remote_help.empty());
    EXPECT_FALSE(nlohmann::json::parse(store.saved[1].to_json("KXTBPDQL")).contains("assistance"));
}

TEST_F(SessionTest, TheDeskGivesANumberShownAndPrintedOncePerVisit)
{
    session.dispatch(intent::AskDeskHelp {});
    EXPECT_FALSE(session.desk_ticket()) << "nobody is there on the attract screen";
    start();
    session.dispatch(intent::OpenHelp {});
    session.dispatch(intent::AskDeskHelp {});
    ASSERT_TRUE(session.desk_ticket());
    EXPECT_EQ(session.desk_ticket()->number, "A 001");
    EXPECT_EQ(session.desk_ticket()->print, PrintStatus::Printing);
    auto today = clock.today();
    EXPECT_EQ(store.desk_days, (std::vector<int> { today.year * 10000 + today.month * 100 + today.day }));
    ASSERT_EQ(printer.submitted.size(), 1U);
    EXPECT_EQ(printer.submitted[0].desk_number, "A 001");
    EXPECT_TRUE(printer.submitted[0].code.text().empty()) << "a ticket carries no tracking code";

    session.dispatch(intent::AskDeskHelp {});
    EXPECT_EQ(printer.submitted.size(), 1U) << "one number per visit";
    session.dispatch(intent::PrintFinished { printer.jobs[0], PrintOutcome::Printed });
    EXPECT_EQ(session.desk_ticket()->print, PrintStatus::Printed);
    EXPECT_EQ(session.runner()->demarche().id, "signalement") << "the démarche goes on meanwhile";

    session.dispatch(intent::EndSession {});
    EXPECT_FALSE(session.desk_ticket()) << "the next resident takes their own";
    start();
    session.dispatch(intent::PrinterChanged { printer_state_of({ PrinterProblem::OutOfPaper }) });
    session.dispatch(intent::AskDeskHelp {});
    EXPECT_EQ(session.desk_ticket()->number, "A 002");
    EXPECT_EQ(session.desk_ticket()->print, PrintStatus::Failed) << "said at once: remember the number";
    EXPECT_EQ(session.desk_ticket()->outcome, PrintOutcome::OutOfPaper);
}

TEST_F(SessionTest, ADeskTicketThatNeverPrintsIsSaidToHaveFailed)
{
    start();
    session.dispatch(intent::AskDeskHelp {});
    ASSERT_EQ(session.next_deadline(), clock.monotonic() + SessionConfig {}.print_timeout);
    wait(SessionConfig {}.print_timeout);
    EXPECT_EQ(session.desk_ticket()->print, PrintStatus::Failed);
    // A late answer about it is still taken.
    session.dispatch(intent::PrintFinished { printer.jobs[0], PrintOutcome::Printed });
    EXPECT_EQ(session.desk_ticket()->print, PrintStatus::Printed);
}

TEST_F(SessionTest, WithoutANumberTheResidentIsStillSentToTheDesk)
{
    start();
    store.fail_with = "store.disk_full";
    session.dispatch(intent::AskDeskHelp {});
    ASSERT_TRUE(session.desk_ticket());
    EXPECT_TRUE(session.desk_ticket()->number.empty());
    EXPECT_TRUE(printer.submitted.empty());
}

TEST_F(SessionTest, AnAgentBadgeAndPinOpenAgentModeAndTheDossierRecordsTheMandate)
{
    FakeAgents agents;
    FakeBadgeReader reader;
    session.set_agent_directory(&agents);
    session.set_card_reader(&reader);
    start();
    session.dispatch(intent::CardPresence { true });
    ASSERT_EQ(reader.badge_reads.size(), 1U) << "a card laid outside the card flow may be a badge";
    session.dispatch(intent::BadgeRead { reader.badge_reads[0], "DEADBEEF" });
    EXPECT_FALSE(session.agent_gate()) << "nobody's badge opens nothing";
    session.dispatch(intent::CardPresence { true });
    session.dispatch(intent::BadgeRead { reader.badge_reads[1], "04A1B2C3D4E5F6" });
    ASSERT_TRUE(session.agent_gate());
    EXPECT_EQ(session.agent_gate()->holder->name, "Paul Leroy, agent d'accueil");

    for (char digit : std::string("123456"))
        session.dispatch(intent::AgentPinKey { digit });
    session.dispatch(intent::AgentPinSubmit {});
    ASSERT_EQ(agents.checks.size(), 1U);
    EXPECT_EQ(std::get<0>(agents.checks[0]), "paul.leroy") << "the PIN of the badge's holder";
    EXPECT_TRUE(session.agent_gate()->pin.empty()) << "the digits do not stay once sent";
    session.dispatch(agents.answer());
    EXPECT_FALSE(session.agent_gate());
    ASSERT_TRUE(session.agent_mode());
    EXPECT_FALSE(session.agent_acting()) << "nothing before the resident says yes";
    session.dispatch(intent::AgentConsent { true });
    EXPECT_TRUE(session.agent_acting());

    answer_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(store.saved.size(), 1U);
    ASSERT_TRUE(store.saved[0].mandate);
    auto const& mandate = *store.saved[0].mandate;
    EXPECT_EQ(mandate.agent.id, "paul.leroy");
    EXPECT_EQ(mandate.demarche_id, "signalement");
    EXPECT_EQ(mandate.consent_sha256, "c0ffee");
    EXPECT_EQ(mandate.consent_at, clock.unix_seconds());
    auto json = nlohmann::json::parse(store.saved[0].to_json("KXTBPDQK"));
    EXPECT_EQ(json["assistance"]["mandate"]["agent"]["id"], "paul.leroy");
    EXPECT_EQ(json["assistance"]["mandate"]["scope"]["demarche"], "signalement");
    EXPECT_EQ(json["assistance"]["mandate"]["consent"]["text_sha256"], "c0ffee");

    session.dispatch(intent::EndSession {});
    EXPECT_FALSE(session.agent_mode()) << "agent mode ends with the visit";
}

TEST_F(SessionTest, FiveWrongPinsLockAgentModeForAQuarterOfAnHour)
{
    FakeAgents agents;
    session.set_agent_directory(&agents);
    start();
    session.dispatch(intent::OpenAgentGate {});
    ASSERT_TRUE(session.agent_gate());
    EXPECT_FALSE(session.agent_gate()->holder) << "no badge: the PIN alone";
    auto try_pin = [&](std::string const& pin) {
        for (char digit : pin)
            session.dispatch(intent::AgentPinKey { digit });
        session.dispatch(intent::AgentPinSubmit {});
        session.dispatch(agents.answer());
    };
    for (int i = 0; i < 4; ++i)
        try_pin("0000");
    EXPECT_EQ(session.agent_gate()->error, "Code faux. Encore 1 essai.");
    try_pin("0000");
    EXPECT_EQ(agents.checks.size(), 5U);
    // Locked: even the right PIN is not checked, on this visit or the next.
    session.dispatch(intent::EndSession {});
    start();
    session.dispatch(intent::OpenAgentGate {});
    try_pin("2468");
    EXPECT_EQ(agents.checks.size(), 5U);
    EXPECT_FALSE(session.agent_mode());
    EXPECT_NE(session.agent_gate()->error->find("bloqué"), std::string::npos);

    // Nor after a restart: the lock is kept in the store.
    {
        Session restarted { catalogue, clock, store, printer, SessionConfig {} };
        restarted.set_agent_directory(&agents);
        restarted.dispatch(intent::Activity {});
        restarted.dispatch(intent::OpenAgentGate {});
        EXPECT_NE(restarted.agent_gate()->error->find("bloqué"), std::string::npos);
        unlock_agent(restarted, agents);
        EXPECT_EQ(agents.checks.size(), 5U);
        EXPECT_FALSE(restarted.agent_mode());
    }

    wait(15min);
    session.dispatch(intent::OpenAgentGate {});
    try_pin("2468");
    ASSERT_TRUE(session.agent_mode());
    EXPECT_EQ(session.agent_mode()->agent.id, "lea.martin");
    EXPECT_EQ(store.lock.wrong_pins, 0) << "a right PIN starts the count again";
}

TEST_F(SessionTest, ATryCountsWhenMadeSoClosingOrLeavingDuringItsCheckDoesNotSaveIt)
{
    FakeAgents agents;
    session.set_agent_directory(&agents);
    start();
    auto submit = [&](std::string const& pin) {
        session.dispatch(intent::OpenAgentGate {});
        for (char digit : pin)
            session.dispatch(intent::AgentPinKey { digit });
        session.dispatch(intent::AgentPinSubmit {});
    };
    submit("0000");
    session.dispatch(intent::CloseAgentGate {});
    EXPECT_TRUE(session.agent_gate()) << "the pad stays while its PIN is checked";
    session.dispatch(agents.answer());
    // Four more, each abandoned by ending the visit before the answer.
    for (int i = 0; i < 4; ++i) {
        submit("0000");
        session.dispatch(intent::EndSession {});
        start();
    }
    submit("2468");
    EXPECT_EQ(agents.checks.size(), 5U) << "the sixth try is not even checked";
    EXPECT_NE(session.agent_gate()->error->find("bloqué pendant 15 minutes"), std::string::npos);
}

TEST_F(SessionTest, TheResidentIsAskedWhenADemarcheBeginsAndTheirConsentHoldsForThatOne)
{
    FakeAgents agents;
    session.set_agent_directory(&agents);
    session.dispatch(intent::Activity {});
    unlock_agent(session, agents);
    ASSERT_TRUE(session.agent_mode());
    EXPECT_FALSE(session.agent_consent_pending()) << "no démarche yet: nobody to ask";
    EXPECT_FALSE(session.agent_acting());
    session.dispatch(intent::AgentConsent { true });
    EXPECT_FALSE(session.agent_mode()->consent_at) << "a yes to no question is not a consent";

    session.dispatch(intent::StartDemarche { "signalement" });
    session.dispatch(intent::Begin {});
    EXPECT_TRUE(session.agent_consent_pending()) << "« cette démarche »: asked once it is known";
    EXPECT_FALSE(session.agent_acting());
    session.dispatch(intent::AgentConsent { true });
    ASSERT_TRUE(session.agent_acting());
    // Back to the start screen and in again: the same démarche, the same yes.
    session.dispatch(intent::Back {});
    session.dispatch(intent::Begin {});
    EXPECT_TRUE(session.agent_acting());
    answer_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(store.saved.size(), 1U);
    ASSERT_TRUE(store.saved[0].mandate);
    EXPECT_EQ(store.saved[0].mandate->agent.id, "lea.martin");
}

TEST_F(SessionTest, AnAgentReprintsAReceiptThePrinterKeptNewestFirst)
{
    FakeAgents agents;
    session.set_agent_directory(&agents);
    printer.kept_receipts = {
        { 3, "Signaler un problème", 1'700'000'000, "PDQM", PrintOutcome::OutOfPaper },
        { 5, "Inscription à la cantine", 1'700'000'600, "Q7RT", PrintOutcome::Jammed },
    };
    session.dispatch(intent::Activity {});
    session.dispatch(intent::OpenReprints {});
    EXPECT_FALSE(session.reprints()) << "the list is the agent's";

    unlock_agent(session, agents);
    session.dispatch(intent::OpenReprints {});
    ASSERT_TRUE(session.reprints()) << "no resident's consent is needed for receipts that are not theirs";
    ASSERT_EQ(session.reprints()->kept.size(), 2U);
    EXPECT_EQ(session.reprints()->kept[0].job, 5U) << "newest first";

    // The printer is out: nothing is sent, the receipt stays kept.
    session.dispatch(intent::PrinterChanged { printer_state_of({ PrinterProblem::OutOfPaper }) });
    session.dispatch(intent::Reprint { 3 });
    EXPECT_TRUE(printer.reprinted.empty());
    session.dispatch(intent::PrinterChanged { PrinterState {} });
    session.dispatch(intent::Reprint { 3 });
    EXPECT_EQ(printer.reprinted, std::vector<PrintJobId> { 3 });
    EXPECT_EQ(session.reprints()->sent.at(3), PrintStatus::Printing);
    session.dispatch(intent::Reprint { 3 });
    EXPECT_EQ(printer.reprinted.size(), 1U) << "one tap, one receipt";
    session.dispatch(intent::PrintFinished { 3, PrintOutcome::Printed });
    EXPECT_EQ(session.reprints()->sent.at(3), PrintStatus::Printed);
    session.dispatch(intent::Reprint { 9 });
    EXPECT_EQ(session.reprints()->sent.at(9), PrintStatus::Failed) << "no longer kept";

    session.dispatch(intent::LeaveAgentMode {});
    EXPECT_FALSE(session.reprints()) << "the list goes with the agent";
}

TEST_F(SessionTest, AnAgentReprintsTheResidentsReceiptFromItsScreen)
{
    FakeAgents agents;
    session.set_agent_directory(&agents);
    fill_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(session.screen(), Screen::Receipt);
    session.dispatch(intent::PrintFinished { printer.jobs[0], PrintOutcome::OutOfPaper });
    ASSERT_EQ(session.print_status(), PrintStatus::Failed);
    printer.kept_receipts
        = { { printer.jobs[0], "Signaler un problème", clock.unix_seconds(), "PDQM", PrintOutcome::OutOfPaper } };
    session.dispatch(intent::Reprint { printer.jobs[0] });
    EXPECT_TRUE(printer.reprinted.empty()) << "only an agent reprints";

    unlock_agent(session, agents);
    EXPECT_FALSE(session.agent_consent_pending()) << "the démarche is done: nothing to consent to";
    session.dispatch(intent::Reprint { printer.jobs[0] });
    EXPECT_EQ(printer.reprinted, std::vector { printer.jobs[0] });
    EXPECT_EQ(session.print_status(), PrintStatus::Printing);
    session.dispatch(intent::PrintFinished { printer.jobs[0], PrintOutcome::Printed });
    EXPECT_EQ(session.print_status(), PrintStatus::Printed);
}

TEST_F(SessionTest, ADeskTicketLeavesTheReceiptsPrintStatusAlone)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(session.screen(), Screen::Receipt);
    session.dispatch(intent::OpenHelp {});
    session.dispatch(intent::AskDeskHelp {});
    ASSERT_EQ(printer.jobs.size(), 2U);
    EXPECT_NE(printer.jobs[0], printer.jobs[1]);
    session.dispatch(intent::PrintFinished { printer.jobs[0], PrintOutcome::Printed });
    EXPECT_EQ(session.print_status(), PrintStatus::Printed) << "the receipt's answer is still its own";
    EXPECT_EQ(session.desk_ticket()->print, PrintStatus::Printing);
    session.dispatch(intent::PrintFinished { printer.jobs[1], PrintOutcome::Printed });
    EXPECT_EQ(session.desk_ticket()->print, PrintStatus::Printed);
}

TEST_F(SessionTest, AgentModeLeavesAfterTwoMinutesWithoutATouchAndWhenTheResidentSaysNo)
{
    FakeAgents agents;
    session.set_agent_directory(&agents);
    SessionConfig config;
    config.idle_warning_after = 10min;
    Session patient { catalogue, clock, store, printer, config };
    patient.set_agent_directory(&agents);
    patient.dispatch(intent::Activity {});
    patient.dispatch(intent::StartDemarche { "signalement" });
    patient.dispatch(intent::Begin {});
    auto unlock = [&] { unlock_agent(patient, agents); };
    unlock();
    patient.dispatch(intent::AgentConsent { true });
    ASSERT_TRUE(patient.agent_acting());
    clock.advance(119s);
    patient.dispatch(intent::Tick {});
    EXPECT_TRUE(patient.agent_mode());
    clock.advance(1s);
    patient.dispatch(intent::Tick {});
    EXPECT_FALSE(patient.agent_mode()) << "2 minutes without a touch";

    unlock();
    patient.dispatch(intent::AgentConsent { false });
    EXPECT_FALSE(patient.agent_mode()) << "the resident said no";
    unlock();
    patient.dispatch(intent::LeaveAgentMode {});
    EXPECT_FALSE(patient.agent_mode());
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

TEST_F(SessionTest, ThemesAndSituationsLeadToTheirDemarches)
{
    session.dispatch(intent::Activity {});
    session.dispatch(intent::OpenTheme { "papiers" });
    ASSERT_EQ(session.screen(), Screen::Theme);
    ASSERT_TRUE(session.theme());
    auto papers = session.demarches_of_theme("papiers");
    ASSERT_EQ(papers.size(), 1u);
    EXPECT_EQ(papers[0]->id, "acte");
    EXPECT_TRUE(session.demarches_of_theme("vide").empty());
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Home);

    session.dispatch(intent::OpenSituations {});
    ASSERT_EQ(session.screen(), Screen::Situations);
    session.dispatch(intent::ChooseSituation { "probleme-rue" });
    ASSERT_EQ(session.screen(), Screen::Suggestions);
    auto suggested = session.demarches_for_situation(session.situation()->id);
    ASSERT_EQ(suggested.size(), 1u);
    EXPECT_EQ(suggested[0]->id, "signalement");
    session.dispatch(intent::StartDemarche { "signalement" });
    ASSERT_EQ(session.screen(), Screen::Intro);
    // "Retour" from the start screen goes back where the resident came from.
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Suggestions);
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Situations);
}

TEST_F(SessionTest, MostUsedFirstCountingEachConfirmation)
{
    // Nothing counted yet: the catalogue's order.
    auto first = session.most_used();
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[0]->id, "signalement");
    session.set_usage_counts({ { "acte", 3 }, { "signalement", 2 } });
    EXPECT_EQ(session.most_used()[0]->id, "acte");
    fill_to_review();
    session.dispatch(intent::Confirm {});
    fill_to_review();
    session.dispatch(intent::Confirm {});
    EXPECT_EQ(session.most_used()[0]->id, "signalement");
}

TEST_F(SessionTest, ADemarcheThatNeedsAMissingPrinterCannotStart)
{
    session.set_devices(DeviceStatus { .printer = false, .card_reader = false });
    auto const* acte = catalogue.find("acte");
    ASSERT_TRUE(acte);
    ASSERT_TRUE(session.unavailable(*acte));
    EXPECT_EQ(*session.unavailable(*acte), "Imprimante en panne : demandez à l'accueil.");
    // The street report only prefers a printer: it goes on, the code stays
    // on screen.
    EXPECT_FALSE(session.unavailable(*catalogue.find("signalement")));
    session.dispatch(intent::Activity {});
    session.dispatch(intent::StartDemarche { "acte" });
    EXPECT_EQ(session.screen(), Screen::Home);
    session.set_devices(DeviceStatus {});
    session.dispatch(intent::StartDemarche { "acte" });
    EXPECT_EQ(session.screen(), Screen::Intro);
}

TEST_F(SessionTest, IdleWhileBrowsingThemesReturnsToAttractWithoutAsking)
{
    session.dispatch(intent::Activity {});
    session.dispatch(intent::OpenSituations {});
    wait(45s);
    EXPECT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.idle_warning());
}

TEST_F(SessionTest, AnEditThatBringsInAnOptionalQuestionShowsItOnceBeforeTheReview)
{
    fill_to_review("0612345678");
    // "voirie" brings in "dangereux" (required, so asked anyway); once it is
    // answered, nothing else is new: straight back to the review.
    session.dispatch(intent::EditStep { "categorie" });
    session.dispatch(intent::Choose { "voirie" });
    session.dispatch(intent::Next {});
    ASSERT_EQ(session.runner()->step().key, "dangereux");
    session.dispatch(intent::Choose { "non" });
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Review);
    // An edit that changes nothing else returns at once.
    session.dispatch(intent::EditStep { "lieu" });
    session.dispatch(intent::Next {});
    EXPECT_EQ(session.screen(), Screen::Review);
}

TEST_F(SessionTest, FollowingARequestShowsWhereItStandsAndKeepsNothing)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    auto code = session.receipt()->code;
    finish();

    session.dispatch(intent::Activity {});
    session.dispatch(intent::StartDemarche { "suivi" });
    session.dispatch(intent::Begin {});
    session.dispatch(intent::InsertText { code.display() });
    session.dispatch(intent::Next {});
    ASSERT_EQ(session.screen(), Screen::Status);
    ASSERT_TRUE(session.follow_up());
    ASSERT_TRUE(session.follow_up()->status);
    EXPECT_EQ(session.follow_up()->status->demarche_id, "signalement");
    EXPECT_EQ(session.follow_up()->code, code.display());
    EXPECT_EQ(store.saved.size(), 1u) << "a follow-up writes no dossier";

    // Another code: back to the question, then an unknown one.
    session.dispatch(intent::Back {});
    ASSERT_EQ(session.screen(), Screen::Step);
    for (int i = 0; i < 10; ++i)
        session.dispatch(intent::EraseLast {});
    session.dispatch(intent::InsertText { "BCDFBCDK" });
    session.dispatch(intent::Next {});
    ASSERT_EQ(session.screen(), Screen::Status);
    EXPECT_FALSE(session.follow_up()->status);
    session.dispatch(intent::EndSession {});
    EXPECT_FALSE(session.follow_up());
}

// Records what the session asks the central services.
struct FakeTracker final : RequestTracker {
    void ask(TrackingCode const& code, StatusQueryId query) override { asked.emplace_back(code.text(), query); }
    std::vector<std::pair<std::string, StatusQueryId>> asked;
};

TEST_F(SessionTest, ARequestThatLeftTheKioskIsAskedOfTheServices)
{
    FakeTracker tracker;
    session.set_request_tracker(&tracker);
    auto follow = [&](std::string const& code) {
        session.dispatch(intent::Activity {});
        session.dispatch(intent::StartDemarche { "suivi" });
        session.dispatch(intent::Begin {});
        session.dispatch(intent::InsertText { code });
        session.dispatch(intent::Next {});
    };
    auto code = TrackingCode::from_serial(42, 99);
    follow(code.display());
    ASSERT_EQ(session.screen(), Screen::Status);
    ASSERT_EQ(tracker.asked.size(), 1u);
    EXPECT_EQ(tracker.asked[0].first, code.text());
    ASSERT_TRUE(session.follow_up()->pending);
    EXPECT_TRUE(session.next_deadline()) << "the wait has an end";

    // The services know it: accepted.
    RequestStatus accepted { "signalement", 1795000000, RequestState::Accepted };
    session.dispatch(intent::StatusAnswered { tracker.asked[0].second, true, accepted });
    EXPECT_FALSE(session.follow_up()->pending);
    ASSERT_TRUE(session.follow_up()->status);
    EXPECT_EQ(session.follow_up()->status->state, RequestState::Accepted);
    EXPECT_TRUE(session.follow_up()->asked_services);

    // Another code: an answer to the first one, arriving late, is ignored.
    session.dispatch(intent::Back {});
    for (int i = 0; i < 10; ++i)
        session.dispatch(intent::EraseLast {});
    session.dispatch(intent::InsertText { "BCDFBCDK" });
    session.dispatch(intent::Next {});
    ASSERT_EQ(tracker.asked.size(), 2u);
    session.dispatch(intent::StatusAnswered { tracker.asked[0].second, true, accepted });
    EXPECT_TRUE(session.follow_up()->pending);
    // Unknown to the services.
    session.dispatch(intent::StatusAnswered { tracker.asked[1].second, true, std::nullopt });
    EXPECT_FALSE(session.follow_up()->pending);
    EXPECT_FALSE(session.follow_up()->status);
    EXPECT_FALSE(session.follow_up()->error);
    session.dispatch(intent::EndSession {});

    // The services cannot be reached: a sentence and a way forward.
    follow(code.display());
    session.dispatch(intent::StatusAnswered { tracker.asked.back().second, false, std::nullopt });
    ASSERT_TRUE(session.follow_up()->error);
    EXPECT_NE(session.follow_up()->error->find("Réessayez plus tard"), std::string::npos);
    session.dispatch(intent::EndSession {});

    // Or never answer: the resident is not left waiting.
    follow(code.display());
    wait(Millis(10'000));
    EXPECT_FALSE(session.follow_up()->pending);
    ASSERT_TRUE(session.follow_up()->error);
    session.dispatch(intent::StatusAnswered { tracker.asked.back().second, true, accepted });
    EXPECT_FALSE(session.follow_up()->status) << "a late answer changes nothing";
}

TEST_F(SessionTest, ARequestStillInTheOutboxIsNotAskedOfTheServices)
{
    FakeTracker tracker;
    session.set_request_tracker(&tracker);
    fill_to_review();
    session.dispatch(intent::Confirm {});
    auto code = session.receipt()->code;
    finish();
    session.dispatch(intent::Activity {});
    session.dispatch(intent::StartDemarche { "suivi" });
    session.dispatch(intent::Begin {});
    session.dispatch(intent::InsertText { code.display() });
    session.dispatch(intent::Next {});
    ASSERT_TRUE(session.follow_up()->status);
    EXPECT_EQ(session.follow_up()->status->state, RequestState::WaitingToLeave);
    EXPECT_TRUE(tracker.asked.empty());
}

TEST_F(SessionTest, ANewCatalogueWaitsForTheResidentToFinish)
{
    // The hub's catalogue: the same, without the acte de naissance.
    auto smaller = std::make_shared<Catalogue>(
        load_catalogue({ "orientation.json", orientation_json }, { { "signalement.json", signalement_json } }));
    ASSERT_TRUE(smaller->errors.empty());
    start();
    session.dispatch(intent::CatalogueArrived { smaller });
    EXPECT_EQ(&session.catalogue(), &catalogue) << "changed under the resident's fingers";
    EXPECT_TRUE(session.runner());
    session.dispatch(intent::EndSession {});
    EXPECT_EQ(&session.catalogue(), smaller.get());
    EXPECT_FALSE(session.catalogue().find("acte"));

    // On the attract screen, at once.
    auto again = std::make_shared<Catalogue>(test_catalogue());
    session.dispatch(intent::CatalogueArrived { again });
    EXPECT_EQ(&session.catalogue(), again.get());
    EXPECT_TRUE(session.catalogue().find("acte"));
}

TEST_F(SessionTest, RetourDuringACorrectionNeverDropsTheAnswers)
{
    fill_to_review();
    // "voirie" brings in "dangereux", unanswered: the review cannot come
    // back yet, and "Retour" from the first question must not go to the
    // start screen, which would drop every answer.
    session.dispatch(intent::EditStep { "categorie" });
    session.dispatch(intent::Choose { "voirie" });
    session.dispatch(intent::Back {});
    session.dispatch(intent::Back {});
    session.dispatch(intent::Back {});
    ASSERT_TRUE(session.runner());
    EXPECT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->answer("lieu"), "12 rue de la Paix");
}

TEST_F(SessionTest, ASlotTakenMeanwhileSaysToChooseAnotherTime)
{
    fill_to_review();
    store.fail_with = "store.slot_taken";
    session.dispatch(intent::Confirm {});
    EXPECT_EQ(session.screen(), Screen::Review);
    ASSERT_TRUE(session.save_error());
    EXPECT_EQ(*session.save_error(),
        "Cet horaire vient d'être pris par quelqu'un d'autre. Touchez « Modifier » à côté de l'heure pour en "
        "choisir une autre.");
}

// [SECTION] For everyone: "Je suis perdu", "Réécouter", "Son"

TEST_F(SessionTest, LostInADemarcheGoesToItsStartScreenAndKeepsTheAnswers)
{
    start();
    session.dispatch(intent::Choose { "eclairage" });
    session.dispatch(intent::Next {});
    session.dispatch(intent::InsertText { "12 rue" });
    ASSERT_EQ(session.screen(), Screen::Step);
    auto step = session.runner()->step_index();

    session.dispatch(intent::Lost {});
    EXPECT_EQ(session.screen(), Screen::Intro);
    EXPECT_TRUE(session.paused());
    ASSERT_NE(session.intro(), nullptr);
    EXPECT_EQ(session.intro()->id, "signalement");
    ASSERT_NE(session.runner(), nullptr);
    EXPECT_EQ(session.runner()->answer("categorie"), "eclairage");

    // "Reprendre": the same question, what was typed still there.
    session.dispatch(intent::Begin {});
    EXPECT_EQ(session.screen(), Screen::Step);
    EXPECT_FALSE(session.paused());
    EXPECT_EQ(session.runner()->step_index(), step);
    EXPECT_EQ(session.runner()->answer("lieu"), "12 rue");

    // "Retour" on the paused start screen goes back there too: nothing lost.
    session.dispatch(intent::Lost {});
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->answer("lieu"), "12 rue");
}

TEST_F(SessionTest, LostOnTheReviewComesBackToTheReview)
{
    fill_to_review();
    ASSERT_EQ(session.screen(), Screen::Review);
    session.dispatch(intent::Lost {});
    EXPECT_EQ(session.screen(), Screen::Intro);
    session.dispatch(intent::Begin {});
    EXPECT_EQ(session.screen(), Screen::Review);
}

TEST_F(SessionTest, LostOutsideADemarcheGoesHome)
{
    session.dispatch(intent::Activity {});
    session.dispatch(intent::OpenSituations {});
    session.dispatch(intent::ChooseSituation { "probleme-rue" });
    ASSERT_EQ(session.screen(), Screen::Suggestions);
    session.dispatch(intent::Lost {});
    EXPECT_EQ(session.screen(), Screen::Home);
    EXPECT_EQ(session.situation(), nullptr);

    session.dispatch(intent::StartDemarche { "signalement" });
    ASSERT_EQ(session.screen(), Screen::Intro);
    EXPECT_FALSE(session.paused());
    session.dispatch(intent::Lost {});
    EXPECT_EQ(session.screen(), Screen::Home);
}

TEST_F(SessionTest, LostDoesNothingOnTheAttractScreenOrTheReceipt)
{
    session.dispatch(intent::Lost {});
    EXPECT_EQ(session.screen(), Screen::Attract);
    fill_to_review();
    session.dispatch(intent::Confirm {});
    ASSERT_EQ(session.screen(), Screen::Receipt);
    session.dispatch(intent::Lost {});
    EXPECT_EQ(session.screen(), Screen::Receipt);
}

TEST_F(SessionTest, ListenCountsRequestsAndReadsAnswersOnlyOnTheReview)
{
    session.dispatch(intent::Listen {});
    EXPECT_EQ(session.listen_request().count, 0u) << "nobody to speak to on the attract screen";
    start();
    session.dispatch(intent::Listen {});
    EXPECT_EQ(session.listen_request().count, 1u);
    EXPECT_FALSE(session.listen_request().answers);
    // The answers are read on the review only, where they are shown.
    session.dispatch(intent::Listen { true });
    EXPECT_EQ(session.listen_request().count, 1u);
    answer_to_review();
    session.dispatch(intent::Listen { true });
    EXPECT_EQ(session.listen_request().count, 2u);
    EXPECT_TRUE(session.listen_request().answers);
    session.dispatch(intent::EndSession {});
    EXPECT_FALSE(session.listen_request().answers);
}

TEST_F(SessionTest, VolumeCyclesLoudOffLowMediumAndResetsForTheNextResident)
{
    session.dispatch(intent::Activity {});
    EXPECT_EQ(session.volume(), Session::default_volume);
    std::vector<int> levels;
    for (int i = 0; i < 4; ++i) {
        session.dispatch(intent::ChangeVolume {});
        levels.push_back(session.volume());
    }
    EXPECT_EQ(levels, (std::vector<int> { 3, 0, 1, 2 }));
    session.dispatch(intent::ChangeVolume {});
    session.dispatch(intent::EndSession {});
    EXPECT_EQ(session.volume(), Session::default_volume);
}

TEST_F(SessionTest, AnswersAreNotReadAloudWhileAMediatorHasControl)
{
    RecordingHelpLine line;
    session.set_help_line(&line);
    fill_to_review();
    session.dispatch(intent::AskRemoteHelp {});
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Accepted, "Marie, médiatrice", 0 } });
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::ControlRequested, {}, 0 } });
    session.dispatch(intent::GrantControl { false });
    ASSERT_EQ(session.assistance().control(), Assistance::Control::Granted);
    ASSERT_EQ(session.screen(), Screen::Review);
    session.dispatch(intent::Listen { true });
    EXPECT_EQ(session.listen_request().count, 0u);
    // The instruction itself may be heard again.
    session.dispatch(intent::Listen {});
    EXPECT_EQ(session.listen_request().count, 1u);
    EXPECT_FALSE(session.listen_request().answers);
    // Before the line goes out of scope: the help ends with the visit.
    session.dispatch(intent::EndSession {});
}

TEST_F(SessionTest, DisplayModesAreSwitchedFromTheirPanelAndGoWithTheVisit)
{
    session.dispatch(intent::ToggleLargeText {});
    EXPECT_FALSE(session.large_text()) << "only from the panel";
    start();
    session.dispatch(intent::OpenDisplay {});
    ASSERT_TRUE(session.display_open());
    session.dispatch(intent::ToggleLargeText {});
    session.dispatch(intent::ToggleHighContrast {});
    EXPECT_TRUE(session.large_text());
    EXPECT_TRUE(session.high_contrast());
    // "Retour" closes the panel, not the question.
    auto step = session.runner()->step_index();
    session.dispatch(intent::Back {});
    EXPECT_FALSE(session.display_open());
    EXPECT_EQ(session.screen(), Screen::Step);
    EXPECT_EQ(session.runner()->step_index(), step);
    EXPECT_TRUE(session.large_text()) << "the modes stay for the whole visit";
    session.dispatch(intent::OpenDisplay {});
    session.dispatch(intent::ToggleHighContrast {});
    EXPECT_FALSE(session.high_contrast());
    session.dispatch(intent::EndSession {});
    EXPECT_FALSE(session.large_text());
    EXPECT_FALSE(session.display_open());
}

// [SECTION] Usage figures and the satisfaction question

namespace {

class UsageTest : public SessionTest {
protected:
    UsageTest() { session.set_usage_log(&log); }
    RecordingUsageLog log;
};

using Kinds = std::vector<std::string>;

}

TEST_F(UsageTest, ACompletedDemarcheCountsEachStepThenItsEndThenThePrint)
{
    session.dispatch(intent::Activity {});
    session.dispatch(intent::ChooseLanguage { "es" });
    session.dispatch(intent::OpenDisplay {});
    session.dispatch(intent::ToggleLargeText {});
    session.dispatch(intent::CloseDisplay {});
    session.dispatch(intent::StartDemarche { "signalement" });
    EXPECT_TRUE(log.events.empty()) << "opening a start screen is not starting";
    session.dispatch(intent::Begin {});
    clock.advance(20s);
    answer_to_review("06 12 34 56 78");
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Printed });
    EXPECT_EQ(
        log.kinds(), (Kinds { "started", "step", "step", "step", "review", "completed", "receipt_print:printed" }));

    auto const& step = log.events[2];
    EXPECT_EQ(step.demarche, "signalement");
    EXPECT_EQ(step.step, "lieu");
    EXPECT_EQ(step.position, 2);
    EXPECT_EQ(step.elapsed_s, 20);
    EXPECT_EQ(step.language, "es");
    EXPECT_EQ(step.display, "large_text");
    auto const& review = log.last(UsageKind::Review);
    EXPECT_EQ(review.step, "review");
    EXPECT_EQ(review.position, 4);
    EXPECT_EQ(log.last(UsageKind::Completed).elapsed_s, 20);
    EXPECT_EQ(log.last(UsageKind::ReceiptPrint).demarche, "signalement");
    for (auto const& event : log.events)
        EXPECT_EQ(event.visit, log.events[0].visit);
}

TEST_F(UsageTest, NothingTypedOrPrintedEverReachesAnEvent)
{
    fill_to_review("06 12 34 56 78");
    session.dispatch(intent::Confirm {});
    auto code = session.receipt()->code.text();
    session.dispatch(intent::EndSession {});
    session.dispatch(intent::Rate { Rating::Bad });
    session.dispatch(intent::RateReason { "too_long" });
    ASSERT_FALSE(log.events.empty());
    for (auto const& event : log.events) {
        auto wire = usage_event_json(event, "e1", "v1").dump();
        for (auto const& secret : { std::string("12 rue de la Paix"), std::string("0612345678"), code })
            EXPECT_EQ(wire.find(secret), std::string::npos) << wire;
        EXPECT_TRUE(parse_usage_event(usage_event_json(event, "e1", "v1")).ok()) << wire;
    }
}

TEST_F(UsageTest, AbandonmentSaysWhereAfterHowLongAndWhy)
{
    start();
    session.dispatch(intent::Choose { "eclairage" });
    session.dispatch(intent::Next {});
    clock.advance(15s);
    session.dispatch(intent::Back {});
    session.dispatch(intent::EndSession {}); // "Abandonner"
    auto const& gave_up = log.last(UsageKind::Abandoned);
    EXPECT_EQ(gave_up.detail, "gave_up");
    EXPECT_EQ(gave_up.step, "categorie") << "where the resident was, not the furthest step";
    EXPECT_EQ(gave_up.position, 1);
    EXPECT_EQ(gave_up.elapsed_s, 15);

    start();
    session.dispatch(intent::Back {});
    EXPECT_EQ(log.last(UsageKind::Abandoned).detail, "back");

    start();
    session.dispatch(intent::ChooseLanguage { "ar" });
    wait(SessionConfig {}.idle_warning_after);
    wait(SessionConfig {}.idle_end_after);
    ASSERT_EQ(session.screen(), Screen::Attract);
    auto const& idle = log.last(UsageKind::Abandoned);
    EXPECT_EQ(idle.detail, "idle");
    EXPECT_EQ(idle.language, "ar") << "the resident's, not the French the end of the visit went back to";
    EXPECT_EQ(log.kinds().back(), "abandoned:idle");
    // "Abandonner" ended the first visit; the second went back to the start
    // screen and began again.
    std::set<std::uint64_t> visits;
    for (auto const& event : log.events)
        visits.insert(event.visit);
    EXPECT_EQ(visits.size(), 2U);
}

TEST_F(UsageTest, AKioskStoppedMidDemarcheCountsItAbandonedWhereItStood)
{
    start();
    clock.advance(12s);
    session.stop();
    EXPECT_EQ(log.kinds().back(), "abandoned:stopped");
    EXPECT_EQ(log.last(UsageKind::Abandoned).step, "categorie");
    EXPECT_EQ(log.last(UsageKind::Abandoned).elapsed_s, 12);
    session.stop();
    EXPECT_EQ(log.count(UsageKind::Abandoned), 1U) << "once";
    EXPECT_TRUE(parse_usage_event(usage_event_json(log.events.back(), "00112233", "v1")).ok())
        << "a value the hub takes";
    // Stopped is stopped: nothing after it is recorded.
    session.dispatch(intent::EndSession {});
    session.dispatch(intent::EndSession {});
    EXPECT_EQ(log.kinds().back(), "abandoned:stopped");
}

TEST_F(UsageTest, AKioskStoppedOnTheReceiptAbandonsNothing)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    session.stop();
    EXPECT_EQ(log.count(UsageKind::Completed), 1U);
    EXPECT_EQ(log.count(UsageKind::Abandoned), 0U);
}

TEST_F(UsageTest, ThePauseOfJeSuisPerduIsNotAnAbandonment)
{
    start();
    session.dispatch(intent::Choose { "eclairage" });
    session.dispatch(intent::Next {});
    session.dispatch(intent::Lost {});
    session.dispatch(intent::Begin {}); // "Reprendre"
    EXPECT_EQ(log.kinds(), (Kinds { "started", "step", "step" })) << "the same step again is not counted again";
}

TEST_F(UsageTest, HelpIsCountedWithHowItEnded)
{
    RecordingHelpLine line;
    session.set_help_line(&line);
    start();
    session.dispatch(intent::AskRemoteHelp {});
    session.dispatch(intent::StopRemoteHelp {});
    session.dispatch(intent::AskRemoteHelp {});
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Accepted, "Marie", 0 } });
    session.dispatch(intent::HelpNewsArrived { HelpNews { HelpNews::Kind::Ended, "mediator", 0 } });
    session.dispatch(intent::AskDeskHelp {});
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Jammed });
    session.dispatch(intent::AskRemoteHelp {});
    session.dispatch(intent::EndSession {});
    EXPECT_EQ(log.kinds(),
        (Kinds { "started", "step", "help_asked:remote", "help_ended:cancelled", "help_asked:remote",
            "help_ended:helped", "help_asked:desk", "ticket_print:jammed", "help_asked:remote", "abandoned:gave_up",
            "help_ended:session_ended" }));
    EXPECT_EQ(log.events[2].demarche, "signalement") << "help is counted against the démarche it was asked in";
    EXPECT_EQ(log.events[2].step, "categorie");
}

TEST_F(UsageTest, APrintIsCountedOnceWhateverComesAfter)
{
    fill_to_review();
    session.dispatch(intent::PrinterChanged { printer_state_of({ PrinterProblem::OutOfPaper }) });
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::PrinterChanged { printer_state_of({}) });
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Printed });
    EXPECT_EQ(log.kinds().back(), "receipt_print:out_of_paper") << "what the resident was told";
    finish();

    // The resident left before the printer answered: counted when it does.
    fill_to_review();
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::EndSession {});
    session.dispatch(intent::EndSession {});
    ASSERT_EQ(session.screen(), Screen::Attract);
    session.dispatch(intent::PrintFinished { printer.jobs.back(), PrintOutcome::Printed });
    EXPECT_EQ(log.kinds().back(), "receipt_print:printed");
    EXPECT_EQ(log.last(UsageKind::ReceiptPrint).demarche, "signalement");
}

TEST_F(UsageTest, APrinterSilentAfterTheResidentLeftIsCountedAsFailedOnceItsTimeIsOver)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    auto job = printer.jobs.back();
    session.dispatch(intent::EndSession {});
    session.dispatch(intent::EndSession {});
    ASSERT_EQ(session.screen(), Screen::Attract);
    // On the attract screen the kiosk still wakes for the print's timeout.
    auto deadline = session.next_deadline();
    ASSERT_TRUE(deadline.has_value());
    clock.advance(5s);
    session.dispatch(intent::Tick {});
    EXPECT_EQ(log.count(UsageKind::ReceiptPrint), 0U) << "not before the timeout";
    clock.advance(*deadline - clock.monotonic());
    session.dispatch(intent::Tick {});
    EXPECT_EQ(log.kinds().back(), "receipt_print:failed");
    EXPECT_FALSE(session.next_deadline().has_value()) << "nothing left to wait for on the attract screen";
    // A late answer changes nothing: the first outcome counts.
    session.dispatch(intent::PrintFinished { job, PrintOutcome::Printed });
    EXPECT_EQ(log.count(UsageKind::ReceiptPrint), 1U);
    EXPECT_EQ(session.screen(), Screen::Attract);
}

TEST_F(UsageTest, TheSatisfactionQuestionComesAfterTheReceiptWithNothingPersonal)
{
    fill_to_review("0612345678");
    session.dispatch(intent::ChooseLanguage { "tr" }); // not from a démarche: ignored
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::EndSession {}); // "Terminer" on the receipt
    ASSERT_EQ(session.screen(), Screen::Feedback);
    EXPECT_FALSE(session.receipt()) << "the receipt is gone";
    EXPECT_EQ(session.runner(), nullptr);
    ASSERT_TRUE(session.feedback());
    EXPECT_EQ(session.feedback()->demarche_id, "signalement");

    session.dispatch(intent::RateReason { "easy" });
    EXPECT_FALSE(session.feedback()->reason_id) << "no reason before a face";
    session.dispatch(intent::Back {});
    EXPECT_EQ(session.screen(), Screen::Feedback);
    session.dispatch(intent::Rate { Rating::Good });
    session.dispatch(intent::Rate { Rating::Bad });
    EXPECT_EQ(session.feedback()->rating, Rating::Good) << "one face per démarche";
    session.dispatch(intent::RateReason { "too_long" });
    EXPECT_FALSE(session.feedback()->reason_id) << "not a reason offered after a good face";
    session.dispatch(intent::RateReason { "fast" });
    EXPECT_EQ(session.screen(), Screen::Attract) << "answered: the visit is over";
    EXPECT_FALSE(session.feedback());

    auto kinds = log.kinds();
    EXPECT_EQ(Kinds(kinds.end() - 2, kinds.end()), (Kinds { "satisfaction:good", "satisfaction_reason:fast" }));
    auto const& rated = log.last(UsageKind::Satisfaction);
    EXPECT_EQ(rated.demarche, "signalement");
    EXPECT_TRUE(rated.step.empty());
    EXPECT_EQ(rated.visit, log.events[0].visit);
}

TEST_F(UsageTest, TheQuestionMayBeSkippedOrLeftAndNeverHoldsTheKioskLong)
{
    fill_to_review();
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::EndSession {});
    session.dispatch(intent::EndSession {}); // "Passer"
    EXPECT_EQ(session.screen(), Screen::Attract);

    fill_to_review();
    session.dispatch(intent::Confirm {});
    session.dispatch(intent::EndSession {});
    session.dispatch(intent::Rate { Rating::Neutral });
    wait(SessionConfig {}.idle_warning_after);
    EXPECT_EQ(session.screen(), Screen::Attract) << "nothing personal is up: no warning";
    EXPECT_EQ(log.last(UsageKind::Satisfaction).detail, "neutral");
    // This test's printer never answered: by now its time is over.
    EXPECT_EQ(log.kinds().back(), "receipt_print:failed");
    for (auto const& event : log.events)
        EXPECT_NE(event.kind, UsageKind::Abandoned);
}

TEST(UsageWire, TheHubTakesOnlyValuesFromTheLists)
{
    UsageEvent event;
    event.visit = 3;
    event.at = 1'790'000'000;
    event.kind = UsageKind::CardRead;
    event.demarche = "acte-naissance";
    event.step = "personne.document";
    event.position = 2;
    event.elapsed_s = 42;
    event.detail = "removed";
    event.language = "ar";
    event.display = "large_text+high_contrast";
    auto json = usage_event_json(event, "0123abcd", "visit01");
    auto parsed = parse_usage_event(json);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed.value().id, "0123abcd");
    EXPECT_EQ(parsed.value().visit, "visit01");
    auto expected = event;
    expected.visit = 0; // on the wire the visit is the kiosk's random id
    EXPECT_EQ(parsed.value().event, expected);

    auto refused = [&](char const* field, nlohmann::json value) {
        auto changed = json;
        changed[field] = value;
        auto result = parse_usage_event(changed);
        if (result.ok())
            return false;
        EXPECT_EQ(result.error().code, "usage.invalid");
        // The refusal names the field and never repeats the value.
        EXPECT_EQ(result.error().detail.find(value.dump()), std::string::npos);
        return true;
    };
    EXPECT_TRUE(refused("detail", "Jean Dupont"));
    EXPECT_TRUE(refused("detail", "printed")) << "a print's outcome is not a card's";
    EXPECT_TRUE(refused("kind", "typed"));
    EXPECT_TRUE(refused("step", "rue de la Paix"));
    EXPECT_TRUE(refused("demarche", std::string(65, 'a')));
    EXPECT_TRUE(refused("language", "de"));
    EXPECT_TRUE(refused("display", "dark"));
    EXPECT_TRUE(refused("at", 0));
    EXPECT_TRUE(refused("elapsed_s", "42"));
    EXPECT_TRUE(refused("code", "KXTB-PDQM")) << "a field outside the schema";
    EXPECT_TRUE(refused("id", ""));
}

TEST(UsageWire, EveryReasonOfferedIsAcceptedAndHasAPictogram)
{
    for (auto rating : { Rating::Good, Rating::Neutral, Rating::Bad }) {
        ASSERT_FALSE(rating_reasons(rating).empty());
        for (auto const& reason : rating_reasons(rating)) {
            UsageEvent event;
            event.at = 1;
            event.kind = UsageKind::SatisfactionReason;
            event.detail = std::string(reason.id);
            event.language = "fr";
            event.display = "standard";
            EXPECT_TRUE(parse_usage_event(usage_event_json(event, "a", "b")).ok()) << reason.id;
            EXPECT_FALSE(reason.pictogram.empty());
        }
    }
}

// [SECTION] The first-boot wizard (setup.hpp)

namespace {

// Records what the wizard asks; answers are dispatched by the test.
class RecordingCommissioner final : public Commissioner {
public:
    void look_at_network(SetupRequestId id) override { looks.push_back(id); }
    void enroll(SetupRequestId id, std::string const& hub_url, std::string const& code) override
    {
        enrolls.push_back({ id, hub_url, code });
    }
    void run_checks(SetupRequestId id) override { checks.push_back(id); }
    void describe(SetupRequestId id) override { describes.push_back(id); }
    void finish() override { ++finished; }

    struct Enroll {
        SetupRequestId id;
        std::string hub_url;
        std::string code;
    };
    std::vector<SetupRequestId> looks;
    std::vector<Enroll> enrolls;
    std::vector<SetupRequestId> checks;
    std::vector<SetupRequestId> describes;
    int finished { 0 };
};

void type_pin(Session& session, std::string const& pin)
{
    for (char digit : pin)
        session.dispatch(intent::AgentPinKey { digit });
    session.dispatch(intent::AgentPinSubmit {});
}

void type(Session& session, std::string const& text)
{
    for (char c : text)
        session.dispatch(intent::InsertText { std::string(1, c) });
}

}

TEST_F(SessionTest, TheWizardGoesFromTheNetworkToAnEnrolledAndCheckedKiosk)
{
    RecordingCommissioner commissioner;
    session.start_setup(commissioner, "");
    ASSERT_EQ(session.screen(), Screen::Setup);
    auto const& setup = *session.setup();
    EXPECT_EQ(setup.stage, SetupStage::Network);
    ASSERT_EQ(commissioner.looks.size(), 1u);
    // Not before the network was looked at.
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::Network);
    session.dispatch(intent::SetupNetworkSeen { commissioner.looks[0], { true, "192.0.2.2 (eth0)" } });
    EXPECT_TRUE(setup.network.connected);
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::HubAddress);
    EXPECT_EQ(setup.hub_url, "https://");

    // An empty address is refused with a sentence; the typed one is made whole.
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::HubAddress);
    EXPECT_FALSE(setup.error.empty());
    // The address keyboard's "https://" key on the field's "https://".
    session.dispatch(intent::InsertText { "https://" });
    EXPECT_EQ(setup.hub_url, "https://");
    type(session, "hub.mairie.fr:8443/");
    EXPECT_TRUE(setup.error.empty());
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::Code);
    EXPECT_EQ(setup.hub_url, "https://hub.mairie.fr:8443");

    // A code too short never reaches the hub.
    type(session, "K7QP");
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::Code);
    EXPECT_TRUE(commissioner.enrolls.empty());
    type(session, "3HXMWN4R");
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::Enrolling);
    ASSERT_EQ(commissioner.enrolls.size(), 1u);
    EXPECT_EQ(commissioner.enrolls[0].hub_url, "https://hub.mairie.fr:8443");
    EXPECT_EQ(commissioner.enrolls[0].code, "K7QP3HXMWN4R");
    // No going back while the hub is asked.
    session.dispatch(intent::Back {});
    EXPECT_EQ(setup.stage, SetupStage::Enrolling);

    // Refused: back to the code, with the hub's reason and the code kept.
    session.dispatch(intent::SetupEnrolled { commissioner.enrolls[0].id, false, {}, {}, "Ce code a déjà servi." });
    EXPECT_EQ(setup.stage, SetupStage::Code);
    EXPECT_EQ(setup.error, "Ce code a déjà servi.");
    EXPECT_EQ(setup.code, "K7QP3HXMWN4R");
    session.dispatch(intent::Next {});
    ASSERT_EQ(commissioner.enrolls.size(), 2u);
    // A late answer to the first attempt is ignored.
    session.dispatch(intent::SetupEnrolled { commissioner.enrolls[0].id, true, "k-old", "Old", {} });
    EXPECT_EQ(setup.stage, SetupStage::Enrolling);
    session.dispatch(intent::SetupEnrolled { commissioner.enrolls[1].id, true, "k-1", "Mairie", {} });
    EXPECT_EQ(setup.stage, SetupStage::Checks);
    EXPECT_EQ(setup.kiosk_id, "k-1");
    EXPECT_TRUE(setup.code.empty());
    ASSERT_EQ(commissioner.checks.size(), 1u);
    ASSERT_EQ(setup.checks.size(), 6u);
    EXPECT_TRUE(setup.checking);

    // Results arrive one by one; "Continuer" waits for the last.
    session.dispatch(intent::SetupChecked {
        commissioner.checks[0], SetupCheck { "reader", CheckOutcome::Fail, "Aucun lecteur détecté" }, false });
    EXPECT_EQ(setup.checks[0].outcome, CheckOutcome::Fail);
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::Checks);
    session.dispatch(
        intent::SetupChecked { commissioner.checks[0], SetupCheck { "clock", CheckOutcome::Pass, "À l'heure" }, true });
    EXPECT_FALSE(setup.checking);
    session.dispatch(intent::SetupRecheck {});
    ASSERT_EQ(commissioner.checks.size(), 2u);
    EXPECT_EQ(setup.checks[0].outcome, CheckOutcome::Waiting);
    session.dispatch(
        intent::SetupChecked { commissioner.checks[1], SetupCheck { "clock", CheckOutcome::Pass, "À l'heure" }, true });
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::Done);

    // No idle warning, no wipe while the technician works.
    wait(10min);
    EXPECT_FALSE(session.idle_warning());
    EXPECT_FALSE(session.next_deadline());
    EXPECT_EQ(session.screen(), Screen::Setup);
    session.dispatch(intent::SetupFinish {});
    EXPECT_EQ(commissioner.finished, 1);
}

TEST_F(SessionTest, TheWizardTakesNothingButItsOwnIntents)
{
    RecordingCommissioner commissioner;
    session.start_setup(commissioner, "https://hub.mairie.fr");
    EXPECT_EQ(session.setup()->hub_url, "https://hub.mairie.fr");
    session.dispatch(intent::Activity {});
    session.dispatch(intent::OpenHelp {});
    session.dispatch(intent::StartDemarche { "signalement" });
    session.dispatch(intent::BadgeRead { 1, "04A1B2C3D4E5F6" });
    session.dispatch(intent::CardPresence { true });
    EXPECT_EQ(session.screen(), Screen::Setup);
    EXPECT_FALSE(session.help_open());
    EXPECT_FALSE(session.agent_gate());
    // Typing goes nowhere on the network stage; "Terminer" is not offered yet.
    type(session, "abc");
    session.dispatch(intent::SetupFinish {});
    EXPECT_EQ(commissioner.finished, 0);
    EXPECT_EQ(session.setup()->stage, SetupStage::Network);
}

// [SECTION] The technician screens (setup.hpp)

TEST_F(SessionTest, ATechniciansPinOnTheWelcomeScreenOpensTheTechnicianScreensAndADesksDoesNot)
{
    FakeAgents agents;
    RecordingCommissioner commissioner;
    session.set_agent_directory(&agents);
    session.set_commissioner(&commissioner);
    // Not during a visit: a resident's démarche is never cut short.
    start();
    session.dispatch(intent::OpenTechnicianGate {});
    EXPECT_FALSE(session.agent_gate());
    session.dispatch(intent::EndSession {});
    ASSERT_EQ(session.screen(), Screen::Attract);

    session.dispatch(intent::OpenTechnicianGate {});
    ASSERT_TRUE(session.agent_gate());
    EXPECT_TRUE(session.agent_gate()->technician);
    session.dispatch(intent::Activity {});
    EXPECT_EQ(session.screen(), Screen::Attract) << "the finger that lifts starts no visit";
    type_pin(session, "2468");
    ASSERT_EQ(agents.checks.size(), 1U);
    EXPECT_EQ(std::get<0>(agents.checks[0]), "technician") << "checked as a technician's";
    session.dispatch(agents.answer());
    ASSERT_TRUE(session.agent_gate()) << "a desk agent's PIN opens nothing here";
    EXPECT_EQ(session.agent_gate()->error, "Code faux. Encore 4 essais.");
    EXPECT_FALSE(session.agent_mode());

    type_pin(session, "97531");
    session.dispatch(agents.answer());
    EXPECT_FALSE(session.agent_gate());
    EXPECT_FALSE(session.agent_mode()) << "a technician never opens agent mode";
    ASSERT_EQ(session.screen(), Screen::Setup);
    ASSERT_TRUE(session.setup());
    auto const& setup = *session.setup();
    EXPECT_TRUE(setup.maintenance);
    EXPECT_EQ(setup.technician, "Technicien Nord");
    EXPECT_EQ(setup.stage, SetupStage::Overview);
    ASSERT_EQ(commissioner.describes.size(), 1U);
    ASSERT_EQ(commissioner.looks.size(), 1U);
    // The self-test asked for before the network and the description came:
    // both are still taken.
    session.dispatch(intent::SetupRecheck {});
    session.dispatch(intent::SetupNetworkSeen { commissioner.looks[0], NetworkSeen { true, "10.0.2.15 (eth0)" } });
    EXPECT_FALSE(setup.looking);
    EXPECT_EQ(setup.network.address, "10.0.2.15 (eth0)");
    session.dispatch(intent::Back {});
    commissioner.checks.clear();
    KioskSummary summary;
    summary.kiosk_id = "k-7";
    summary.outbox_depth = 3;
    session.dispatch(intent::SetupDescribed { commissioner.describes[0] + 100, summary });
    EXPECT_FALSE(setup.summary) << "an answer to another request";
    session.dispatch(intent::SetupDescribed { commissioner.describes[0], summary });
    ASSERT_TRUE(setup.summary);
    EXPECT_EQ(setup.summary->outbox_depth, 3U);
    EXPECT_EQ(setup.kiosk_id, "k-7") << "the self-test's screen names the kiosk";

    // The devices' self-test, and back; the wizard's steps are not open.
    session.dispatch(intent::Next {});
    EXPECT_EQ(setup.stage, SetupStage::Overview);
    session.dispatch(intent::SetupRecheck {});
    EXPECT_EQ(setup.stage, SetupStage::Checks);
    ASSERT_EQ(commissioner.checks.size(), 1U);
    EXPECT_TRUE(setup.checking);
    session.dispatch(intent::Back {});
    EXPECT_EQ(setup.stage, SetupStage::Overview);
    session.dispatch(
        intent::SetupChecked { commissioner.checks[0], SetupCheck { "reader", CheckOutcome::Pass, "ok" }, true });
    EXPECT_FALSE(setup.checking) << "a late result is not taken";
    session.dispatch(intent::SetupFinish {});
    EXPECT_EQ(commissioner.finished, 0) << "the kiosk does not start again";
    // Nothing of the residents' reaches the technician screens.
    session.dispatch(intent::OpenHelp {});
    session.dispatch(intent::StartDemarche { "signalement" });
    EXPECT_EQ(session.screen(), Screen::Setup);

    // A catalogue that arrives meanwhile is in use once they close.
    auto newer = std::make_shared<Catalogue>(test_catalogue());
    newer->demarches.pop_back();
    auto before = session.catalogue().demarches.size();
    session.dispatch(intent::CatalogueArrived { newer });
    EXPECT_EQ(session.catalogue().demarches.size(), before);

    session.dispatch(intent::SetupClose {});
    EXPECT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.setup());
    EXPECT_EQ(session.catalogue().demarches.size(), before - 1);
}

TEST_F(SessionTest, TheTechnicianScreensCloseAfterTwoMinutesUntouchedAndNeedAKnownTechnician)
{
    FakeAgents agents;
    RecordingCommissioner commissioner;
    session.set_agent_directory(&agents);
    session.set_commissioner(&commissioner);
    session.dispatch(intent::OpenTechnicianGate {});
    type_pin(session, "97531");
    session.dispatch(agents.answer());
    ASSERT_EQ(session.screen(), Screen::Setup);
    clock.advance(Millis(100'000));
    session.dispatch(intent::SetupLookAgain {}); // a touch
    clock.advance(Millis(100'000));
    session.dispatch(intent::Tick {});
    EXPECT_EQ(session.screen(), Screen::Setup) << "touched 100 s ago";
    ASSERT_TRUE(session.next_deadline());
    EXPECT_EQ(*session.next_deadline(), clock.monotonic() + Millis(20'000));
    clock.advance(Millis(20'000));
    session.dispatch(intent::Tick {});
    EXPECT_EQ(session.screen(), Screen::Attract);
    EXPECT_FALSE(session.setup());

    // The PIN pad left open on the welcome screen closes as well.
    session.dispatch(intent::OpenTechnicianGate {});
    ASSERT_TRUE(session.agent_gate());
    clock.advance(Millis(120'000));
    session.dispatch(intent::Tick {});
    EXPECT_FALSE(session.agent_gate());

    // No technician known (none on the hub yet): the pad says so and
    // checks nothing.
    agents.technician_count = 0;
    session.dispatch(intent::OpenTechnicianGate {});
    ASSERT_TRUE(session.agent_gate());
    ASSERT_TRUE(session.agent_gate()->error);
    EXPECT_NE(session.agent_gate()->error->find("Aucun technicien"), std::string::npos);
    auto asked = agents.checks.size();
    type_pin(session, "97531");
    EXPECT_EQ(agents.checks.size(), asked);

    // Without a commissioner, nothing opens.
    session.dispatch(intent::CloseAgentGate {});
    session.set_commissioner(nullptr);
    session.dispatch(intent::OpenTechnicianGate {});
    EXPECT_FALSE(session.agent_gate());
}

TEST(NormaliseHubUrlTest, AddressesAreMadeWholeOrRefusedWithASentence)
{
    std::string why;
    EXPECT_EQ(normalise_hub_url("hub.mairie.fr", why), "https://hub.mairie.fr");
    EXPECT_EQ(normalise_hub_url("https://localhost:8443/", why), "https://localhost:8443");
    EXPECT_EQ(normalise_hub_url(" https://hub.mairie.fr ", why), "https://hub.mairie.fr");
    for (auto bad : { "", "https://", "https:///", "http://hub.mairie.fr", "https://hub..fr",
             "https://hub:", "https://hub:0", "https://hub:123456", "https://hub_bad.fr", "https://hub:80a" }) {
        why.clear();
        EXPECT_EQ(normalise_hub_url(bad, why), "") << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
}
