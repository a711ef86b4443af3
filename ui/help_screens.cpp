// Remote help on the kiosk's screen (kiosk/core/assistance.hpp): who helps,
// in the top bar, for as long as they are there; a ring around what they
// point at; their messages, one at a time, until the resident has read
// them; the consent screen before they may act; and a plain sentence when
// the help ends. Nothing here acts: every answer is an intent.
#include "ui/screens.hpp"

#include "kiosk/core/i18n.hpp"
#include "ui/pictograms.hpp"

#include <cstdio>
#include <ctime>

namespace guichet::ui {

namespace {

constexpr float screen_width = 1920;
constexpr float screen_height = 1080;

using State = Assistance::State;
using Control = Assistance::Control;

// The mediator as the subject of a sentence: "Marie, médiatrice," before a
// verb when the name has an apposition, "Marie" alone otherwise.
std::string subject(std::string const& name)
{
    return name.find(',') != std::string::npos ? name + "," : name;
}

}

bool Screens::help_banner(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& help = session.assistance();
    if (help.message_count() < m_messages_read)
        m_messages_read = 0; // another help since
    if (help.control() != Control::Asked)
        m_show_personal = false; // off each time the question comes
    if (!help.live())
        return false;
    Rect band = top_bar::help_band;
    bool acting = help.control() == Control::Granted;
    canvas.fill(band, acting ? colour::acting : colour::primary, 16);
    std::string line;
    if (help.state() == State::Waiting) {
        auto ahead = help.position() - 1;
        line = ahead < 1 ? std::string(N_("Nous appelons un conseiller."))
                         : fill(ahead > 1 ? N_("Nous appelons un conseiller : {n} personnes avant vous.")
                                          : N_("Nous appelons un conseiller : {n} personne avant vous."),
                             { { "n", std::to_string(ahead) } });
    } else {
        line = fill(acting ? N_("{name} remplit pour vous.") : N_("{name} vous aide."),
            { { "name", subject(help.mediator()) } });
    }
    canvas.icon(acting ? glyph::hand : glyph::people, band.x0 + 55, 75, colour::on_primary, nullptr, 56);
    // On two lines when it needs them ("… 2 personnes avant vous.").
    float width = band.x1 - band.x0 - 130;
    float height = canvas.text_height(canvas.fonts().control, line, width);
    canvas.text(
        canvas.fonts().control, line, band.x0 + 105, (band.y0 + band.y1 - height) / 2, width, colour::on_primary);

    // At the right, wider than "Aide" was: the way out of the help.
    Rect right = top_bar::help_exit;
    if (help.state() == State::Waiting) {
        if (canvas.button("help:cancel", N_("Annuler l'appel"), right, ButtonStyle::Secondary, glyph::close))
            out.emplace_back(intent::StopRemoteHelp {});
    } else if (acting) {
        if (canvas.button("help:take-back", N_("Reprendre la main"), right, ButtonStyle::Primary, glyph::hand))
            out.emplace_back(intent::TakeBackControl {});
    } else if (canvas.button("help:stop-remote", N_("Arrêter l'aide"), right, ButtonStyle::Secondary, glyph::close)) {
        out.emplace_back(intent::StopRemoteHelp {});
    }
    return true;
}

void Screens::desk_help(Canvas& canvas, Session const& session, Rect area, std::vector<Intent>& out)
{
    auto const& ticket = session.desk_ticket();
    float const width = area.x1 - area.x0;
    if (!ticket) {
        if (canvas.button("help:desk", N_("Un conseiller à l'accueil"),
                Rect { area.x0, area.y0, area.x1, area.y0 + 140 }, ButtonStyle::Secondary, glyph::ticket))
            out.emplace_back(intent::AskDeskHelp {});
        canvas.text(canvas.fonts().body, N_("Prenez un numéro : un agent de l'accueil vous appellera."), area.x0 - 20,
            area.y0 + 155, width + 40, colour::text_muted, Align::Centre);
        return;
    }
    if (ticket->number.empty()) {
        // No number could be drawn: the desk sees the resident all the same.
        canvas.text(canvas.fonts().body, N_("Allez voir un agent de l'accueil : il vous aidera."), area.x0,
            area.y0 + 60, width, colour::text, Align::Centre);
        return;
    }
    canvas.box(area, colour::primary_tint, colour::primary, 3, 16);
    canvas.icon(glyph::ticket, area.x0 + 100, area.y0 + 95, colour::primary, nullptr, 90);
    canvas.text(canvas.fonts().bold, N_("Votre numéro pour l'accueil"), area.x0 + 200, area.y0 + 20, width - 220);
    {
        auto number = canvas.verbatim();
        canvas.text(canvas.fonts().huge, ticket->number, area.x0 + 200, area.y0 + 60, width - 220, colour::primary);
    }
    canvas.say(N_("Votre numéro pour l'accueil"));
    canvas.say_as_is(ticket->number);
    std::string_view line;
    switch (ticket->print) {
    case PrintStatus::Printing:
        line = N_("Votre ticket s'imprime…");
        break;
    case PrintStatus::Printed:
        line = N_("Prenez votre ticket. Un agent va appeler ce numéro.");
        break;
    case PrintStatus::Failed:
        line = N_("Le ticket n'a pas pu être imprimé : retenez ce numéro.");
        break;
    }
    canvas.text(canvas.fonts().body, line, area.x0 + 40, area.y0 + 175, width - 80, colour::text, Align::Centre);
    canvas.say(line);
}

bool Screens::agent_banner(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& agent = session.agent_mode();
    if (!agent || session.agent_consent_pending())
        return false;
    Rect band = top_bar::agent_band;
    canvas.fill(band, colour::acting, 16);
    canvas.icon(glyph::id_card, band.x0 + 55, 75, colour::on_primary, nullptr, 56);
    canvas.text_line(
        canvas.fonts().control, N_("Mode agent"), band.x0 + 105, 20, band.x1 - band.x0 - 130, colour::on_primary);
    {
        auto name = canvas.verbatim();
        canvas.text_line(canvas.fonts().control_body, agent->agent.name, band.x0 + 105, 70, band.x1 - band.x0 - 130,
            colour::on_primary);
    }
    if (canvas.button(
            "agent:leave", N_("Quitter le mode agent"), top_bar::agent_exit, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::LeaveAgentMode {});
    return true;
}

void Screens::agent_gate(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& gate = *session.agent_gate();
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 560, 60, 1360, 1020 };
    canvas.fill(panel, colour::surface, 20);
    if (gate.technician) {
        // The technicians' screens speak French only (setup_screens.cpp).
        auto as_is = canvas.verbatim();
        std::string const title = "Accès technicien"; // verbatim
        canvas.text(canvas.fonts().title, title, panel.x0, 90, panel.x1 - panel.x0, colour::text, Align::Centre);
        canvas.say_as_is("Accès technicien. Tapez votre code de technicien."); // verbatim
        canvas.text(canvas.fonts().body, "Tapez votre code de technicien.", panel.x0 + 40, 170, // verbatim
            panel.x1 - panel.x0 - 80, colour::text, Align::Centre);
    } else {
        canvas.text(
            canvas.fonts().title, N_("Espace agent"), panel.x0, 90, panel.x1 - panel.x0, colour::text, Align::Centre);
        canvas.say(N_("Espace agent"));
        canvas.say(N_("Tapez votre code d'agent."));
        auto who = gate.holder ? fill(N_("Bonjour {name}. Tapez votre code."), { { "name", gate.holder->name } })
                               : std::string(N_("Tapez votre code d'agent."));
        canvas.text(
            canvas.fonts().body, who, panel.x0 + 40, 170, panel.x1 - panel.x0 - 80, colour::text, Align::Centre);
    }

    // One dot a digit: what is typed never shows.
    std::string dots;
    for (std::size_t i = 0; i < gate.pin.size(); ++i)
        dots += i == 0 ? "●" : " ●";
    // Under a greeting of two lines ("Bonjour Paul Leroy, agent
    // d'accueil. Tapez votre code.").
    canvas.box(Rect { 700, 262, 1220, 342 }, colour::background, colour::primary, 3, 12);
    if (gate.checking)
        canvas.text(canvas.fonts().body, N_("Vérification…"), 700, 280, 520, colour::text_muted, Align::Centre);
    else
        canvas.text(canvas.fonts().title, dots, 700, 268, 520, colour::primary, Align::Centre);
    if (gate.error)
        canvas.text(canvas.fonts().bold, *gate.error, panel.x0 + 40, 352, panel.x1 - panel.x0 - 80, colour::error,
            Align::Centre);
    // No technician known: no code can open anything, the sentence says
    // what to do instead.
    if (gate.technician && !session.technicians_known()) {
        if (canvas.button(
                "agent:close", N_("Fermer"), Rect { 760, 930, 1160, 1000 }, ButtonStyle::Secondary, glyph::close))
            out.emplace_back(intent::CloseAgentGate {});
        return;
    }

    // The pad: 1 to 9, then erase, 0, confirm; in that order in every
    // language, as on a phone.
    auto pad = canvas.left_to_right();
    float const key_w = 200, key_h = 110, gap = 20, left = 960 - (3 * key_w + 2 * gap) / 2, top = 420;
    for (int i = 0; i < 12; ++i) {
        Rect key { left + (i % 3) * (key_w + gap), top + (i / 3) * (key_h + gap), 0, 0 };
        key.x1 = key.x0 + key_w;
        key.y1 = key.y0 + key_h;
        if (i == 9) {
            if (canvas.button("agent:erase", N_("Effacer"), key, ButtonStyle::Secondary))
                out.emplace_back(intent::AgentPinErase {});
        } else if (i == 11) {
            if (canvas.button("agent:submit", N_("Valider"), key, ButtonStyle::Primary, glyph::check))
                out.emplace_back(intent::AgentPinSubmit {});
        } else {
            char digit = i == 10 ? '0' : static_cast<char>('1' + i);
            auto as_it_is = canvas.verbatim();
            if (canvas.button(std::string("agent:key:") + digit, std::string(1, digit), key, ButtonStyle::Key))
                out.emplace_back(intent::AgentPinKey { digit });
        }
    }
    if (canvas.button("agent:close", N_("Fermer"), Rect { 760, 930, 1160, 1000 }, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::CloseAgentGate {});
}

void Screens::agent_consent(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& agent = *session.agent_mode();
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 310, 150, 1610, 930 };
    float inner = panel.x1 - panel.x0 - 160;
    canvas.fill(panel, colour::surface, 20);
    canvas.icon(glyph::id_card, 960, 250, colour::primary);
    canvas.text(canvas.fonts().title, N_("Êtes-vous d'accord ?"), panel.x0, 320, panel.x1 - panel.x0, colour::text,
        Align::Centre);
    canvas.say(N_("Êtes-vous d'accord ?"));
    canvas.say(agent_consent_text(agent.agent.name));
    // Exactly the text whose hash the mandate records.
    canvas.text(canvas.fonts().body, agent_consent_text(agent.agent.name), panel.x0 + 80, 410, inner, colour::text,
        Align::Left);
    if (canvas.button("agent:accept", N_("J'accepte"), Rect { 420, 760, 940, 890 }, ButtonStyle::Primary, glyph::check))
        out.emplace_back(intent::AgentConsent { true });
    if (canvas.button(
            "agent:refuse", N_("Non merci"), Rect { 980, 760, 1500, 890 }, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::AgentConsent { false });
}

void Screens::reprints(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& list = *session.reprints();
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 210, 60, 1710, 1020 };
    float const inner = panel.x1 - panel.x0 - 120;
    canvas.fill(panel, colour::surface, 20);
    canvas.text(
        canvas.fonts().title, N_("Reçus non imprimés"), panel.x0, 90, panel.x1 - panel.x0, colour::text, Align::Centre);
    canvas.say(N_("Reçus non imprimés"));
    bool can_print = session.printer().can_print();
    float y = 180;
    if (list.kept.empty()) {
        canvas.text(canvas.fonts().body, N_("Aucun reçu n'attend sur cette borne."), panel.x0 + 60, y + 60, inner,
            colour::text, Align::Centre);
    } else {
        canvas.text(canvas.fonts().body,
            can_print ? std::string(N_("Les plus récents d'abord. Vérifiez l'heure et la démarche avec la personne."))
                      : fill(N_("L'imprimante ne marche pas : {problem}"),
                          { { "problem", std::string(resident_notice(session.printer())) } }),
            panel.x0 + 60, y, inner, can_print ? colour::text_muted : colour::error);
    }
    // Five fit; older ones show once the list is opened again.
    y = 260;
    for (std::size_t i = 0; i < list.kept.size() && i < 5; ++i) {
        auto const& kept = list.kept[i];
        Rect row { panel.x0 + 60, y, panel.x1 - 60, y + 100 };
        canvas.box(row, colour::background, colour::border, 2, 12);
        std::time_t when = kept.confirmed_at;
        std::tm local {};
        localtime_r(&when, &local);
        char time[16];
        std::snprintf(time, sizeof time, "%d h %02d", local.tm_hour, local.tm_min);
        canvas.text_line(canvas.fonts().bold, time, row.x0 + 30, y + 12, 180);
        canvas.text_line(canvas.fonts().body, kept.demarche_title, row.x0 + 220, y + 12, 720);
        auto code = canvas.verbatim();
        canvas.text_line(canvas.fonts().body, "code …" + kept.code_end, row.x0 + 220, y + 55, 280, colour::text_muted);
        auto sent = list.sent.find(kept.job);
        Rect action { row.x1 - 400, y + 10, row.x1 - 20, y + 90 };
        if (sent != list.sent.end() && sent->second != PrintStatus::Failed) {
            bool printed = sent->second == PrintStatus::Printed;
            canvas.text_line(canvas.fonts().bold, printed ? N_("Imprimé") : N_("Impression…"), action.x0 + 20, y + 30,
                360, printed ? colour::success : colour::primary);
        } else {
            if (sent != list.sent.end())
                canvas.text_line(canvas.fonts().bold, N_("Pas imprimé"), row.x0 + 520, y + 55, 300, colour::error);
            if (can_print
                && canvas.button("agent:reprint:" + std::to_string(kept.job), N_("Réimprimer"), action,
                    ButtonStyle::Secondary, glyph::print))
                out.emplace_back(intent::Reprint { kept.job });
        }
        y += 120;
    }
    if (canvas.button(
            "agent:reprints:close", N_("Fermer"), Rect { 760, 920, 1160, 1000 }, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::CloseReprints {});
}

void Screens::help_ring(Canvas& canvas, Session const& session)
{
    auto const& pointed = session.assistance().pointed();
    if (pointed.empty() || session.assistance().state() != State::Connected)
        return;
    auto rect = canvas.drawn(pointed);
    if (!rect)
        return;
    // Thick, and outside the widget, so that its own text stays readable.
    constexpr float gap = 8;
    constexpr float width = 10;
    float x0 = rect->x0 - gap - width, y0 = rect->y0 - gap - width;
    float x1 = rect->x1 + gap + width, y1 = rect->y1 + gap + width;
    canvas.fill(Rect { x0, y0, x1, y0 + width }, colour::error);
    canvas.fill(Rect { x0, y1 - width, x1, y1 }, colour::error);
    canvas.fill(Rect { x0, y0, x0 + width, y1 }, colour::error);
    canvas.fill(Rect { x1 - width, y0, x1, y1 }, colour::error);
}

bool Screens::help_overlay_shown(Session const& session) const
{
    auto const& help = session.assistance();
    return help.state() == State::Ended || help.unavailable() || help.control() == Control::Asked
        || (help.state() == State::Connected && help.message_count() > m_messages_read);
}

void Screens::help_overlay(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& help = session.assistance();
    canvas.fill(Rect { 0, 0, screen_width, screen_height }, colour::scrim);
    Rect panel { 310, 170, 1610, 910 };
    float inner = panel.x1 - panel.x0 - 160;

    bool unread = help.state() == State::Connected && help.message_count() > m_messages_read;
    if (help.control() == Control::Asked && !unread)
        return consent_panel(canvas, session, out);

    canvas.fill(panel, colour::surface, 20);
    if (help.state() == State::Ended || help.unavailable()) {
        canvas.icon(glyph::information, 960, 290, colour::primary);
        auto sentence = help.unavailable()
            ? std::string_view(N_("L'aide à distance ne répond pas pour le moment. Un agent de l'accueil peut vous "
                                  "aider : vos réponses restent sur l'écran."))
            : help_end_sentence(help.end_reason());
        canvas.text(canvas.fonts().title, N_("L'aide à distance est terminée"), panel.x0, 380, panel.x1 - panel.x0,
            colour::text, Align::Centre);
        canvas.text(canvas.fonts().body, sentence, panel.x0 + 80, 480, inner, colour::text, Align::Centre);
        canvas.say(N_("L'aide à distance est terminée"));
        canvas.say(sentence);
        if (canvas.button(
                "help:note-ok", N_("D'accord"), Rect { 710, 730, 1210, 860 }, ButtonStyle::Primary, glyph::check))
            out.emplace_back(intent::DismissHelpNote {});
        return;
    }

    // The mediator's newest message not yet read; older ones were shown.
    canvas.icon(glyph::people, 960, 280, colour::primary);
    canvas.text(canvas.fonts().title, fill(N_("Message de {name}"), { { "name", help.mediator() } }), panel.x0 + 80,
        350, inner, colour::text, Align::Centre);
    auto const& text = help.messages().empty() ? std::string() : help.messages().back();
    canvas.box(Rect { panel.x0 + 80, 450, panel.x1 - 80, 700 }, colour::primary_tint, colour::primary_tint, 0, 16);
    {
        // Typed by the mediator, in French: shown as written.
        auto typed = canvas.verbatim();
        canvas.text(canvas.fonts().body, text, panel.x0 + 120, 480, inner - 80, colour::text, Align::Left);
    }
    canvas.say(fill(N_("Message de {name}"), { { "name", help.mediator() } }));
    canvas.say(N_("Lisez le message, puis touchez « J'ai compris »."));
    if (canvas.button(
            "help:message-ok", N_("J'ai compris"), Rect { 710, 740, 1210, 870 }, ButtonStyle::Primary, glyph::check))
        m_messages_read = help.message_count();
}

void Screens::consent_panel(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& help = session.assistance();
    Rect panel { 260, 120, 1660, 960 };
    float inner = panel.x1 - panel.x0 - 160;
    canvas.fill(panel, colour::surface, 20);
    canvas.icon(glyph::hand, 960, 220, colour::primary);
    canvas.text(canvas.fonts().title,
        fill(N_("{name} voudrait remplir pour vous"), { { "name", subject(help.mediator()) } }), panel.x0 + 80, 290,
        inner, colour::text, Align::Centre);
    canvas.text(canvas.fonts().body,
        N_("Cette personne pourra toucher l'écran et écrire à votre place. Vous voyez tout ce qu'elle fait. Vous "
           "pouvez "
           "reprendre la main à tout moment avec le bouton « Reprendre la main », en haut à droite."),
        panel.x0 + 80, 380, inner, colour::text, Align::Centre);
    canvas.say(fill(N_("{name} voudrait remplir pour vous"), { { "name", subject(help.mediator()) } }));
    canvas.say(
        N_("Cette personne pourra toucher l'écran et écrire à votre place. Vous voyez tout ce qu'elle fait. Vous "
           "pouvez reprendre la main à tout moment avec le bouton « Reprendre la main », en haut à droite."));

    // Off each time the question is asked: showing personal answers is a
    // choice made again, never a default.
    Rect box { panel.x0 + 80, 560, panel.x1 - 80, 720 };
    if (canvas.wide_tile("help:show-personal", N_("Lui montrer aussi mes réponses personnelles"),
            N_("Nom, date de naissance, adresse… Sinon, elles restent cachées."),
            m_show_personal ? glyph::box_checked : glyph::box_empty, box))
        m_show_personal = !m_show_personal;

    if (canvas.button(
            "help:accept", N_("J'accepte"), Rect { 1010, 770, 1580, 910 }, ButtonStyle::Primary, glyph::check)) {
        out.emplace_back(intent::GrantControl { m_show_personal });
        m_show_personal = false;
    }
    if (canvas.button(
            "help:refuse", N_("Non merci"), Rect { 340, 770, 910, 910 }, ButtonStyle::Secondary, glyph::close)) {
        out.emplace_back(intent::RefuseControl {});
        m_show_personal = false;
    }
}

}
