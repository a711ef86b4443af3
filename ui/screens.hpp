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

    // Drops everything cached from the session that ended (QR code of the
    // tracking code, keyboard state).
    void wipe();

private:
    void top_bar(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void attract(Canvas& canvas, std::vector<Intent>& out);
    void home(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void step(Canvas& canvas, DemarcheRunner const& runner, std::vector<Intent>& out);
    void review(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void receipt(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void idle_warning(Canvas& canvas, Session const& session, std::vector<Intent>& out);
    void help(Canvas& canvas, Session const& session, std::vector<Intent>& out);

    void choice_field(Canvas& canvas, Field const& field, std::string const& value, std::vector<Intent>& out);
    void text_field(Canvas& canvas, Field const& field, std::string const& value, Rect box);
    void error_line(Canvas& canvas, std::string const& message, float x, float y, float width);
    void qr_code(Canvas& canvas, std::string const& text, float x, float y, float size);

    Keyboard m_keyboard;
    std::size_t m_keyboard_page { SIZE_MAX };
    std::string m_qr_text;
    std::vector<bool> m_qr_modules;
    int m_qr_width { 0 };
};

}
