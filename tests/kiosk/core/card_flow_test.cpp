// The card flow in the session: consent, the access data typed in three
// steps, the read through the CardReader port, what was read locked in the
// identity, and each failure's way forward. The reader is a fake: the
// driver is tested in tests/drivers/card against a simulated chip and a
// real PC/SC stack.
#include "fake_agents.hpp"
#include "kiosk/core/session.hpp"
#include "recording_usage_log.hpp"

#include <gtest/gtest.h>

using namespace guichet;

namespace {

class NullStore final : public DossierStore {
public:
    Result<TrackingCode> save(Dossier const& dossier) override
    {
        saved.push_back(dossier);
        return TrackingCode::from_serial(saved.size(), 1);
    }
    std::vector<Dossier> saved;
};

class NullPrinter final : public ReceiptPrinter {
public:
    void submit(Receipt const&, PrintJobId) override { }
};

class FakeCardReader final : public CardReader {
public:
    void read(mrz::AccessKey const& access, CardReadId id) override
    {
        informations.push_back(access.information());
        ids.push_back(id);
    }
    void read_badge(CardReadId id) override { badge_reads.push_back(id); }
    std::vector<CardReadId> badge_reads;
    std::vector<std::string> informations;
    std::vector<CardReadId> ids;
};

constexpr char const* orientation_json = R"({ "format": 2,
  "themes": [ { "id": "papiers", "title": "Papiers", "pictogram": "papiers" } ], "situations": [ { "id": "papiers-perdus", "title": "J'ai perdu mes papiers", "pictogram": "papiers-perdus" } ] })";

constexpr char const* demarche_json = R"({
  "format": 2, "id": "inscription", "version": "1", "title": "S'inscrire", "description": "Une inscription.",
  "pictogram": "papiers", "theme": "papiers", "intro": { "asks": "Votre identité.", "minutes": 2 },
  "devices": { "card_reader": "required" },
  "pages": [
    { "id": "qui", "title": "Vous", "fields": [
      { "id": "personne", "type": "identity", "label": "Votre identité", "card": true,
        "card_expired_max_years": 0, "min_age": 18 } ] },
    { "id": "fin", "title": "Fin", "fields": [ { "id": "note", "type": "text", "label": "Une note", "required": false } ] }
  ],
  "receipt": { "title": "Enregistré", "next_steps": "La mairie répond." }
})";

mrz::Data card_data(Date birth, Date expiry)
{
    mrz::Data data;
    data.document_code = "ID";
    data.surname = "MARTIN";
    data.given_names = "MAELYS GAELLE MARIE";
    data.birth_date = birth;
    data.expiry_date = expiry;
    return data;
}

class CardFlowTest : public testing::Test {
protected:
    void SetUp() override
    {
        catalogue = load_catalogue({ "orientation.json", orientation_json }, { { "inscription.json", demarche_json } });
        ASSERT_TRUE(catalogue.errors.empty()) << catalogue.errors.front().to_string();
        ASSERT_EQ(catalogue.demarches.size(), 1u);
        session = std::make_unique<Session>(catalogue, clock, store, printer, SessionConfig {});
        session->set_card_reader(&reader);
        session->dispatch(intent::ReaderChanged { true });
        session->dispatch(intent::Activity {});
        session->dispatch(intent::StartDemarche { "inscription" });
        session->dispatch(intent::Begin {});
    }
    void type_access(std::string const& number, std::string const& birth, std::string const& expiry)
    {
        session->dispatch(intent::Choose { "oui" });
        session->dispatch(intent::InsertText { number });
        session->dispatch(intent::Next {});
        session->dispatch(intent::InsertText { birth });
        session->dispatch(intent::Next {});
        session->dispatch(intent::InsertText { expiry });
        session->dispatch(intent::Next {});
    }
    void finish_read(mrz::Data data)
    {
        session->dispatch(intent::CardReadFinished { reader.ids.back(), make_card_data(std::move(data)), {} });
    }
    CardStage stage() const { return session->card()->stage; }

    ManualClock clock { 1795348800 }; // 2026-11-22
    NullStore store;
    NullPrinter printer;
    FakeCardReader reader;
    Catalogue catalogue;
    std::unique_ptr<Session> session;
};

TEST_F(CardFlowTest, ConsentFirstThenThreeValuesThenTheReadFillsTheIdentity)
{
    ASSERT_EQ(session->screen(), Screen::Card);
    EXPECT_EQ(stage(), CardStage::Consent);
    type_access("x4rtbpfw4", "13071990", "11022030");
    EXPECT_EQ(stage(), CardStage::Place);
    EXPECT_TRUE(reader.ids.empty()) << "no read before the card is there";
    session->dispatch(intent::CardPresence { true });
    ASSERT_EQ(stage(), CardStage::Reading);
    ASSERT_EQ(reader.informations.size(), 1u);
    EXPECT_EQ(reader.informations[0].substr(0, 9), "X4RTBPFW4");
    EXPECT_EQ(reader.informations[0].substr(10, 6), "900713");
    EXPECT_EQ(reader.informations[0].substr(17, 6), "300211");
    session->dispatch(intent::CardReadProgress { reader.ids.back(), 60 });
    EXPECT_EQ(session->card()->percent, 60);
    finish_read(card_data({ 1990, 7, 13 }, { 2030, 2, 11 }));
    ASSERT_EQ(stage(), CardStage::Done);
    EXPECT_FALSE(session->card()->refusal);
    session->dispatch(intent::Next {});

    // Name, given names and birth date read; the birth place still asked.
    ASSERT_EQ(session->screen(), Screen::Step);
    EXPECT_EQ(session->runner()->step().key, "personne.birth_place");
    EXPECT_FALSE(session->card().has_value()) << "the flow and its entries are gone";
    session->dispatch(intent::InsertText { "Caen" });
    session->dispatch(intent::Next {});
    session->dispatch(intent::Next {});
    ASSERT_EQ(session->screen(), Screen::Review);
    auto lines = session->runner()->summary();
    EXPECT_TRUE(lines[0].from_card);
    EXPECT_EQ(lines[0].value, "MARTIN");
    EXPECT_TRUE(lines[2].from_card);
    EXPECT_FALSE(lines[3].from_card);
    // No "Modifier" for what the card gave: the step cannot be reached.
    session->dispatch(intent::EditStep { "personne.surname" });
    EXPECT_EQ(session->screen(), Screen::Review);
    session->dispatch(intent::Confirm {});
    ASSERT_EQ(store.saved.size(), 1u);
    auto const& identity = store.saved[0].answers["personne"];
    EXPECT_EQ(identity["surname"], "MARTIN");
    EXPECT_EQ(identity["birth_date"], "1990-07-13");
    EXPECT_EQ(identity["read_from_card"], true);
}

TEST_F(CardFlowTest, AnAgentCorrectsWhatTheCardGaveAndTheDossierSaysWhich)
{
    type_access("x4rtbpfw4", "13071990", "11022030");
    session->dispatch(intent::CardPresence { true });
    finish_read(card_data({ 1990, 7, 13 }, { 2030, 2, 11 }));
    session->dispatch(intent::Next {});
    session->dispatch(intent::InsertText { "Caen" });
    session->dispatch(intent::Next {});
    session->dispatch(intent::Next {});
    ASSERT_EQ(session->screen(), Screen::Review);

    FakeAgents agents;
    session->set_agent_directory(&agents);
    unlock_agent(*session, agents);
    session->dispatch(intent::EditStep { "personne.given_names" });
    EXPECT_EQ(session->screen(), Screen::Review) << "not before the resident's yes";
    session->dispatch(intent::AgentConsent { true });
    ASSERT_TRUE(session->agent_acting());
    // The MRZ has no accents: the agent types the names as on the card.
    session->dispatch(intent::EditStep { "personne.given_names" });
    ASSERT_EQ(session->screen(), Screen::Step);
    EXPECT_FALSE(session->runner()->step().from_card);
    EXPECT_EQ(session->runner()->answer("personne.given_names"), "MAELYS GAELLE MARIE") << "as read, to correct";
    for (int i = 0; i < 19; ++i)
        session->dispatch(intent::EraseLast {});
    session->dispatch(intent::InsertText { "Maëlys Gaëlle Marie" });
    session->dispatch(intent::Next {});
    ASSERT_EQ(session->screen(), Screen::Review);
    auto lines = session->runner()->summary();
    EXPECT_TRUE(lines[0].from_card) << "the surname is still the card's";
    EXPECT_FALSE(lines[0].corrected);
    EXPECT_TRUE(lines[1].from_card) << "locked again once corrected";
    EXPECT_TRUE(lines[1].corrected);
    EXPECT_EQ(lines[1].value, "Maëlys Gaëlle Marie");
    // Opened and left as it was: not a correction.
    session->dispatch(intent::EditStep { "personne.surname" });
    session->dispatch(intent::Next {});
    EXPECT_FALSE(session->runner()->summary()[0].corrected);

    // The agent gone, what they corrected is as locked as the card's.
    session->dispatch(intent::LeaveAgentMode {});
    session->dispatch(intent::EditStep { "personne.given_names" });
    EXPECT_EQ(session->screen(), Screen::Review);
    unlock_agent(*session, agents);
    session->dispatch(intent::AgentConsent { true });

    session->dispatch(intent::Confirm {});
    ASSERT_EQ(store.saved.size(), 1u);
    auto const& identity = store.saved[0].answers["personne"];
    EXPECT_EQ(identity["given_names"], "Maëlys Gaëlle Marie");
    EXPECT_EQ(identity["read_from_card"], true);
    EXPECT_EQ(identity["corrected"], nlohmann::json::array({ "given_names" }));
    ASSERT_TRUE(store.saved[0].mandate) << "corrected by an agent, for the resident";
}

TEST_F(CardFlowTest, AnAgentSkipsTheCardStepAndDoesWithoutAMissingReader)
{
    session->dispatch(intent::EndSession {});
    session->dispatch(intent::ReaderChanged { false });
    session->dispatch(intent::Activity {});
    auto const& demarche = catalogue.demarches[0];
    ASSERT_TRUE(session->unavailable(demarche)) << "the démarche needs the reader";
    session->dispatch(intent::StartDemarche { "inscription" });
    EXPECT_EQ(session->screen(), Screen::Home);

    FakeAgents agents;
    session->set_agent_directory(&agents);
    unlock_agent(*session, agents);
    EXPECT_FALSE(session->unavailable(demarche)) << "an agent reads the card with their eyes";
    session->dispatch(intent::StartDemarche { "inscription" });
    session->dispatch(intent::Begin {});
    session->dispatch(intent::AgentConsent { true });
    ASSERT_EQ(session->screen(), Screen::Step);
    EXPECT_EQ(session->runner()->step().key, "personne.surname");

    // The reader back: no card screen while the agent acts; the card is
    // still there for them to use.
    session->dispatch(intent::ReaderChanged { true });
    session->dispatch(intent::Back {});
    session->dispatch(intent::Begin {});
    EXPECT_EQ(session->screen(), Screen::Step) << "the card step skipped";
    EXPECT_TRUE(session->can_use_card());
    session->dispatch(intent::UseCard {});
    EXPECT_EQ(session->screen(), Screen::Card);
}

TEST_F(CardFlowTest, WithoutTheAgentADemarcheThatNeedsTheMissingReaderIsNotConfirmed)
{
    FakeAgents agents;
    session->set_agent_directory(&agents);
    session->dispatch(intent::EndSession {});
    session->dispatch(intent::ReaderChanged { false });
    session->dispatch(intent::Activity {});
    unlock_agent(*session, agents);
    session->dispatch(intent::StartDemarche { "inscription" });
    session->dispatch(intent::Begin {});
    session->dispatch(intent::AgentConsent { true });
    for (auto const* text : { "DURAND", "Marie", "05031985", "Caen" }) {
        session->dispatch(intent::InsertText { text });
        session->dispatch(intent::Next {});
    }
    session->dispatch(intent::Next {});
    ASSERT_EQ(session->screen(), Screen::Review);
    session->dispatch(intent::LeaveAgentMode {});
    session->dispatch(intent::Confirm {});
    EXPECT_TRUE(store.saved.empty()) << "nobody checked the card";
    EXPECT_EQ(session->save_error_code(), "session.card_reader_missing");
    EXPECT_EQ(session->screen(), Screen::Review) << "the answers are kept for the agent";
    unlock_agent(*session, agents);
    session->dispatch(intent::AgentConsent { true });
    session->dispatch(intent::Confirm {});
    ASSERT_EQ(store.saved.size(), 1u);
    EXPECT_TRUE(store.saved[0].mandate);
}

TEST_F(CardFlowTest, AResidentWhoRefusesTheAgentIsOfferedTheCard)
{
    FakeAgents agents;
    session->set_agent_directory(&agents);
    session->dispatch(intent::EndSession {});
    session->dispatch(intent::Activity {});
    unlock_agent(*session, agents);
    session->dispatch(intent::StartDemarche { "inscription" });
    session->dispatch(intent::Begin {});
    EXPECT_EQ(session->screen(), Screen::Step) << "skipped for the agent";
    session->dispatch(intent::AgentConsent { false });
    EXPECT_FALSE(session->agent_mode());
    ASSERT_EQ(session->screen(), Screen::Card);
    EXPECT_EQ(stage(), CardStage::Consent);
}

TEST_F(CardFlowTest, NoMeansTypingByHandAndIsNotAskedAgain)
{
    session->dispatch(intent::Choose { "non" });
    ASSERT_EQ(session->screen(), Screen::Step);
    EXPECT_EQ(session->runner()->step().key, "personne.surname");
    EXPECT_TRUE(session->can_use_card());
    session->dispatch(intent::InsertText { "DUPONT" });
    session->dispatch(intent::Next {});
    session->dispatch(intent::Back {});
    EXPECT_EQ(session->screen(), Screen::Step) << "declined: the question, not the offer";
    // "Utiliser ma carte" changes the resident's mind.
    session->dispatch(intent::UseCard {});
    EXPECT_EQ(session->screen(), Screen::Card);
    EXPECT_EQ(stage(), CardStage::DocumentNumber);
}

TEST_F(CardFlowTest, EntriesAreCheckedWithPlainSentences)
{
    session->dispatch(intent::Choose { "oui" });
    session->dispatch(intent::InsertText { "X4-R" });
    session->dispatch(intent::Next {});
    ASSERT_TRUE(session->card()->error);
    EXPECT_EQ(session->card()->number, "X4R") << "a dash is not typed";
    session->dispatch(intent::InsertText { "TBPFW4" });
    session->dispatch(intent::Next {});
    session->dispatch(intent::InsertText { "31021990" });
    session->dispatch(intent::Next {});
    EXPECT_EQ(stage(), CardStage::BirthDate);
    ASSERT_TRUE(session->card()->error);
}

TEST_F(CardFlowTest, EachFailureHasItsWayForward)
{
    type_access("X4RTBPFW4", "13071990", "11022030");
    session->dispatch(intent::CardPresence { true });
    session->dispatch(intent::CardReadFinished { reader.ids.back(), nullptr, CardFailure::WrongAccessData });
    EXPECT_EQ(stage(), CardStage::Failed);
    session->dispatch(intent::Choose { "corriger" });
    EXPECT_EQ(stage(), CardStage::DocumentNumber);
    EXPECT_EQ(session->card()->number, "X4RTBPFW4") << "what was typed is kept to correct";
    session->dispatch(intent::Next {});
    session->dispatch(intent::Next {});
    session->dispatch(intent::Next {});
    ASSERT_EQ(stage(), CardStage::Reading) << "the card is still there: read again";

    // Pulled out: laid back, it is read again by itself.
    session->dispatch(intent::CardReadFinished { reader.ids.back(), nullptr, CardFailure::Removed });
    EXPECT_EQ(stage(), CardStage::Failed);
    session->dispatch(intent::CardPresence { false });
    auto reads = reader.ids.size();
    session->dispatch(intent::CardPresence { true });
    EXPECT_EQ(stage(), CardStage::Reading);
    EXPECT_EQ(reader.ids.size(), reads + 1);

    // A late answer to an earlier read changes nothing.
    session->dispatch(intent::CardReadFinished { reader.ids.front(), nullptr, CardFailure::Unreadable });
    EXPECT_EQ(stage(), CardStage::Reading);

    // The reader unplugged: by hand is the way forward.
    session->dispatch(intent::ReaderChanged { false });
    EXPECT_EQ(stage(), CardStage::Failed);
    EXPECT_EQ(session->card()->failure, CardFailure::NoReader);
    session->dispatch(intent::Choose { "main" });
    EXPECT_EQ(session->screen(), Screen::Step);
    EXPECT_FALSE(session->can_use_card());
}

TEST_F(CardFlowTest, AReadThatNeverEndsFailsAfterTheTimeout)
{
    type_access("X4RTBPFW4", "13071990", "11022030");
    session->dispatch(intent::CardPresence { true });
    ASSERT_EQ(stage(), CardStage::Reading);
    ASSERT_TRUE(session->next_deadline());
    EXPECT_EQ(*session->next_deadline(), clock.monotonic() + SessionConfig {}.card_timeout);
    clock.advance(SessionConfig {}.card_timeout);
    session->dispatch(intent::Tick {});
    EXPECT_EQ(stage(), CardStage::Failed);
    EXPECT_EQ(session->card()->failure, CardFailure::Unreadable);
    // Its answer, when it comes at last, changes nothing.
    finish_read(card_data({ 1990, 7, 13 }, { 2030, 2, 11 }));
    EXPECT_EQ(stage(), CardStage::Failed);
}

TEST_F(CardFlowTest, AnExpiredCardIsRefusedWhenTheDemarcheSaysSo)
{
    type_access("X4RTBPFW4", "13071990", "11022020");
    session->dispatch(intent::CardPresence { true });
    finish_read(card_data({ 1990, 7, 13 }, { 2020, 2, 11 }));
    ASSERT_EQ(stage(), CardStage::Done);
    ASSERT_TRUE(session->card()->refusal);
    EXPECT_NE(session->card()->refusal->find("11/02/2020"), std::string::npos);
    session->dispatch(intent::Next {});
    EXPECT_EQ(session->screen(), Screen::Card) << "no way past a refused card but another one";
    session->dispatch(intent::Choose { "autre_carte" });
    EXPECT_EQ(stage(), CardStage::DocumentNumber);
}

TEST_F(CardFlowTest, TheDemarchesAgeRuleAppliesToWhatTheCardSays)
{
    type_access("T7KM2LQ83", "20052011", "19052031");
    session->dispatch(intent::CardPresence { true });
    finish_read(card_data({ 2011, 5, 20 }, { 2031, 5, 19 }));
    session->dispatch(intent::Next {});
    ASSERT_EQ(session->screen(), Screen::Step);
    EXPECT_TRUE(session->runner()->step().from_card);
    ASSERT_TRUE(session->runner()->error());
}

TEST_F(CardFlowTest, EndingTheSessionWipesTheFlow)
{
    type_access("X4RTBPFW4", "13071990", "11022030");
    session->dispatch(intent::CardPresence { true });
    finish_read(card_data({ 1990, 7, 13 }, { 2030, 2, 11 }));
    session->dispatch(intent::EndSession {});
    EXPECT_EQ(session->screen(), Screen::Attract);
    EXPECT_FALSE(session->card().has_value());
    // The next resident is offered the card again.
    session->dispatch(intent::Activity {});
    session->dispatch(intent::StartDemarche { "inscription" });
    session->dispatch(intent::Begin {});
    EXPECT_EQ(session->screen(), Screen::Card);
}

}

TEST_F(CardFlowTest, EachReadIsCountedWithHowItEnded)
{
    RecordingUsageLog log;
    session->set_usage_log(&log);
    type_access("X4RTBPFW4", "13071990", "11022030");
    session->dispatch(intent::CardPresence { true });
    session->dispatch(intent::CardReadFinished { reader.ids.back(), nullptr, CardFailure::Removed });
    session->dispatch(intent::CardPresence { false });
    session->dispatch(intent::CardPresence { true });
    finish_read(card_data({ 1990, 7, 13 }, { 2030, 2, 11 }));
    session->dispatch(intent::Next {});
    std::vector<std::string> reads;
    for (auto const& event : log.events) {
        if (event.kind == UsageKind::CardRead) {
            reads.push_back(event.detail);
            EXPECT_EQ(event.demarche, "inscription");
        }
    }
    EXPECT_EQ(reads, (std::vector<std::string> { "removed", "ok" }));
    for (auto const& event : log.events)
        EXPECT_EQ(usage_event_json(event, "a", "b").dump().find("MARTIN"), std::string::npos);
}
