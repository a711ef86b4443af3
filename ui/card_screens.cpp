// The ID card's screens: consent, the access data (scanned, typed by the
// resident in three guided steps with a picture of where each is printed,
// or typed by an agent), "posez votre carte", the read with its progress,
// and its end: what was read, or a sentence and a way forward.
#include "ui/screens.hpp"

#include "kiosk/core/i18n.hpp"
#include "ui/pictograms.hpp"

namespace guichet::ui {

namespace {

constexpr float screen_width = 1920;
constexpr float margin = 80;
constexpr Rect primary_action { 1400, 920, 1840, 1050 };
// For the ways forward whose words are longer than "Continuer".
constexpr Rect wide_action { 1160, 920, 1840, 1050 };

std::string card_date(Date date)
{
    return display_date(to_iso(date));
}

}

// A French identity card (2021 layout) as a drawing: the part the resident
// is asked for stands out in the primary colour, with its name.
void Screens::id_card_picture(Canvas& canvas, Rect area, CardZone zone)
{
    // The card as it is in the hand: at its mirrored place, not mirrored.
    if (canvas.mirrored())
        area = Rect { design_width - area.x1, area.y0, design_width - area.x0, area.y1 };
    auto as_it_is = canvas.left_to_right();
    float width = area.x1 - area.x0;
    float height = area.y1 - area.y0;
    canvas.box(area, colour::surface, colour::border, 3, 18);
    auto at = [&](float x0, float y0, float x1, float y1) {
        return Rect { area.x0 + width * x0, area.y0 + height * y0, area.x0 + width * x1, area.y0 + height * y1 };
    };
    auto lines = [&](Rect r, int count, ImU32 tone) {
        float step = (r.y1 - r.y0) / float(count);
        for (int i = 0; i < count; ++i)
            canvas.fill(Rect { r.x0, r.y0 + i * step + step * 0.3f, r.x1 - (i % 2) * (r.x1 - r.x0) * 0.3f,
                            r.y0 + i * step + step * 0.6f },
                tone, 4);
    };
    if (zone == CardZone::Mrz) {
        // The back: the three lines of the MRZ at the bottom.
        lines(at(0.06f, 0.12f, 0.94f, 0.5f), 4, colour::primary_tint);
        Rect band = at(0.04f, 0.58f, 0.96f, 0.94f);
        canvas.box(band, colour::primary_tint, colour::primary, 4, 8);
        auto sample = canvas.verbatim();
        for (int i = 0; i < 3; ++i)
            canvas.text_line(canvas.fonts().body, "IDFRA<<<<<<<<<<<<<<<<<<<<<<<<<", band.x0 + 14,
                band.y0 + 6 + i * (band.y1 - band.y0 - 12) / 3, band.x1 - band.x0 - 28, colour::primary);
        return;
    }
    // The front: a band at the top, the photo on the left, the fields on
    // the right; the card number top right.
    canvas.fill(at(0.0f, 0.0f, 1.0f, 0.14f), colour::primary_tint, 18);
    canvas.fill(at(0.05f, 0.22f, 0.32f, 0.82f), colour::border, 8);
    canvas.icon(glyph::people, area.x0 + width * 0.185f, area.y0 + height * 0.52f, colour::surface);
    struct Place {
        CardZone zone;
        Rect rect;
        char const* name;
    };
    Place places[] = {
        { CardZone::Number, at(0.58f, 0.17f, 0.97f, 0.32f), N_("N° du document") },
        { CardZone::BirthDate, at(0.38f, 0.52f, 0.76f, 0.66f), N_("Date de naissance") },
        { CardZone::Expiry, at(0.38f, 0.80f, 0.76f, 0.94f), N_("Date d'expiration") },
    };
    lines(at(0.38f, 0.34f, 0.9f, 0.52f), 2, colour::primary_tint);
    lines(at(0.38f, 0.66f, 0.9f, 0.8f), 1, colour::primary_tint);
    for (auto const& place : places) {
        if (place.zone == zone) {
            // The zone stands out; its name goes under the card, where it
            // has room to be read whole.
            canvas.box(place.rect, colour::primary, colour::primary, 4, 6);
            canvas.text_line(canvas.fonts().bold, place.name, area.x0, area.y1 + 8, width, colour::primary);
        } else {
            canvas.fill(place.rect, colour::background, 6);
        }
    }
}

void Screens::card(Canvas& canvas, Session const& session, std::vector<Intent>& out)
{
    auto const& flow = session.card();
    if (!flow)
        return;
    if (m_card_stage != flow->stage) {
        m_keyboard.reset();
        m_card_stage = flow->stage;
    }
    auto const& card = *flow;
    float width = screen_width - 2 * margin;
    auto title = [&](std::string const& text) {
        canvas.text(canvas.fonts().bold, N_("Votre carte d'identité"), margin, 165, width, colour::primary);
        canvas.text(canvas.fonts().title, text, margin, 205, width);
        canvas.say(text);
    };
    auto continue_button = [&](Rect rect) {
        if (canvas.button("next", N_("Continuer"), rect, ButtonStyle::Primary, glyph::next))
            out.emplace_back(intent::Next {});
    };
    auto by_hand = [&](Rect rect, std::string const& label = N_("Je l'écris moi-même")) {
        if (canvas.button("choice:main", label, rect, ButtonStyle::Secondary, glyph::keyboard))
            out.emplace_back(intent::Choose { "main" });
    };
    auto field = [&](std::string const& shown, Rect box, bool date) {
        canvas.box(box, colour::surface, colour::primary, 4, 8);
        auto typed = canvas.verbatim();
        if (date) {
            canvas.text(
                canvas.fonts().title, format_date_digits(shown), box.x0 + 30, box.y0 + 18, box.x1 - box.x0 - 60);
            return;
        }
        auto end = canvas.text_tail(canvas.fonts().title, shown, box.x0 + 30, box.y0 + 18, box.x1 - box.x0 - 60, 1);
        canvas.fill(Rect { end.x + 4, end.y + 4, end.x + 8, end.y + 56 }, colour::primary);
    };

    switch (card.stage) {
    case CardStage::Consent: {
        title(N_("Voulez-vous utiliser votre carte d'identité pour remplir ce formulaire\u202F?"));
        canvas.say(N_("Touchez « Oui, avec ma carte » ou « Non, je l'écris moi-même »."));
        Rect panel { margin, 320, screen_width - margin, 540 };
        canvas.fill(panel, colour::surface, 16);
        canvas.icon(glyph::id_card, panel.x0 + 130, (panel.y0 + panel.y1) / 2, colour::primary);
        canvas.text(canvas.fonts().body,
            N_("La borne lit votre nom, vos prénoms et votre date de naissance dans la puce de votre carte d'identité "
               "ou "
               "de votre passeport. Vous n'avez pas à les écrire. Rien n'est gardé sur la borne après votre démarche."),
            panel.x0 + 260, panel.y0 + 35, panel.x1 - panel.x0 - 300);
        if (canvas.tile("choice:oui", N_("Oui, avec ma carte"), "", glyph::id_card, Rect { 300, 600, 900, 900 }))
            out.emplace_back(intent::Choose { "oui" });
        if (canvas.tile(
                "choice:non", N_("Non, je l'écris moi-même"), "", glyph::keyboard, Rect { 1020, 600, 1620, 900 }))
            out.emplace_back(intent::Choose { "non" });
        break;
    }
    case CardStage::Scan: {
        title(N_("Posez votre carte sous le scanner"));
        canvas.say(N_("La face avec les lignes de <<< vers le bas, bien à plat."));
        canvas.text(canvas.fonts().body, N_("La face avec les lignes de <<< vers le bas, bien à plat."), margin, 272,
            width, colour::text_muted);
        id_card_picture(canvas, Rect { 560, 340, 1360, 840 }, CardZone::Mrz);
        if (card.error)
            error_line(canvas, *card.error, margin, 860, 1280);
        if (canvas.button("choice:saisir", N_("Je tape les informations"), Rect { margin, 920, 700, 1050 },
                ButtonStyle::Secondary, glyph::keyboard))
            out.emplace_back(intent::Choose { "saisir" });
        break;
    }
    case CardStage::DocumentNumber: {
        title(N_("Tapez le numéro de votre carte"));
        canvas.say(N_("Il est en haut à droite de la carte, comme sur l'image."));
        canvas.text(canvas.fonts().body, N_("Il est en haut à droite de la carte, comme sur l'image."), margin, 272,
            width, colour::text_muted);
        field(card.number, Rect { margin, 330, 960, 430 }, false);
        id_card_picture(canvas, Rect { 1000, 300, 1380, 540 }, CardZone::Number);
        if (card.error)
            error_line(canvas, *card.error, margin, 450, 880);
        continue_button(Rect { 1420, 320, 1840, 450 });
        if (canvas.button("choice:agent", N_("Un agent l'écrit"), Rect { 1420, 470, 1840, 570 }, ButtonStyle::Secondary,
                glyph::people))
            out.emplace_back(intent::Choose { "agent" });
        m_keyboard.draw_code(canvas, Rect { 40, 600, 1880, 1060 }, false, out);
        break;
    }
    case CardStage::BirthDate:
    case CardStage::ExpiryDate: {
        bool birth = card.stage == CardStage::BirthDate;
        title(birth ? N_("Votre date de naissance") : N_("La date d'expiration de votre carte"));
        canvas.say(N_("Le jour, le mois, puis l'année."));
        canvas.text(canvas.fonts().body,
            birth ? N_("Comme elle est écrite sur la carte.") : N_("Elle est écrite sur la carte, comme sur l'image."),
            margin, 272, width, colour::text_muted);
        field(birth ? card.birth_digits : card.expiry_digits, Rect { margin, 330, 980, 430 }, true);
        canvas.text(canvas.fonts().body, N_("Le jour, le mois, puis l'année."), margin, 450, 900, colour::text_muted);
        if (card.error)
            error_line(canvas, *card.error, margin, 510, 900);
        id_card_picture(canvas, Rect { margin, 640, 560, 940 }, birth ? CardZone::BirthDate : CardZone::Expiry);
        m_keyboard.draw_digits(canvas, Rect { 1080, 320, 1840, 880 }, out);
        continue_button(primary_action);
        break;
    }
    case CardStage::AgentMrz: {
        title(N_("Un agent tape la bande de la carte"));
        canvas.say(N_("Les 2 ou 3 lignes du bas de la carte, avec les <. « À la ligne » entre deux lignes."));
        canvas.text(canvas.fonts().body,
            N_("Les 2 ou 3 lignes du bas de la carte, avec les <. « À la ligne » entre deux lignes."), margin, 272,
            width, colour::text_muted);
        Rect box { margin, 320, 1380, 560 };
        canvas.box(box, colour::surface, colour::primary, 4, 8);
        {
            auto typed = canvas.verbatim();
            canvas.text(canvas.fonts().body, card.mrz, box.x0 + 24, box.y0 + 16, box.x1 - box.x0 - 48);
        }
        if (card.error)
            error_line(canvas, *card.error, 1420, 470, 420);
        continue_button(Rect { 1420, 320, 1840, 450 });
        m_keyboard.draw_code(canvas, Rect { 40, 600, 1880, 1060 }, true, out);
        break;
    }
    case CardStage::Place: {
        title(N_("Posez votre carte sur le lecteur"));
        canvas.say(N_("À plat, et ne la bougez plus jusqu'au signal."));
        canvas.text(canvas.fonts().body, N_("À plat, et ne la bougez plus jusqu'au signal."), margin, 272, width,
            colour::text_muted);
        // The card coming down onto the reader.
        Rect reader { 660, 700, 1260, 820 };
        canvas.fill(reader, colour::text_muted, 16);
        canvas.text(canvas.fonts().bold, N_("Lecteur de carte"), reader.x0, reader.y0 + 36, reader.x1 - reader.x0,
            colour::on_primary, Align::Centre);
        id_card_picture(canvas, Rect { 760, 340, 1160, 590 }, CardZone::None);
        canvas.icon(glyph::next, 960, 645, colour::primary);
        by_hand(Rect { margin, 920, 700, 1050 }, N_("Je n'ai pas ma carte"));
        break;
    }
    case CardStage::Reading: {
        title(N_("Ne bougez pas la carte"));
        canvas.say(N_("Lecture en cours. Laissez la carte posée jusqu'au signal."));
        canvas.text(canvas.fonts().bold, N_("Lecture en cours. Laissez la carte posée jusqu'au signal."), margin, 300,
            width, colour::text);
        Rect track { 360, 520, 1560, 580 };
        canvas.fill(track, colour::primary_tint, 30);
        float filled = track.x0 + (track.x1 - track.x0) * float(std::max(card.percent, 5)) / 100.0f;
        canvas.fill(Rect { track.x0, track.y0, filled, track.y1 }, colour::primary, 30);
        auto percent = canvas.verbatim();
        canvas.text(canvas.fonts().title, std::to_string(card.percent) + " %", 0, 620, screen_width, colour::primary,
            Align::Centre);
        break;
    }
    case CardStage::Done: {
        if (card.refusal) {
            canvas.say(N_("Cette carte ne convient pas"));
            // The sentence on screen names the card's date: aloud, only why.
            canvas.say(N_("La date de cette carte ne convient pas pour cette démarche."));
            canvas.say(N_("Un agent de l'accueil peut vous aider."));
            canvas.icon(glyph::error, 960, 330, colour::error);
            canvas.text(canvas.fonts().title, N_("Cette carte ne convient pas"), 0, 420, screen_width, colour::error,
                Align::Centre);
            canvas.text(canvas.fonts().body, *card.refusal, 360, 510, 1200, colour::text, Align::Centre);
            canvas.text(canvas.fonts().body, N_("Un agent de l'accueil peut vous aider."), 360, 640, 1200,
                colour::text_muted, Align::Centre);
            if (canvas.button("choice:autre_carte", N_("Utiliser une autre carte"), wide_action, ButtonStyle::Primary,
                    glyph::id_card))
                out.emplace_back(intent::Choose { "autre_carte" });
            break;
        }
        canvas.say(N_("Votre carte a été lue"));
        canvas.say(N_("Vous pouvez la reprendre. Vérifiez ce qui a été lu :"));
        canvas.say(N_("Si ce n'est pas vous, touchez « Retour »."));
        canvas.icon(glyph::check_circle, margin + 50, 232, colour::success, canvas.fonts().title);
        canvas.text(canvas.fonts().title, N_("Votre carte a été lue"), margin + 150, 190, width - 150, colour::success);
        canvas.text(canvas.fonts().body, N_("Vous pouvez la reprendre. Vérifiez ce qui a été lu :"), margin + 150, 262,
            width - 150, colour::text_muted);
        Rect panel { margin, 330, screen_width - margin, 860 };
        canvas.fill(panel, colour::surface, 16);
        canvas.text(canvas.fonts().bold, N_("Lu sur votre carte"), panel.x0 + 40, panel.y0 + 24, 800, colour::primary);
        auto const& data = *card.data;
        struct Row {
            char const* label;
            std::string value;
        };
        Row rows[] = {
            { N_("Nom"), data.surname },
            { N_("Prénoms"), data.given_names },
            { N_("Date de naissance"), card_date(data.birth_date) },
        };
        float y = panel.y0 + 100;
        for (auto const& row : rows) {
            canvas.text_line(canvas.fonts().body, row.label, panel.x0 + 40, y, 500, colour::text_muted);
            auto read = canvas.verbatim();
            canvas.text_line(canvas.fonts().title, row.value, panel.x0 + 560, y - 8, panel.x1 - panel.x0 - 600);
            y += 100;
        }
        bool expired = data.expiry_date < session.today();
        canvas.text_line(canvas.fonts().body,
            fill(expired ? N_("Carte expirée le {date}") : N_("Carte valable jusqu'au {date}"),
                { { "date", card_date(data.expiry_date) } }),
            panel.x0 + 40, y + 20, panel.x1 - panel.x0 - 80, expired ? colour::error : colour::text_muted);
        canvas.text(canvas.fonts().body, N_("Si ce n'est pas vous, touchez « Retour »."), margin, 900, 1200,
            colour::text_muted);
        continue_button(primary_action);
        break;
    }
    case CardStage::Failed: {
        canvas.say(N_("La carte n'a pas été lue"));
        canvas.say(resident_message(card.failure));
        canvas.icon(glyph::error, 960, 330, colour::error);
        canvas.text(
            canvas.fonts().title, N_("La carte n'a pas été lue"), 0, 420, screen_width, colour::error, Align::Centre);
        canvas.text(canvas.fonts().body, std::string(resident_message(card.failure)), 360, 510, 1200, colour::text,
            Align::Centre);
        switch (card.failure) {
        case CardFailure::WrongAccessData:
            if (canvas.button(
                    "choice:corriger", N_("Corriger les informations"), wide_action, ButtonStyle::Primary, glyph::edit))
                out.emplace_back(intent::Choose { "corriger" });
            break;
        case CardFailure::NotIdentityDocument:
            if (canvas.button("choice:autre_carte", N_("Essayer une autre carte"), wide_action, ButtonStyle::Primary,
                    glyph::id_card))
                out.emplace_back(intent::Choose { "autre_carte" });
            break;
        case CardFailure::Removed:
        case CardFailure::Unreadable:
            if (canvas.button(
                    "choice:reessayer", N_("Réessayer"), primary_action, ButtonStyle::Primary, glyph::refresh))
                out.emplace_back(intent::Choose { "reessayer" });
            break;
        case CardFailure::NoReader:
            break;
        }
        by_hand(card.failure == CardFailure::NoReader ? primary_action : Rect { margin, 920, 700, 1050 });
        break;
    }
    }
}

}
