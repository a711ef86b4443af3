#include "ui/screens.hpp"

#include "kiosk/core/i18n.hpp"
#include "kiosk/core/utf8.hpp"
#include "ui/pictograms.hpp"

#include <qrencode.h>

#include <cmath>
#include <ctime>

namespace guichet::ui {

namespace {

constexpr float screen_width = 1920;
constexpr float screen_height = 1080;
constexpr float margin = 80;
constexpr float top_bar_height = 150;
constexpr Rect primary_action { 1400, 920, 1840, 1050 };

}

bool Screens::has_overlay(Session const& session) const
{
    return session.idle_warning() || session.help_open() || help_overlay_shown(session) || session.agent_gate()
        || session.agent_consent_pending() || session.reprints() || session.display_open();
}

void Screens::wipe()
{
    m_keyboard.reset();
    m_step_key.clear();
    m_option_page = 0;
    m_review_page = 0;
    guichet::wipe(m_qr_text);
    m_qr_modules.assign(m_qr_modules.size(), false);
    m_qr_modules.clear();
    m_qr_width = 0;
    m_show_personal = false;
    m_messages_read = 0;
}

ImU32 Screens::background(Session const& session) const
{
    return session.screen() == Screen::Attract ? colour::primary : colour::background;
}

void Screens::draw(Canvas& screen, Session const& session, std::vector<Intent>& out)
{
    m_field_box.reset();
    if (session.screen() != m_last_screen) {
        // A screen opens at its beginning: the first page of answers.
        if (session.screen() != Screen::Review || m_last_screen != Screen::Step)
            m_review_page = 0;
        m_last_screen = session.screen();
    }
    if (session.screen() != Screen::Attract)
        top_bar(screen, session, out);
    switch (session.screen()) {
    case Screen::Attract:
        attract(screen, session, out);
        break;
    case Screen::Home:
        home(screen, session, out);
        break;
    case Screen::Theme:
        theme(screen, session, out);
        break;
    case Screen::Situations:
        situations(screen, session, out);
        break;
    case Screen::Suggestions:
        suggestions(screen, session, out);
        break;
    case Screen::Intro:
        intro(screen, session, out);
        break;
    case Screen::Step:
        step(screen, *session.runner(), session.can_use_card(), session.agent_acting(), out);
        break;
    case Screen::Card:
        card(screen, session, out);
        break;
    case Screen::Review:
        review(screen, session, out);
        break;
    case Screen::Receipt:
        receipt(screen, session, out);
        break;
    case Screen::Status:
        status(screen, session, out);
        break;
    case Screen::Feedback:
        feedback(screen, session, out);
        break;
    case Screen::Setup:
        setup(screen, session, out);
        break;
    }
    help_ring(screen, session);
}

void Screens::draw_overlay(Canvas& overlay, Session const& session, std::vector<Intent>& out)
{
    if (session.idle_warning())
        idle_warning(overlay, session, out);
    else if (help_overlay_shown(session))
        help_overlay(overlay, session, out);
    else if (session.agent_consent_pending())
        agent_consent(overlay, session, out);
    else if (session.agent_gate())
        agent_gate(overlay, session, out);
    else if (session.reprints())
        reprints(overlay, session, out);
    else if (session.display_open())
        display_panel(overlay, session, out);
    else if (session.help_open())
        help(overlay, session, out);
}

// [SECTION] Top bar: back on the left, where we are in the middle, help on
// the right. The same places on every screen.

void Screens::top_bar(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    if (session.screen() == Screen::Setup)
        return setup_top_bar(canvas, session, out);
    canvas.fill(Rect { 0, 0, screen_width, top_bar_height }, colour::surface);
    canvas.fill(Rect { 0, top_bar_height - 4, screen_width, top_bar_height }, colour::primary);

    // Left, the ways back: one screen, or to a known place ("Je suis
    // perdu", where there is somewhere else to go).
    bool can_go_back = session.screen() != Screen::Receipt && session.screen() != Screen::Feedback;
    if (can_go_back && canvas.button("back", N_("Retour"), top_bar::back, ButtonStyle::Secondary, glyph::back))
        out.emplace_back(intent::Back {});
    auto lost_button = [&] {
        bool known_place = session.screen() == Screen::Home || session.screen() == Screen::Receipt
            || session.screen() == Screen::Feedback || session.paused();
        if (!known_place
            && canvas.button("lost", N_("Je suis perdu"), top_bar::lost, ButtonStyle::Secondary, glyph::map_signs))
            out.emplace_back(intent::Lost {});
    };
    // Right, before "Aide": the screen's sentence again, and the volume.
    auto listen_button = [&] {
        if (canvas.button("listen", N_("Réécouter"), top_bar::listen, ButtonStyle::Secondary, glyph::volume_up))
            out.emplace_back(intent::Listen {});
    };
    auto display_button = [&] {
        if (canvas.button("display", N_("Écran"), top_bar::display, ButtonStyle::Secondary, glyph::eye))
            out.emplace_back(intent::OpenDisplay {});
    };
    auto volume_button = [&] {
        int volume = session.volume();
        unsigned icon = volume == 0 ? glyph::volume_off : volume < 3 ? glyph::volume_down : glyph::volume_up;
        if (canvas.button("volume", N_("Son"), top_bar::volume, ButtonStyle::Secondary, icon))
            out.emplace_back(intent::ChangeVolume {});
        // The level as bars under the word: off shows none.
        Rect const& r = top_bar::volume;
        for (int bar = 0; bar < 3; ++bar) {
            float x = r.x0 + 60 + bar * 26;
            canvas.fill(
                Rect { x, r.y1 - 24, x + 18, r.y1 - 14 }, bar < volume ? colour::primary : colour::primary_tint);
        }
    };

    // While a mediator is called or helps, the middle says who, and the
    // right-hand button is the way out of the help.
    if (help_banner(canvas, session, out)) {
        display_button();
        listen_button();
        return;
    }
    // The agent's banner leaves "Aide" where it is: the resident keeps
    // their way to stop everything.
    if (agent_banner(canvas, session, out)) {
        display_button();
        if (canvas.button("help", N_("Aide"), top_bar::help, ButtonStyle::Secondary, glyph::help))
            out.emplace_back(intent::OpenHelp {});
        return;
    }
    lost_button();
    listen_button();
    volume_button();
    display_button();

    std::string where;
    auto const* runner = session.runner();
    bool in_demarche = runner && (session.screen() == Screen::Step || session.screen() == Screen::Review);
    switch (session.screen()) {
    case Screen::Home:
        where = session.catalogue().demarches.empty() ? "" : N_("Accueil");
        break;
    case Screen::Theme:
        where = session.theme() ? session.theme()->title.fr() : "";
        break;
    case Screen::Situations:
    case Screen::Suggestions:
        where = N_("Trouver ma démarche");
        break;
    case Screen::Intro:
        where = session.intro() ? session.intro()->short_title.fr() : "";
        break;
    case Screen::Step:
        if (runner)
            where = fill(N_("Question {n} sur {total}"),
                { { "n", std::to_string(runner->step_index() + 1) },
                    { "total", std::to_string(runner->steps().size()) } });
        break;
    case Screen::Review:
        where = N_("Vérification");
        break;
    case Screen::Status:
        where = session.intro() ? session.intro()->short_title.fr() : "";
        break;
    case Screen::Card:
        where = runner ? runner->demarche().short_title.fr() : "";
        break;
    case Screen::Attract:
    case Screen::Receipt:
    case Screen::Feedback:
    case Screen::Setup:
        break;
    }
    // A resident waiting for the desk keeps their number in sight, beside
    // "Aide", while they go on.
    auto const& ticket = session.desk_ticket();
    bool with_ticket = ticket && !ticket->number.empty();
    Rect middle = top_bar::middle;
    if (with_ticket) {
        // The number takes the middle: where the resident is can wait.
        Rect badge { middle.x0 + 20, 15, middle.x1 - 20, 135 };
        where.clear();
        in_demarche = false;
        canvas.box(badge, colour::primary_tint, colour::primary, 3, 12);
        canvas.icon(glyph::ticket, badge.x0 + 50, 75, colour::primary, nullptr, 48);
        canvas.text(canvas.fonts().control_body, N_("Votre numéro"), badge.x0 + 100, 22, 230, colour::text_muted);
        auto number = canvas.verbatim();
        canvas.text_line(canvas.fonts().title, ticket->number, badge.x0 + 100, 58, 230, colour::primary);
    }
    if (!where.empty())
        canvas.text(canvas.fonts().control, where, middle.x0, in_demarche ? 30 : 50, middle.x1 - middle.x0,
            colour::text, Align::Centre);
    if (in_demarche) {
        // The same progress as a bar, for those who do not read numbers
        // easily; a bar, not dots, since a group or a condition can add
        // questions on the way.
        std::size_t total = runner->steps().size() + 1;
        std::size_t done = session.screen() == Screen::Review ? total : runner->step_index() + 1;
        Rect track { middle.x0 + 20, 100, middle.x1 - 20, 124 };
        canvas.fill(track, colour::primary_tint, 12);
        float filled = track.x0 + (track.x1 - track.x0) * float(done) / float(total);
        canvas.fill(Rect { track.x0, track.y0, std::max(filled, track.x0 + 24), track.y1 }, colour::primary, 12);
    }

    if (canvas.button("help", N_("Aide"), top_bar::help, ButtonStyle::Secondary, glyph::help))
        out.emplace_back(intent::OpenHelp {});
}

// [SECTION] Finding a démarche: home, themes, life situations

namespace {

// Flags drawn with rectangles and circles: no image files to ship. Arabic
// has its letter instead (arabic_flag_letter).
void draw_flag(Canvas& canvas, std::string_view code, Rect r)
{
    float w = r.x1 - r.x0, h = r.y1 - r.y0;
    auto const red = colour::rgb(0xE1, 0x00, 0x0F);
    auto const white = colour::rgb(0xFF, 0xFF, 0xFF);
    if (code == "fr") {
        canvas.fill(Rect { r.x0, r.y0, r.x0 + w / 3, r.y1 }, colour::rgb(0x00, 0x00, 0x91));
        canvas.fill(Rect { r.x0 + w / 3, r.y0, r.x0 + 2 * w / 3, r.y1 }, white);
        canvas.fill(Rect { r.x0 + 2 * w / 3, r.y0, r.x1, r.y1 }, red);
    } else if (code == "es") {
        canvas.fill(r, colour::rgb(0xAA, 0x15, 0x1B));
        canvas.fill(Rect { r.x0, r.y0 + h / 4, r.x1, r.y1 - h / 4 }, colour::rgb(0xF1, 0xBF, 0x00));
    } else if (code == "pt") {
        canvas.fill(Rect { r.x0, r.y0, r.x0 + w * 0.4f, r.y1 }, colour::rgb(0x04, 0x6A, 0x38));
        canvas.fill(Rect { r.x0 + w * 0.4f, r.y0, r.x1, r.y1 }, colour::rgb(0xDA, 0x29, 0x1C));
        canvas.draw_list()->AddCircleFilled(canvas.point(r.x0 + w * 0.4f, (r.y0 + r.y1) / 2),
            h * 0.28f * canvas.scale(), colour::rgb(0xFF, 0xE9, 0x00));
    } else if (code == "tr") {
        auto const turkish_red = colour::rgb(0xE3, 0x0A, 0x17);
        canvas.fill(r, turkish_red);
        float cy = (r.y0 + r.y1) / 2;
        canvas.draw_list()->AddCircleFilled(canvas.point(r.x0 + w * 0.36f, cy), h * 0.25f * canvas.scale(), white);
        canvas.draw_list()->AddCircleFilled(
            canvas.point(r.x0 + w * 0.40f, cy), h * 0.20f * canvas.scale(), turkish_red);
        canvas.draw_list()->AddNgonFilled(canvas.point(r.x0 + w * 0.60f, cy), h * 0.11f * canvas.scale(), white, 5);
    } else if (code == "en") {
        // The Union Flag, simplified: blue, the white and red diagonals,
        // the white-edged red cross.
        auto const blue = colour::rgb(0x01, 0x21, 0x69);
        auto const uk_red = colour::rgb(0xC8, 0x10, 0x2E);
        canvas.fill(r, blue);
        auto* list = canvas.draw_list();
        float s = canvas.scale();
        list->AddLine(canvas.point(r.x0, r.y0), canvas.point(r.x1, r.y1), white, h * 0.2f * s);
        list->AddLine(canvas.point(r.x0, r.y1), canvas.point(r.x1, r.y0), white, h * 0.2f * s);
        list->AddLine(canvas.point(r.x0, r.y0), canvas.point(r.x1, r.y1), uk_red, h * 0.07f * s);
        list->AddLine(canvas.point(r.x0, r.y1), canvas.point(r.x1, r.y0), uk_red, h * 0.07f * s);
        float cx = (r.x0 + r.x1) / 2, cy = (r.y0 + r.y1) / 2;
        canvas.fill(Rect { cx - h * 0.17f, r.y0, cx + h * 0.17f, r.y1 }, white);
        canvas.fill(Rect { r.x0, cy - h * 0.17f, r.x1, cy + h * 0.17f }, white);
        canvas.fill(Rect { cx - h * 0.1f, r.y0, cx + h * 0.1f, r.y1 }, uk_red);
        canvas.fill(Rect { r.x0, cy - h * 0.1f, r.x1, cy + h * 0.1f }, uk_red);
    } else {
        canvas.fill(r, colour::rgb(0x0A, 0x5C, 0x36), 8);
        auto guard = canvas.verbatim();
        canvas.text(canvas.fonts().title, arabic_flag_letter, r.x0, r.y0 - 10, w, white, Align::Centre);
    }
    // A thin frame, so that white stripes do not melt into the button: four
    // one-pixel strips, crisp with either renderer.
    float t = 1.0f / canvas.scale();
    canvas.fill(Rect { r.x0, r.y0, r.x1, r.y0 + t }, colour::border);
    canvas.fill(Rect { r.x0, r.y1 - t, r.x1, r.y1 }, colour::border);
    canvas.fill(Rect { r.x0, r.y0 + t, r.x0 + t, r.y1 - t }, colour::border);
    canvas.fill(Rect { r.x1 - t, r.y0 + t, r.x1, r.y1 - t }, colour::border);
}

}

void Screens::languages(Canvas& canvas, Session const& session, float top, std::vector<Intent>& out)
{
    auto const& all = i18n::languages();
    float gap = 20;
    float width = (screen_width - 2 * margin - gap * float(all.size() - 1)) / float(all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto const& language = all[i];
        float x = margin + float(i) * (width + gap);
        auto selected = session.language() == language.code ? Selected::Yes : Selected::No;
        if (canvas.flag_button("language:" + std::string(language.code), std::string(language.name),
                Rect { x, top, x + width, top + 110 }, selected,
                [&](Canvas& on, Rect flag) { draw_flag(on, language.code, flag); }))
            out.emplace_back(intent::ChooseLanguage { std::string(language.code) });
    }
}

void Screens::attract(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    // Never spoken on its own (nobody may be there); « Réécouter » is not
    // on it. Kept so that every screen has its sentence.
    canvas.say(N_("Bonjour. Touchez l'écran pour commencer."));
    if (m_corner_press > 0)
        canvas.fill(Rect { 0, 0, screen_width * m_corner_press, 14 }, colour::on_primary);
    canvas.text(canvas.fonts().huge, attract_greeting, 0, 250, screen_width, colour::on_primary, Align::Centre);
    canvas.text(canvas.fonts().title, N_("Faites vos démarches ici, simplement."), 0, 400, screen_width,
        colour::on_primary, Align::Centre);
    canvas.icon(glyph::hand, 960, 610, colour::on_primary);
    // The whole screen starts the session: no need to aim.
    if (canvas.button(
            "start", N_("Touchez l'écran pour commencer"), Rect { 560, 760, 1360, 900 }, ButtonStyle::Secondary))
        out.emplace_back(intent::Activity {});
    // A resident who does not read French starts in their own language:
    // the visit begins, then takes the language.
    std::vector<Intent> chosen;
    languages(canvas, session, 950, chosen);
    if (!chosen.empty()) {
        out.emplace_back(intent::Activity {});
        out.insert(out.end(), chosen.begin(), chosen.end());
    }
}

void Screens::demarche_tiles(Canvas& canvas, Session const& session, std::vector<Demarche const*> const& demarches,
    float top, std::vector<Intent>& out)
{
    // Two columns of three: six démarches to a screen, each with its title
    // and one sentence. A theme with more is a catalogue to split.
    float tile_width = 860, tile_height = 200, gap = 40;
    for (std::size_t i = 0; i < std::min<std::size_t>(demarches.size(), 6); ++i) {
        auto const& demarche = *demarches[i];
        float x = margin + (i % 2) * (tile_width + gap);
        float y = top + (i / 2) * (tile_height + gap);
        auto unavailable = session.unavailable(demarche);
        if (canvas.wide_tile("demarche:" + demarche.id, demarche.short_title.fr(),
                unavailable ? *unavailable : demarche.description.fr(), pictogram_glyph(demarche.pictogram),
                Rect { x, y, x + tile_width, y + tile_height })
            && !unavailable)
            out.emplace_back(intent::StartDemarche { demarche.id });
    }
}

void Screens::home(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.say(N_("Que voulez-vous faire ?"));
    canvas.say(N_("Touchez une image. Pour changer de langue, touchez un drapeau en bas de l'écran."));
    canvas.text(canvas.fonts().title, N_("Que voulez-vous faire ?"), margin, 175, screen_width - 2 * margin);
    // Before the resident starts, not after they answered everything: no
    // paper today, and the code on screen is enough.
    auto notice = resident_notice(session.printer());
    bool notice_shown = !notice.empty() && !session.out_of_service();
    // The agent's own errand, at the right (beside the title when the
    // printer's notice is there): receipts that did not print.
    Rect reprints = notice_shown ? Rect { 690, 165, 990, 250 } : Rect { 1540, 165, 1840, 250 };
    if (session.agent_mode()
        && canvas.button("agent:reprints", N_("Réimprimer"), reprints, ButtonStyle::Secondary, glyph::print))
        out.emplace_back(intent::OpenReprints {});
    if (notice_shown) {
        Rect strip { 1000, 150, screen_width - margin, 300 };
        canvas.fill(strip, colour::surface, 12);
        canvas.icon(glyph::print, strip.x0 + 50, (strip.y0 + strip.y1) / 2, colour::error, canvas.fonts().title);
        canvas.text(canvas.fonts().body, std::string(notice), strip.x0 + 100, strip.y0 + 18, strip.x1 - strip.x0 - 120);
    }
    if (session.out_of_service()) {
        error_line(canvas,
            N_("Cette borne ne peut pas enregistrer de démarche pour le moment. Un agent de l'accueil peut vous "
               "aider."),
            margin, 360, screen_width - 2 * margin);
        return;
    }
    if (session.catalogue().demarches.empty()) {
        canvas.text(canvas.fonts().bold,
            N_("Aucune démarche n'est disponible sur cette borne pour le moment. Adressez-vous à l'accueil."), margin,
            420, screen_width - 2 * margin, colour::error);
        return;
    }

    canvas.text(
        canvas.fonts().bold, N_("Les plus demandées"), margin, 265, screen_width - 2 * margin, colour::text_muted);
    auto most_used = session.most_used();
    float wide_width = (screen_width - 2 * margin - 2 * 40) / 3;
    for (std::size_t i = 0; i < most_used.size() && i < 3; ++i) {
        auto const& demarche = *most_used[i];
        float x = margin + i * (wide_width + 40);
        auto unavailable = session.unavailable(demarche);
        // The title alone: three descriptions side by side are too much to
        // read; the theme screens and the start screen have them.
        if (canvas.wide_tile("demarche:" + demarche.id, demarche.short_title.fr(),
                unavailable ? N_("Pas disponible pour le moment") : "", pictogram_glyph(demarche.pictogram),
                Rect { x, 320, x + wide_width, 560 })
            && !unavailable)
            out.emplace_back(intent::StartDemarche { demarche.id });
    }

    // Every theme that has a démarche, then "Je ne sais pas" for those who
    // know their situation but not the name of the démarche.
    canvas.text(canvas.fonts().bold, N_("Toutes les démarches, par thème"), margin, 610, screen_width - 2 * margin,
        colour::text_muted);
    std::vector<Theme const*> themes;
    for (auto const& theme : session.catalogue().orientation.themes) {
        if (!session.demarches_of_theme(theme.id).empty())
            themes.push_back(&theme);
    }
    std::size_t count = themes.size() + 1;
    float gap = 24;
    float tile_width = (screen_width - 2 * margin - gap * (count - 1)) / count;
    for (std::size_t i = 0; i < count; ++i) {
        float x = margin + i * (tile_width + gap);
        Rect rect { x, 665, x + tile_width, 925 };
        if (i == themes.size()) {
            if (canvas.tile("situations", N_("Je ne sais pas"), N_("Aidez-moi à trouver"), glyph::compass, rect))
                out.emplace_back(intent::OpenSituations {});
            break;
        }
        auto const& theme = *themes[i];
        if (canvas.tile("theme:" + theme.id, theme.title.fr(), "", pictogram_glyph(theme.pictogram), rect))
            out.emplace_back(intent::OpenTheme { theme.id });
    }
    languages(canvas, session, 950, out);
}

void Screens::theme(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const* theme = session.theme();
    if (!theme)
        return;
    canvas.say(theme->title.fr());
    canvas.say(N_("Touchez la démarche que vous voulez faire."));
    canvas.text(canvas.fonts().title, theme->title.fr(), margin, 175, screen_width - 2 * margin);
    canvas.text(canvas.fonts().body, N_("Touchez la démarche que vous voulez faire."), margin, 245,
        screen_width - 2 * margin, colour::text_muted);
    demarche_tiles(canvas, session, session.demarches_of_theme(theme->id), 320, out);
}

void Screens::situations(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.say(N_("Quelle est votre situation ?"));
    canvas.say(N_("Touchez l'image qui vous correspond. Nous vous proposerons les démarches utiles."));
    canvas.text(canvas.fonts().title, N_("Quelle est votre situation ?"), margin, 175, screen_width - 2 * margin);
    canvas.text(canvas.fonts().body,
        N_("Touchez l'image qui vous correspond. Nous vous proposerons les démarches utiles."), margin, 245,
        screen_width - 2 * margin, colour::text_muted);
    // A situation no démarche answers would lead nowhere: it is not offered.
    std::vector<Situation const*> situations;
    for (auto const& situation : session.catalogue().orientation.situations) {
        if (!session.demarches_for_situation(situation.id).empty())
            situations.push_back(&situation);
    }
    std::size_t per_row = situations.size() <= 3 ? situations.size() : (situations.size() + 1) / 2;
    per_row = std::max<std::size_t>(per_row, 1);
    float gap = 30;
    float tile_width = (screen_width - 2 * margin - gap * (per_row - 1)) / per_row;
    float tile_height = 330;
    for (std::size_t i = 0; i < situations.size(); ++i) {
        auto const& situation = *situations[i];
        float x = margin + (i % per_row) * (tile_width + gap);
        float y = 320 + (i / per_row) * (tile_height + gap);
        if (canvas.tile("situation:" + situation.id, situation.title.fr(), "", pictogram_glyph(situation.pictogram),
                Rect { x, y, x + tile_width, y + tile_height }))
            out.emplace_back(intent::ChooseSituation { situation.id });
    }
}

void Screens::suggestions(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const* situation = session.situation();
    if (!situation)
        return;
    canvas.text(canvas.fonts().bold, situation->title.fr(), margin, 165, screen_width - 2 * margin, colour::primary);
    canvas.text(canvas.fonts().title, N_("Ces démarches peuvent vous aider"), margin, 205, screen_width - 2 * margin);
    canvas.say(N_("Ces démarches peuvent vous aider"));
    canvas.say(N_("Touchez la démarche que vous voulez faire."));
    auto demarches = session.demarches_for_situation(situation->id);
    if (demarches.empty()) {
        canvas.text(canvas.fonts().bold,
            N_("Cette borne n'a pas de démarche pour cette situation. Un agent de l'accueil peut vous aider."), margin,
            340, screen_width - 2 * margin);
        return;
    }
    demarche_tiles(canvas, session, demarches, 320, out);
}

// [SECTION] The start screen of a démarche

void Screens::intro(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const* demarche = session.intro();
    if (!demarche)
        return;
    canvas.icon(pictogram_glyph(demarche->pictogram), margin + 60, 225, colour::primary, canvas.fonts().title);
    canvas.text(canvas.fonts().title, demarche->title.fr(), margin + 130, 190, screen_width - 2 * margin - 130);
    canvas.say(demarche->title.fr());
    // After "Je suis perdu": a known place, the answers kept, and one
    // button back to where the resident was.
    if (session.paused()) {
        Rect kept { margin, 310, 1280, 560 };
        canvas.fill(kept, colour::surface, 16);
        canvas.icon(glyph::check_circle, kept.x0 + 70, kept.y0 + 70, colour::success, canvas.fonts().title);
        float inner = kept.x1 - kept.x0 - 180;
        canvas.text(canvas.fonts().title, N_("Vos réponses sont gardées."), kept.x0 + 140, kept.y0 + 40, inner);
        canvas.text(canvas.fonts().body,
            N_("Touchez « Reprendre » pour revenir où vous étiez. Si vous ne savez pas quoi faire, touchez « Aide »."),
            kept.x0 + 140, kept.y0 + 120, inner, colour::text_muted);
        canvas.say(N_("Vos réponses sont gardées."));
        canvas.say(
            N_("Touchez « Reprendre » pour revenir où vous étiez. Si vous ne savez pas quoi faire, touchez « Aide »."));
        if (canvas.button("begin", N_("Reprendre"), primary_action, ButtonStyle::Primary, glyph::play))
            out.emplace_back(intent::Begin {});
        return;
    }
    canvas.say(N_("On va vous demander :"));
    canvas.say(demarche->intro.asks.fr());
    canvas.say(N_("Touchez « Commencer » quand vous êtes prêt."));

    float width = 1180;
    float y = 310;
    canvas.text(canvas.fonts().bold, N_("On va vous demander :"), margin, y, width, colour::primary);
    y += 50;
    y += canvas.text(canvas.fonts().body, demarche->intro.asks.fr(), margin, y, width) + 40;
    if (!demarche->intro.have_at_hand.empty()) {
        canvas.text(canvas.fonts().bold, N_("Ayez avec vous :"), margin, y, width, colour::primary);
        y += 50;
        for (auto const& item : demarche->intro.have_at_hand) {
            canvas.icon(glyph::check, margin + 20, y + 22, colour::primary, canvas.fonts().bold);
            y += canvas.text(canvas.fonts().body, item.fr(), margin + 60, y, width - 60) + 12;
        }
        y += 28;
    }
    auto minutes = demarche->intro.minutes;
    canvas.icon(glyph::clock, margin + 20, y + 22, colour::primary, canvas.fonts().bold);
    canvas.text(canvas.fonts().body,
        fill(minutes > 1 ? N_("Cela prend environ {n} minutes.") : N_("Cela prend environ {n} minute."),
            { { "n", std::to_string(minutes) } }),
        margin + 60, y, width - 60);

    // What the resident gets at the end, beside the button that starts.
    if (demarche->kind == DemarcheKind::Dossier) {
        Rect aside { 1340, 310, 1840, 860 };
        canvas.fill(aside, colour::surface, 16);
        if (session.printer().can_print()) {
            canvas.icon(glyph::print, (aside.x0 + aside.x1) / 2, 420, colour::primary);
            canvas.text(canvas.fonts().body,
                N_("À la fin, vous recevez un reçu avec un code pour suivre votre demande."), aside.x0 + 30, 520,
                aside.x1 - aside.x0 - 60, colour::text, Align::Centre);
        } else {
            canvas.icon(glyph::camera, (aside.x0 + aside.x1) / 2, 420, colour::primary);
            canvas.text(canvas.fonts().body,
                N_("L'imprimante ne fonctionne pas. À la fin, votre code de suivi s'affiche à l'écran : prenez-le en "
                   "photo ou notez-le."),
                aside.x0 + 30, 520, aside.x1 - aside.x0 - 60, colour::text, Align::Centre);
        }
    }
    if (canvas.button("begin", N_("Commencer"), primary_action, ButtonStyle::Primary, glyph::play))
        out.emplace_back(intent::Begin {});
}

// [SECTION] One question per screen

namespace {

// What to do on a question, said after it.
char const* how_to_answer(InputKind input)
{
    switch (input) {
    case InputKind::Choice:
    case InputKind::YesNo:
    case InputKind::Commune:
        return N_("Touchez votre réponse, puis « Continuer ».");
    case InputKind::MultiChoice:
        return N_("Vous pouvez en choisir plusieurs. Puis touchez « Continuer ».");
    case InputKind::Text:
    case InputKind::LongText:
    case InputKind::Email:
        return N_("Écrivez avec le clavier, puis touchez « Continuer ».");
    case InputKind::Digits:
    case InputKind::Phone:
        return N_("Tapez les chiffres, puis touchez « Continuer ».");
    case InputKind::Date:
        return N_("Tapez le jour, le mois, puis l'année. Puis touchez « Continuer ».");
    case InputKind::Consent:
        return N_("Touchez « J'accepte », puis « Continuer ».");
    case InputKind::Info:
        return N_("Quand vous avez lu, touchez « Continuer ».");
    }
    return "";
}

}

void Screens::error_line(Canvas& canvas, std::string const& message, float x, float y, float width)
{
    float height = canvas.text_height(canvas.fonts().bold, message, width - 100) + 30;
    canvas.fill(Rect { x, y, x + width, y + height }, colour::error_tint, 8);
    canvas.fill(Rect { x, y, x + 8, y + height }, colour::error);
    canvas.icon(glyph::error, x + 50, y + height / 2, colour::error, canvas.fonts().bold);
    canvas.text(canvas.fonts().bold, message, x + 90, y + 15, width - 100, colour::error);
}

void Screens::text_field(Canvas& canvas, Step const& step, std::string const& value, std::string const& hint, Rect box)
{
    m_field_box = box;
    canvas.box(box, colour::surface, colour::primary, 4, 8);
    float inner_width = box.x1 - box.x0 - 60;
    if (value.empty() && step.input != InputKind::Date) {
        // The example as a placeholder: on one line if it fits, else on
        // two (a translation is often longer than the French).
        float lines = canvas.text_height(canvas.fonts().body, hint, inner_width - 20)
            / (canvas.fonts().body->FontSize * 1.25f / canvas.scale());
        if (hint.empty())
            ;
        else if (lines <= 1.01f || box.y1 - box.y0 < 95)
            canvas.text_line(
                canvas.fonts().body, hint, box.x0 + 50, box.y0 + 28, inner_width - 20, colour::placeholder);
        else
            canvas.text(canvas.fonts().body, hint, box.x0 + 50, box.y0 + 8, inner_width - 20, colour::placeholder);
        canvas.fill(Rect { box.x0 + 28, box.y0 + 24, box.x0 + 32, box.y0 + 74 }, colour::primary);
        return;
    }
    // A phone number reads grouped in pairs; a date fills its JJ/MM/AAAA
    // mask, so that the resident sees how many digits are missing.
    std::string shown = value;
    if (step.input == InputKind::Phone) {
        if (auto digits = normalize_french_phone(value))
            shown = in_pairs(*digits);
    } else if (step.input == InputKind::Date) {
        shown = format_date_digits(value);
        auto typed = canvas.verbatim();
        canvas.text(canvas.fonts().title, shown, box.x0 + 30, box.y0 + 18, inner_width);
        return;
    }
    // The box shows as many lines as fit, scrolled to the end where the
    // resident is typing. A caret after the text, drawn still: a blinking
    // one would wake the kiosk twice a second for nothing.
    float line_height = canvas.fonts().body->FontSize * 1.25f / canvas.scale();
    int max_lines = std::max(1, int((box.y1 - box.y0 - 28) / line_height));
    auto end_of_text = canvas.text_tail(canvas.fonts().body, shown, box.x0 + 30, box.y0 + 28, inner_width, max_lines);
    canvas.fill(Rect { end_of_text.x + 4, end_of_text.y, end_of_text.x + 8, end_of_text.y + 42 }, colour::primary);
    if (step.input == InputKind::Text || step.input == InputKind::LongText) {
        if (step.part != Part::Whole)
            return;
        // At the limit the keys stop typing: say why, in red.
        auto length = utf8::length(value);
        auto limit = step.field->max_length;
        bool full = length >= limit;
        auto count = fill(full ? N_("C'est le maximum : {n} / {limit}") : "{n} / {limit}",
            { { "n", std::to_string(length) }, { "limit", std::to_string(limit) } });
        Canvas::Verbatim numbers(canvas, !full);
        canvas.text(canvas.fonts().body, count, box.x1 - 700, box.y1 + 8, 690,
            full ? colour::error : colour::text_muted, Align::Right);
    }
}

void Screens::option_tiles(Canvas& canvas, DemarcheRunner const& runner, Step const& step, std::vector<Intent>& out)
{
    auto options = runner.options(step);
    auto const& value = runner.answer(step.key);
    // Two rows of four at most on one screen; more (the communes of some
    // postcodes) turn the page.
    constexpr std::size_t per_page = 8;
    std::size_t pages = std::max<std::size_t>(1, (options.size() + per_page - 1) / per_page);
    m_option_page = std::min(m_option_page, pages - 1);
    std::size_t first = m_option_page * per_page;
    std::size_t count = std::min(per_page, options.size() - std::min(first, options.size()));
    if (count == 0)
        return;
    std::size_t per_row = count <= 5 ? count : (count + 1) / 2;
    std::size_t rows = (count + per_row - 1) / per_row;
    float gap = 30;
    float tile_width = std::min(420.0f, (screen_width - 2 * margin - gap * (per_row - 1)) / per_row);
    float row_width = per_row * tile_width + (per_row - 1) * gap;
    float start_x = (screen_width - row_width) / 2;
    float top = rows == 1 ? 330 : 310;
    float tile_height = rows == 1 ? 430 : 255;
    bool multiple = step.input == InputKind::MultiChoice;
    for (std::size_t i = 0; i < count; ++i) {
        auto const& option = options[first + i];
        float x = start_x + (i % per_row) * (tile_width + gap);
        float y = top + (i / per_row) * (tile_height + gap);
        bool selected = false;
        if (multiple) {
            std::string_view list = value;
            while (!list.empty()) {
                auto comma = list.find(',');
                if (list.substr(0, comma) == option.id)
                    selected = true;
                list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
            }
        } else {
            selected = option.id == value;
        }
        unsigned picture = step.input == InputKind::YesNo ? (option.id == "oui" ? glyph::check : glyph::close)
                                                          : pictogram_glyph(option.pictogram);
        if (canvas.tile("choice:" + option.id, option.label, option.hint, picture,
                Rect { x, y, x + tile_width, y + tile_height }, selected ? Selected::Yes : Selected::No,
                { option.label_is_data, option.hint_is_data }))
            out.emplace_back(intent::Choose { option.id });
    }
    if (pages > 1) {
        auto page = fill(N_("Page {n} sur {total}"),
            { { "n", std::to_string(m_option_page + 1) }, { "total", std::to_string(pages) } });
        canvas.text(canvas.fonts().body, page, 560, 950, 300, colour::text_muted, Align::Centre);
        if (m_option_page > 0
            && canvas.button("options:previous", N_("Précédentes"), Rect { margin, 920, 520, 1050 },
                ButtonStyle::Secondary, glyph::back))
            --m_option_page;
        if (m_option_page + 1 < pages
            && canvas.button(
                "options:more", N_("Suivantes"), Rect { 900, 920, 1340, 1050 }, ButtonStyle::Secondary, glyph::next))
            ++m_option_page;
    }
}

void Screens::step(Canvas& canvas, DemarcheRunner const& runner, bool offer_card, bool agent, std::vector<Intent>& out)
{
    if (runner.steps().empty())
        return;
    auto const& step = runner.step();
    auto const& value = runner.answer(step.key);
    auto texts = runner.texts(step);
    if (m_step_key != step.key) {
        m_keyboard.reset();
        m_option_page = 0;
        m_step_key = step.key;
    }

    canvas.text(canvas.fonts().bold, texts.section, margin, 165, screen_width - 2 * margin, colour::primary);
    canvas.text(canvas.fonts().title, texts.question, margin, 205, screen_width - 2 * margin);
    bool panel = step.input == InputKind::Consent || step.input == InputKind::Info;
    // Aloud: the question, the démarche's words for it, and how to answer.
    // Never the answer: that is for "Lire mes réponses" on the review.
    canvas.say(texts.question);
    canvas.say(texts.instruction);
    if (step.from_card)
        canvas.say(N_("Lu sur votre carte"));
    else
        canvas.say(how_to_answer(step.input));
    if (!texts.instruction.empty() && !panel)
        canvas.text(canvas.fonts().body, texts.instruction, margin, 272, screen_width - 2 * margin, colour::text_muted);
    auto next_button = [&](Rect rect) {
        if (canvas.button("next", N_("Continuer"), rect, ButtonStyle::Primary, glyph::next))
            out.emplace_back(intent::Next {});
    };
    auto card_button = [&](Rect rect) {
        if (offer_card
            && canvas.button("use_card", N_("Utiliser ma carte"), rect, ButtonStyle::Secondary, glyph::id_card))
            out.emplace_back(intent::UseCard {});
    };
    if (step.from_card) {
        // Read from the card: shown, not typed. Only a check the démarche
        // makes on it (an age, an expired card) stops here.
        Rect panel { margin, 320, 1380, 440 };
        canvas.fill(panel, colour::surface, 16);
        canvas.text_line(
            canvas.fonts().title, runner.display_value(step), panel.x0 + 30, panel.y0 + 26, panel.x1 - panel.x0 - 60);
        canvas.text(canvas.fonts().body, N_("Lu sur votre carte"), margin, 460, 900, colour::text_muted);
        if (runner.error())
            error_line(canvas, *runner.error(), margin, 530, 1280);
        next_button(primary_action);
        return;
    }

    if (step.input == InputKind::Commune && runner.commune_needs_filter(step)) {
        commune_search(canvas, runner, step, out);
        next_button(Rect { 1420, 320, 1840, 450 });
        return;
    }

    switch (step.input) {
    case InputKind::Choice:
    case InputKind::MultiChoice:
    case InputKind::YesNo:
    case InputKind::Commune: {
        // One line under the question: what to do, or the field's hint.
        if (texts.instruction.empty()) {
            auto line = !texts.hint.empty()            ? texts.hint
                : step.input == InputKind::MultiChoice ? std::string(N_("Vous pouvez en choisir plusieurs."))
                                                       : std::string();
            canvas.text_line(canvas.fonts().body, line, margin, 272, screen_width - 2 * margin, colour::text_muted);
        }
        option_tiles(canvas, runner, step, out);
        // Below two rows of tiles, beside "Continuer".
        if (runner.error())
            error_line(canvas, *runner.error(), margin, 862, 1280);
        next_button(primary_action);
        break;
    }
    case InputKind::Consent: {
        Rect text_box { margin, 320, screen_width - margin, 720 };
        canvas.fill(text_box, colour::surface, 16);
        canvas.text(
            canvas.fonts().body, texts.instruction, text_box.x0 + 40, text_box.y0 + 30, text_box.x1 - text_box.x0 - 80);
        bool ticked = value == "oui";
        if (canvas.button("choice:accepte", N_("J'accepte"), Rect { margin, 760, 800, 890 }, ButtonStyle::Tile,
                ticked ? glyph::box_checked : glyph::box_empty, ticked ? Selected::Yes : Selected::No))
            out.emplace_back(intent::Choose { "accepte" });
        if (runner.error())
            error_line(canvas, *runner.error(), margin, 920, 1280);
        next_button(primary_action);
        break;
    }
    case InputKind::Info: {
        float text_width = screen_width - 2 * margin - 360;
        float height = std::max(280.0f, canvas.text_height(canvas.fonts().body, texts.instruction, text_width) + 100);
        Rect text_box { margin, 320, screen_width - margin, 320 + height };
        canvas.fill(text_box, colour::surface, 16);
        unsigned picture = step.field->pictogram.empty() ? glyph::information : pictogram_glyph(step.field->pictogram);
        canvas.icon(picture, text_box.x0 + 150, (text_box.y0 + text_box.y1) / 2, colour::primary);
        canvas.text(canvas.fonts().body, texts.instruction, text_box.x0 + 300, text_box.y0 + 50, text_width);
        next_button(primary_action);
        break;
    }
    case InputKind::Text:
    case InputKind::LongText:
    case InputKind::Email: {
        bool long_text = step.input == InputKind::LongText;
        Rect box { margin, 320, 1380, long_text ? 480.0f : 420.0f };
        text_field(canvas, step, value, texts.hint, box);
        if (runner.error())
            error_line(canvas, *runner.error(), margin, box.y1 + 48, box.x1 - margin);
        next_button(Rect { 1420, 320, 1840, 450 });
        card_button(Rect { 1420, 470, 1840, 570 });
        auto layout = step.input == InputKind::Email ? KeyboardLayout::Email : KeyboardLayout::Text;
        m_keyboard.draw_azerty(canvas, Rect { 40, 600, 1880, 1060 }, value.empty(), layout, out, agent);
        break;
    }
    case InputKind::Digits:
    case InputKind::Phone:
    case InputKind::Date: {
        Rect box { margin, 330, 980, 430 };
        text_field(canvas, step, value, texts.hint, box);
        std::string under;
        if (step.input == InputKind::Date)
            under = N_("Le jour, le mois, puis l'année.");
        else if (!step.field->required)
            under = N_("Vous pouvez laisser vide.");
        else if (!texts.hint.empty() && !value.empty())
            under = texts.hint;
        canvas.text(canvas.fonts().body, under, margin, 450, 900, colour::text_muted);
        if (runner.error())
            error_line(canvas, *runner.error(), margin, 530, 900);
        m_keyboard.draw_digits(canvas, Rect { 1080, 320, 1840, 880 }, out);
        next_button(primary_action);
        card_button(Rect { margin, 920, 700, 1050 });
        break;
    }
    }
}

// Many communes for one postcode: the resident types the start of the name
// and one row of tiles shows the communes that match.
void Screens::commune_search(Canvas& canvas, DemarcheRunner const& runner, Step const& step, std::vector<Intent>& out)
{
    auto const& filter = runner.commune_filter();
    auto options = runner.options(step);
    auto const& chosen = runner.answer(step.key);
    Rect box { margin, 320, 1380, 420 };
    canvas.box(box, colour::surface, colour::primary, 4, 8);
    if (filter.empty()) {
        canvas.text_line(canvas.fonts().body,
            fill(N_("{n} communes : tapez le début du nom de la vôtre"),
                { { "n", std::to_string(runner.commune_count(step)) } }),
            box.x0 + 30, box.y0 + 28, box.x1 - box.x0 - 60, colour::placeholder);
        canvas.fill(Rect { box.x0 + 28, box.y0 + 24, box.x0 + 32, box.y0 + 74 }, colour::primary);
    } else {
        auto end = canvas.text_tail(canvas.fonts().body, filter, box.x0 + 30, box.y0 + 28, box.x1 - box.x0 - 60, 1);
        canvas.fill(Rect { end.x + 4, end.y, end.x + 8, end.y + 42 }, colour::primary);
    }

    // One row between the box and the keyboard: four communes, or three
    // and how many more in the fourth place.
    std::size_t const slots = 4;
    std::size_t shown = options.size() > slots ? slots - 1 : options.size();
    float gap = 24;
    float width = (screen_width - 2 * margin - gap * (slots - 1)) / slots;
    for (std::size_t i = 0; i < shown; ++i) {
        float x = margin + i * (width + gap);
        bool selected = options[i].id == chosen;
        auto name = canvas.verbatim();
        if (canvas.button("choice:" + options[i].id, options[i].label, Rect { x, 465, x + width, 585 },
                ButtonStyle::Tile, selected ? glyph::check : 0, selected ? Selected::Yes : Selected::No))
            out.emplace_back(intent::Choose { options[i].id });
    }
    if (options.empty())
        canvas.text(canvas.fonts().bold, N_("Aucune commune de ce code postal ne commence ainsi. Effacez une lettre."),
            margin, 480, screen_width - 2 * margin, colour::error);
    else if (options.size() > shown)
        canvas.text(canvas.fonts().body,
            fill(N_("Et {n} autres : tapez encore quelques lettres."),
                { { "n", std::to_string(options.size() - shown) } }),
            margin + shown * (width + gap), 475, width, colour::text_muted);
    if (runner.error())
        error_line(canvas, *runner.error(), margin, 445, 1280);
    m_keyboard.draw_azerty(canvas, Rect { 40, 600, 1880, 1060 }, filter.empty(), KeyboardLayout::Text, out);
}

// [SECTION] Review, receipt

void Screens::review(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& runner = *session.runner();
    canvas.text(canvas.fonts().title, N_("Vérifiez vos réponses"), margin, 175, 1260);
    canvas.text(canvas.fonts().body, N_("Si tout est juste, touchez « Confirmer ». Sinon, touchez « Modifier »."),
        margin, 245, 1260, colour::text_muted);
    canvas.say(N_("Vérifiez vos réponses"));
    canvas.say(N_("Si tout est juste, touchez « Confirmer ». Sinon, touchez « Modifier »."));
    canvas.say(N_("Pour entendre vos réponses, touchez « Lire mes réponses »."));
    // The answers are personal: read aloud only when the resident asks.
    if (canvas.button("listen:answers", N_("Lire mes réponses"), Rect { 1360, 165, 1840, 285 }, ButtonStyle::Secondary,
            glyph::volume_up))
        out.emplace_back(intent::Listen { true });

    // Five answers a page, each with a "Modifier" of full touch height; a
    // longer démarche turns pages, and "Confirmer" waits on the last one so
    // that every answer has been on screen.
    constexpr std::size_t per_page = 5;
    constexpr float row_height = 122;
    auto lines = runner.summary();
    std::size_t pages = std::max<std::size_t>(1, (lines.size() + per_page - 1) / per_page);
    m_review_page = std::min(m_review_page, pages - 1);
    float y = 300;
    for (std::size_t i = m_review_page * per_page; i < std::min(lines.size(), (m_review_page + 1) * per_page); ++i) {
        auto const& line = lines[i];
        Rect row { margin, y, screen_width - margin, y + row_height - 10 };
        canvas.fill(row, colour::surface, 8);
        // The section says whose answer it is ("La personne concernée"),
        // unless it only repeats the label.
        if (line.section != line.label) {
            canvas.text_line(canvas.fonts().body, line.section, row.x0 + 30, y + 8, 640, colour::text_muted);
            canvas.text_line(canvas.fonts().bold, line.label, row.x0 + 30, y + 56, 640);
        } else {
            canvas.text_line(canvas.fonts().bold, line.label, row.x0 + 30, y + 34, 640);
        }
        if (line.value.empty()) {
            canvas.text(canvas.fonts().body, N_("Pas de réponse"), 760, y + 34, 700, colour::text_muted);
        } else {
            auto answer = canvas.verbatim();
            canvas.text_line(canvas.fonts().body, line.value, 760, y + 34, 720);
        }
        canvas.say_answer(line.label, line.value);
        if (line.from_card && !session.agent_acting()) {
            canvas.icon(glyph::id_card, row.x1 - 270, y + 56, colour::primary, canvas.fonts().bold);
            canvas.text(canvas.fonts().body, line.corrected ? N_("Corrigé par l'agent") : N_("Lu sur votre carte"),
                row.x1 - 225, y + 8, 210, colour::primary);
        } else if (line.from_card) {
            // An agent may correct it, from the card in their hand; an
            // "agent:" id keeps a remote mediator's taps off it.
            if (canvas.button("agent:edit:" + line.key, N_("Corriger"),
                    Rect { row.x1 - 300, y + 6, row.x1 - 14, y + 106 }, ButtonStyle::Secondary, glyph::id_card))
                out.emplace_back(intent::EditStep { line.key });
        } else if (line.removes_item) {
            auto dot = line.key.rfind('.');
            if (canvas.button("remove:" + line.key, N_("Retirer"), Rect { row.x1 - 300, y + 6, row.x1 - 14, y + 106 },
                    ButtonStyle::Secondary, glyph::close))
                out.emplace_back(intent::RemoveItem {
                    line.key.substr(0, dot), static_cast<std::size_t>(std::stoul(line.key.substr(dot + 1))) });
        } else if (canvas.button("edit:" + line.key, N_("Modifier"), Rect { row.x1 - 300, y + 6, row.x1 - 14, y + 106 },
                       ButtonStyle::Secondary, glyph::edit)) {
            out.emplace_back(intent::EditStep { line.key });
        }
        y += row_height;
    }
    if (session.save_error())
        error_line(canvas, *session.save_error(), margin, 915, 1280);
    else if (pages > 1)
        canvas.text(canvas.fonts().body,
            fill(N_("Réponses {first} à {last} sur {total}"),
                { { "first", std::to_string(m_review_page * per_page + 1) },
                    { "last", std::to_string(std::min(lines.size(), (m_review_page + 1) * per_page)) },
                    { "total", std::to_string(lines.size()) } }),
            560, 955, 780, colour::text_muted, Align::Centre);
    if (m_review_page > 0 && !session.save_error()
        && canvas.button(
            "review:previous", N_("Précédentes"), Rect { margin, 920, 520, 1050 }, ButtonStyle::Secondary, glyph::back))
        --m_review_page;
    if (m_review_page + 1 < pages) {
        if (canvas.button("review:more", N_("Voir la suite"), primary_action, ButtonStyle::Primary, glyph::next))
            ++m_review_page;
    } else if (canvas.button("confirm", N_("Confirmer"), primary_action, ButtonStyle::Primary, glyph::check)) {
        out.emplace_back(intent::Confirm {});
    }
}

void Screens::qr_code(Canvas& canvas, std::string const& text, float x, float y, float size)
{
    if (text != m_qr_text) {
        m_qr_text = text;
        m_qr_modules.clear();
        m_qr_width = 0;
        if (QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M)) {
            m_qr_width = code->width;
            m_qr_modules.resize(static_cast<std::size_t>(code->width) * code->width);
            for (std::size_t i = 0; i < m_qr_modules.size(); ++i)
                m_qr_modules[i] = (code->data[i] & 1) != 0;
            QRcode_free(code);
        }
    }
    // A code reads the same in every language: at its mirrored place, but
    // never mirrored itself (a phone could not read it).
    if (canvas.mirrored())
        x = design_width - x - size;
    auto as_it_is = canvas.left_to_right();
    // Dark modules on white in every display mode: phones read inverted
    // codes badly.
    ImU32 const paper = rgb(0xFF, 0xFF, 0xFF), ink = rgb(0, 0, 0);
    canvas.fill(Rect { x, y, x + size, y + size }, paper);
    if (m_qr_width == 0)
        return;
    // Whole screen pixels per module, four modules of quiet zone all
    // around: fractional modules leave hairlines that upset phone scanners.
    float module = std::floor(size * canvas.scale() / float(m_qr_width + 8));
    float origin_x = std::floor(x * canvas.scale() + (size * canvas.scale() - module * m_qr_width) / 2);
    float origin_y = std::floor(y * canvas.scale() + (size * canvas.scale() - module * m_qr_width) / 2);
    for (int row = 0; row < m_qr_width; ++row) {
        for (int column = 0; column < m_qr_width; ++column) {
            if (!m_qr_modules[static_cast<std::size_t>(row) * m_qr_width + column])
                continue;
            ImVec2 top_left(origin_x + column * module, origin_y + row * module);
            canvas.draw_list()->AddRectFilled(top_left, ImVec2(top_left.x + module, top_left.y + module), ink);
        }
    }
}

void Screens::receipt(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& receipt = *session.receipt();
    canvas.icon(glyph::check_circle, margin + 40, 215, colour::success, canvas.fonts().title);
    canvas.text(canvas.fonts().title, receipt.title, margin + 100, 185, 1300);
    canvas.text(canvas.fonts().body, N_("Votre code de suivi :"), margin, 290, 1200, colour::text_muted);

    // Spaced out, to be read aloud letter by letter.
    std::string spaced;
    for (char c : receipt.code.display()) {
        if (!spaced.empty())
            spaced += ' ';
        spaced += c;
    }
    canvas.box(Rect { margin, 340, 1240, 490 }, colour::surface, colour::primary, 4, 12);
    {
        auto code = canvas.verbatim();
        canvas.text(canvas.fonts().huge, spaced, margin, 355, 1160, colour::primary, Align::Centre);
    }

    canvas.say(receipt.title);
    canvas.say(N_("Gardez votre code de suivi : il sert à suivre votre demande."));
    switch (session.print_status()) {
    case PrintStatus::Printing:
        canvas.say(N_("Votre reçu est en cours d'impression…"));
        break;
    case PrintStatus::Printed:
        canvas.say(resident_message(PrintOutcome::Printed));
        break;
    case PrintStatus::Failed:
        canvas.say(resident_message(session.print_outcome().value_or(PrintOutcome::Failed)));
        break;
    }
    canvas.say(N_("Touchez « Terminer » quand vous avez fini."));
    float used = canvas.text(canvas.fonts().body, receipt.next_steps, margin, 520, 1160);
    // Below what happens next, however long the démarche's text is.
    float status_y = std::max(700.0f, 520 + used + 30);
    switch (session.print_status()) {
    case PrintStatus::Printing:
        canvas.icon(glyph::print, margin + 30, status_y + 30, colour::primary, canvas.fonts().title);
        canvas.text(canvas.fonts().bold, N_("Votre reçu est en cours d'impression…"), margin + 90, status_y + 8, 1070);
        break;
    case PrintStatus::Printed:
        canvas.icon(glyph::print, margin + 30, status_y + 30, colour::success, canvas.fonts().title);
        canvas.text(canvas.fonts().bold, std::string(resident_message(PrintOutcome::Printed)), margin + 90,
            status_y + 8, 1070, colour::success);
        break;
    case PrintStatus::Failed:
        error_line(canvas, std::string(resident_message(session.print_outcome().value_or(PrintOutcome::Failed))),
            margin, status_y - 10, 1160);
        // Once the agent has seen to the printer.
        if (session.agent_mode() && session.printer().can_print()
            && canvas.button("agent:reprint", N_("Réimprimer le reçu"),
                Rect { margin, std::min(status_y + 120, 950.0f), margin + 520, std::min(status_y + 220, 1050.0f) },
                ButtonStyle::Secondary, glyph::print))
            out.emplace_back(intent::Reprint { session.print_job() });
        break;
    }

    qr_code(canvas, receipt.follow_url, 1360, 290, 440);
    canvas.text(canvas.fonts().body, N_("Suivez votre demande avec votre téléphone."), 1330, 745, 500,
        colour::text_muted, Align::Centre);

    if (canvas.button("finish", N_("Terminer"), primary_action, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::EndSession {});
}

// After the receipt: "Comment s'est passée votre démarche ?", three faces,
// then, if the resident wants, why. Nothing personal is left by then.
void Screens::feedback(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& feedback = session.feedback();
    if (!feedback)
        return;
    if (!feedback->rating) {
        canvas.text(canvas.fonts().title, N_("Comment s'est passée votre démarche ?"), margin, 185,
            screen_width - 2 * margin, colour::text, Align::Centre);
        canvas.text(canvas.fonts().body, N_("Touchez un visage. Votre réponse est anonyme."), margin, 270,
            screen_width - 2 * margin, colour::text_muted, Align::Centre);
        canvas.say(N_("Comment s'est passée votre démarche ?"));
        canvas.say(N_("Touchez un visage. Votre réponse est anonyme."));
        struct Face {
            Rating rating;
            char const* label;
            unsigned picture;
        };
        constexpr std::array faces {
            Face { Rating::Good, N_("Bien"), glyph::smile },
            Face { Rating::Neutral, N_("Moyen"), glyph::meh },
            Face { Rating::Bad, N_("Mal"), glyph::frown },
        };
        constexpr float tile = 440, gap = 60;
        float x = (screen_width - (3 * tile + 2 * gap)) / 2;
        for (auto const& face : faces) {
            if (canvas.tile("rate:" + std::string(to_string(face.rating)), face.label, "", face.picture,
                    Rect { x, 360, x + tile, 800 }))
                out.emplace_back(intent::Rate { face.rating });
            x += tile + gap;
        }
        if (canvas.button("finish", N_("Passer"), primary_action, ButtonStyle::Secondary, glyph::next))
            out.emplace_back(intent::EndSession {});
        return;
    }
    canvas.text(canvas.fonts().title, N_("Merci ! Pourquoi ?"), margin, 185, screen_width - 2 * margin, colour::text,
        Align::Centre);
    canvas.text(canvas.fonts().body, N_("Si vous voulez, touchez une réponse."), margin, 270, screen_width - 2 * margin,
        colour::text_muted, Align::Centre);
    canvas.say(N_("Merci ! Pourquoi ?"));
    canvas.say(N_("Si vous voulez, touchez une réponse."));
    auto reasons = rating_reasons(*feedback->rating);
    constexpr float gap = 40;
    float tile = std::min(420.0f, (screen_width - 2 * margin - gap * (reasons.size() - 1)) / reasons.size());
    float x = (screen_width - (reasons.size() * tile + (reasons.size() - 1) * gap)) / 2;
    for (auto const& reason : reasons) {
        if (canvas.tile("reason:" + std::string(reason.id), reason.text, "", pictogram_glyph(reason.pictogram),
                Rect { x, 360, x + tile, 800 }))
            out.emplace_back(intent::RateReason { std::string(reason.id) });
        x += tile + gap;
    }
    if (canvas.button("finish", N_("Terminer"), primary_action, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::EndSession {});
}

// "Suivre ma demande": where the request stands, in plain words, and
// nothing of what it contains.
void Screens::status(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& follow_up = session.follow_up();
    if (!follow_up)
        return;
    canvas.text(canvas.fonts().body, N_("Votre code :"), margin, 185, 800, colour::text_muted);
    {
        auto code = canvas.verbatim();
        canvas.text(canvas.fonts().title, follow_up->code, margin + 230, 172, 800, colour::primary);
    }
    float y = 300;
    if (follow_up->pending) {
        canvas.say(N_("Nous cherchons votre demande…"));
        canvas.icon(glyph::clock, margin + 60, y + 60, colour::primary);
        canvas.text(canvas.fonts().title, N_("Nous cherchons votre demande…"), margin + 160, y, 1500);
        canvas.text(
            canvas.fonts().body, N_("Cela prend quelques secondes."), margin + 160, y + 80, 1400, colour::text_muted);
    } else if (follow_up->error) {
        canvas.say(*follow_up->error);
        error_line(canvas, *follow_up->error, margin, y, 1400);
    } else if (!follow_up->status && follow_up->asked_services) {
        char const* title = N_("Nous ne trouvons pas cette demande.");
        char const* what_to_do = N_("Vérifiez les lettres du code sur votre reçu. Si le code est juste, l'accueil "
                                    "peut chercher votre demande pour vous.");
        canvas.say(title);
        canvas.say(what_to_do);
        canvas.icon(glyph::help, margin + 60, y + 60, colour::primary);
        canvas.text(canvas.fonts().title, title, margin + 160, y, 1500);
        canvas.text(canvas.fonts().body, what_to_do, margin + 160, y + 80, 1400);
    } else if (!follow_up->status) {
        char const* title = N_("Nous ne trouvons pas cette demande sur cette borne.");
        char const* what_to_do = N_("Vérifiez les lettres du code sur votre reçu. Si vous avez fait votre demande "
                                    "sur une autre borne ou il y a longtemps, l'accueil peut la chercher pour vous.");
        canvas.say(title);
        canvas.say(what_to_do);
        canvas.icon(glyph::help, margin + 60, y + 60, colour::primary);
        canvas.text(canvas.fonts().title, title, margin + 160, y, 1500);
        canvas.text(canvas.fonts().body, what_to_do, margin + 160, y + 80, 1400);
    } else {
        auto const& status = *follow_up->status;
        auto const* demarche = session.catalogue().find(status.demarche_id);
        canvas.text(canvas.fonts().title, demarche ? demarche->title.fr() : N_("Votre demande"), margin + 160, y, 1500);
        std::time_t when = static_cast<std::time_t>(status.confirmed_at);
        std::tm local {};
        localtime_r(&when, &local);
        // Still in the outbox: made here. Otherwise the services answered,
        // and it may have been made at another kiosk.
        char day[48], time[48];
        std::snprintf(day, sizeof day, "%02d/%02d/%04d", local.tm_mday, local.tm_mon + 1, local.tm_year + 1900);
        std::snprintf(time, sizeof time, "%d h %02d", local.tm_hour, local.tm_min);
        auto made = fill(status.state == RequestState::WaitingToLeave ? N_("Faite sur cette borne le {day} à {time}.")
                                                                      : N_("Faite le {day} à {time}."),
            { { "day", day }, { "time", time } });
        canvas.text(canvas.fonts().body, made, margin + 160, y + 75, 1400, colour::text_muted);
        // Each state its own picture, for those who do not read it.
        std::string state;
        unsigned picture = glyph::information;
        ImU32 tone = colour::primary;
        switch (status.state) {
        case RequestState::WaitingToLeave:
            state = N_("Votre demande est bien enregistrée. Elle partira vers les services dès que la borne sera "
                       "connectée. Vous n'avez rien à faire.");
            picture = glyph::clock;
            break;
        case RequestState::Received:
            state = N_("Les services ont reçu votre demande.");
            picture = glyph::inbox;
            break;
        case RequestState::InProgress:
            state = N_("Les services étudient votre demande.");
            picture = glyph::hourglass;
            break;
        case RequestState::Accepted:
            state = N_("Votre demande est acceptée.");
            picture = glyph::check_circle;
            tone = colour::success;
            break;
        case RequestState::Refused:
            state = N_("Votre demande est refusée. L'accueil peut vous expliquer pourquoi.");
            picture = glyph::refused;
            tone = colour::error;
            break;
        case RequestState::Closed:
            state = N_("Les services ont arrêté votre demande. L'accueil peut vous expliquer pourquoi.");
            picture = glyph::stopped;
            tone = colour::error;
            break;
        }
        canvas.icon(picture, margin + 60, y + 50, tone);
        canvas.say(demarche ? demarche->title.fr() : N_("Votre demande"));
        canvas.say(state);
        Rect panel { margin, y + 150, 1400, y + 350 };
        canvas.fill(panel, colour::surface, 16);
        canvas.text(canvas.fonts().bold, state, panel.x0 + 40, panel.y0 + 40, panel.x1 - panel.x0 - 80);
    }
    if (canvas.button("follow:again", N_("Chercher un autre code"), Rect { margin, 920, 720, 1050 },
            ButtonStyle::Secondary, glyph::back))
        out.emplace_back(intent::Back {});
    if (canvas.button("finish", N_("Terminer"), primary_action, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::EndSession {});
}

// [SECTION] Overlays

void Screens::idle_warning(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 360, 200, 1560, 880 };
    canvas.fill(panel, colour::surface, 20);
    canvas.icon(glyph::clock, 960, 310, colour::primary);
    canvas.text(canvas.fonts().title, N_("Êtes-vous toujours là ?"), panel.x0, 400, panel.x1 - panel.x0, colour::text,
        Align::Centre);
    // Said once: the countdown's seconds would make it speak every second.
    canvas.say(N_("Êtes-vous toujours là ?"));
    canvas.say(N_("Sans réponse, vos réponses seront effacées. Pour continuer, touchez « Oui, je continue »."));
    int left = session.idle_seconds_left();
    std::string countdown = fill(left > 1 ? N_("Sans réponse, vos réponses seront effacées dans {n} secondes.")
                                          : N_("Sans réponse, vos réponses seront effacées dans {n} seconde."),
        { { "n", std::to_string(left) } });
    canvas.text(
        canvas.fonts().body, countdown, panel.x0 + 60, 490, panel.x1 - panel.x0 - 120, colour::text, Align::Centre);
    if (canvas.button(
            "idle:continue", N_("Oui, je continue"), Rect { 420, 700, 1000, 840 }, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::StillHere {});
    if (canvas.button("idle:end", N_("J'ai fini"), Rect { 1040, 700, 1500, 840 }, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::EndSession {});
}

void Screens::display_panel(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 410, 110, 1510, 970 };
    canvas.fill(panel, colour::surface, 20);
    canvas.text(canvas.fonts().title, N_("Mieux voir l'écran"), panel.x0, 150, panel.x1 - panel.x0, colour::text,
        Align::Centre);
    canvas.say(N_("Mieux voir l'écran"));
    canvas.say(N_("Touchez « Grand texte » ou « Contraste fort ». Touchez encore pour revenir comme avant."));
    auto toggle = [&](std::string const& id, char const* label, char const* hint, bool on, float y) {
        return canvas.wide_tile(id, label, hint, on ? glyph::box_checked : glyph::box_empty,
            Rect { panel.x0 + 80, y, panel.x1 - 80, y + 200 });
    };
    if (toggle("display:large", N_("Grand texte"), N_("Des lettres plus grandes"), session.large_text(), 270))
        out.emplace_back(intent::ToggleLargeText {});
    if (toggle("display:contrast", N_("Contraste fort"), N_("Texte clair sur fond noir"), session.high_contrast(), 500))
        out.emplace_back(intent::ToggleHighContrast {});
    if (canvas.button("display:close", N_("Fermer"), Rect { 710, 780, 1210, 910 }, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::CloseDisplay {});
}

void Screens::help(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 360, 90, 1560, 990 };
    float inner = panel.x1 - panel.x0 - 160;
    canvas.fill(panel, colour::surface, 20);
    canvas.text(
        canvas.fonts().title, N_("Besoin d'aide ?"), panel.x0, 130, panel.x1 - panel.x0, colour::text, Align::Centre);
    canvas.say(N_("Besoin d'aide ?"));
    canvas.say(session.assistance().remote_available()
            ? N_("Touchez « Un conseiller à distance » pour parler à une personne sur cet écran, ou « Un conseiller "
                 "à l'accueil » pour un numéro de passage.")
            : N_("Touchez « Un conseiller à l'accueil » pour un numéro de passage."));

    // A person who helps from afar, on this screen; greyed, with the reason,
    // when the central services do not answer.
    Rect remote { 460, 230, 1460, 370 };
    if (session.assistance().remote_available()) {
        if (canvas.button("help:remote", N_("Un conseiller à distance"), remote, ButtonStyle::Primary, glyph::people))
            out.emplace_back(intent::AskRemoteHelp {});
        canvas.text(canvas.fonts().body, N_("Il vous parle sur cet écran. Vous décidez de tout."), panel.x0 + 80, 385,
            inner, colour::text_muted, Align::Centre);
    } else {
        canvas.box(remote, colour::background, colour::border, 3, 12);
        canvas.icon(glyph::people, remote.x0 + 80, (remote.y0 + remote.y1) / 2, colour::placeholder, nullptr, 56);
        canvas.text(canvas.fonts().bold, N_("Un conseiller à distance"), remote.x0 + 140, remote.y0 + 45,
            remote.x1 - remote.x0 - 180, colour::placeholder, Align::Left);
        canvas.text(canvas.fonts().body, N_("L'aide à distance ne répond pas pour le moment."), panel.x0 + 80, 385,
            inner, colour::text, Align::Centre);
    }

    desk_help(canvas, session, Rect { 460, 470, 1460, 700 }, out);

    // For the desk's agents (agent mode): discreet, in a corner.
    if (session.agents_known() && !session.agent_mode()
        && canvas.button(
            "help:agent", N_("Agent"), Rect { 1290, 105, 1545, 185 }, ButtonStyle::Secondary, glyph::id_card))
        out.emplace_back(intent::OpenAgentGate {});

    // During a démarche, a resident who wants to leave must be able to take
    // their answers with them, not wait for the idle wipe.
    bool in_demarche = session.runner() != nullptr;
    Rect back_button = in_demarche ? Rect { 410, 810, 930, 950 } : Rect { 610, 810, 1310, 950 };
    if (canvas.button("help:close", N_("Revenir à ma démarche"), back_button, ButtonStyle::Primary, glyph::back))
        out.emplace_back(intent::CloseHelp {});
    if (in_demarche
        && canvas.button("help:stop", N_("Tout arrêter et effacer"), Rect { 960, 810, 1510, 950 },
            ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::EndSession {});
}

}
