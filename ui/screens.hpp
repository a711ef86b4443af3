// The kiosk's screens: functions of the session's state that emit intents.
// A screen never calls a driver, the store or the network; it reads the
// session and says what the resident asked for.
#pragma once

#include "kiosk/core/session.hpp"
#include "ui/canvas.hpp"
#include "ui/keyboard.hpp"

#include <string>
#include <vector>

namespace guichet::ui {

// The top bar's places, the same on every screen (design px). Left, the
// ways back; right, the voice and help; the middle says where the resident
// is, or who helps.
namespace top_bar {
inline constexpr Rect back { 24, 15, 234, 135 };
inline constexpr Rect lost { 250, 15, 560, 135 };
inline constexpr Rect middle { 576, 12, 960, 138 };
inline constexpr Rect display { 976, 15, 1176, 135 };
inline constexpr Rect listen { 1192, 15, 1452, 135 };
inline constexpr Rect volume { 1468, 15, 1652, 135 };
inline constexpr Rect help { 1668, 15, 1896, 135 };
// While remote help is live: who helps, from "Je suis perdu"'s place to the
// middle's end, and the way out of the help over "Son" and "Aide";
// "Écran" and "Réécouter" stay.
inline constexpr Rect help_band { 250, 12, 960, 138 };
inline constexpr Rect help_exit { 1468, 15, 1896, 135 };
// Agent mode: the agent's name, then the way out of agent mode over the
// voice's buttons (the agent beside the resident reads and explains);
// "Écran" and "Aide" stay.
inline constexpr Rect agent_band { 250, 12, 960, 138 };
inline constexpr Rect agent_exit { 1192, 15, 1652, 135 };
}

// Arabic is spoken in many countries, none of which stands for all its
// speakers: its language button shows this letter on green instead of a
// flag. Drawn on every screen with the language names, so the smallest font
// atlas holds its glyph (ui/kiosk_ui.cpp).
inline constexpr char const* arabic_flag_letter = "ع";
// The attract screen's word, in the largest size, which otherwise draws only
// codes: the font atlas bakes its translations at that size.
inline constexpr char const* attract_greeting = N_("Bonjour");

class Screens {
public:
    // The colour the whole screen is cleared with before drawing. Large
    // flat areas are cheap as a clear and expensive as triangles in SDL's
    // software renderer, so screens do not paint their own background.
    ImU32 background(Session const& session) const;
    // The current screen (layer 0).
    void draw(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // The help or idle-warning panel above it (layer 1), if any.
    bool has_overlay(Session const& session) const;
    void draw_overlay(Canvas& canvas, Session const& session, std::vector<Intent>& out);

    // Changes when the screen turns one of its own pages (a long review, a
    // postcode's many communes): for the touch guard, that is a new screen.
    std::size_t view_page() const { return m_review_page * 1000 + m_option_page; }

    // Drops everything cached from the session that ended (QR code of the
    // tracking code, keyboard state).
    void wipe();
    // How far a press on the welcome screen's top left corner has gone
    // towards opening the technician's PIN pad (0 to 1): a bar grows along
    // the top edge, so the technician knows to keep pressing.
    void set_corner_press(float progress) { m_corner_press = progress; }

    // Where the step's text box was drawn in the last frame (design px),
    // if the screen has one: the mediator's view places the field there.
    std::optional<Rect> const& field_box() const { return m_field_box; }

private:
    void top_bar(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void attract(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // The six languages, by flag and name, in a row across `top`.
    void languages(Canvas& canvas, Session const& session, float top, std::vector<Intent>& out);
    void home(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void theme(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void situations(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void suggestions(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void intro(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // `agent`: an agent acts, and gets the full keyboard.
    void step(Canvas& canvas, DemarcheRunner const& runner, bool offer_card, bool agent, std::vector<Intent>& out);
    void review(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void receipt(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void status(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void feedback(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void card(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // The first-boot wizard (setup_screens.cpp).
    void setup(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void setup_top_bar(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    enum class CardZone {
        None,
        Number,
        BirthDate,
        Expiry,
        Mrz,
    };
    void id_card_picture(Canvas& canvas, Rect area, CardZone zone);
    void idle_warning(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // "Écran": large text and high contrast, each a big switch.
    void display_panel(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void help(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // The help panel's desk part: "Un conseiller à l'accueil", then the
    // number taken and whether its ticket printed.
    void desk_help(Canvas& canvas, Session const& session, Rect area, std::vector<Intent>& out);
    // Remote help (help_screens.cpp): the banner in the top bar while help
    // is live, the ring around what the mediator points at, and the
    // overlays: the mediator's message, the consent screen, the end.
    // Returns whether the banner took the top bar's middle.
    bool help_banner(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void help_ring(Canvas& canvas, Session const& session);
    bool help_overlay_shown(Session const& session) const;
    void help_overlay(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void consent_panel(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // Agent mode: its banner in the top bar, the PIN pad, and the
    // resident's consent before the agent acts.
    bool agent_banner(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void agent_gate(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void agent_consent(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    // The receipts the printer kept after failing them, to reprint.
    void reprints(Canvas& canvas, Session const& session, std::vector<Intent>& out);

    void demarche_tiles(Canvas& canvas, Session const& session, std::vector<Demarche const*> const& demarches,
        float top, std::vector<Intent>& out);
    void option_tiles(Canvas& canvas, DemarcheRunner const& runner, Step const& step, std::vector<Intent>& out);
    void commune_search(Canvas& canvas, DemarcheRunner const& runner, Step const& step, std::vector<Intent>& out);
    void text_field(Canvas& canvas, Step const& step, std::string const& value, std::string const& hint, Rect box);
    void error_line(Canvas& canvas, std::string const& message, float x, float y, float width);
    void qr_code(Canvas& canvas, std::string const& text, float x, float y, float size);

    Keyboard m_keyboard;
    // The consent screen's box "montrer mes réponses personnelles", off
    // each time the screen opens; and how many of the mediator's messages
    // the resident has closed ("J'ai compris").
    std::optional<Rect> m_field_box;
    bool m_show_personal { false };
    std::uint64_t m_messages_read { 0 };
    // The step the keyboard's state (shift) and the tile pages belong to.
    std::string m_step_key;
    std::size_t m_option_page { 0 };
    // Which part of a long review is shown, and for which screen.
    std::size_t m_review_page { 0 };
    Screen m_last_screen { Screen::Attract };
    float m_corner_press { 0 };
    CardStage m_card_stage { CardStage::Consent };
    std::string m_qr_text;
    std::vector<bool> m_qr_modules;
    int m_qr_width { 0 };
};

}
