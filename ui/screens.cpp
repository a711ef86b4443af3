#include "ui/screens.hpp"

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

std::string step_label(std::size_t index, std::size_t total)
{
    return "Étape " + std::to_string(index) + " sur " + std::to_string(total);
}

}

bool Screens::has_overlay(Session const& session) const
{
    return session.idle_warning() || session.help_open();
}

void Screens::wipe()
{
    m_keyboard.reset();
    m_keyboard_page = SIZE_MAX;
    guichet::wipe(m_qr_text);
    m_qr_modules.assign(m_qr_modules.size(), false);
    m_qr_modules.clear();
    m_qr_width = 0;
}

ImU32 Screens::background(Session const& session) const
{
    return session.screen() == Screen::Attract ? colour::primary : colour::background;
}

void Screens::draw(Canvas& screen, Session const& session, std::vector<Intent>& out)
{
    switch (session.screen()) {
    case Screen::Attract:
        attract(screen, out);
        break;
    case Screen::Home:
        top_bar(screen, session, out);
        home(screen, session, out);
        break;
    case Screen::Step:
        top_bar(screen, session, out);
        step(screen, *session.runner(), out);
        break;
    case Screen::Review:
        top_bar(screen, session, out);
        review(screen, session, out);
        break;
    case Screen::Receipt:
        top_bar(screen, session, out);
        receipt(screen, session, out);
        break;
    }
}

void Screens::draw_overlay(Canvas& overlay, Session const& session, std::vector<Intent>& out)
{
    if (session.idle_warning())
        idle_warning(overlay, session, out);
    else if (session.help_open())
        help(overlay, session, out);
}

// [SECTION] Top bar: back on the left, where we are in the middle, help on
// the right. The same places on every screen.

void Screens::top_bar(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.fill(Rect { 0, 0, screen_width, top_bar_height }, colour::surface);
    canvas.fill(Rect { 0, top_bar_height - 4, screen_width, top_bar_height }, colour::primary);

    bool can_go_back = session.screen() != Screen::Receipt;
    if (can_go_back && canvas.button("back", "Retour", Rect { 30, 15, 370, 135 }, ButtonStyle::Secondary, glyph::back))
        out.emplace_back(intent::Back {});

    std::string where;
    auto const* runner = session.runner();
    if (session.screen() == Screen::Step && runner)
        where = step_label(runner->page_index() + 1, runner->page_count() + 1);
    else if (session.screen() == Screen::Review && runner)
        where = step_label(runner->page_count() + 1, runner->page_count() + 1);
    else if (session.screen() == Screen::Home)
        where = session.catalogue().demarches.empty() ? "" : "Accueil";
    if (!where.empty())
        canvas.text(canvas.fonts().bold, where, 400, 50, 1120, colour::text, Align::Centre);
    if (runner && (session.screen() == Screen::Step || session.screen() == Screen::Review)) {
        // The same progress as dots, for those who do not read numbers easily.
        std::size_t total = runner->page_count() + 1;
        std::size_t current = session.screen() == Screen::Review ? total - 1 : runner->page_index();
        float dot_gap = 44;
        float start = 960 - dot_gap * (total - 1) / 2;
        for (std::size_t i = 0; i < total; ++i) {
            auto centre = canvas.point(start + i * dot_gap, 112);
            if (i <= current)
                canvas.draw_list()->AddCircleFilled(centre, 12 * canvas.scale(), colour::primary);
            else
                canvas.draw_list()->AddCircle(centre, 12 * canvas.scale(), colour::primary, 0, 3 * canvas.scale());
        }
    }

    if (canvas.button("help", "Aide", Rect { 1550, 15, 1890, 135 }, ButtonStyle::Secondary, glyph::help))
        out.emplace_back(intent::OpenHelp {});
}

// [SECTION] Attract and home

void Screens::attract(Canvas& canvas, std::vector<Intent>& out)
{
    canvas.text(canvas.fonts().huge, "Bonjour", 0, 250, screen_width, colour::on_primary, Align::Centre);
    canvas.text(canvas.fonts().title, "Faites vos démarches ici, simplement.", 0, 400, screen_width, colour::on_primary,
        Align::Centre);
    canvas.icon(glyph::hand, 960, 610, colour::on_primary);
    // The whole screen starts the session: no need to aim.
    if (canvas.button("start", "Touchez l'écran pour commencer", Rect { 560, 760, 1360, 900 }, ButtonStyle::Secondary))
        out.emplace_back(intent::Activity {});
}

void Screens::home(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.text(canvas.fonts().title, "Que voulez-vous faire ?", margin, 200, screen_width - 2 * margin);
    auto const& demarches = session.catalogue().demarches;
    if (session.out_of_service()) {
        error_line(canvas,
            "Cette borne ne peut pas enregistrer de démarche pour le moment. Un agent de l'accueil peut vous aider.",
            margin, 360, screen_width - 2 * margin);
        return;
    }
    if (demarches.empty()) {
        canvas.text(canvas.fonts().bold,
            "Aucune démarche n'est disponible sur cette borne pour le moment. Adressez-vous à l'accueil.", margin, 420,
            screen_width - 2 * margin, colour::error);
        return;
    }
    canvas.text(canvas.fonts().body, "Touchez une image.", margin, 280, screen_width - 2 * margin, colour::text_muted);
    // Two rows of three. More démarches wait for the themes and life
    // situations of the démarche-engine issue; kiosk/main logs the excess.
    float tile_width = 540, tile_height = 300, gap = 40;
    for (std::size_t i = 0; i < std::min(demarches.size(), max_home_demarches); ++i) {
        auto const& demarche = demarches[i];
        float x = margin + (i % 3) * (tile_width + gap);
        float y = 360 + (i / 3) * (tile_height + gap);
        if (canvas.wide_tile("demarche:" + demarche.id, demarche.short_title, demarche.description,
                pictogram_glyph(demarche.pictogram), Rect { x, y, x + tile_width, y + tile_height }))
            out.emplace_back(intent::StartDemarche { demarche.id });
    }
}

// [SECTION] One question per screen

void Screens::error_line(Canvas& canvas, std::string const& message, float x, float y, float width)
{
    float height = canvas.text_height(canvas.fonts().bold, message, width - 100) + 30;
    canvas.fill(Rect { x, y, x + width, y + height }, colour::error_tint, 8);
    canvas.fill(Rect { x, y, x + 8, y + height }, colour::error);
    canvas.icon(glyph::error, x + 50, y + height / 2, colour::error, canvas.fonts().bold);
    canvas.text(canvas.fonts().bold, message, x + 90, y + 15, width - 100, colour::error);
}

void Screens::text_field(Canvas& canvas, Field const& field, std::string const& value, Rect box)
{
    canvas.box(box, colour::surface, colour::primary, 4, 8);
    float inner_width = box.x1 - box.x0 - 60;
    if (value.empty()) {
        if (!field.hint.empty())
            canvas.text(canvas.fonts().body, field.hint, box.x0 + 30, box.y0 + 28, inner_width, colour::placeholder);
        canvas.fill(Rect { box.x0 + 28, box.y0 + 24, box.x0 + 32, box.y0 + 74 }, colour::primary);
        return;
    }
    // A phone number reads grouped in pairs once it is complete.
    std::string shown = field.type == FieldType::Phone ? display_value(field, value) : value;
    // The box shows as many lines as fit, scrolled to the end where the
    // resident is typing. A caret after the text, drawn still: a blinking
    // one would wake the kiosk twice a second for nothing.
    float line_height = canvas.fonts().body->FontSize * 1.25f / canvas.scale();
    int max_lines = std::max(1, int((box.y1 - box.y0 - 28) / line_height));
    auto end_of_text = canvas.text_tail(canvas.fonts().body, shown, box.x0 + 30, box.y0 + 28, inner_width, max_lines);
    canvas.fill(Rect { end_of_text.x + 4, end_of_text.y, end_of_text.x + 8, end_of_text.y + 42 }, colour::primary);
    if (field.type != FieldType::Phone) {
        // At the limit the keys stop typing: say why, in red.
        auto length = utf8::length(value);
        bool full = length >= field.max_length;
        auto count = std::string(full ? "C'est le maximum : " : "") + std::to_string(length) + " / "
            + std::to_string(field.max_length);
        canvas.text(canvas.fonts().body, count, box.x1 - 700, box.y1 + 8, 690,
            full ? colour::error : colour::text_muted, Align::Right);
    }
}

void Screens::choice_field(Canvas& canvas, Field const& field, std::string const& value, std::vector<Intent>& out)
{
    std::size_t count = field.choices.size();
    std::size_t per_row = count <= 5 ? count : 4;
    float gap = 30;
    float tile_width = std::min(420.0f, (screen_width - 2 * margin - gap * (per_row - 1)) / per_row);
    float row_width = per_row * tile_width + (per_row - 1) * gap;
    float start_x = (screen_width - row_width) / 2;
    float tile_height = count <= 5 ? 440 : 280;
    for (std::size_t i = 0; i < count; ++i) {
        auto const& choice = field.choices[i];
        float x = start_x + (i % per_row) * (tile_width + gap);
        float y = 360 + (i / per_row) * (tile_height + gap);
        bool selected = choice.id == value;
        if (canvas.tile("choice:" + choice.id, choice.label, choice.hint, pictogram_glyph(choice.pictogram),
                Rect { x, y, x + tile_width, y + tile_height }, selected ? Selected::Yes : Selected::No))
            out.emplace_back(intent::Choose { choice.id });
    }
}

void Screens::step(Canvas& canvas, DemarcheRunner const& runner, std::vector<Intent>& out)
{
    auto const& page = runner.page();
    auto const& field = runner.field();
    auto const& value = runner.answer(field.id);
    if (m_keyboard_page != runner.page_index()) {
        m_keyboard.reset();
        m_keyboard_page = runner.page_index();
    }

    canvas.text(canvas.fonts().title, page.title, margin, 175, screen_width - 2 * margin);
    if (!page.instruction.empty())
        canvas.text(canvas.fonts().body, page.instruction, margin, 245, screen_width - 2 * margin, colour::text_muted);

    switch (field.type) {
    case FieldType::Choice: {
        choice_field(canvas, field, value, out);
        if (runner.error())
            error_line(canvas, *runner.error(), margin, 830, 1280);
        if (canvas.button("next", "Continuer", primary_action, ButtonStyle::Primary, glyph::next))
            out.emplace_back(intent::Next {});
        break;
    }
    case FieldType::ShortText:
    case FieldType::LongText: {
        bool long_text = field.type == FieldType::LongText;
        Rect box { margin, 310, 1380, long_text ? 470.0f : 410.0f };
        text_field(canvas, field, value, box);
        if (runner.error())
            error_line(canvas, *runner.error(), margin, box.y1 + 50, box.x1 - margin);
        if (canvas.button("next", "Continuer", Rect { 1420, 310, 1840, 440 }, ButtonStyle::Primary, glyph::next))
            out.emplace_back(intent::Next {});
        m_keyboard.draw_azerty(canvas, Rect { 40, 600, 1880, 1060 }, value.empty(), out);
        break;
    }
    case FieldType::Phone: {
        Rect box { margin, 330, 980, 430 };
        text_field(canvas, field, value, box);
        canvas.text(canvas.fonts().body, field.required ? "" : "Vous pouvez laisser vide.", margin, 450, 900,
            colour::text_muted);
        if (runner.error())
            error_line(canvas, *runner.error(), margin, 520, 900);
        m_keyboard.draw_digits(canvas, Rect { 1080, 310, 1840, 880 }, out);
        if (canvas.button("next", "Continuer", primary_action, ButtonStyle::Primary, glyph::next))
            out.emplace_back(intent::Next {});
        break;
    }
    }
}

// [SECTION] Review, receipt

void Screens::review(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& runner = *session.runner();
    canvas.text(canvas.fonts().title, "Vérifiez vos réponses", margin, 175, screen_width - 2 * margin);
    canvas.text(canvas.fonts().body, "Si tout est juste, touchez « Confirmer ». Sinon, touchez « Modifier ».", margin,
        245, screen_width - 2 * margin, colour::text_muted);

    // Four answers fit above the confirm button with "Modifier" buttons of
    // full touch height (120 px). A démarche with more pages will need the
    // review split over screens (démarche-engine issue).
    float y = 300;
    auto lines = runner.summary();
    constexpr float row_height = 150;
    for (auto const& line : lines) {
        Rect row { margin, y, screen_width - margin, y + row_height - 12 };
        canvas.fill(row, colour::surface, 8);
        canvas.text(canvas.fonts().bold, line.label, row.x0 + 30, y + 20, 500);
        if (line.value.empty())
            canvas.text(canvas.fonts().body, "Non renseigné", row.x0 + 30, y + 70, 1200, colour::text_muted);
        else
            canvas.text_line(canvas.fonts().body, line.value, row.x0 + 30, y + 70, 1300);
        auto const& page = runner.demarche().pages[line.page_index];
        if (canvas.button("edit:" + page.id, "Modifier", Rect { row.x1 - 320, y + 9, row.x1 - 20, y + 129 },
                ButtonStyle::Secondary, glyph::edit))
            out.emplace_back(intent::EditPage { line.page_index });
        y += row_height;
    }
    if (session.save_error())
        error_line(canvas, *session.save_error(), margin, 900, 1280);
    if (canvas.button("confirm", "Confirmer", primary_action, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::Confirm {});
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
    canvas.fill(Rect { x, y, x + size, y + size }, colour::surface);
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
            canvas.draw_list()->AddRectFilled(top_left, ImVec2(top_left.x + module, top_left.y + module), colour::text);
        }
    }
}

void Screens::receipt(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& receipt = *session.receipt();
    canvas.icon(glyph::check_circle, margin + 40, 215, colour::success, canvas.fonts().title);
    canvas.text(canvas.fonts().title, receipt.title, margin + 100, 185, 1300);
    canvas.text(canvas.fonts().body, "Votre code de suivi :", margin, 290, 1200, colour::text_muted);

    // Spaced out, to be read aloud letter by letter.
    std::string spaced;
    for (char c : receipt.code.display()) {
        if (!spaced.empty())
            spaced += ' ';
        spaced += c;
    }
    canvas.box(Rect { margin, 340, 1240, 490 }, colour::surface, colour::primary, 4, 12);
    canvas.text(canvas.fonts().huge, spaced, margin, 355, 1160, colour::primary, Align::Centre);

    canvas.text(canvas.fonts().body, receipt.next_steps, margin, 530, 1160);

    float status_y = 720;
    switch (session.print_status()) {
    case PrintStatus::Printing:
        canvas.icon(glyph::print, margin + 30, status_y + 30, colour::primary, canvas.fonts().title);
        canvas.text(canvas.fonts().bold, "Votre reçu est en cours d'impression…", margin + 90, status_y + 8, 1070);
        break;
    case PrintStatus::Printed:
        canvas.icon(glyph::print, margin + 30, status_y + 30, colour::success, canvas.fonts().title);
        canvas.text(canvas.fonts().bold, std::string(resident_message(PrintOutcome::Printed)), margin + 90,
            status_y + 8, 1070, colour::success);
        break;
    case PrintStatus::Failed:
        error_line(canvas, std::string(resident_message(session.print_outcome().value_or(PrintOutcome::Failed))),
            margin, status_y - 10, 1160);
        break;
    }

    qr_code(canvas, receipt.follow_url, 1360, 290, 440);
    canvas.text(canvas.fonts().body, "Suivez votre demande avec votre téléphone.", 1330, 745, 500, colour::text_muted,
        Align::Centre);

    if (canvas.button("finish", "Terminer", primary_action, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::EndSession {});
}

// [SECTION] Overlays

void Screens::idle_warning(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 360, 200, 1560, 880 };
    canvas.fill(panel, colour::surface, 20);
    canvas.icon(glyph::clock, 960, 310, colour::primary);
    canvas.text(canvas.fonts().title, "Êtes-vous toujours là ?", panel.x0, 400, panel.x1 - panel.x0, colour::text,
        Align::Centre);
    int left = session.idle_seconds_left();
    std::string countdown = "Sans réponse, vos réponses seront effacées dans " + std::to_string(left)
        + (left > 1 ? " secondes." : " seconde.");
    canvas.text(
        canvas.fonts().body, countdown, panel.x0 + 60, 490, panel.x1 - panel.x0 - 120, colour::text, Align::Centre);
    if (canvas.button(
            "idle:continue", "Oui, je continue", Rect { 420, 700, 1000, 840 }, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::StillHere {});
    if (canvas.button("idle:end", "J'ai fini", Rect { 1040, 700, 1500, 840 }, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::EndSession {});
}

void Screens::help(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 360, 200, 1560, 880 };
    canvas.fill(panel, colour::surface, 20);
    canvas.icon(glyph::people, 960, 310, colour::primary);
    canvas.text(
        canvas.fonts().title, "Besoin d'aide ?", panel.x0, 400, panel.x1 - panel.x0, colour::text, Align::Centre);
    canvas.text(canvas.fonts().body,
        "Un agent de l'accueil peut vous aider. Allez le voir : vos réponses restent sur l'écran.", panel.x0 + 80, 490,
        panel.x1 - panel.x0 - 160, colour::text, Align::Centre);
    // During a démarche, a resident who wants to leave must be able to take
    // their answers with them, not wait for the idle wipe.
    bool in_demarche = session.runner() != nullptr;
    Rect back_button = in_demarche ? Rect { 410, 700, 930, 840 } : Rect { 610, 700, 1310, 840 };
    if (canvas.button("help:close", "Revenir à ma démarche", back_button, ButtonStyle::Primary, glyph::back))
        out.emplace_back(intent::CloseHelp {});
    if (in_demarche
        && canvas.button(
            "help:stop", "Tout arrêter et effacer", Rect { 960, 700, 1510, 840 }, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::EndSession {});
}

}
