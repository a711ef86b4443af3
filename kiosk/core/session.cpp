#include "session.hpp"
#include "kiosk/core/i18n.hpp"

#include "log.hpp"
#include "slots.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <cstdio>

namespace guichet {

namespace {

// The services could not be asked, or did not answer in time.
constexpr std::string_view status_unavailable_message
    = N_("Le service de suivi ne répond pas pour le moment. Réessayez plus tard, ou demandez à l'accueil.");

}

namespace {

// One place maps the store's failures to what the resident reads. The
// answers are kept in every case, so each sentence offers a way forward.
std::string resident_message_for_store_error(std::string const& code)
{
    if (code == "store.disk_full")
        return N_("La borne est pleine et n'a pas pu enregistrer votre démarche. Vos réponses sont gardées : "
                  "demandez de l'aide à l'accueil.");
    if (code == "store.busy")
        return N_("La borne est occupée. Touchez « Confirmer » encore une fois.");
    if (code == "store.slot_taken")
        return N_("Cet horaire vient d'être pris par quelqu'un d'autre. Touchez « Modifier » à côté de l'heure pour en "
                  "choisir une autre.");
    return N_("Votre démarche n'a pas pu être enregistrée. Vos réponses sont gardées : touchez « Confirmer » "
              "encore une fois, ou demandez de l'aide à l'accueil.");
}

}

std::string_view to_string(Screen screen)
{
    switch (screen) {
    case Screen::Attract:
        return "attract";
    case Screen::Home:
        return "home";
    case Screen::Theme:
        return "theme";
    case Screen::Situations:
        return "situations";
    case Screen::Suggestions:
        return "suggestions";
    case Screen::Intro:
        return "intro";
    case Screen::Step:
        return "step";
    case Screen::Review:
        return "review";
    case Screen::Receipt:
        return "receipt";
    case Screen::Status:
        return "status";
    case Screen::Card:
        return "card";
    case Screen::Feedback:
        return "feedback";
    case Screen::Setup:
        return "setup";
    }
    return "unknown";
}

std::string_view to_string(CardStage stage)
{
    switch (stage) {
    case CardStage::Consent:
        return "consent";
    case CardStage::Scan:
        return "scan";
    case CardStage::DocumentNumber:
        return "document_number";
    case CardStage::BirthDate:
        return "birth_date";
    case CardStage::ExpiryDate:
        return "expiry_date";
    case CardStage::AgentMrz:
        return "agent_mrz";
    case CardStage::Place:
        return "place";
    case CardStage::Reading:
        return "reading";
    case CardStage::Done:
        return "done";
    case CardStage::Failed:
        return "failed";
    }
    return "unknown";
}

void CardFlow::wipe()
{
    for (auto* text : { &number, &birth_digits, &expiry_digits, &mrz })
        guichet::wipe(*text);
    if (access)
        access->wipe();
    access.reset();
    data.reset();
    error.reset();
    refusal.reset();
}

Session::Session(
    Catalogue const& catalogue, Clock const& clock, DossierStore& store, ReceiptPrinter& printer, SessionConfig config)
    : m_catalogue(&catalogue)
    , m_clock(clock)
    , m_store(store)
    , m_printer(printer)
    , m_config(std::move(config))
    , m_last_activity(clock.monotonic())
{
    // A lock taken before a restart still holds, for what is left of it
    // (never more than a whole lock, whatever the wall clock did).
    auto lock = m_store.agent_lock();
    if (!lock) {
        log(LogLevel::Warning, "agent", "the agent PIN lock does not read: " + lock.error().code);
        return;
    }
    m_wrong_pins = lock.value().wrong_pins;
    auto left = lock.value().locked_until - m_clock.unix_seconds();
    if (left > 0) {
        m_agent_locked_until_unix = lock.value().locked_until;
        m_agent_locked_until
            = m_clock.monotonic() + std::min<Millis>(std::chrono::seconds(left), m_config.agent_lockout);
    }
}

Session::~Session()
{
    end_session();
}

void Session::dispatch(Intent const& intent)
{
    // What devices, time and the kiosk's own workers report is not the
    // resident (or the agent, or the technician) doing something.
    bool is_time = std::holds_alternative<intent::Tick>(intent) || std::holds_alternative<intent::PrintFinished>(intent)
        || std::holds_alternative<intent::PrinterChanged>(intent)
        || std::holds_alternative<intent::StatusAnswered>(intent)
        || std::holds_alternative<intent::CatalogueArrived>(intent)
        || std::holds_alternative<intent::SlotsArrived>(intent)
        || std::holds_alternative<intent::HelpNewsArrived>(intent)
        || std::holds_alternative<intent::HelpLineChanged>(intent) || std::holds_alternative<intent::BadgeRead>(intent)
        || std::holds_alternative<intent::AgentChecked>(intent)
        || std::holds_alternative<intent::SetupNetworkSeen>(intent)
        || std::holds_alternative<intent::SetupEnrolled>(intent) || std::holds_alternative<intent::SetupChecked>(intent)
        || std::holds_alternative<intent::SetupDescribed>(intent);
    if (m_screen == Screen::Setup) {
        // The technician screens close after a while untouched.
        if (!is_time)
            m_agent_activity = m_clock.monotonic();
        if (handle_setup(intent))
            ++m_revision;
        return;
    }
    bool is_raw_touch = std::holds_alternative<intent::Activity>(intent);
    if (is_raw_touch) {
        if (!m_idle_warning_since)
            m_last_activity = m_clock.monotonic();
    } else if (!is_time) {
        m_last_activity = m_clock.monotonic();
        if (m_idle_warning_since) {
            m_idle_warning_since.reset();
            ++m_revision;
        }
    }
    if (!is_time)
        m_agent_activity = m_clock.monotonic();
    std::visit([this](auto const& i) { handle(i); }, intent);
    watch_usage();
}

int Session::idle_seconds_left() const
{
    if (!m_idle_warning_since)
        return 0;
    auto elapsed = m_clock.monotonic() - *m_idle_warning_since;
    auto left = m_config.idle_end_after - elapsed;
    if (left <= Millis(0))
        return 0;
    return static_cast<int>((left.count() + 999) / 1000);
}

std::optional<Millis> Session::next_deadline() const
{
    auto unanswered = unanswered_print_deadline();
    auto on_screen = screen_deadline();
    if (unanswered && on_screen)
        return std::min(*unanswered, *on_screen);
    return unanswered ? unanswered : on_screen;
}

// A receipt or desk ticket whose printer has not answered yet: its outcome
// counts in the usage figures as failed once the print timeout is over,
// even after the resident left (the screens' own timeouts run only while
// they show).
std::optional<Millis> Session::unanswered_print_deadline() const
{
    std::optional<Millis> deadline;
    if (m_print_job != 0 && m_print_noted != m_print_job)
        deadline = m_print_started + m_config.print_timeout;
    if (m_desk_job != 0 && m_desk_print_noted != m_desk_job) {
        auto desk = m_desk_print_started + m_config.print_timeout;
        deadline = deadline ? std::min(*deadline, desk) : desk;
    }
    return deadline;
}

std::optional<Millis> Session::screen_deadline() const
{
    // The technician's screens and PIN pad close after a while untouched.
    if ((m_setup && m_setup->maintenance) || (m_screen == Screen::Attract && m_agent_gate && m_agent_gate->technician))
        return m_agent_activity + m_config.agent_idle;
    if (m_screen == Screen::Attract || m_screen == Screen::Setup)
        return std::nullopt;
    if (!m_idle_warning_since) {
        auto idle = m_last_activity + idle_warning_after();
        if (m_screen == Screen::Receipt && m_print_status == PrintStatus::Printing)
            return std::min(idle, m_print_started + m_config.print_timeout);
        if (m_screen == Screen::Card && m_card && m_card->stage == CardStage::Reading)
            return std::min(idle, m_card->read_started + m_config.card_timeout);
        if (m_screen == Screen::Status && m_follow_up && m_follow_up->pending)
            return std::min(idle, m_status_asked_at + m_config.status_timeout);
        if (m_desk_ticket && m_desk_ticket->print == PrintStatus::Printing)
            idle = std::min(idle, m_desk_print_started + m_config.print_timeout);
        if (m_agent)
            idle = std::min(idle, m_agent_activity + m_config.agent_idle);
        return idle;
    }
    // While the countdown shows, wake at each whole second so it moves, and
    // exactly at the end.
    auto end = *m_idle_warning_since + m_config.idle_end_after;
    auto now = m_clock.monotonic();
    auto into_second = (end - now).count() % 1000;
    auto next_second = now + Millis(into_second == 0 ? 1000 : into_second);
    return std::min(end, next_second);
}

void Session::handle(intent::Activity const&)
{
    // The technician's PIN pad on the welcome screen: the finger that
    // opened it lifts, and its keys are touched, without starting a visit.
    if (m_screen == Screen::Attract && !m_agent_gate) {
        m_screen = Screen::Home;
        ++m_revision;
    }
}

// [SECTION] The first-boot wizard (setup.hpp)

void Session::start_setup(Commissioner& commissioner, std::string const& hub_url)
{
    m_commissioner = &commissioner;
    m_setup.emplace();
    m_setup->hub_url = hub_url.empty() ? "https://" : hub_url;
    m_screen = Screen::Setup;
    look_at_network();
    ++m_revision;
}

void Session::look_at_network()
{
    m_setup->looking = true;
    m_setup->network_request = ++m_setup_requests;
    m_commissioner->look_at_network(m_setup->network_request);
}

void Session::setup_checks()
{
    auto& setup = *m_setup;
    setup.checks.clear();
    for (auto id : { "reader", "printer", "speech", "display", "hub", "clock" })
        setup.checks.push_back(SetupCheck { id, CheckOutcome::Waiting, {} });
    setup.checking = true;
    setup.request = ++m_setup_requests;
    m_commissioner->run_checks(setup.request);
}

bool Session::handle_setup(Intent const& any)
{
    auto& setup = *m_setup;
    if (setup.maintenance) {
        // The technician screens close by themselves once left untouched.
        // Time still counts a silent printer's job as failed.
        if (auto const* tick = std::get_if<intent::Tick>(&any)) {
            handle(*tick);
            if (m_clock.monotonic() - m_agent_activity < m_config.agent_idle)
                return false;
            close_maintenance("no touch for a while");
            return true;
        }
        // The kiosk goes on between two visits: a print's outcome is
        // counted, a new catalogue or week of slots waits for the welcome
        // screen, which the technician screens close onto.
        if (std::holds_alternative<intent::PrintFinished>(any) || std::holds_alternative<intent::CatalogueArrived>(any)
            || std::holds_alternative<intent::SlotsArrived>(any)) {
            std::visit([this](auto const& i) { handle(i); }, any);
            return false;
        }
        if (auto const* described = std::get_if<intent::SetupDescribed>(&any)) {
            if (described->id != setup.summary_request)
                return false;
            setup.summary = described->summary;
            // As the wizard's checks name it.
            setup.kiosk_id = described->summary.kiosk_id;
            setup.site_name = described->summary.site_name;
            return true;
        }
        if (std::holds_alternative<intent::SetupClose>(any)) {
            close_maintenance("closed by the technician");
            return true;
        }
        if (std::holds_alternative<intent::SetupRecheck>(any) && setup.stage == SetupStage::Overview) {
            setup.stage = SetupStage::Checks;
            setup_checks();
            return true;
        }
        if (std::holds_alternative<intent::Back>(any) && setup.stage == SetupStage::Checks) {
            // Late results are ignored (not checking): the checks are asked
            // for again, under a new id, when the technician comes back.
            setup.checking = false;
            setup.stage = SetupStage::Overview;
            return true;
        }
        if (std::holds_alternative<intent::Next>(any) || std::holds_alternative<intent::Back>(any)
            || std::holds_alternative<intent::SetupFinish>(any))
            return false;
    }
    // The devices' news is kept for when the kiosk serves (their handlers
    // change no screen but the card flow's); nothing else (a badge, a help
    // line, a catalogue: there is no uplink yet) acts on the wizard.
    if (std::holds_alternative<intent::PrinterChanged>(any) || std::holds_alternative<intent::ReaderChanged>(any)
        || std::holds_alternative<intent::CardPresence>(any)) {
        std::visit([this](auto const& i) { handle(i); }, any);
        return true;
    }
    // The field the keyboard types into, on the two stages that have one.
    std::string* field = setup.stage == SetupStage::HubAddress ? &setup.hub_url
        : setup.stage == SetupStage::Code                      ? &setup.code
                                                               : nullptr;
    if (auto const* typed = std::get_if<intent::InsertText>(&any)) {
        if (!field || field->size() + typed->text.size() > (field == &setup.code ? 40u : 200u))
            return false;
        // The "https://" key on the field's own "https://": once is enough.
        if (field == &setup.hub_url && *field == "https://" && typed->text.starts_with("https://"))
            field->clear();
        *field += typed->text;
        setup.error.clear();
        return true;
    }
    if (std::holds_alternative<intent::EraseLast>(any)) {
        if (!field || field->empty())
            return false;
        // One character, however many bytes it takes.
        do
            field->pop_back();
        while (!field->empty() && (static_cast<unsigned char>(field->back()) & 0xC0) == 0x80);
        setup.error.clear();
        return true;
    }
    if (auto const* seen = std::get_if<intent::SetupNetworkSeen>(&any)) {
        if (seen->id != setup.network_request || !setup.looking)
            return false;
        setup.looking = false;
        setup.network = seen->network;
        log(LogLevel::Info, "setup",
            seen->network.connected ? "network: " + seen->network.address : std::string("network: none"));
        return true;
    }
    if (std::holds_alternative<intent::SetupLookAgain>(any)) {
        if ((setup.stage != SetupStage::Network && setup.stage != SetupStage::Overview) || setup.looking)
            return false;
        look_at_network();
        return true;
    }
    if (auto const* enrolled = std::get_if<intent::SetupEnrolled>(&any)) {
        if (setup.stage != SetupStage::Enrolling || enrolled->id != setup.request)
            return false;
        if (!enrolled->ok) {
            log(LogLevel::Warning, "setup", "enrollment failed: " + enrolled->message);
            setup.stage = SetupStage::Code;
            setup.error = enrolled->message;
            return true;
        }
        log(LogLevel::Info, "setup", "enrolled as " + enrolled->kiosk_id);
        setup.kiosk_id = enrolled->kiosk_id;
        setup.site_name = enrolled->site_name;
        setup.code.clear();
        setup.stage = SetupStage::Checks;
        setup_checks();
        return true;
    }
    if (auto const* checked = std::get_if<intent::SetupChecked>(&any)) {
        if (checked->id != setup.request || !setup.checking)
            return false;
        for (auto& check : setup.checks)
            if (check.id == checked->check.id)
                check = checked->check;
        if (checked->last)
            setup.checking = false;
        return true;
    }
    if (std::holds_alternative<intent::SetupRecheck>(any)) {
        if (setup.stage != SetupStage::Checks || setup.checking)
            return false;
        setup_checks();
        return true;
    }
    if (std::holds_alternative<intent::SetupFinish>(any)) {
        if (setup.stage != SetupStage::Done)
            return false;
        log(LogLevel::Info, "setup", "done: the kiosk starts in service");
        m_commissioner->finish();
        return true;
    }
    if (std::holds_alternative<intent::Next>(any)) {
        switch (setup.stage) {
        case SetupStage::Network:
            if (setup.looking)
                return false;
            setup.stage = SetupStage::HubAddress;
            return true;
        case SetupStage::HubAddress: {
            std::string why;
            auto url = normalise_hub_url(setup.hub_url, why);
            if (url.empty()) {
                setup.error = why;
                return true;
            }
            setup.hub_url = url;
            setup.stage = SetupStage::Code;
            return true;
        }
        case SetupStage::Code: {
            auto letters = std::count_if(setup.code.begin(), setup.code.end(),
                [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
            if (letters < 8) {
                // verbatim: the technician's
                setup.error
                    = "Tapez le code d'enrôlement de l'administrateur du hub, comme K7QP-3HXM-WN4R."; // verbatim
                return true;
            }
            setup.error.clear();
            setup.stage = SetupStage::Enrolling;
            setup.request = ++m_setup_requests;
            m_commissioner->enroll(setup.request, setup.hub_url, setup.code);
            return true;
        }
        case SetupStage::Checks:
            if (setup.checking)
                return false;
            setup.stage = SetupStage::Done;
            return true;
        case SetupStage::Enrolling:
        case SetupStage::Done:
        case SetupStage::Overview:
            return false;
        }
        return false;
    }
    if (std::holds_alternative<intent::Back>(any)) {
        setup.error.clear();
        switch (setup.stage) {
        case SetupStage::HubAddress:
            setup.stage = SetupStage::Network;
            return true;
        case SetupStage::Code:
            setup.stage = SetupStage::HubAddress;
            return true;
        case SetupStage::Done:
            setup.stage = SetupStage::Checks;
            return true;
        case SetupStage::Network:
        case SetupStage::Enrolling:
        case SetupStage::Checks: // enrolled: there is no going back to the code
        case SetupStage::Overview:
            return false;
        }
    }
    return false;
}

// [SECTION] The technician screens (setup.hpp)

constexpr char const* no_technician_sentence
    = "Aucun technicien n'est connu de cette borne : ajoutez-en un sur " // verbatim
      "le hub (kiosk-hub agent add --technician), ou utilisez kioskctl."; // verbatim

void Session::handle(intent::OpenTechnicianGate const&)
{
    // On the welcome screen only: between two visits, nothing personal
    // about, nothing of a resident's lost.
    if (m_screen != Screen::Attract || m_agent_gate || !m_commissioner)
        return;
    m_agent_gate.emplace();
    m_agent_gate->technician = true; // its idle time runs from this touch (dispatch)
    if (!m_agents || m_agents->technicians() == 0)
        // The technician's, in French only.
        m_agent_gate->error = no_technician_sentence;
    else if (agent_locked())
        m_agent_gate->error = locked_sentence();
    log(LogLevel::Info, "technician", "the technician's PIN pad opens");
    ++m_revision;
}

void Session::open_maintenance(AgentIdentity const& technician)
{
    end_session();
    m_setup.emplace();
    auto& setup = *m_setup;
    setup.maintenance = true;
    setup.technician = technician.name;
    setup.stage = SetupStage::Overview;
    look_at_network();
    setup.summary_request = ++m_setup_requests;
    m_commissioner->describe(setup.summary_request);
    m_screen = Screen::Setup;
    m_agent_activity = m_clock.monotonic();
    // The technician's id, as for an agent: who opened them.
    log(LogLevel::Info, "technician", "technician screens opened by " + technician.id);
    ++m_revision;
}

void Session::close_maintenance(char const* why)
{
    ++m_setup_requests; // answers still on their way are not waited for
    m_setup.reset();
    log(LogLevel::Info, "technician", std::string("technician screens closed: ") + why);
    end_session();
}

void Session::set_out_of_service(bool out_of_service)
{
    if (m_out_of_service == out_of_service)
        return;
    m_out_of_service = out_of_service;
    ++m_revision;
}

void Session::handle(intent::StillHere const&)
{
    // dispatch() has already taken the warning down and restarted the
    // idle delay.
}

void Session::set_usage_counts(UsageCounts counts)
{
    m_usage = std::move(counts);
    ++m_revision;
}

void Session::set_devices(DeviceStatus devices)
{
    m_devices = devices;
    ++m_revision;
}

namespace {

// What the receipt screen says when the printer stopped before the job
// printed; every value leads to the same way forward (resident_message).
PrintOutcome outcome_of(PrinterProblem problem)
{
    switch (problem) {
    case PrinterProblem::OutOfPaper:
        return PrintOutcome::OutOfPaper;
    case PrinterProblem::Jammed:
        return PrintOutcome::Jammed;
    case PrinterProblem::Offline:
    case PrinterProblem::Paused:
    case PrinterProblem::NotAccepting:
    case PrinterProblem::NoQueue:
    case PrinterProblem::Unreachable:
    case PrinterProblem::NotConfigured:
        return PrintOutcome::Offline;
    case PrinterProblem::PaperLow:
    case PrinterProblem::SupplyLow:
    case PrinterProblem::CoverOpen:
    case PrinterProblem::Other:
        break;
    }
    return PrintOutcome::Failed;
}

}

void Session::handle(intent::PrinterChanged const& changed)
{
    if (changed.state == m_printer_state)
        return;
    auto level = changed.state.condition == PrinterCondition::Ready ? LogLevel::Info : LogLevel::Warning;
    log(level, "print", "printer " + describe(changed.state));
    m_printer_state = changed.state;
    m_devices.printer = m_printer_state.can_print();
    // A receipt being printed when the printer stops will not come out for
    // now: the resident is told at once rather than after the timeout. The
    // job itself is not lost: the spooler or the driver keeps it, and a
    // PrintFinished for it still turns this into "imprimé" if it prints
    // while the resident is here.
    if (m_screen == Screen::Receipt && m_print_status == PrintStatus::Printing && !m_printer_state.can_print()) {
        m_print_status = PrintStatus::Failed;
        m_print_outcome = outcome_of(m_printer_state.main_problem());
        note_print(m_print_job, *m_print_outcome);
    }
    ++m_revision;
}

std::vector<Demarche const*> Session::most_used() const
{
    std::vector<Demarche const*> demarches;
    for (auto const& demarche : m_catalogue->demarches)
        demarches.push_back(&demarche);
    auto count = [&](Demarche const* demarche) {
        auto it = m_usage.find(demarche->id);
        return it == m_usage.end() ? 0 : it->second;
    };
    // Stable: among equals, the catalogue's order, which its authors chose.
    std::stable_sort(
        demarches.begin(), demarches.end(), [&](Demarche const* a, Demarche const* b) { return count(a) > count(b); });
    if (demarches.size() > m_config.most_used)
        demarches.resize(m_config.most_used);
    return demarches;
}

std::vector<Demarche const*> Session::demarches_of_theme(std::string_view theme_id) const
{
    std::vector<Demarche const*> demarches;
    for (auto const& demarche : m_catalogue->demarches) {
        if (demarche.theme == theme_id)
            demarches.push_back(&demarche);
    }
    return demarches;
}

std::vector<Demarche const*> Session::demarches_for_situation(std::string_view situation_id) const
{
    std::vector<Demarche const*> demarches;
    for (auto const& demarche : m_catalogue->demarches) {
        if (std::find(demarche.situations.begin(), demarche.situations.end(), situation_id)
            != demarche.situations.end())
            demarches.push_back(&demarche);
    }
    return demarches;
}

std::optional<std::string> Session::unavailable(Demarche const& demarche) const
{
    // A required appointment with no free slot: the resident would answer
    // every question before learning it.
    for (auto const& page : demarche.pages) {
        for (auto const& field : page.fields) {
            if (field.type != FieldType::Appointment || !field.required || page.when || field.when)
                continue;
            if (!m_config.slots || m_config.slots->slots(field.service, m_clock.today()).empty())
                return std::string(N_("Il n'y a plus de rendez-vous libre pour le moment. Un agent de l'accueil peut "
                                      "vous aider."));
        }
    }
    bool printer_missing = demarche.devices.printer == DeviceNeed::Required && !m_devices.printer;
    // An agent skips the card: they see the resident's card and type.
    bool reader_missing = demarche.devices.card_reader == DeviceNeed::Required && !m_devices.card_reader && !m_agent;
    if (printer_missing || reader_missing)
        return demarche.when_unavailable.fr();
    return std::nullopt;
}

bool Session::browsing() const
{
    return m_screen == Screen::Home || m_screen == Screen::Theme || m_screen == Screen::Situations
        || m_screen == Screen::Suggestions;
}

void Session::handle(intent::OpenTheme const& open)
{
    if (!browsing() || m_out_of_service)
        return;
    auto const* theme = m_catalogue->orientation.find_theme(open.theme_id);
    if (!theme)
        return;
    m_theme = theme;
    m_screen = Screen::Theme;
    ++m_revision;
}

void Session::handle(intent::ChooseLanguage const& choose)
{
    if (!is_kiosk_language(choose.code) || choose.code == m_language)
        return;
    m_language = choose.code;
    log(LogLevel::Info, "session", "language " + m_language);
    ++m_revision;
}

void Session::handle(intent::Listen const& listen)
{
    if (m_screen == Screen::Attract || (listen.answers && m_screen != Screen::Review))
        return;
    // The answers aloud are the resident's request alone: not while a
    // mediator has control of the screen.
    if (listen.answers && m_assistance.control() == Assistance::Control::Granted)
        return;
    ++m_listen.count;
    m_listen.answers = listen.answers;
    ++m_revision;
}

void Session::handle(intent::ChangeVolume const&)
{
    if (m_screen == Screen::Attract)
        return;
    // From the default: louder first, then off, then up again.
    m_volume = m_volume == 3 ? 0 : m_volume + 1;
    ++m_revision;
}

void Session::handle(intent::OpenDisplay const&)
{
    if (m_screen == Screen::Attract)
        return;
    m_help_open = false;
    m_display_open = true;
    ++m_revision;
}

void Session::handle(intent::CloseDisplay const&)
{
    m_display_open = false;
    ++m_revision;
}

void Session::handle(intent::ToggleLargeText const&)
{
    if (!m_display_open)
        return;
    m_large_text = !m_large_text;
    log(LogLevel::Info, "session", m_large_text ? "large text on" : "large text off");
    ++m_revision;
}

void Session::handle(intent::ToggleHighContrast const&)
{
    if (!m_display_open)
        return;
    m_high_contrast = !m_high_contrast;
    log(LogLevel::Info, "session", m_high_contrast ? "high contrast on" : "high contrast off");
    ++m_revision;
}

void Session::handle(intent::Lost const&)
{
    if (m_screen == Screen::Attract || m_screen == Screen::Receipt || m_screen == Screen::Feedback || m_out_of_service)
        return;
    m_help_open = false;
    m_display_open = false;
    if (m_runner && (editing() || m_screen == Screen::Card || m_screen == Screen::Status)) {
        if (m_screen == Screen::Card) {
            // The card's questions start again from the consent when the
            // resident comes back; what was half-typed for it goes, and a
            // read under way will be ignored when it ends.
            ++m_card_reads;
            m_card->wipe();
            m_card.reset();
            m_resume_screen = Screen::Step;
        } else {
            m_resume_screen = m_screen;
        }
        m_intro = &m_runner->demarche();
        m_screen = Screen::Intro;
    } else if (m_screen != Screen::Intro || !m_runner) {
        m_intro = nullptr;
        m_theme = nullptr;
        m_situation = nullptr;
        m_screen = Screen::Home;
    }
    ++m_revision;
}

void Session::handle(intent::OpenSituations const&)
{
    if (!browsing() || m_out_of_service)
        return;
    m_screen = Screen::Situations;
    ++m_revision;
}

void Session::handle(intent::ChooseSituation const& choose)
{
    if (m_screen != Screen::Situations)
        return;
    auto const* situation = m_catalogue->orientation.find_situation(choose.situation_id);
    if (!situation)
        return;
    m_situation = situation;
    m_screen = Screen::Suggestions;
    ++m_revision;
}

void Session::handle(intent::StartDemarche const& start)
{
    if (!browsing() || m_out_of_service)
        return;
    auto const* demarche = m_catalogue->find(start.demarche_id);
    if (!demarche || unavailable(*demarche))
        return;
    m_intro = demarche;
    m_intro_origin = m_screen;
    m_help_open = false;
    m_screen = Screen::Intro;
    ++m_revision;
}

void Session::handle(intent::Begin const&)
{
    if (m_screen != Screen::Intro || !m_intro)
        return;
    if (m_runner) {
        // "Reprendre" after "Je suis perdu": where the resident was.
        m_screen = m_resume_screen;
        m_help_open = false;
        offer_card();
        ++m_revision;
        return;
    }
    if (m_out_of_service)
        return;
    m_runner = std::make_unique<DemarcheRunner>(*m_intro, m_config.communes, m_clock.today(), m_config.slots);
    if (auto booked = m_store.booked_slots())
        m_runner->set_booked_slots(booked.release_value());
    m_returning_to_review = false;
    m_save_error.reset();
    m_save_error_code.reset();
    m_help_open = false;
    m_screen = m_runner->steps().empty() ? Screen::Review : Screen::Step;
    offer_card();
    // The resident's consent to an agent holds for one démarche: given for
    // another, it is asked again now (agent_consent_pending).
    if (m_agent && m_agent->consent_at && m_agent->consent_demarche != m_runner->demarche().id)
        m_agent->consent_at.reset();
    m_reprints.reset();
    ++m_revision;
}

void Session::handle(intent::Choose const& choose)
{
    if (m_screen == Screen::Card && m_card) {
        card_choose(choose.choice_id);
        ++m_revision;
        return;
    }
    if (m_screen != Screen::Step || !m_runner)
        return;
    m_runner->choose(choose.choice_id);
    ++m_revision;
}

void Session::handle(intent::InsertText const& insert)
{
    if (m_screen == Screen::Card && m_card) {
        card_insert(insert.text);
        ++m_revision;
        return;
    }
    if (m_screen != Screen::Step || !m_runner)
        return;
    m_runner->insert_text(insert.text);
    ++m_revision;
}

void Session::handle(intent::EraseLast const&)
{
    if (m_screen == Screen::Card && m_card) {
        card_erase();
        ++m_revision;
        return;
    }
    if (m_screen != Screen::Step || !m_runner)
        return;
    m_runner->erase_last();
    ++m_revision;
}

void Session::handle(intent::Next const&)
{
    if (m_screen == Screen::Card && m_card) {
        card_next();
        ++m_revision;
        return;
    }
    if (m_screen != Screen::Step || !m_runner)
        return;
    ++m_revision;
    switch (m_runner->next()) {
    case Advance::Refused:
        return;
    case Advance::Moved:
        // After a correction from the review, go straight back to it rather
        // than through every following step again, unless the correction
        // showed a question that still needs an answer.
        if (m_returning_to_review)
            finish_step();
        else
            offer_card();
        return;
    case Advance::Finished:
        finish_step();
        return;
    }
}

void Session::look_up()
{
    std::optional<TrackingCode> code;
    for (auto const& step : m_runner->steps()) {
        if (step.field->type == FieldType::TrackingCode)
            code = tracking_code_in(m_runner->answer(step.key));
    }
    if (!code)
        return;
    FollowUp found { code->display(), std::nullopt, std::nullopt };
    // The outbox first: a request still here has not reached the services,
    // whatever they would say.
    auto status = m_store.status(*code);
    if (status) {
        found.status = status.release_value();
    } else {
        log(LogLevel::Error, "store", "request status not read: " + status.error().code);
    }
    if (!found.status && m_tracker) {
        found.pending = true;
        found.asked_services = true;
        m_status_asked_at = m_clock.monotonic();
        m_tracker->ask(*code, ++m_status_queries);
    } else if (!status) {
        found.error = N_("La borne n'a pas pu chercher votre demande. Réessayez, ou demandez à l'accueil.");
    }
    m_follow_up = std::move(found);
    m_screen = Screen::Status;
}

void Session::handle(intent::StatusAnswered const& answer)
{
    // An answer to an earlier look-up (the resident typed another code, or
    // left) changes nothing.
    if (answer.query != m_status_queries || !m_follow_up || !m_follow_up->pending)
        return;
    m_follow_up->pending = false;
    if (answer.reached)
        m_follow_up->status = answer.status;
    else
        m_follow_up->error = std::string(status_unavailable_message);
    ++m_revision;
}

void Session::finish_step()
{
    if (m_runner->demarche().kind == DemarcheKind::FollowUp) {
        if (!m_runner->show_first_invalid())
            look_up();
        return;
    }
    if (m_runner->show_first_invalid()) {
        // The error of a step not yet visited would be shown before the
        // resident had a chance: only the step is shown, fresh.
        if (m_runner->answer(m_runner->step().key).empty())
            m_runner->go_to(m_runner->step().key);
        m_steps_before_edit.push_back(m_runner->step().key);
        m_screen = Screen::Step;
        return;
    }
    // An edit can also bring in a panel to read or an optional question
    // ("vous viendrez chercher l'acte: laissez un numéro"): each is shown
    // once before the review comes back.
    if (m_returning_to_review && m_runner->go_to_first_new(m_steps_before_edit)) {
        m_steps_before_edit.push_back(m_runner->step().key);
        m_screen = Screen::Step;
        return;
    }
    m_returning_to_review = false;
    m_steps_before_edit.clear();
    m_runner->lock_card_answers();
    m_screen = Screen::Review;
}

void Session::handle(intent::Back const&)
{
    if (m_help_open || m_display_open) {
        m_help_open = false;
        m_display_open = false;
        ++m_revision;
        return;
    }
    switch (m_screen) {
    case Screen::Card:
        card_back();
        break;
    case Screen::Step:
        if (m_returning_to_review && !m_runner->first_invalid_step()) {
            // Leave the correction as it is and show the review again.
            m_returning_to_review = false;
            m_runner->lock_card_answers();
            m_screen = Screen::Review;
        } else if (!m_runner->back() && !m_returning_to_review) {
            // Back from the first question: the start screen again. The
            // answers so far go: the resident changed their mind. Not
            // during a correction from the review: those answers stay.
            m_runner.reset();
            m_returning_to_review = false;
            m_card_declined.clear();
            m_screen = Screen::Intro;
        } else {
            offer_card();
        }
        break;
    case Screen::Review:
        m_runner->go_to(m_runner->steps().back().key);
        m_screen = Screen::Step;
        break;
    case Screen::Status:
        // "Chercher un autre code": the code typed, ready to correct.
        guichet::wipe(m_follow_up->code);
        m_follow_up.reset();
        m_runner->go_to(m_runner->steps().back().key);
        m_screen = Screen::Step;
        break;
    case Screen::Intro:
        if (m_runner) {
            // Paused by "Je suis perdu": back is where the resident was.
            handle(intent::Begin {});
            return;
        }
        m_intro = nullptr;
        m_screen = m_intro_origin;
        break;
    case Screen::Theme:
    case Screen::Situations:
        m_screen = Screen::Home;
        break;
    case Screen::Suggestions:
        m_screen = Screen::Situations;
        break;
    case Screen::Home:
        m_screen = Screen::Attract;
        break;
    case Screen::Attract:
    case Screen::Receipt:
    case Screen::Setup: // handle_setup
    case Screen::Feedback:
        return;
    }
    ++m_revision;
}

void Session::handle(intent::EditStep const& edit)
{
    if (m_screen != Screen::Review || !m_runner)
        return;
    // What the card gave is locked, except to an agent acting for the
    // resident: it becomes a question again.
    if (agent_acting() && m_runner->correct_card_answer(edit.key))
        log(LogLevel::Info, "agent", "an answer read from the card is corrected by " + m_agent->agent.id);
    if (!m_runner->go_to(edit.key))
        return;
    m_returning_to_review = true;
    m_steps_before_edit = m_runner->step_keys();
    m_save_error.reset();
    m_screen = Screen::Step;
    ++m_revision;
}

void Session::handle(intent::RemoveItem const& remove)
{
    if (m_screen != Screen::Review || !m_runner)
        return;
    if (m_runner->remove_item(remove.group_id, remove.item))
        ++m_revision;
}

void Session::handle(intent::Confirm const&)
{
    if (m_screen != Screen::Review || !m_runner)
        return;
    ++m_revision;
    // Started with an agent because the card reader is missing, and the
    // agent is gone: the démarche needs the reader or an agent to confirm.
    auto const& needs = m_runner->demarche().devices;
    if (needs.card_reader == DeviceNeed::Required && !m_devices.card_reader && !agent_acting()) {
        m_save_error = std::string(N_("Cette démarche demande le lecteur de carte, qui ne marche pas. Un agent de "
                                      "l'accueil peut la finir avec vous : touchez « Aide »."));
        m_save_error_code = "session.card_reader_missing";
        return;
    }
    if (m_runner->show_first_invalid()) {
        // A question the review does not list (a group's "one more?" back
        // after an item was taken away), or a mediator's action: show the
        // step to fix, then the review again.
        m_steps_before_edit = m_runner->step_keys();
        m_returning_to_review = true;
        m_screen = Screen::Step;
        return;
    }

    auto const& demarche = m_runner->demarche();
    Dossier dossier {
        demarche.id,
        demarche.version,
        m_clock.unix_seconds(),
        m_language,
        m_runner->answers_json(),
        m_runner->chosen_slots(),
        m_assistance.records(),
        std::nullopt,
    };
    // Finished by an agent for the resident, who accepted: the mandate.
    if (agent_acting() && m_agent->consent_demarche == demarche.id)
        dossier.mandate = Mandate { m_agent->agent, demarche.id, m_agent->started_at, m_agent->consent_sha256,
            *m_agent->consent_at };
    auto saved = m_store.save(dossier);
    dossier.wipe();
    if (!saved) {
        // Codes and details name files and SQLite errors, never answers.
        log(LogLevel::Error, "store", "dossier not saved: " + saved.error().code + ": " + saved.error().detail);
        m_save_error_code = saved.error().code;
        // A slot taken meanwhile is no longer offered when the resident
        // chooses another.
        if (auto booked = m_store.booked_slots())
            m_runner->set_booked_slots(booked.release_value());
        m_save_error = resident_message_for_store_error(saved.error().code);
        return;
    }

    // The dossier is durable: from here on the resident's answers are no
    // longer needed on screen, only the code.
    m_save_error.reset();
    m_save_error_code.reset();
    // What the resident must remember (an appointment) comes first.
    std::string next_steps;
    for (auto const& line : m_runner->receipt_lines())
        next_steps += line + "\n";
    next_steps += demarche.receipt.next_steps.fr();
    m_receipt = make_receipt(m_config.receipt, demarche.title.fr(), demarche.receipt.title.fr(), std::move(next_steps),
        saved.release_value(), dossier.confirmed_at);
    ++m_usage[demarche.id];
    m_completed_demarche = demarche.id;
    m_runner.reset();
    m_screen = Screen::Receipt;
    m_print_status = PrintStatus::Printing;
    m_print_outcome.reset();
    m_print_started = m_clock.monotonic();
    ++m_print_job;
    // The démarche's end is counted before its receipt's.
    watch_usage();
    if (!m_printer_state.can_print()) {
        // Said at once; the job is still handed over, to print when the
        // printer is back (and be kept for a reprint at the desk), unless
        // there is no printer at all.
        m_print_status = PrintStatus::Failed;
        m_print_outcome = outcome_of(m_printer_state.main_problem());
        note_print(m_print_job, *m_print_outcome);
        if (m_printer_state.main_problem() == PrinterProblem::NotConfigured)
            return;
    }
    m_printer.submit(*m_receipt, m_print_job);
}

void Session::handle(intent::EndSession const&)
{
    if (m_screen == Screen::Attract)
        return;
    if (m_screen == Screen::Receipt && m_receipt) {
        // The receipt is left: nothing personal stays for the question.
        wipe_personal();
        m_feedback = Feedback { m_completed_demarche, std::nullopt, std::nullopt };
        m_screen = Screen::Feedback;
        ++m_revision;
        return;
    }
    end_session();
}

void Session::handle(intent::Rate const& rate)
{
    if (m_screen != Screen::Feedback || !m_feedback || m_feedback->rating)
        return;
    // One face per démarche: the reasons replace the faces.
    m_feedback->rating = rate.rating;
    auto event = usage_event(UsageKind::Satisfaction, std::string(to_string(rate.rating)));
    event.demarche = m_feedback->demarche_id;
    record(event);
    ++m_revision;
}

void Session::handle(intent::RateReason const& reason)
{
    if (m_screen != Screen::Feedback || !m_feedback || !m_feedback->rating || m_feedback->reason_id)
        return;
    auto reasons = rating_reasons(*m_feedback->rating);
    if (std::ranges::find(reasons, std::string_view(reason.reason_id), &RatingReason::id) == reasons.end())
        return;
    m_feedback->reason_id = reason.reason_id;
    auto event = usage_event(UsageKind::SatisfactionReason, reason.reason_id);
    event.demarche = m_feedback->demarche_id;
    record(event);
    // Answered: the visit is over.
    end_session();
}

void Session::handle(intent::OpenHelp const&)
{
    if (m_screen == Screen::Attract || m_help_open)
        return;
    m_display_open = false;
    m_help_open = true;
    ++m_revision;
}

void Session::handle(intent::CloseHelp const&)
{
    if (!m_help_open)
        return;
    m_help_open = false;
    ++m_revision;
}

// [SECTION] Remote help

HelpRequest Session::help_request() const
{
    HelpRequest request;
    if (m_runner) {
        request.demarche_id = m_runner->demarche().id;
        request.step = m_screen == Screen::Review ? "review" : m_runner->step().key;
    } else {
        if (m_intro)
            request.demarche_id = m_intro->id;
        request.step = std::string(to_string(m_screen));
    }
    return request;
}

void Session::handle(intent::AskRemoteHelp const&)
{
    if (m_screen == Screen::Attract || !m_assistance.remote_available() || m_assistance.live())
        return;
    if (m_assistance.ask(help_request())) {
        m_help_open = false;
        ++m_revision;
    }
}

void Session::handle(intent::AskDeskHelp const&)
{
    if (m_screen == Screen::Attract || m_desk_ticket)
        return;
    ++m_revision;
    m_desk_ticket.emplace();
    auto today = m_clock.today();
    auto drawn = m_store.draw_desk_number(today.year * 10000 + today.month * 100 + today.day);
    if (!drawn) {
        // The resident still goes to the desk, without a number.
        log(LogLevel::Error, "store", "no desk number: " + drawn.error().code + ": " + drawn.error().detail);
        m_desk_ticket->print = PrintStatus::Failed;
        return;
    }
    char number[16];
    std::snprintf(number, sizeof number, " %03d", drawn.value());
    m_desk_ticket->number = m_config.desk_prefix + number;
    // Ids of their own (high bit set): the receipt's job must stay the last
    // of its counter, or its answer would be taken for an older one.
    m_desk_job = (PrintJobId(1) << 62) | ++m_desk_jobs;
    m_desk_print_started = m_clock.monotonic();
    if (!m_printer_state.can_print()) {
        m_desk_ticket->print = PrintStatus::Failed;
        m_desk_ticket->outcome = outcome_of(m_printer_state.main_problem());
        note_print(m_desk_job, *m_desk_ticket->outcome);
        if (m_printer_state.main_problem() == PrinterProblem::NotConfigured)
            return;
    }
    m_printer.submit(make_desk_ticket(m_config.receipt, m_desk_ticket->number, m_clock.unix_seconds()), m_desk_job);
}

// [SECTION] Agent mode

bool Session::agent_locked() const
{
    return m_agent_locked_until && m_clock.monotonic() < *m_agent_locked_until;
}

std::string Session::locked_sentence() const
{
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(m_config.agent_lockout).count();
    if (m_agent_gate && m_agent_gate->technician)
        return "Trop de codes faux : l'accès technicien est bloqué pendant " + std::to_string(minutes) // verbatim
            + " minutes.";
    return fill(minutes > 1 ? N_("Trop de codes faux : le mode agent est bloqué pendant {n} minutes.")
                            : N_("Trop de codes faux : le mode agent est bloqué pendant {n} minute."),
        { { "n", std::to_string(minutes) } });
}

void Session::lock_agent_mode()
{
    m_wrong_pins = 0;
    m_agent_locked_until = m_clock.monotonic() + m_config.agent_lockout;
    m_agent_locked_until_unix
        = m_clock.unix_seconds() + std::chrono::duration_cast<std::chrono::seconds>(m_config.agent_lockout).count();
    keep_agent_lock();
    log(LogLevel::Warning, "agent", "too many wrong PINs: agent mode locked");
}

void Session::keep_agent_lock()
{
    if (auto kept = m_store.set_agent_lock({ m_wrong_pins, m_agent_locked_until_unix }); !kept)
        log(LogLevel::Error, "store", "the agent PIN lock is not kept: " + kept.error().code);
}

void Session::handle(intent::OpenAgentGate const&)
{
    if (m_screen == Screen::Attract || !agents_known() || m_agent)
        return;
    m_help_open = false;
    m_agent_gate.emplace();
    if (agent_locked())
        m_agent_gate->error = locked_sentence();
    ++m_revision;
}

void Session::handle(intent::CloseAgentGate const&)
{
    // Not while a PIN is checked: its answer must be heard (and a wrong
    // one counted) before the pad may go.
    if (!m_agent_gate || m_agent_gate->checking)
        return;
    guichet::wipe(m_agent_gate->pin);
    m_agent_gate.reset();
    ++m_revision;
}

void Session::handle(intent::BadgeRead const& read)
{
    if (read.id != m_badge_read || read.badge.empty() || !m_agents || m_agent)
        return;
    auto holder = m_agents->badge_holder(read.badge);
    if (!holder || (m_agent_gate && (m_agent_gate->checking || m_agent_gate->technician)))
        return;
    if (m_agent_gate)
        guichet::wipe(m_agent_gate->pin);
    // The agent is named on the pad; a badge alone opens nothing.
    if (m_screen == Screen::Attract)
        m_screen = Screen::Home;
    m_help_open = false;
    m_agent_gate.emplace();
    m_agent_gate->holder = std::move(holder);
    if (agent_locked())
        m_agent_gate->error = locked_sentence();
    ++m_revision;
}

void Session::handle(intent::AgentPinKey const& key)
{
    if (!m_agent_gate || m_agent_gate->checking || key.digit < '0' || key.digit > '9' || m_agent_gate->pin.size() >= 8)
        return;
    m_agent_gate->pin.push_back(key.digit);
    m_agent_gate->error.reset();
    ++m_revision;
}

void Session::handle(intent::AgentPinErase const&)
{
    if (!m_agent_gate || m_agent_gate->checking || m_agent_gate->pin.empty())
        return;
    m_agent_gate->pin.pop_back();
    ++m_revision;
}

void Session::handle(intent::AgentPinSubmit const&)
{
    if (!m_agent_gate || m_agent_gate->checking || m_agent_gate->pin.size() < 4 || !m_agents)
        return;
    if (m_agent_gate->technician && m_agents->technicians() == 0)
        return;
    ++m_revision;
    // A try counts when it is made, not when its answer comes: an answer
    // that is never heard (the visit ended meanwhile) still counted.
    if (!agent_locked() && m_wrong_pins >= m_config.agent_tries)
        lock_agent_mode();
    if (agent_locked()) {
        guichet::wipe(m_agent_gate->pin);
        m_agent_gate->pin.clear();
        m_agent_gate->error = locked_sentence();
        return;
    }
    ++m_wrong_pins;
    keep_agent_lock();
    m_agent_gate->checking = true;
    m_agent_gate->error.reset();
    std::string pin = m_agent_gate->pin;
    guichet::wipe(m_agent_gate->pin);
    m_agent_gate->pin.clear();
    if (m_agent_gate->technician)
        m_agents->check_technician(std::move(pin), ++m_agent_checks);
    else
        m_agents->check(
            m_agent_gate->holder ? m_agent_gate->holder->id : std::string(), std::move(pin), ++m_agent_checks);
    guichet::wipe(pin); // moved from, a short string keeps its bytes
}

void Session::handle(intent::AgentChecked const& checked)
{
    if (!m_agent_gate || !m_agent_gate->checking || checked.id != m_agent_checks)
        return;
    ++m_revision;
    m_agent_gate->checking = false;
    if (!checked.agent) {
        if (m_wrong_pins >= m_config.agent_tries) {
            lock_agent_mode();
            m_agent_gate->error = locked_sentence();
            return;
        }
        int left = m_config.agent_tries - m_wrong_pins;
        m_agent_gate->error = fill(left > 1 ? N_("Code faux. Encore {n} essais.") : N_("Code faux. Encore {n} essai."),
            { { "n", std::to_string(left) } });
        return;
    }
    m_wrong_pins = 0;
    keep_agent_lock();
    bool technician = m_agent_gate->technician;
    m_agent_gate.reset();
    if (technician) {
        open_maintenance(*checked.agent);
        return;
    }
    m_agent = AgentMode { *checked.agent, m_clock.unix_seconds(), checked.consent_sha256, std::nullopt, {} };
    m_agent_activity = m_clock.monotonic();
    // The agent's id, not the resident's: who acted is what the log is for.
    log(LogLevel::Info, "agent", "agent mode opened by " + checked.agent->id);
}

bool Session::agent_consent_pending() const
{
    // On the receipt the démarche is done: there is nothing left to do for
    // the resident but reprint their receipt.
    return m_agent && m_runner && m_screen != Screen::Receipt
        && (!m_agent->consent_at || m_agent->consent_demarche != m_runner->demarche().id);
}

bool Session::agent_acting() const
{
    return m_agent && m_runner && !agent_consent_pending();
}

void Session::handle(intent::AgentConsent const& consent)
{
    if (!agent_consent_pending())
        return;
    ++m_revision;
    if (!consent.accepted) {
        leave_agent_mode();
        // The card screen the agent would have skipped.
        offer_card();
        return;
    }
    m_agent->consent_at = m_clock.unix_seconds();
    m_agent->consent_demarche = m_runner->demarche().id;
}

void Session::handle(intent::OpenReprints const&)
{
    // The list is the agent's: not while the resident is asked about them.
    if (!m_agent || agent_consent_pending() || m_reprints)
        return;
    m_reprints.emplace();
    auto kept = m_printer.kept();
    // Desk tickets are of no use later: only receipts are listed.
    m_reprints->kept.assign(kept.rbegin(), kept.rend());
    m_help_open = false;
    ++m_revision;
}

void Session::handle(intent::CloseReprints const&)
{
    if (!m_reprints)
        return;
    m_reprints.reset();
    ++m_revision;
}

void Session::handle(intent::Reprint const& reprint)
{
    // From the list, or "Réimprimer" on this resident's own receipt.
    bool own = m_screen == Screen::Receipt && reprint.job == m_print_job && m_print_status == PrintStatus::Failed;
    if (!m_agent || agent_consent_pending() || (!m_reprints && !own) || !m_printer_state.can_print())
        return;
    if (m_reprints && m_reprints->sent.contains(reprint.job) && m_reprints->sent[reprint.job] == PrintStatus::Printing)
        return;
    ++m_revision;
    if (!m_printer.reprint(reprint.job)) {
        // Gone meanwhile (it printed, or was dropped for newer ones).
        if (m_reprints)
            m_reprints->sent[reprint.job] = PrintStatus::Failed;
        return;
    }
    if (m_reprints)
        m_reprints->sent[reprint.job] = PrintStatus::Printing;
    if (own) {
        m_print_status = PrintStatus::Printing;
        m_print_outcome.reset();
        m_print_started = m_clock.monotonic();
    }
    // The agent's id and the job, never the code: who reprinted is what an
    // audit needs.
    log(LogLevel::Info, "agent", "receipt job " + std::to_string(reprint.job) + " reprinted by " + m_agent->agent.id);
}

void Session::handle(intent::LeaveAgentMode const&)
{
    if (!m_agent)
        return;
    leave_agent_mode();
    ++m_revision;
}

void Session::leave_agent_mode()
{
    if (m_agent)
        log(LogLevel::Info, "agent", "agent mode left by " + m_agent->agent.id);
    m_agent.reset();
    m_reprints.reset();
    // A correction the agent had opened is theirs only.
    if (m_runner)
        m_runner->lock_card_answers();
}

void Session::handle(intent::StopRemoteHelp const&)
{
    if (m_assistance.state() == Assistance::State::Idle)
        return;
    m_assistance.stop();
    ++m_revision;
}

void Session::handle(intent::HelpNewsArrived const& arrived)
{
    if (m_assistance.hear(arrived.news, m_clock.unix_seconds()))
        ++m_revision;
}

void Session::handle(intent::GrantControl const& grant)
{
    if (m_assistance.control() != Assistance::Control::Asked)
        return;
    m_assistance.grant_control(grant.show_personal);
    ++m_revision;
}

void Session::handle(intent::RefuseControl const&)
{
    if (m_assistance.control() != Assistance::Control::Asked)
        return;
    m_assistance.refuse_control();
    ++m_revision;
}

void Session::handle(intent::TakeBackControl const&)
{
    if (m_assistance.control() != Assistance::Control::Granted)
        return;
    m_assistance.take_back_control();
    ++m_revision;
}

void Session::handle(intent::HelpLineChanged const&)
{
    if (m_help_open)
        ++m_revision;
}

void Session::handle(intent::DismissHelpNote const&)
{
    m_assistance.dismiss();
    ++m_revision;
}

void Session::handle(intent::Tick const&)
{
    auto now = m_clock.monotonic();
    // A job the screens no longer wait for (the resident left): counted as
    // failed for the usage figures when its printer stays silent.
    bool receipt_shown = m_screen == Screen::Receipt && m_print_status == PrintStatus::Printing;
    if (m_print_job != 0 && m_print_noted != m_print_job && !receipt_shown
        && now - m_print_started >= m_config.print_timeout)
        note_print(m_print_job, PrintOutcome::Failed);
    bool ticket_shown = m_desk_ticket && m_desk_ticket->print == PrintStatus::Printing;
    if (m_desk_job != 0 && m_desk_print_noted != m_desk_job && !ticket_shown
        && now - m_desk_print_started >= m_config.print_timeout)
        note_print(m_desk_job, PrintOutcome::Failed);
    if (m_screen == Screen::Attract && m_agent_gate && m_agent_gate->technician && !m_agent_gate->checking
        && now - m_agent_activity >= m_config.agent_idle) {
        guichet::wipe(m_agent_gate->pin);
        m_agent_gate.reset();
        ++m_revision;
    }
    if (m_screen == Screen::Attract || m_screen == Screen::Setup)
        return;
    if (m_screen == Screen::Status && m_follow_up && m_follow_up->pending
        && now - m_status_asked_at >= m_config.status_timeout) {
        // A late answer will be ignored: the query is forgotten.
        ++m_status_queries;
        m_follow_up->pending = false;
        m_follow_up->error = std::string(status_unavailable_message);
        ++m_revision;
    }
    if (m_screen == Screen::Receipt && m_print_status == PrintStatus::Printing
        && now - m_print_started >= m_config.print_timeout) {
        log(LogLevel::Warning, "print", "no answer from the printer in time; the resident is told to ask the desk");
        m_print_status = PrintStatus::Failed;
        m_print_outcome = PrintOutcome::Failed;
        note_print(m_print_job, PrintOutcome::Failed);
        ++m_revision;
    }
    if (m_agent && now - m_agent_activity >= m_config.agent_idle) {
        leave_agent_mode();
        ++m_revision;
    }
    if (m_desk_ticket && m_desk_ticket->print == PrintStatus::Printing
        && now - m_desk_print_started >= m_config.print_timeout) {
        log(LogLevel::Warning, "print", "no answer from the printer in time for a desk ticket");
        m_desk_ticket->print = PrintStatus::Failed;
        m_desk_ticket->outcome = PrintOutcome::Failed;
        note_print(m_desk_job, PrintOutcome::Failed);
        ++m_revision;
    }
    if (m_screen == Screen::Card && m_card && m_card->stage == CardStage::Reading
        && now - m_card->read_started >= m_config.card_timeout) {
        // A reader that never answers: a late answer will be ignored.
        ++m_card_reads;
        card_fail(CardFailure::Unreadable);
        ++m_revision;
    }
    if (m_idle_warning_since) {
        if (now - *m_idle_warning_since >= m_config.idle_end_after) {
            end_session();
            return;
        }
        // Redraw only when the countdown shows another number: a tick that
        // changes nothing must not cost a frame.
        int left = idle_seconds_left();
        if (left != m_shown_seconds_left) {
            m_shown_seconds_left = left;
            ++m_revision;
        }
        return;
    }
    if (now - m_last_activity < idle_warning_after())
        return;
    if (browsing() || m_screen == Screen::Feedback) {
        // Nothing personal while looking for a démarche, or once the
        // receipt is left: no need to ask, but a help or a desk ticket ends
        // with the visit all the same.
        end_session();
        return;
    }
    m_idle_warning_since = now;
    m_shown_seconds_left = idle_seconds_left();
    ++m_revision;
}

void Session::handle(intent::PrintFinished const& finished)
{
    note_print(finished.job, finished.outcome);
    if (m_reprints && m_reprints->sent.contains(finished.job)) {
        m_reprints->sent[finished.job]
            = finished.outcome == PrintOutcome::Printed ? PrintStatus::Printed : PrintStatus::Failed;
        ++m_revision;
    }
    if (m_desk_ticket && finished.job == m_desk_job) {
        m_desk_ticket->outcome = finished.outcome;
        m_desk_ticket->print = finished.outcome == PrintOutcome::Printed ? PrintStatus::Printed : PrintStatus::Failed;
        ++m_revision;
        return;
    }
    // A late answer about an earlier resident's receipt changes nothing on
    // this one's screen.
    if (m_screen != Screen::Receipt || finished.job != m_print_job)
        return;
    m_print_outcome = finished.outcome;
    m_print_status = finished.outcome == PrintOutcome::Printed ? PrintStatus::Printed : PrintStatus::Failed;
    ++m_revision;
}

void Session::end_session()
{
    wipe_personal();
    m_feedback.reset();
    m_language = "fr";
    m_volume = default_volume;
    m_listen.answers = false;
    m_display_open = false;
    m_large_text = false;
    m_high_contrast = false;
    m_screen = Screen::Attract;
    ++m_sessions_ended;
    ++m_revision;
    take_arrivals();
}

void Session::wipe_personal()
{
    // The runner's destructor overwrites every answer.
    m_runner.reset();
    if (m_card)
        m_card->wipe();
    m_card.reset();
    m_card_declined.clear();
    if (m_receipt)
        m_receipt->wipe();
    m_receipt.reset();
    if (m_follow_up)
        guichet::wipe(m_follow_up->code);
    m_follow_up.reset();
    m_save_error.reset();
    m_save_error_code.reset();
    m_print_outcome.reset();
    m_idle_warning_since.reset();
    m_help_open = false;
    m_desk_ticket.reset();
    // Agent mode ends with the visit; the count of wrong PINs and a lock
    // do not.
    leave_agent_mode();
    if (m_agent_gate)
        guichet::wipe(m_agent_gate->pin);
    m_agent_gate.reset();
    // The help ends with the session: the mediator sees it end, and
    // nothing of it stays here.
    m_assistance.forget();
    m_returning_to_review = false;
    m_theme = nullptr;
    m_situation = nullptr;
    m_intro = nullptr;
}

// [SECTION] Usage figures

UsageEvent Session::usage_event(UsageKind kind, std::string detail) const
{
    UsageEvent event;
    event.visit = m_seen.visit;
    event.at = m_clock.unix_seconds();
    event.kind = kind;
    event.demarche = m_seen.demarche;
    if (!m_seen.demarche.empty()) {
        event.step = m_seen.step;
        event.position = m_seen.position;
        event.elapsed_s
            = std::chrono::duration_cast<std::chrono::seconds>(m_clock.monotonic() - m_seen.started).count();
    }
    event.detail = std::move(detail);
    event.language = m_seen.language;
    event.display = m_seen.display;
    return event;
}

void Session::record(UsageEvent const& event)
{
    if (m_usage_stopped)
        return;
    if (m_usage_log)
        m_usage_log->record(event);
}

void Session::note_print(PrintJobId job, PrintOutcome outcome)
{
    if (job == m_print_job && job != 0 && m_print_noted != job) {
        m_print_noted = job;
        auto event = usage_event(UsageKind::ReceiptPrint, std::string(to_string(outcome)));
        // The démarche is over by then: the receipt's own.
        event.demarche = m_completed_demarche;
        event.step.clear();
        event.position = 0;
        event.elapsed_s = -1;
        record(event);
    } else if (job == m_desk_job && job != 0 && m_desk_print_noted != job) {
        m_desk_print_noted = job;
        record(usage_event(UsageKind::TicketPrint, std::string(to_string(outcome))));
    }
}

void Session::stop()
{
    if (!m_seen.demarche.empty() && !m_seen.completed)
        record(usage_event(UsageKind::Abandoned, "stopped"));
    // Whatever the kiosk does while it closes is not a resident's visit.
    m_usage_stopped = true;
}

// Compares what the session shows now with what it showed after the last
// intent, and records the difference. Watching the state rather than each
// handler keeps every path counted: a démarche can end in a dozen ways.
void Session::watch_usage()
{
    auto& seen = m_seen;
    bool visiting = m_screen != Screen::Attract;
    if (visiting && !seen.visiting)
        ++seen.visit;
    // Events that the end of the visit caused keep the language and display
    // the resident had; end_session has reset them by now.
    if (visiting) {
        seen.language = m_language;
        seen.display = std::string(display_mode(m_large_text, m_high_contrast));
    }

    // [SECTION] The démarche
    std::string const* demarche = m_runner ? &m_runner->demarche().id : nullptr;
    if (!seen.demarche.empty() && (!demarche || *demarche != seen.demarche)) {
        if (m_screen == Screen::Receipt && m_completed_demarche == seen.demarche) {
            record(usage_event(UsageKind::Completed));
        } else if (!seen.completed) {
            std::string why = "gave_up";
            if (!visiting && seen.idle_warning)
                why = "idle";
            else if (m_screen == Screen::Intro)
                why = "back";
            record(usage_event(UsageKind::Abandoned, why));
        }
        seen.demarche.clear();
        seen.steps.clear();
        seen.step.clear();
        seen.position = 0;
        seen.review = false;
        seen.completed = false;
    }
    if (demarche && seen.demarche.empty()) {
        seen.demarche = *demarche;
        seen.started = m_clock.monotonic();
        record(usage_event(UsageKind::Started));
    }
    if (m_runner) {
        if ((m_screen == Screen::Step || m_screen == Screen::Card) && !m_runner->steps().empty()) {
            seen.step = m_runner->step().key;
            seen.position = static_cast<int>(m_runner->step_index()) + 1;
            if (seen.steps.insert(seen.step).second)
                record(usage_event(UsageKind::Step));
        } else if (m_screen == Screen::Review) {
            seen.step = "review";
            seen.position = static_cast<int>(m_runner->steps().size()) + 1;
            if (!std::exchange(seen.review, true))
                record(usage_event(UsageKind::Review));
        } else if (m_screen == Screen::Status && !seen.completed) {
            // "Suivre ma demande" answered: its end, without a dossier.
            seen.completed = true;
            record(usage_event(UsageKind::Completed));
        }
    }

    // [SECTION] The card
    if (m_card && (m_card->stage == CardStage::Done || m_card->stage == CardStage::Failed)
        && (m_card->read != seen.card_read || seen.card_end != m_card->stage)) {
        seen.card_read = m_card->read;
        seen.card_end = m_card->stage;
        record(usage_event(UsageKind::CardRead,
            m_card->stage == CardStage::Done ? std::string("ok") : std::string(to_string(m_card->failure))));
    }

    // [SECTION] Help
    bool live = m_assistance.live();
    if (live && !seen.help_live) {
        seen.helped = false;
        record(usage_event(UsageKind::HelpAsked, "remote"));
    }
    if (live && m_assistance.state() == Assistance::State::Connected)
        seen.helped = true;
    if (!live && seen.help_live) {
        std::string how = "unanswered";
        if (seen.helped)
            how = "helped";
        else if (!visiting)
            how = "session_ended";
        else if (m_assistance.unavailable())
            how = "unavailable";
        else if (m_assistance.state() == Assistance::State::Idle)
            how = "cancelled";
        record(usage_event(UsageKind::HelpEnded, how));
    }
    seen.help_live = live;
    if (m_desk_ticket && !seen.desk)
        record(usage_event(UsageKind::HelpAsked, "desk"));
    seen.desk = m_desk_ticket.has_value();
    if (m_agent && !seen.agent)
        record(usage_event(UsageKind::HelpAsked, "agent"));
    seen.agent = m_agent.has_value();

    seen.idle_warning = m_idle_warning_since.has_value();
    seen.visiting = visiting;
}

void Session::handle(intent::CatalogueArrived const& arrived)
{
    if (!arrived.catalogue)
        return;
    m_pending_catalogue = arrived.catalogue;
    if (m_screen == Screen::Attract)
        take_arrivals();
}

void Session::handle(intent::SlotsArrived const& arrived)
{
    if (!arrived.slots)
        return;
    m_pending_slots = arrived.slots;
    if (m_screen == Screen::Attract)
        take_arrivals();
}

void Session::take_arrivals()
{
    // Only on the attract screen: no runner, theme or start screen points
    // into the catalogue being replaced.
    if (m_screen != Screen::Attract || m_runner)
        return;
    if (m_pending_catalogue) {
        m_owned_catalogue = std::move(m_pending_catalogue);
        m_catalogue = m_owned_catalogue.get();
        log(LogLevel::Info, "catalogue",
            "now serving " + std::to_string(m_catalogue->demarches.size()) + " démarche(s) from the hub");
        ++m_revision;
    }
    if (m_pending_slots) {
        m_owned_slots = std::move(m_pending_slots);
        m_config.slots = m_owned_slots.get();
        ++m_revision;
    }
}

}

namespace guichet {

// [SECTION] The ID card

namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// Keeps what a field takes: capitals and digits for a document number,
// digits for a date, MRZ characters and line breaks for an MRZ.
void append_filtered(std::string& into, std::string_view text, CardStage stage)
{
    for (char c : text) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        switch (stage) {
        case CardStage::DocumentNumber:
            if ((is_digit(c) || (c >= 'A' && c <= 'Z')) && into.size() < 14)
                into += c;
            break;
        case CardStage::BirthDate:
        case CardStage::ExpiryDate:
            if (is_digit(c) && into.size() < 8)
                into += c;
            break;
        case CardStage::Scan:
        case CardStage::AgentMrz:
            if (c == '\r')
                c = '\n';
            // No empty line: a scanner's Enter after a refused pass, or
            // CR LF, must not count as a line.
            if (c == '\n' && (into.empty() || into.back() == '\n'))
                break;
            if ((is_digit(c) || (c >= 'A' && c <= 'Z') || c == '<' || c == '\n') && into.size() < 100)
                into += c;
            break;
        default:
            break;
        }
    }
}

}

bool Session::can_use_card() const
{
    return m_screen == Screen::Step && m_runner && m_card_reader && m_devices.card_reader && m_runner->card_field()
        && !m_runner->filled_from_card(*m_runner->card_field());
}

void Session::offer_card()
{
    // An agent skips the card step: they type from the card in their hand,
    // or touch "Utiliser ma carte" if they would rather read it.
    if (m_screen != Screen::Step || !m_runner || !m_card_reader || !m_devices.card_reader || m_agent)
        return;
    if (!m_runner->offers_card())
        return;
    auto key = *m_runner->card_field();
    if (m_card_declined.contains(key))
        return;
    m_card.emplace();
    m_card->field_key = key;
    m_card->stage = CardStage::Consent;
    m_screen = Screen::Card;
}

void Session::handle(intent::UseCard const&)
{
    if (!can_use_card())
        return;
    auto key = *m_runner->card_field();
    m_card_declined.erase(key);
    // The step's first question: the card fills it and the next two.
    m_runner->go_to(key + ".surname");
    m_card.emplace();
    m_card->field_key = key;
    m_screen = Screen::Card;
    // Touching "Utiliser ma carte" is the resident's yes.
    card_start_access();
    ++m_revision;
}

void Session::card_start_access()
{
    m_card->error.reset();
    m_card->stage = m_config.mrz_scanner ? CardStage::Scan : CardStage::DocumentNumber;
    m_card->entered_by = m_card->stage;
}

void Session::card_leave()
{
    if (m_card) {
        m_card_declined.insert(m_card->field_key);
        m_card->wipe();
    }
    m_card.reset();
    m_screen = Screen::Step;
}

void Session::card_choose(std::string_view choice)
{
    auto& card = *m_card;
    if (choice == "main") {
        // Typing it by hand is always a way forward.
        card_leave();
        return;
    }
    switch (card.stage) {
    case CardStage::Consent:
        if (choice == "oui")
            card_start_access();
        else if (choice == "non")
            card_leave();
        return;
    case CardStage::Scan:
        if (choice == "saisir") {
            guichet::wipe(card.mrz);
            card.error.reset();
            card.stage = card.entered_by = CardStage::DocumentNumber;
        }
        return;
    case CardStage::DocumentNumber:
    case CardStage::BirthDate:
    case CardStage::ExpiryDate:
        if (choice == "agent") {
            card.error.reset();
            card.stage = card.entered_by = CardStage::AgentMrz;
        }
        return;
    case CardStage::Done:
        if (choice == "autre_carte" && card.refusal) {
            card.wipe();
            card_start_access();
        }
        return;
    case CardStage::Failed:
        if (choice == "reessayer" || choice == "autre_carte") {
            card.stage = CardStage::Place;
            if (m_card_present && choice == "reessayer")
                card_start_read();
        } else if (choice == "corriger") {
            card.error.reset();
            card.stage = card.entered_by;
        }
        return;
    default:
        return;
    }
}

void Session::card_insert(std::string_view text)
{
    auto& card = *m_card;
    switch (card.stage) {
    case CardStage::DocumentNumber:
        append_filtered(card.number, text, card.stage);
        break;
    case CardStage::BirthDate:
        append_filtered(card.birth_digits, text, card.stage);
        break;
    case CardStage::ExpiryDate:
        append_filtered(card.expiry_digits, text, card.stage);
        break;
    case CardStage::AgentMrz:
        append_filtered(card.mrz, text, card.stage);
        break;
    case CardStage::Scan: {
        // A scanner types fast and ends with a line break: try as it comes.
        append_filtered(card.mrz, text, card.stage);
        auto parsed = mrz::parse(card.mrz, m_clock.today());
        if (parsed.ok()) {
            card.access = parsed.value().access;
            parsed.value().wipe();
            guichet::wipe(card.mrz);
            card.error.reset();
            card.stage = CardStage::Place;
            if (m_card_present)
                card_start_read();
            return;
        }
        std::size_t lines = static_cast<std::size_t>(std::count(card.mrz.begin(), card.mrz.end(), '\n'));
        std::size_t characters = card.mrz.size() - lines;
        if (lines >= 3 || (lines >= 2 && characters >= 72)) {
            guichet::wipe(card.mrz);
            card.error = N_("La lecture n'a pas marché. Reposez la carte sous le scanner, bien à plat.");
            log(LogLevel::Info, "card", "scanned MRZ refused: " + parsed.error().code);
        }
        return;
    }
    default:
        return;
    }
    card.error.reset();
}

void Session::card_erase()
{
    auto& card = *m_card;
    std::string* field = nullptr;
    switch (card.stage) {
    case CardStage::DocumentNumber:
        field = &card.number;
        break;
    case CardStage::BirthDate:
        field = &card.birth_digits;
        break;
    case CardStage::ExpiryDate:
        field = &card.expiry_digits;
        break;
    case CardStage::AgentMrz:
        field = &card.mrz;
        break;
    default:
        return;
    }
    if (!field->empty())
        field->pop_back();
    card.error.reset();
}

void Session::card_next()
{
    auto& card = *m_card;
    switch (card.stage) {
    case CardStage::Scan:
        // A scanner ends each line with Enter.
        card_insert("\n");
        return;
    case CardStage::DocumentNumber:
        if (card.number.size() < 6) {
            card.error = N_("Le numéro de la carte a au moins 6 lettres et chiffres. Regardez l'image.");
            return;
        }
        card.stage = CardStage::BirthDate;
        return;
    case CardStage::BirthDate: {
        auto birth = parse_date_digits(card.birth_digits);
        if (!birth) {
            card.error = birth.message();
            return;
        }
        if (auto future = check_date_not_future(*parse_iso_date(birth.value()), m_clock.today())) {
            card.error = *future;
            return;
        }
        card.stage = CardStage::ExpiryDate;
        return;
    }
    case CardStage::ExpiryDate: {
        auto expiry = parse_date_digits(card.expiry_digits);
        if (!expiry) {
            card.error = expiry.message();
            return;
        }
        auto birth = parse_iso_date(parse_date_digits(card.birth_digits).value());
        auto key = mrz::access_key(card.number, *birth, *parse_iso_date(expiry.value()));
        if (!key.ok()) {
            card.error = N_("Le numéro de la carte a des lettres et des chiffres seulement. Regardez l'image.");
            card.stage = CardStage::DocumentNumber;
            return;
        }
        card.access = key.release_value();
        card.stage = CardStage::Place;
        if (m_card_present)
            card_start_read();
        return;
    }
    case CardStage::AgentMrz: {
        auto parsed = mrz::parse(card.mrz, m_clock.today());
        // Enter at the end of a whole line (a physical keyboard) goes on
        // to the next line rather than complaining.
        auto last_line = card.mrz.substr(card.mrz.rfind('\n') == std::string::npos ? 0 : card.mrz.rfind('\n') + 1);
        bool line_done = last_line.size() == 30 || last_line.size() == 36 || last_line.size() == 44;
        if (!parsed.ok() && parsed.error().code == "mrz.length" && line_done
            && std::count(card.mrz.begin(), card.mrz.end(), '\n') < 2) {
            card.mrz += '\n';
            return;
        }
        if (!parsed.ok()) {
            card.error = parsed.error().code == "mrz.length"
                ? N_("La bande n'a pas le bon nombre de caractères : 2 lignes de 44, 3 lignes de 30 ou 2 lignes de 36.")
                : N_("Un caractère ne va pas : vérifiez la bande, caractère par caractère.");
            return;
        }
        card.access = parsed.value().access;
        parsed.value().wipe();
        card.error.reset();
        card.stage = CardStage::Place;
        if (m_card_present)
            card_start_read();
        return;
    }
    case CardStage::Done: {
        if (card.refusal || !card.data)
            return;
        auto data = card.data;
        auto key = card.field_key;
        card.wipe();
        m_card.reset();
        m_screen = Screen::Step;
        switch (m_runner->fill_from_card(key, *data)) {
        case Advance::Refused:
        case Advance::Moved:
            if (m_returning_to_review)
                finish_step();
            return;
        case Advance::Finished:
            finish_step();
            return;
        }
        return;
    }
    default:
        return;
    }
}

void Session::card_back()
{
    auto& card = *m_card;
    card.error.reset();
    switch (card.stage) {
    case CardStage::Consent:
        // As "Retour" on the question the card would have filled.
        m_card->wipe();
        m_card.reset();
        m_screen = Screen::Step;
        handle(intent::Back {});
        return;
    case CardStage::Scan:
    case CardStage::DocumentNumber:
        card.stage = CardStage::Consent;
        return;
    case CardStage::BirthDate:
        card.stage = CardStage::DocumentNumber;
        return;
    case CardStage::ExpiryDate:
        card.stage = CardStage::BirthDate;
        return;
    case CardStage::AgentMrz:
        card.stage = CardStage::DocumentNumber;
        return;
    case CardStage::Place:
        card.stage = card.entered_by == CardStage::DocumentNumber ? CardStage::ExpiryDate : card.entered_by;
        return;
    case CardStage::Reading:
        // The read ends by itself; its answer will be ignored.
        ++m_card_reads;
        card.stage = CardStage::Place;
        return;
    case CardStage::Done:
    case CardStage::Failed:
        card.data.reset();
        card.refusal.reset();
        card.stage = CardStage::Place;
        return;
    }
}

void Session::card_start_read()
{
    auto& card = *m_card;
    if (!m_card_reader || !card.access) {
        card_fail(CardFailure::NoReader);
        return;
    }
    card.read = ++m_card_reads;
    card.percent = 0;
    card.read_started = m_clock.monotonic();
    card.stage = CardStage::Reading;
    m_card_reader->read(*card.access, card.read);
}

void Session::card_fail(CardFailure failure)
{
    auto& card = *m_card;
    card.failure = failure;
    card.stage = CardStage::Failed;
    card.data.reset();
    log(LogLevel::Info, "card", "card read failed: " + std::string(to_string(failure)));
}

void Session::handle(intent::ReaderChanged const& changed)
{
    if (m_devices.card_reader == changed.present)
        return;
    m_devices.card_reader = changed.present;
    if (!changed.present) {
        m_card_present = false;
        // What was read stays read; anything else needs the reader.
        bool read = m_card && m_card->stage == CardStage::Done && !m_card->refusal;
        if (m_card && m_screen == Screen::Card && !read) {
            ++m_card_reads; // a read under way no longer counts
            card_fail(CardFailure::NoReader);
        }
    }
    ++m_revision;
}

void Session::handle(intent::CardPresence const& presence)
{
    m_card_present = presence.present;
    // Outside the card flow, a card laid may be an agent's badge.
    if (presence.present && m_card_reader && m_agents && !m_agent && !(m_card && m_screen == Screen::Card))
        m_card_reader->read_badge(m_badge_read = ++m_card_reads);
    if (m_card && m_screen == Screen::Card && presence.present) {
        // Laid on the reader when asked, or again after being pulled out.
        bool again = m_card->stage == CardStage::Failed && m_card->failure == CardFailure::Removed;
        if (m_card->stage == CardStage::Place || again)
            card_start_read();
    }
    ++m_revision;
}

void Session::handle(intent::CardReadProgress const& progress)
{
    if (!m_card || m_card->stage != CardStage::Reading || progress.id != m_card->read)
        return;
    m_card->percent = std::clamp(progress.percent, 0, 100);
    ++m_revision;
}

void Session::handle(intent::CardReadFinished const& finished)
{
    if (!m_card || m_card->stage != CardStage::Reading || finished.id != m_card->read)
        return;
    ++m_revision;
    if (!finished.data) {
        card_fail(finished.failure);
        return;
    }
    m_card->data = finished.data;
    m_card->percent = 100;
    m_card->stage = CardStage::Done;
    // Whether the démarche takes this card (an expired one, say) is the
    // catalogue's call, asked of the runner as if it were filled.
    if (auto const* field = m_runner ? m_runner->step().field : nullptr)
        m_card->refusal = expired_card_refusal(*field, finished.data->expiry_date, m_clock.today());
    log(LogLevel::Info, "card", "card read");
}

}
