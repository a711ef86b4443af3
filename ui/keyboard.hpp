// The on-screen keyboards: AZERTY with the French accents, and a digit pad
// for numbers. Keys emit the same intents a physical keyboard would; the
// typed text lives in the session, never in the keyboard.
#pragma once

#include "kiosk/core/session.hpp"
#include "ui/canvas.hpp"

#include <vector>

namespace guichet::ui {

enum class KeyboardLayout {
    Text, // letters, French accents, a capital for the first letter
    Email, // the accent row gives way to @, _ and the usual endings; no capitals
    Address, // a web address: ':', '/', '-' and "https://"; no capitals
};

class Keyboard {
public:
    // `field_empty` turns the capital on for the first letter, as phones do.
    // `full` (an agent acting) adds a key to a second page: the letters of
    // other languages' names (ë, ñ, æ…) and the usual signs (/ ( ) & € …).
    void draw_azerty(Canvas& canvas, Rect area, bool field_empty, KeyboardLayout layout, std::vector<Intent>& out,
        bool full = false);
    void draw_digits(Canvas& canvas, Rect area, std::vector<Intent>& out);
    // Capitals and digits only, for a document number; with `mrz`, the '<'
    // filler and a key that starts the next line, for an agent typing an MRZ.
    void draw_code(Canvas& canvas, Rect area, bool mrz, std::vector<Intent>& out);
    void reset();

private:
    bool shifted(bool field_empty) const;

    enum class Shift {
        Auto, // capital for the first letter of a field only
        On,
        Off,
    };
    Shift m_shift { Shift::Auto };
    bool m_signs { false }; // the full keyboard's second page
};

// Upper case of a lower-case letter the keyboard has ("é" → "É"), or the
// text itself.
std::string to_upper_letter(std::string const& letter);

}
