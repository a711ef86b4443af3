// The first-boot wizard's screens (kiosk/core/setup.hpp), for the
// technician who installs the kiosk, and its technician screens later: in
// French only, drawn verbatim (never looked up in the residents'
// translation tables), with the same buttons, keyboards and top bar as the
// residents' screens.
#include "ui/keyboard.hpp"
#include "ui/pictograms.hpp"
#include "ui/screens.hpp"

namespace guichet::ui {

namespace {

constexpr float screen_width = 1920;
constexpr float top_bar_height = 150;
constexpr float margin = 90;
constexpr Rect next_button { 1400, 930, 1830, 1040 };

// The typed text in its box, with a still caret after it.
void field(Canvas& canvas, std::string const& value, Rect box)
{
    canvas.box(box, colour::surface, colour::primary, 4, 8);
    auto end = canvas.text_tail(canvas.fonts().title, value, box.x0 + 30, box.y0 + 18, box.x1 - box.x0 - 80, 1);
    canvas.fill(Rect { end.x + 6, end.y + 4, end.x + 11, end.y + 70 }, colour::primary);
}

void network_line(Canvas& canvas, Setup const& setup, float x, float y, float width)
{
    if (setup.looking) {
        canvas.icon(glyph::hourglass, x + 30, y + 25, colour::text_muted, canvas.fonts().title);
        canvas.text(canvas.fonts().bold, "Recherche du réseau…", x + 100, y, width - 100);
    } else if (setup.network.connected) {
        canvas.icon(glyph::check_circle, x + 30, y + 25, colour::success, canvas.fonts().title);
        canvas.text(canvas.fonts().bold, "Réseau connecté : " + setup.network.address + ".", x + 100, y, width - 100);
    } else {
        canvas.icon(glyph::error, x + 30, y + 25, colour::error, canvas.fonts().title);
        canvas.text(canvas.fonts().bold,
            "Pas de réseau : branchez le câble réseau de la borne, puis touchez « Vérifier à nouveau ».", x + 100,
            y - 20, width - 100, colour::error);
    }
}

}

void Screens::setup_top_bar(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto as_is = canvas.verbatim();
    canvas.fill(Rect { 0, 0, screen_width, top_bar_height }, colour::surface);
    canvas.fill(Rect { 0, top_bar_height - 4, screen_width, top_bar_height }, colour::primary);
    auto const& setup = *session.setup();
    auto stage = setup.stage;
    bool can_go_back = stage == SetupStage::HubAddress || stage == SetupStage::Code || stage == SetupStage::Done
        || (setup.maintenance && stage == SetupStage::Checks);
    if (can_go_back && canvas.button("back", "Retour", top_bar::back, ButtonStyle::Secondary, glyph::back))
        out.emplace_back(intent::Back {});
    canvas.text(canvas.fonts().control, setup.maintenance ? "Maintenance de la borne" : "Mise en service de la borne",
        400, 50, screen_width - 800, colour::text, Align::Centre);
    // The way back to the residents, from every technician screen.
    if (setup.maintenance
        && canvas.button("setup:close", "Fermer", top_bar::help, ButtonStyle::Secondary, glyph::close))
        out.emplace_back(intent::SetupClose {});
}

void Screens::setup(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto as_is = canvas.verbatim();
    auto const& setup = *session.setup();
    float const width = screen_width - 2 * margin;
    switch (setup.stage) {
    case SetupStage::Network: {
        canvas.say_as_is("Mise en service de la borne. Vérifiez le réseau, puis touchez Commencer.");
        canvas.text(canvas.fonts().title, "Bienvenue. Mettons cette borne en service.", margin, 190, width);
        canvas.text(canvas.fonts().body,
            "Vous allez donner l'adresse du hub et le code d'enrôlement reçus de son administrateur, puis vérifier "
            "les appareils de la borne. Comptez cinq minutes.",
            margin, 290, width, colour::text_muted);
        Rect panel { margin, 430, screen_width - margin, 600 };
        canvas.fill(panel, colour::surface, 12);
        network_line(canvas, setup, panel.x0 + 40, 490, width - 100);
        if (!setup.looking
            && canvas.button("setup:network", "Vérifier à nouveau", Rect { margin, 640, margin + 520, 750 },
                ButtonStyle::Secondary, glyph::refresh))
            out.emplace_back(intent::SetupLookAgain {});
        if (!setup.looking && canvas.button("setup:start", "Commencer", next_button, ButtonStyle::Primary, glyph::play))
            out.emplace_back(intent::Next {});
        break;
    }
    case SetupStage::HubAddress:
    case SetupStage::Code: {
        bool const hub = setup.stage == SetupStage::HubAddress;
        canvas.say_as_is(hub ? "Tapez l'adresse du hub." : "Tapez le code d'enrôlement.");
        canvas.text(canvas.fonts().title, hub ? "L'adresse du hub" : "Le code d'enrôlement", margin, 175, width);
        canvas.text(canvas.fonts().body,
            hub ? "L'adresse que l'administrateur du hub vous a donnée, par exemple https://hub.mairie.fr."
                : "Le code à usage unique donné par l'administrateur du hub, par exemple K7QP-3HXM-WN4R.",
            margin, 255, width, colour::text_muted);
        Rect box { margin, 340, screen_width - margin, 440 };
        m_field_box = box;
        field(canvas, hub ? setup.hub_url : setup.code, box);
        if (!setup.error.empty())
            error_line(canvas, setup.error, margin, 455, width);
        Rect keys { margin + 120, 560, screen_width - margin - 120, 910 };
        if (hub)
            m_keyboard.draw_azerty(canvas, keys, false, KeyboardLayout::Address, out);
        else
            m_keyboard.draw_code(canvas, keys, false, out);
        if (canvas.button(hub ? "setup:hub" : "setup:enroll", hub ? "Continuer" : "Enrôler la borne", next_button,
                ButtonStyle::Primary, glyph::next))
            out.emplace_back(intent::Next {});
        break;
    }
    case SetupStage::Enrolling:
        canvas.say_as_is("Enrôlement en cours.");
        canvas.icon(glyph::hourglass, screen_width / 2, 420, colour::primary, canvas.fonts().icon);
        canvas.text(canvas.fonts().title, "Enrôlement auprès du hub…", margin, 560, width, colour::text, Align::Centre);
        canvas.text(canvas.fonts().body, setup.hub_url, margin, 660, width, colour::text_muted, Align::Centre);
        break;
    case SetupStage::Checks: {
        canvas.say_as_is("Vérification des appareils de la borne. Corrigez ce qui ne va pas, puis relancez les tests.");
        canvas.text(canvas.fonts().title, "Les appareils de la borne", margin, 170, width);
        float y = 245
            + canvas.text(canvas.fonts().body, "Borne " + setup.kiosk_id + " enrôlée pour « " + setup.site_name + " ».",
                margin, 245, width, colour::text_muted)
            + 20;
        for (auto const& check : setup.checks) {
            unsigned icon = glyph::hourglass;
            ImU32 tint = colour::text_muted;
            switch (check.outcome) {
            case CheckOutcome::Waiting:
                break;
            case CheckOutcome::Pass:
                icon = glyph::check_circle;
                tint = colour::success;
                break;
            case CheckOutcome::Warn:
                icon = glyph::warning;
                tint = colour::text;
                break;
            case CheckOutcome::Fail:
                icon = glyph::error;
                tint = colour::error;
                break;
            case CheckOutcome::Skip:
                icon = glyph::stopped;
                break;
            }
            // A row as tall as its message, one line at least.
            std::string message = check.outcome == CheckOutcome::Waiting ? "Vérification…" : check.message;
            float const lines = canvas.text_height(canvas.fonts().body, message, width - 490);
            float const height = std::max(76.0f, lines + 20);
            canvas.fill(Rect { margin, y, screen_width - margin, y + height }, colour::surface, 10);
            canvas.icon(icon, margin + 50, y + height / 2, tint, canvas.fonts().title);
            canvas.text_line(
                canvas.fonts().bold, std::string(check_title(check.id)), margin + 100, y + height / 2 - 22, 360);
            canvas.text(canvas.fonts().body, message, margin + 470, y + (height - lines) / 2, width - 490,
                check.outcome == CheckOutcome::Fail ? colour::error : colour::text);
            y += height + 8;
        }
        if (!setup.checking) {
            if (canvas.button("setup:recheck", "Relancer les tests", Rect { margin, 930, margin + 520, 1040 },
                    ButtonStyle::Secondary, glyph::refresh))
                out.emplace_back(intent::SetupRecheck {});
            if (!setup.maintenance
                && canvas.button("setup:checked", "Continuer", next_button, ButtonStyle::Primary, glyph::next))
                out.emplace_back(intent::Next {});
        }
        break;
    }
    case SetupStage::Overview: {
        canvas.say_as_is("Maintenance de la borne. Touchez Tester les appareils, ou Fermer.");
        canvas.text(canvas.fonts().title, "Bonjour " + setup.technician + ".", margin, 175, width);
        float y = 265;
        auto row = [&](std::string const& label, std::string const& value, bool bad = false) {
            canvas.text_line(canvas.fonts().bold, label, margin + 30, y, 560);
            float height = canvas.text(
                canvas.fonts().body, value, margin + 620, y, width - 650, bad ? colour::error : colour::text);
            y += std::max(62.0f, height + 14);
        };
        canvas.fill(Rect { margin, 250, screen_width - margin, 670 }, colour::surface, 12);
        if (!setup.summary) {
            row("Borne", "Lecture…");
        } else {
            auto const& summary = *setup.summary;
            row("Borne", summary.kiosk_id + ", site « " + summary.site_name + " »");
            row("Hub", summary.hub_url);
            row("Logiciel",
                "Guichet " + summary.software + ", catalogue "
                    + (summary.catalogue == "shipped" ? std::string("d'origine") : summary.catalogue));
            row("Système", summary.system);
            row("Dossiers en attente",
                summary.outbox_depth ? std::to_string(*summary.outbox_depth) + " dossier(s)"
                                     : std::string("illisibles (kioskctl status)"),
                !summary.outbox_depth);
            row("Dernier envoi au hub", summary.last_sync);
        }
        network_line(canvas, setup, margin, 720, width);
        if (!setup.looking
            && canvas.button("setup:network", "Vérifier à nouveau", Rect { margin, 930, margin + 520, 1040 },
                ButtonStyle::Secondary, glyph::refresh))
            out.emplace_back(intent::SetupLookAgain {});
        if (canvas.button("setup:test", "Tester les appareils", next_button, ButtonStyle::Primary, glyph::play))
            out.emplace_back(intent::SetupRecheck {});
        break;
    }
    case SetupStage::Done: {
        canvas.say_as_is("La borne est prête.");
        canvas.icon(glyph::check_circle, screen_width / 2, 330, colour::success, canvas.fonts().icon);
        canvas.text(canvas.fonts().title, "La borne est prête", margin, 450, width, colour::text, Align::Centre);
        std::size_t failed = 0;
        for (auto const& check : setup.checks)
            failed += check.outcome == CheckOutcome::Fail;
        std::string summary = failed == 0
            ? "Tous les appareils fonctionnent. Les habitants peuvent commencer leurs démarches."
            : std::to_string(failed)
                + " appareil(s) en échec : la borne fonctionne sans eux, mais réglez-les dès que possible "
                  "(kioskctl selftest).";
        canvas.text(canvas.fonts().body, summary, margin + 200, 540, width - 400,
            failed == 0 ? colour::text_muted : colour::error, Align::Centre);
        if (canvas.button("setup:finish", "Ouvrir la borne aux habitants", Rect { 560, 720, 1360, 850 },
                ButtonStyle::Primary, glyph::check))
            out.emplace_back(intent::SetupFinish {});
        break;
    }
    }
}

}
