#include "session.hpp"

#include "log.hpp"

namespace guichet {

namespace {

// One place maps the store's failures to what the resident reads. The
// answers are kept in every case, so each sentence offers a way forward.
std::string resident_message_for_store_error(std::string const& code)
{
    if (code == "store.disk_full")
        return "La borne est pleine et n'a pas pu enregistrer votre démarche. Vos réponses sont gardées : "
               "demandez de l'aide à l'accueil.";
    if (code == "store.busy")
        return "La borne est occupée. Touchez « Confirmer » encore une fois.";
    return "Votre démarche n'a pas pu être enregistrée. Vos réponses sont gardées : touchez « Confirmer » "
           "encore une fois, ou demandez de l'aide à l'accueil.";
}

}

std::string_view to_string(Screen screen)
{
    switch (screen) {
    case Screen::Attract:
        return "attract";
    case Screen::Home:
        return "home";
    case Screen::Step:
        return "step";
    case Screen::Review:
        return "review";
    case Screen::Receipt:
        return "receipt";
    }
    return "unknown";
}

Session::Session(
    Catalogue const& catalogue, Clock const& clock, DossierStore& store, ReceiptPrinter& printer, SessionConfig config)
    : m_catalogue(catalogue)
    , m_clock(clock)
    , m_store(store)
    , m_printer(printer)
    , m_config(std::move(config))
    , m_last_activity(clock.monotonic())
{
}

Session::~Session()
{
    end_session();
}

void Session::dispatch(Intent const& intent)
{
    bool is_time
        = std::holds_alternative<intent::Tick>(intent) || std::holds_alternative<intent::PrintFinished>(intent);
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
    std::visit([this](auto const& i) { handle(i); }, intent);
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
    if (m_screen == Screen::Attract)
        return std::nullopt;
    if (!m_idle_warning_since) {
        auto idle = m_last_activity + m_config.idle_warning_after;
        if (m_screen == Screen::Receipt && m_print_status == PrintStatus::Printing)
            return std::min(idle, m_print_started + m_config.print_timeout);
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
    if (m_screen == Screen::Attract) {
        m_screen = Screen::Home;
        ++m_revision;
    }
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

void Session::handle(intent::StartDemarche const& start)
{
    if (m_screen != Screen::Home || m_out_of_service)
        return;
    auto const* demarche = m_catalogue.find(start.demarche_id);
    if (!demarche)
        return;
    m_runner = std::make_unique<DemarcheRunner>(*demarche);
    m_returning_to_review = false;
    m_save_error.reset();
    m_save_error_code.reset();
    m_help_open = false;
    m_screen = Screen::Step;
    ++m_revision;
}

void Session::handle(intent::Choose const& choose)
{
    if (m_screen != Screen::Step || !m_runner)
        return;
    m_runner->choose(choose.choice_id);
    ++m_revision;
}

void Session::handle(intent::InsertText const& insert)
{
    if (m_screen != Screen::Step || !m_runner)
        return;
    m_runner->insert_text(insert.text);
    ++m_revision;
}

void Session::handle(intent::EraseLast const&)
{
    if (m_screen != Screen::Step || !m_runner)
        return;
    m_runner->erase_last();
    ++m_revision;
}

void Session::handle(intent::Next const&)
{
    if (m_screen != Screen::Step || !m_runner)
        return;
    bool last_page = m_runner->page_index() + 1 == m_runner->page_count();
    if (!m_runner->next()) {
        ++m_revision;
        return;
    }
    // After a correction from the review, go straight back to it rather
    // than through every following page again.
    if (last_page || m_returning_to_review) {
        m_returning_to_review = false;
        m_screen = Screen::Review;
    }
    ++m_revision;
}

void Session::handle(intent::Back const&)
{
    if (m_help_open) {
        m_help_open = false;
        ++m_revision;
        return;
    }
    switch (m_screen) {
    case Screen::Step:
        if (m_returning_to_review) {
            // Leave the correction as it is and show the review again.
            m_returning_to_review = false;
            m_screen = Screen::Review;
        } else if (!m_runner->back()) {
            // Back from the first question: the resident changed their
            // mind about this démarche. Nothing worth keeping yet.
            go_home();
        }
        break;
    case Screen::Review:
        m_runner->go_to(m_runner->page_count() - 1);
        m_screen = Screen::Step;
        break;
    case Screen::Home:
        m_screen = Screen::Attract;
        break;
    case Screen::Attract:
    case Screen::Receipt:
        return;
    }
    ++m_revision;
}

void Session::handle(intent::EditPage const& edit)
{
    if (m_screen != Screen::Review || !m_runner || edit.page_index >= m_runner->page_count())
        return;
    m_runner->go_to(edit.page_index);
    m_returning_to_review = true;
    m_save_error.reset();
    m_screen = Screen::Step;
    ++m_revision;
}

void Session::handle(intent::Confirm const&)
{
    if (m_screen != Screen::Review || !m_runner)
        return;
    ++m_revision;
    if (auto invalid = m_runner->first_invalid_page()) {
        // Cannot happen through the screens, which validate each page, but a
        // catalogue or a mediator could get here: show the page to fix.
        m_runner->go_to(*invalid);
        m_returning_to_review = true;
        m_screen = Screen::Step;
        m_runner->validate_current();
        return;
    }

    auto const& demarche = m_runner->demarche();
    Dossier dossier {
        demarche.id,
        demarche.version,
        m_clock.unix_seconds(),
        "fr",
        m_runner->answers(),
    };
    auto saved = m_store.save(dossier);
    dossier.wipe();
    if (!saved) {
        // Codes and details name files and SQLite errors, never answers.
        log(LogLevel::Error, "store", "dossier not saved: " + saved.error().code + ": " + saved.error().detail);
        m_save_error_code = saved.error().code;
        m_save_error = resident_message_for_store_error(saved.error().code);
        return;
    }

    // The dossier is durable: from here on the resident's answers are no
    // longer needed on screen, only the code.
    m_save_error.reset();
    m_save_error_code.reset();
    m_receipt = make_receipt(m_config.receipt, demarche.title, demarche.receipt.title, demarche.receipt.next_steps,
        saved.release_value(), dossier.confirmed_at);
    m_runner.reset();
    m_screen = Screen::Receipt;
    m_print_status = PrintStatus::Printing;
    m_print_outcome.reset();
    m_print_started = m_clock.monotonic();
    m_printer.submit(*m_receipt, ++m_print_job);
}

void Session::handle(intent::EndSession const&)
{
    if (m_screen == Screen::Attract)
        return;
    end_session();
}

void Session::handle(intent::OpenHelp const&)
{
    if (m_screen == Screen::Attract || m_help_open)
        return;
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

void Session::handle(intent::Tick const&)
{
    if (m_screen == Screen::Attract)
        return;
    auto now = m_clock.monotonic();
    if (m_screen == Screen::Receipt && m_print_status == PrintStatus::Printing
        && now - m_print_started >= m_config.print_timeout) {
        log(LogLevel::Warning, "print", "no answer from the printer in time; the resident is told to ask the desk");
        m_print_status = PrintStatus::Failed;
        m_print_outcome = PrintOutcome::Failed;
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
    if (now - m_last_activity < m_config.idle_warning_after)
        return;
    if (m_screen == Screen::Home) {
        // Nothing personal on the home screen: no need to ask.
        m_screen = Screen::Attract;
        m_help_open = false;
    } else {
        m_idle_warning_since = now;
        m_shown_seconds_left = idle_seconds_left();
    }
    ++m_revision;
}

void Session::handle(intent::PrintFinished const& finished)
{
    // A late answer about an earlier resident's receipt changes nothing on
    // this one's screen.
    if (m_screen != Screen::Receipt || finished.job != m_print_job)
        return;
    m_print_outcome = finished.outcome;
    m_print_status = finished.outcome == PrintOutcome::Printed ? PrintStatus::Printed : PrintStatus::Failed;
    ++m_revision;
}

void Session::go_home()
{
    m_runner.reset();
    m_returning_to_review = false;
    m_screen = Screen::Home;
}

void Session::end_session()
{
    // The runner's destructor overwrites every answer.
    m_runner.reset();
    if (m_receipt)
        m_receipt->wipe();
    m_receipt.reset();
    m_save_error.reset();
    m_save_error_code.reset();
    m_print_outcome.reset();
    m_idle_warning_since.reset();
    m_help_open = false;
    m_returning_to_review = false;
    m_screen = Screen::Attract;
    ++m_sessions_ended;
    ++m_revision;
}

}
