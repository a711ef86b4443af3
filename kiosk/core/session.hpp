// The session state machine: one resident's visit, from the attract screen
// to the wipe.
//
//   Attract ──activity──▶ Home ──▶ Theme ─────────────┐
//      ▲                   │  └──▶ Situations ──▶ Suggestions
//      │                   └──────────────────────────┴──start──▶ Intro
//      │                                                            │ begin
//      │                                Review ◀──next── Step (1..n) ◀┘
//      │                                   │ ──edit──▶ (the step, then back)
//      │                                confirm (dossier written to the
//      │                                   │     outbox first)
//      └── end: finish, or idle warning ◀─ Receipt
//          + countdown
//
// Intents come in (touches, keyboard keys, time passing, a print job's end);
// the UI reads the state back through the accessors. Ending a session wipes
// everything personal it held.
#pragma once

#include "agent.hpp"
#include "assistance.hpp"
#include "card.hpp"
#include "catalogue.hpp"
#include "clock.hpp"
#include "ports.hpp"
#include "printer.hpp"
#include "runner.hpp"
#include "setup.hpp"
#include "usage.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>

namespace guichet {

enum class Screen {
    Attract,
    Home,
    Theme, // the démarches of one theme
    Situations, // "Je ne sais pas": which life situation?
    Suggestions, // the démarches for the situation chosen
    Intro, // what a démarche asks, what to have at hand, how long
    Step,
    Review,
    Receipt,
    Status, // "Suivre ma demande": where the request stands
    Card, // filling an identity from the ID card (CardStage says where)
    Feedback, // after "Terminer": "Comment s'est passée votre démarche ?"
    Setup, // the first-boot wizard of a kiosk not enrolled yet (setup.hpp)
};

// The card's screens, in the order a resident meets them. Which way the
// access data come depends on the kiosk: a document scanner that types the
// MRZ (Scan), else the resident's three guided steps; an agent can type the
// MRZ instead (AgentMrz).
enum class CardStage {
    Consent, // "Voulez-vous utiliser votre carte d'identité … ?"
    Scan, // lay the card under the scanner: it types the MRZ
    DocumentNumber,
    BirthDate,
    ExpiryDate,
    AgentMrz, // an agent types the MRZ lines
    Place, // "Posez votre carte sur le lecteur"
    Reading, // "Laissez la carte posée" and the progress
    Done, // what was read, "lu sur votre carte"
    Failed, // a sentence and a way forward
};

std::string_view to_string(CardStage stage);

std::string_view to_string(Screen screen);

namespace intent {
// Any touch, anywhere: wakes the kiosk from the attract screen and
// postpones the idle warning. Once the warning shows, only an answer to it
// (StillHere, EndSession) counts: a touch beside its buttons must not fall
// through to the screen underneath.
struct Activity { };
// "Oui, je continue" on the idle warning.
struct StillHere { };
struct OpenTheme {
    std::string theme_id;
};
struct OpenSituations { };
// The resident's language ("fr", "en", "es", "ar", "pt", "tr"), from the
// home screen. Kept until the visit ends.
struct ChooseLanguage {
    std::string code;
};
struct ChooseSituation {
    std::string situation_id;
};
// "Réécouter": the screen's instruction again; or, on the review, "Lire
// mes réponses": the answers shown, aloud (only ever on this request).
struct Listen {
    bool answers { false };
};
// "Son": the next volume, loud, off, low, medium, loud...
struct ChangeVolume { };
// The display panel ("Écran"): large text, high contrast; both kept until
// the visit ends.
struct OpenDisplay { };
struct CloseDisplay { };
struct ToggleLargeText { };
struct ToggleHighContrast { };
// "Je suis perdu": one tap to a known place. In a démarche, its start
// screen, with the answers kept and "Reprendre" to go back where the
// resident was; elsewhere, the home screen.
struct Lost { };
// Opens a démarche's start screen.
struct StartDemarche {
    std::string demarche_id;
};
// "Commencer" on the start screen.
struct Begin { };
struct Choose {
    std::string choice_id;
};
struct InsertText {
    std::string text;
};
struct EraseLast { };
struct Next { };
struct Back { };
// "Modifier" beside an answer on the review screen.
struct EditStep {
    std::string key;
};
// "Retirer" beside an item of a group on the review screen.
struct RemoveItem {
    std::string group_id;
    std::size_t item;
};
struct Confirm { };
// "Terminer" on the receipt (the satisfaction question comes next), or
// "Abandonner" during a démarche, or "Terminer" under the question.
struct EndSession { };
// A face on the satisfaction screen; then, if the resident wants, why.
struct Rate {
    Rating rating;
};
struct RateReason {
    std::string reason_id;
};
struct OpenHelp { };
struct CloseHelp { };
// Time has passed; the session reads the clock.
struct Tick { };
struct PrintFinished {
    PrintJobId job;
    PrintOutcome outcome;
};
// The receipt printer's state changed (see printer.hpp): the whole new state.
struct PrinterChanged {
    PrinterState state;
};
// The central services answered a status query (RequestTracker::ask).
// `reached` false: they could not be asked; otherwise `status` is empty
// when they do not know the code.
struct StatusAnswered {
    StatusQueryId query { 0 };
    bool reached { false };
    std::optional<RequestStatus> status;
};
// A new catalogue (published by the hub) or a new appointment week: taken
// when the session in progress ends, at once when there is none, so that
// nobody's démarche changes under their fingers.
struct CatalogueArrived {
    std::shared_ptr<Catalogue const> catalogue;
};
struct SlotsArrived {
    std::shared_ptr<SlotSchedule const> slots;
};
// Remote help (assistance.hpp). "Un conseiller à distance" on the help
// panel; "Annuler" while waiting, or "Arrêter l'aide".
struct AskRemoteHelp { };
struct StopRemoteHelp { };
// "Un conseiller à l'accueil": a number in the desk's queue, shown and
// printed; one per session (asked again, the same number shows).
struct AskDeskHelp { };
// What the help line reported (HelpLine's news, posted by kiosk/main).
struct HelpNewsArrived {
    HelpNews news;
};
// The consent screen: "J'accepte" (with the box "montrer mes réponses
// personnelles" ticked or not), "Non merci"; and "Reprendre la main".
struct GrantControl {
    bool show_personal { false };
};
struct RefuseControl { };
struct TakeBackControl { };
// "D'accord" under "the help ended" or "the help cannot be reached".
struct DismissHelpNote { };
// Whether the hub answers changed: the help panel offers or greys the
// remote mediator accordingly.
struct HelpLineChanged { };
// "Utiliser ma carte" on an identity question typed by hand so far.
struct UseCard { };
// The card reader was plugged in or out (or pcscd came or went).
struct ReaderChanged {
    bool present;
};
// A card was laid on the reader or taken off.
struct CardPresence {
    bool present;
};
struct CardReadProgress {
    CardReadId id;
    int percent;
};
// The end of a read: the data, or why not.
struct CardReadFinished {
    CardReadId id;
    CardData data;
    CardFailure failure { CardFailure::Unreadable };
};
// Agent mode (agent.hpp): "Agent" on the help panel opens the PIN pad; so
// does an agent's badge laid on the reader. The pad's keys, and its answer.
struct OpenAgentGate { };
struct CloseAgentGate { };
struct AgentPinKey {
    char digit;
};
struct AgentPinErase { };
struct AgentPinSubmit { };
struct AgentChecked {
    AgentCheckId id;
    std::optional<AgentIdentity> agent; // none: a wrong PIN
    std::string consent_sha256;
};
// The resident's answer on the agent's consent screen.
struct AgentConsent {
    bool accepted;
};
// "Quitter le mode agent".
struct LeaveAgentMode { };
// Agent mode: "Réimprimer" opens the list of the receipts the printer
// kept after failing to print them; "Réimprimer" beside one sends it again.
struct OpenReprints { };
struct CloseReprints { };
struct Reprint {
    PrintJobId job;
};
// The end of a CardReader::read_badge: the card's identifier, upper-case
// hex ("04A1B2C3D4E5F6"), or empty when it gave none.
struct BadgeRead {
    CardReadId id;
    std::string badge;
};

// The first-boot wizard (setup.hpp): the Commissioner's answers, and the
// technician's "Vérifier à nouveau", "Relancer les tests" and "Ouvrir la
// borne". Typing and "Continuer"/"Retour" are InsertText, EraseLast, Next
// and Back, as on every screen.
struct SetupNetworkSeen {
    SetupRequestId id { 0 };
    NetworkSeen network;
};
struct SetupEnrolled {
    SetupRequestId id { 0 };
    bool ok { false };
    std::string kiosk_id;
    std::string site_name;
    std::string message; // why not, for the technician
};
struct SetupChecked {
    SetupRequestId id { 0 };
    SetupCheck check;
    bool last { false };
};
struct SetupLookAgain { };
struct SetupRecheck { };
struct SetupFinish { };
// The technician screens (setup.hpp): a 5-second press on the top left
// corner of the welcome screen opens the PIN pad for a technician's PIN
// (AgentPinKey... as for an agent); what the kiosk is comes back described;
// "Fermer" closes them.
struct OpenTechnicianGate { };
struct SetupDescribed {
    SetupRequestId id { 0 };
    KioskSummary summary;
};
struct SetupClose { };

}

using Intent = std::variant<intent::Activity, intent::StillHere, intent::OpenTheme, intent::OpenSituations,
    intent::ChooseSituation, intent::StartDemarche, intent::Begin, intent::Choose, intent::InsertText,
    intent::EraseLast, intent::Next, intent::Back, intent::EditStep, intent::RemoveItem, intent::Confirm,
    intent::EndSession, intent::OpenHelp, intent::CloseHelp, intent::Tick, intent::PrintFinished, intent::UseCard,
    intent::ReaderChanged, intent::CardPresence, intent::CardReadProgress, intent::CardReadFinished,
    intent::PrinterChanged, intent::StatusAnswered, intent::CatalogueArrived, intent::SlotsArrived,
    intent::AskRemoteHelp, intent::StopRemoteHelp, intent::HelpNewsArrived, intent::GrantControl, intent::RefuseControl,
    intent::TakeBackControl, intent::DismissHelpNote, intent::HelpLineChanged, intent::AskDeskHelp, intent::BadgeRead,
    intent::OpenAgentGate, intent::CloseAgentGate, intent::AgentPinKey, intent::AgentPinErase, intent::AgentPinSubmit,
    intent::AgentChecked, intent::AgentConsent, intent::LeaveAgentMode, intent::OpenReprints, intent::CloseReprints,
    intent::ChooseLanguage, intent::Reprint, intent::Listen, intent::ChangeVolume, intent::Lost, intent::OpenDisplay,
    intent::CloseDisplay, intent::ToggleLargeText, intent::ToggleHighContrast, intent::Rate, intent::RateReason,
    intent::SetupNetworkSeen, intent::SetupEnrolled, intent::SetupChecked, intent::SetupLookAgain, intent::SetupRecheck,
    intent::SetupFinish, intent::OpenTechnicianGate, intent::SetupDescribed, intent::SetupClose>;

struct SessionConfig {
    Millis idle_warning_after { 45'000 };
    Millis idle_end_after { 30'000 };
    // While remote help is live (waiting for a mediator, or helped), the
    // idle warning waits this long after the resident's last touch instead:
    // a mediator takes a while to come, but a resident who has walked away
    // must not leave their answers up for the next person forever.
    Millis idle_warning_while_helped { 600'000 };
    // A printer that has not answered by then has failed, as far as the
    // resident is concerned: they get the way forward on screen.
    Millis print_timeout { 30'000 };
    // The central services have not answered a status query by then: the
    // resident is told to try later rather than left waiting.
    Millis status_timeout { 10'000 };
    ReceiptSettings receipt;
    // The list of communes for addresses; may be null (see DemarcheRunner).
    CommuneIndex const* communes { nullptr };
    // When services receive residents, for appointments; may be null.
    SlotSchedule const* slots { nullptr };
    // How many démarches the home screen shows as the most used.
    std::size_t most_used { 3 };
    // A document scanner types the MRZ (a keyboard wedge): the card's access
    // data are scanned rather than typed.
    bool mrz_scanner { false };
    // A card read that has not ended by then has failed.
    Millis card_timeout { 20'000 };
    // The letter of this kiosk's desk tickets ("A 017"): two kiosks of a
    // site that share a desk take different letters.
    std::string desk_prefix { "A" };
    // Agent mode leaves after this long without a touch; so many wrong PINs
    // in a row lock it for agent_lockout.
    Millis agent_idle { 120'000 };
    int agent_tries { 5 };
    Millis agent_lockout { 900'000 };
};

// The PIN pad while it is open: whose badge was laid (if one was), the
// digits typed so far (wiped once sent), and what went wrong.
struct AgentGate {
    // A technician's PIN, for the technician screens (setup.hpp), rather
    // than an agent's.
    bool technician { false };
    std::optional<AgentIdentity> holder;
    std::string pin;
    bool checking { false };
    std::optional<std::string> error;
};

// Agent mode while it lasts.
struct AgentMode {
    AgentIdentity agent;
    std::int64_t started_at { 0 };
    std::string consent_sha256;
    // When the resident accepted; until then the agent has no power over
    // the démarche (Session::agent_consent_pending).
    std::optional<std::int64_t> consent_at;
    // The démarche the consent was given for ("cette démarche"): another
    // démarche asks again.
    std::string consent_demarche;
};

// Where the card flow stands, for the screens. Everything in it is personal
// and wiped when the flow ends.
struct CardFlow {
    std::string field_key; // the identity being filled: "personne"
    CardStage stage { CardStage::Consent };
    CardStage entered_by { CardStage::DocumentNumber }; // how the access data came
    std::string number; // as typed: "X4RTBPFW4"
    std::string birth_digits; // JJMMAAAA, as on the digit pad
    std::string expiry_digits;
    std::string mrz; // scanned or typed by an agent
    std::optional<std::string> error; // under an entry that needs fixing
    std::optional<mrz::AccessKey> access;
    CardReadId read { 0 };
    int percent { 0 };
    Millis read_started { 0 };
    CardData data; // once read
    std::optional<std::string> refusal; // the démarche does not take this card
    CardFailure failure { CardFailure::Unreadable };
    void wipe();
};

// What the kiosk's devices can do right now, as far as démarches care.
struct DeviceStatus {
    bool printer { true };
    bool card_reader { false };
};

enum class PrintStatus {
    Printing,
    Printed,
    Failed,
};

// The agent's list of receipts that did not print, while it is open: as
// the printer kept them when it opened (newest first), and the reprints
// sent from it with how they went.
struct ReprintList {
    std::vector<KeptReceipt> kept;
    std::map<PrintJobId, PrintStatus> sent;
};

// The satisfaction question, once the receipt is left: nothing personal
// is held any more, only which démarche it was and the answers.
struct Feedback {
    std::string demarche_id;
    std::optional<Rating> rating;
    std::optional<std::string> reason_id;
};

// What the usage watcher saw after the last intent (Session::watch_usage).
struct UsageSeen {
    std::uint64_t visit { 0 };
    bool visiting { false };
    // The démarche in progress: since when, and the steps already shown.
    std::string demarche;
    Millis started { 0 };
    std::set<std::string, std::less<>> steps;
    bool review { false };
    std::string step;
    int position { 0 };
    bool idle_warning { false };
    // The last card read's end recorded: its id and stage.
    CardReadId card_read { 0 };
    std::optional<CardStage> card_end;
    bool help_live { false };
    bool helped { false }; // a mediator came during this help
    bool desk { false };
    bool agent { false };
    // A follow-up's answer was shown ("Suivre ma demande" has no dossier).
    bool completed { false };
    std::string language { "fr" };
    std::string display { "standard" };
};

// The resident's number in the desk's queue, once asked.
struct DeskTicket {
    std::string number; // "A 017"; empty when no number could be drawn
    PrintStatus print { PrintStatus::Printing };
    std::optional<PrintOutcome> outcome; // why it did not print
};

class Session {
public:
    Session(Catalogue const& catalogue, Clock const& clock, DossierStore& store, ReceiptPrinter& printer,
        SessionConfig config);
    ~Session();

    void dispatch(Intent const& intent);

    // The kiosk cannot keep a dossier (its outbox did not open): the home
    // screen says so and no démarche starts, rather than letting a resident
    // answer every question for nothing.
    void set_out_of_service(bool out_of_service);
    bool out_of_service() const { return m_out_of_service; }
    // A kiosk that is not enrolled opens the first-boot wizard instead of
    // its attract screen, `hub_url` already typed (the image's setting) or
    // empty. The Commissioner must outlive the session.
    void start_setup(Commissioner& commissioner, std::string const& hub_url);
    // Who does the technician screens' work on an enrolled kiosk; none:
    // they do not open. Must outlive the session.
    void set_commissioner(Commissioner* commissioner) { m_commissioner = commissioner; }
    std::optional<Setup> const& setup() const { return m_setup; }

    // Completed démarches by id, as the store counted them: the home screen
    // shows the most used first.
    void set_usage_counts(UsageCounts counts);
    void set_devices(DeviceStatus devices);
    // Where usage events go (usage.hpp); null: none are recorded.
    void set_usage_log(UsageLog* log) { m_usage_log = log; }
    // The kiosk stops (the service manager's SIGTERM, the window closed,
    // the end of a scenario): a démarche in progress is recorded as
    // abandoned, "stopped", rather than left started and never ended.
    void stop();
    // The satisfaction screen's state (Screen::Feedback).
    std::optional<Feedback> const& feedback() const { return m_feedback; }
    // The card reader port; null when the kiosk has none configured.
    void set_card_reader(CardReader* reader) { m_card_reader = reader; }
    // Where "Suivre ma demande" asks for requests that have left this
    // kiosk; null: only the outbox is looked at.
    void set_request_tracker(RequestTracker* tracker) { m_tracker = tracker; }
    // The line to remote mediators; null: only the desk is offered.
    void set_help_line(HelpLine* line) { m_assistance.set_line(line); }
    Assistance const& assistance() const { return m_assistance; }
    // The site's agents; null: agent mode is not offered.
    void set_agent_directory(AgentDirectory* agents) { m_agents = agents; }
    bool agents_known() const { return m_agents && m_agents->size() > 0; }
    bool technicians_known() const { return m_agents && m_agents->technicians() > 0; }
    std::optional<AgentGate> const& agent_gate() const { return m_agent_gate; }
    std::optional<AgentMode> const& agent_mode() const { return m_agent; }
    // The resident must say yes before the agent acts on their démarche:
    // asked when agent mode opens during a démarche, or when one begins.
    // Agent mode with no démarche in progress asks nothing: the agent may
    // only reprint receipts, which are not the resident's.
    bool agent_consent_pending() const;
    // Agent mode on a démarche the resident consented to: the agent's
    // powers over it apply.
    bool agent_acting() const;
    std::optional<ReprintList> const& reprints() const { return m_reprints; }
    // The desk ticket taken in this session, if any.
    std::optional<DeskTicket> const& desk_ticket() const { return m_desk_ticket; }
    // The mediator's taps and typing to apply through the touch path now
    // (only while the resident has given control); taken once.
    std::vector<HelpNews> take_remote_actions() { return m_assistance.take_actions(); }
    // What the mediator is told of where the resident is.
    HelpRequest help_request() const;
    DeviceStatus const& devices() const { return m_devices; }
    // The receipt printer as last reported (Ready until told otherwise).
    PrinterState const& printer() const { return m_printer_state; }
    Date today() const { return m_clock.today(); }
    std::optional<CardFlow> const& card() const { return m_card; }
    bool card_present() const { return m_card_present; }
    // Whether the Step screen offers "Utiliser ma carte".
    bool can_use_card() const;

    Catalogue const& catalogue() const { return *m_catalogue; }
    // The most used démarches, most used first; the catalogue's order while
    // nothing has been counted.
    std::vector<Demarche const*> most_used() const;
    std::vector<Demarche const*> demarches_of_theme(std::string_view theme_id) const;
    std::vector<Demarche const*> demarches_for_situation(std::string_view situation_id) const;
    // Why a démarche cannot be started now (a required device is missing),
    // as the sentence to show; nothing when it can.
    std::optional<std::string> unavailable(Demarche const& demarche) const;
    // The theme or situation being shown (Theme, Suggestions), and the
    // démarche whose start screen is shown (Intro).
    Theme const* theme() const { return m_theme; }
    Situation const* situation() const { return m_situation; }
    Demarche const* intro() const { return m_intro; }
    Screen screen() const { return m_screen; }
    // The language of the screen and the voice: French until the resident
    // chooses another, and again once the visit ends.
    std::string const& language() const { return m_language; }
    // The voice's volume, 0 (off) to 3 (loud); 2 until the resident
    // changes it, and again once the visit ends.
    static constexpr int default_volume = 2;
    int volume() const { return m_volume; }
    // Each "Réécouter" or "Lire mes réponses" counts one; the UI speaks
    // when the count moves.
    struct ListenRequest {
        std::uint64_t count { 0 };
        bool answers { false };
        bool operator==(ListenRequest const&) const = default;
    };
    ListenRequest listen_request() const { return m_listen; }
    // Display modes, from the "Écran" panel on every screen.
    bool display_open() const { return m_display_open; }
    bool large_text() const { return m_large_text; }
    bool high_contrast() const { return m_high_contrast; }
    // On the start screen after "Je suis perdu": the démarche's answers are
    // kept, and "Reprendre" goes back to where the resident was.
    bool paused() const { return m_screen == Screen::Intro && m_runner != nullptr; }
    bool help_open() const { return m_help_open; }
    bool idle_warning() const { return m_idle_warning_since.has_value(); }
    // Whole seconds left before the wipe, while the warning is shown.
    int idle_seconds_left() const;
    // The démarche in progress (Step and Review), or nothing.
    DemarcheRunner const* runner() const { return m_runner.get(); }
    std::optional<Receipt> const& receipt() const { return m_receipt; }
    PrintStatus print_status() const { return m_print_status; }
    // The receipt's print job: an agent reprints it (intent::Reprint).
    PrintJobId print_job() const { return m_print_job; }
    std::optional<PrintOutcome> print_outcome() const { return m_print_outcome; }
    // "Suivre ma demande": what was found for the code typed (nothing when
    // the code is not known here), and the sentence when the lookup failed.
    struct FollowUp {
        std::string code; // for display: "KXTB-PDQM"
        std::optional<RequestStatus> status;
        std::optional<std::string> error;
        // The central services are being asked: "Nous cherchons…".
        bool pending { false };
        // They were asked (not only this kiosk's outbox), so "not found"
        // means not found anywhere.
        bool asked_services { false };
    };
    std::optional<FollowUp> const& follow_up() const { return m_follow_up; }
    // Shown on the review screen when the dossier could not be written.
    std::optional<std::string> const& save_error() const { return m_save_error; }
    // The error code behind save_error(), for the log.
    std::optional<std::string> const& save_error_code() const { return m_save_error_code; }

    // When the session next needs a Tick without any input (idle warning,
    // countdown second, wipe), or nothing when it can sleep until touched.
    std::optional<Millis> next_deadline() const;
    // Bumps on every visible change: the UI redraws when it moves.
    std::uint64_t revision() const { return m_revision; }
    // Bumps when a session ends: the UI drops whatever it cached.
    std::uint64_t sessions_ended() const { return m_sessions_ended; }

private:
    // The wizard takes the technician's intents and its Commissioner's
    // answers while Screen::Setup shows; true when it used `intent`.
    bool handle_setup(Intent const& intent);
    // The wizard's intents outside it: late answers, ignored.
    void handle(intent::SetupNetworkSeen const&) { }
    void handle(intent::SetupEnrolled const&) { }
    void handle(intent::SetupChecked const&) { }
    void handle(intent::SetupLookAgain const&) { }
    void handle(intent::SetupRecheck const&) { }
    void handle(intent::SetupFinish const&) { }
    void handle(intent::SetupDescribed const&) { }
    void handle(intent::SetupClose const&) { }
    void handle(intent::OpenTechnicianGate const&);
    void setup_checks();
    void look_at_network();
    void open_maintenance(AgentIdentity const& technician);
    void close_maintenance(char const* why);
    void handle(intent::Activity const&);
    void handle(intent::ChooseLanguage const&);
    void handle(intent::Listen const&);
    void handle(intent::ChangeVolume const&);
    void handle(intent::Lost const&);
    void handle(intent::OpenDisplay const&);
    void handle(intent::CloseDisplay const&);
    void handle(intent::ToggleLargeText const&);
    void handle(intent::ToggleHighContrast const&);
    void handle(intent::StillHere const&);
    void handle(intent::OpenTheme const&);
    void handle(intent::OpenSituations const&);
    void handle(intent::ChooseSituation const&);
    void handle(intent::StartDemarche const&);
    void handle(intent::Begin const&);
    void handle(intent::Choose const&);
    void handle(intent::InsertText const&);
    void handle(intent::EraseLast const&);
    void handle(intent::Next const&);
    void handle(intent::Back const&);
    void handle(intent::EditStep const&);
    void handle(intent::RemoveItem const&);
    void handle(intent::Confirm const&);
    void handle(intent::EndSession const&);
    void handle(intent::Rate const&);
    void handle(intent::RateReason const&);
    void handle(intent::OpenHelp const&);
    void handle(intent::CloseHelp const&);
    void handle(intent::Tick const&);
    void handle(intent::PrintFinished const&);
    void handle(intent::UseCard const&);
    void handle(intent::ReaderChanged const&);
    void handle(intent::CardPresence const&);
    void handle(intent::CardReadProgress const&);
    void handle(intent::CardReadFinished const&);
    void handle(intent::PrinterChanged const&);
    void handle(intent::StatusAnswered const&);
    void handle(intent::CatalogueArrived const&);
    void handle(intent::SlotsArrived const&);
    void handle(intent::AskRemoteHelp const&);
    void handle(intent::StopRemoteHelp const&);
    void handle(intent::HelpNewsArrived const&);
    void handle(intent::GrantControl const&);
    void handle(intent::RefuseControl const&);
    void handle(intent::TakeBackControl const&);
    void handle(intent::DismissHelpNote const&);
    void handle(intent::HelpLineChanged const&);
    void handle(intent::AskDeskHelp const&);
    void handle(intent::BadgeRead const&);
    void handle(intent::OpenAgentGate const&);
    void handle(intent::CloseAgentGate const&);
    void handle(intent::AgentPinKey const&);
    void handle(intent::AgentPinErase const&);
    void handle(intent::AgentPinSubmit const&);
    void handle(intent::AgentChecked const&);
    void handle(intent::AgentConsent const&);
    void handle(intent::LeaveAgentMode const&);
    void handle(intent::OpenReprints const&);
    void handle(intent::CloseReprints const&);
    void handle(intent::Reprint const&);
    void leave_agent_mode();
    bool agent_locked() const;
    std::string locked_sentence() const;
    void lock_agent_mode();
    // Writes the PIN count and the lock to the store.
    void keep_agent_lock();
    // Between sessions: what arrived meanwhile replaces what was in use.
    void take_arrivals();
    // The card flow's share of the editing intents, while Screen::Card.
    void card_choose(std::string_view choice);
    void card_insert(std::string_view text);
    void card_erase();
    void card_next();
    void card_back();
    void card_start_access();
    void card_start_read();
    void card_fail(CardFailure failure);
    void card_leave(); // back to the identity's questions, typed by hand
    void offer_card();

    void end_session();
    // Everything personal goes: the end of a visit, or the receipt left for
    // the satisfaction question.
    void wipe_personal();
    // Records what changed since the last intent (usage.hpp).
    void watch_usage();
    // An event of the visit, where the resident is (the démarche and step
    // being watched, the language and display as they were).
    UsageEvent usage_event(UsageKind kind, std::string detail = {}) const;
    void record(UsageEvent const& event);
    // next_deadline's two halves: a print job no screen waits for any more,
    // and what the screen on show waits for.
    std::optional<Millis> unanswered_print_deadline() const;
    std::optional<Millis> screen_deadline() const;
    // A print job's end, once per job, whether or not its screen is still up.
    void note_print(PrintJobId job, PrintOutcome outcome);
    void finish_step();
    void look_up();
    bool browsing() const;
    bool editing() const { return m_runner && (m_screen == Screen::Step || m_screen == Screen::Review); }
    Millis idle_warning_after() const
    {
        return m_assistance.live() ? m_config.idle_warning_while_helped : m_config.idle_warning_after;
    }

    Catalogue const* m_catalogue;
    // What the hub sent, kept alive here; and what waits for the session
    // in progress to end.
    std::shared_ptr<Catalogue const> m_owned_catalogue;
    std::shared_ptr<SlotSchedule const> m_owned_slots;
    std::shared_ptr<Catalogue const> m_pending_catalogue;
    std::shared_ptr<SlotSchedule const> m_pending_slots;
    Clock const& m_clock;
    DossierStore& m_store;
    ReceiptPrinter& m_printer;
    SessionConfig m_config;

    Screen m_screen { Screen::Attract };
    std::string m_language { "fr" };
    int m_volume { default_volume };
    ListenRequest m_listen;
    bool m_display_open { false };
    bool m_large_text { false };
    bool m_high_contrast { false };
    // Where the start screen was opened from: "Retour" goes back there.
    Screen m_intro_origin { Screen::Home };
    // Where "Je suis perdu" left the démarche: "Reprendre" goes back there.
    Screen m_resume_screen { Screen::Step };
    Theme const* m_theme { nullptr };
    Situation const* m_situation { nullptr };
    Demarche const* m_intro { nullptr };
    UsageCounts m_usage;
    DeviceStatus m_devices;
    bool m_out_of_service { false };
    std::optional<Setup> m_setup;
    Commissioner* m_commissioner { nullptr };
    SetupRequestId m_setup_requests { 0 };
    bool m_help_open { false };
    Assistance m_assistance;
    Millis m_last_activity { 0 };
    std::optional<Millis> m_idle_warning_since;
    int m_shown_seconds_left { 0 };
    std::unique_ptr<DemarcheRunner> m_runner;
    bool m_returning_to_review { false };
    // The steps shown when "Modifier" was touched: the ones an edit brings
    // in are shown before the review.
    std::vector<std::string> m_steps_before_edit;
    std::optional<Receipt> m_receipt;
    std::optional<FollowUp> m_follow_up;
    PrintStatus m_print_status { PrintStatus::Printing };
    PrintJobId m_print_job { 0 };
    Millis m_print_started { 0 };
    std::optional<PrintOutcome> m_print_outcome;
    std::optional<std::string> m_save_error;
    std::optional<std::string> m_save_error_code;
    std::optional<DeskTicket> m_desk_ticket;
    std::optional<Feedback> m_feedback;
    // The démarche of the receipt on screen, for the satisfaction question.
    std::string m_completed_demarche;
    bool m_usage_stopped { false }; // stop(): nothing more is recorded
    UsageLog* m_usage_log { nullptr };
    UsageSeen m_seen;
    PrintJobId m_print_noted { 0 };
    PrintJobId m_desk_print_noted { 0 };
    AgentDirectory* m_agents { nullptr };
    std::optional<AgentGate> m_agent_gate;
    std::optional<AgentMode> m_agent;
    Millis m_agent_activity { 0 };
    AgentCheckId m_agent_checks { 0 };
    CardReadId m_badge_read { 0 };
    int m_wrong_pins { 0 };
    std::optional<Millis> m_agent_locked_until;
    std::int64_t m_agent_locked_until_unix { 0 }; // the same, as kept
    std::optional<ReprintList> m_reprints;
    PrintJobId m_desk_job { 0 };
    PrintJobId m_desk_jobs { 0 };
    Millis m_desk_print_started { 0 };
    CardReader* m_card_reader { nullptr };
    RequestTracker* m_tracker { nullptr };
    StatusQueryId m_status_queries { 0 };
    Millis m_status_asked_at { 0 };
    std::optional<CardFlow> m_card;
    bool m_card_present { false };
    PrinterState m_printer_state;
    CardReadId m_card_reads { 0 };
    // Identities the resident chose to type by hand: not offered again.
    std::set<std::string, std::less<>> m_card_declined;
    std::uint64_t m_revision { 0 };
    std::uint64_t m_sessions_ended { 0 };
};

}
