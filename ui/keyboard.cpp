#include "ui/keyboard.hpp"

#include "kiosk/core/i18n.hpp"

#include <array>

namespace guichet::ui {

namespace {

// Each row is 12 units wide; "" marks a special key handled by name.
struct Key {
    char const* text;
    float units;
};

constexpr float gap = 10;

// Lays rows of keys 12 units wide over `area` and calls `draw(row, key,
// rect)` for each: the one geometry of every letter keyboard.
template<typename Draw> void lay_out(std::vector<std::vector<Key>> const& rows, Rect area, Draw draw)
{
    float unit = (area.x1 - area.x0 + gap) / 12;
    float row_height = (area.y1 - area.y0 - gap * (rows.size() - 1)) / rows.size();
    for (std::size_t r = 0; r < rows.size(); ++r) {
        float x = area.x0;
        float y = area.y0 + r * (row_height + gap);
        for (auto const& key : rows[r]) {
            draw(r, key, Rect { x, y, x + key.units * unit - gap, y + row_height });
            x += key.units * unit;
        }
    }
}

void erase_key(Canvas& canvas, Rect rect, std::vector<Intent>& out)
{
    if (canvas.button("key:erase", N_("Effacer"), rect, ButtonStyle::Secondary, 0x232B))
        out.emplace_back(intent::EraseLast {});
}

}

std::string to_upper_letter(std::string const& letter)
{
    static constexpr std::array<std::pair<char const*, char const*>, 22> accents = { {
        { "é", "É" },
        { "è", "È" },
        { "ê", "Ê" },
        { "ë", "Ë" },
        { "à", "À" },
        { "â", "Â" },
        { "ç", "Ç" },
        { "ù", "Ù" },
        { "û", "Û" },
        { "ô", "Ô" },
        { "î", "Î" },
        { "ï", "Ï" },
        { "œ", "Œ" },
        { "æ", "Æ" },
        { "ü", "Ü" },
        { "ÿ", "Ÿ" },
        { "ñ", "Ñ" },
        { "á", "Á" },
        { "í", "Í" },
        { "ó", "Ó" },
        { "ú", "Ú" },
        { "ã", "Ã" },
    } };
    if (letter.size() == 1 && letter[0] >= 'a' && letter[0] <= 'z')
        return std::string(1, static_cast<char>(letter[0] - 'a' + 'A'));
    for (auto const& [lower, upper] : accents) {
        if (letter == lower)
            return upper;
    }
    return letter;
}

void Keyboard::reset()
{
    m_shift = Shift::Auto;
    m_signs = false;
}

bool Keyboard::shifted(bool field_empty) const
{
    return m_shift == Shift::On || (m_shift == Shift::Auto && field_empty);
}

void Keyboard::draw_azerty(
    Canvas& canvas, Rect area, bool field_empty, KeyboardLayout layout, std::vector<Intent>& out, bool full)
{
    // Keys keep their Latin order in a right-to-left layout: the keyboard
    // moves to its mirrored place, its keys do not.
    if (canvas.mirrored())
        area = Rect { design_width - area.x1, area.y0, design_width - area.x0, area.y1 };
    auto keys_as_they_are = canvas.left_to_right();
    static std::vector<std::vector<Key>> const text_rows = {
        { { "1", 1 }, { "2", 1 }, { "3", 1 }, { "4", 1 }, { "5", 1 }, { "6", 1 }, { "7", 1 }, { "8", 1 }, { "9", 1 },
            { "0", 1 }, { "'", 1 }, { "-", 1 } },
        { { "a", 1 }, { "z", 1 }, { "e", 1 }, { "r", 1 }, { "t", 1 }, { "y", 1 }, { "u", 1 }, { "i", 1 }, { "o", 1 },
            { "p", 1 }, { "", 2 } /* Effacer */ },
        { { "q", 1 }, { "s", 1 }, { "d", 1 }, { "f", 1 }, { "g", 1 }, { "h", 1 }, { "j", 1 }, { "k", 1 }, { "l", 1 },
            { "m", 1 }, { "é", 1 }, { "è", 1 } },
        { { "", 2 } /* Maj */, { "w", 1 }, { "x", 1 }, { "c", 1 }, { "v", 1 }, { "b", 1 }, { "n", 1 }, { ",", 1 },
            { ".", 1 }, { "à", 1 }, { "ç", 1 } },
        { { "ê", 1 }, { "â", 1 }, { "ô", 1 }, { "î", 1 }, { " ", 6 }, { "ù", 1 }, { "ï", 1 } },
    };
    // An address has no accents nor spaces, but an @ and an ending that
    // are slow to find on a keyboard: they get keys of their own.
    static std::vector<std::vector<Key>> const email_rows = [] {
        auto rows = text_rows;
        rows[2] = { { "q", 1 }, { "s", 1 }, { "d", 1 }, { "f", 1 }, { "g", 1 }, { "h", 1 }, { "j", 1 }, { "k", 1 },
            { "l", 1 }, { "m", 1 }, { "_", 1 }, { ".", 1 } };
        rows[3] = { { "", 2 } /* Maj */, { "w", 1 }, { "x", 1 }, { "c", 1 }, { "v", 1 }, { "b", 1 }, { "n", 1 },
            { "@", 2 }, { ".fr", 2 } };
        rows[4] = { { ".com", 2 }, { "@gmail.com", 4 }, { "@orange.fr", 3 }, { "@free.fr", 3 } };
        return rows;
    }();
    // A web address (the hub's, in the first-boot wizard): no accents nor
    // spaces, and the signs an address is made of.
    static std::vector<std::vector<Key>> const address_rows = [] {
        auto rows = email_rows;
        rows[3] = { { "", 2 } /* Maj */, { "w", 1 }, { "x", 1 }, { "c", 1 }, { "v", 1 }, { "b", 1 }, { "n", 1 },
            { ":", 1 }, { "/", 1 }, { "www.", 2 } };
        rows[4] = { { "https://", 4 }, { ":8443", 2 }, { ".fr", 2 }, { ".gouv.fr", 4 } };
        return rows;
    }();
    // An agent's keyboard: the first page with a key to the second (a
    // shorter space bar), and the second with the letters of names from
    // elsewhere and the signs of addresses and references.
    static std::vector<std::vector<Key>> const full_rows = [] {
        auto rows = text_rows;
        rows[4] = { { "\t", 2 } /* page */, { "ê", 1 }, { "â", 1 }, { "ô", 1 }, { "î", 1 }, { " ", 4 }, { "ù", 1 },
            { "ï", 1 } };
        return rows;
    }();
    static std::vector<std::vector<Key>> const sign_rows = {
        { { "1", 1 }, { "2", 1 }, { "3", 1 }, { "4", 1 }, { "5", 1 }, { "6", 1 }, { "7", 1 }, { "8", 1 }, { "9", 1 },
            { "0", 1 }, { "'", 1 }, { "-", 1 } },
        { { "ë", 1 }, { "ü", 1 }, { "û", 1 }, { "ÿ", 1 }, { "æ", 1 }, { "œ", 1 }, { "ñ", 1 }, { "á", 1 }, { "í", 1 },
            { "ó", 1 }, { "", 2 } /* Effacer */ },
        { { "/", 1 }, { "(", 1 }, { ")", 1 }, { "&", 1 }, { "@", 1 }, { "#", 1 }, { "%", 1 }, { "+", 1 }, { "=", 1 },
            { "*", 1 }, { ":", 1 }, { ";", 1 } },
        { { "", 2 } /* Maj */, { "!", 1 }, { "?", 1 }, { "\"", 1 }, { "°", 1 }, { "€", 1 }, { "_", 1 }, { ",", 1 },
            { ".", 1 }, { "ú", 1 }, { "ã", 1 } },
        { { "\t", 3 } /* page */, { " ", 9 } },
    };
    bool email = layout == KeyboardLayout::Email || layout == KeyboardLayout::Address;
    if (!full || email)
        m_signs = false;
    auto const& rows = layout == KeyboardLayout::Address ? address_rows
        : email                                          ? email_rows
        : !full                                          ? text_rows
        : m_signs                                        ? sign_rows
                                                         : full_rows;
    bool upper = email ? m_shift == Shift::On : shifted(field_empty);
    lay_out(rows, area, [&](std::size_t r, Key const& key, Rect rect) {
        std::string text = key.text;
        if (text.empty() && r == 1)
            return erase_key(canvas, rect, out);
        if (text == "\t") {
            auto signs = canvas.verbatim();
            if (canvas.button("key:page", m_signs ? "abc" : "ë & ?", rect, ButtonStyle::Secondary)) // verbatim
                m_signs = !m_signs;
            return;
        }
        if (text.empty() && r == 3) {
            bool on = upper;
            if (canvas.button("key:shift", N_("Maj"), rect, on ? ButtonStyle::Tile : ButtonStyle::Secondary, 0x21E7,
                    on ? Selected::Yes : Selected::No))
                m_shift = on ? Shift::Off : Shift::On;
            return;
        }
        if (text == " ") {
            if (canvas.button("key:space", N_("Espace"), rect, ButtonStyle::Key))
                out.emplace_back(intent::InsertText { " " });
            return;
        }
        std::string shown = upper ? to_upper_letter(text) : text;
        auto letter = canvas.verbatim();
        if (canvas.button("key:" + shown, shown, rect, ButtonStyle::Key)) {
            out.emplace_back(intent::InsertText { shown });
            // One capital, then back to small letters.
            if (shown != text)
                m_shift = Shift::Off;
        }
    });
}

void Keyboard::draw_digits(Canvas& canvas, Rect area, std::vector<Intent>& out)
{
    // Keys keep their Latin order in a right-to-left layout: the keyboard
    // moves to its mirrored place, its keys do not.
    if (canvas.mirrored())
        area = Rect { design_width - area.x1, area.y0, design_width - area.x0, area.y1 };
    auto keys_as_they_are = canvas.left_to_right();
    static constexpr std::array<char const*, 12> keys = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "" };
    float width = (area.x1 - area.x0 - 2 * gap) / 3;
    float height = (area.y1 - area.y0 - 3 * gap) / 4;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        float x = area.x0 + (i % 3) * (width + gap);
        float y = area.y0 + (i / 3) * (height + gap);
        Rect rect { x, y, x + width, y + height };
        if (i == 9)
            continue;
        if (i == 11) {
            erase_key(canvas, rect, out);
            continue;
        }
        auto digit = canvas.verbatim();
        if (canvas.button(std::string("key:") + keys[i], keys[i], rect, ButtonStyle::Key))
            out.emplace_back(intent::InsertText { keys[i] });
    }
}

void Keyboard::draw_code(Canvas& canvas, Rect area, bool mrz, std::vector<Intent>& out)
{
    // Keys keep their Latin order in a right-to-left layout: the keyboard
    // moves to its mirrored place, its keys do not.
    if (canvas.mirrored())
        area = Rect { design_width - area.x1, area.y0, design_width - area.x0, area.y1 };
    auto keys_as_they_are = canvas.left_to_right();
    static std::vector<std::vector<Key>> const rows = {
        { { "1", 1 }, { "2", 1 }, { "3", 1 }, { "4", 1 }, { "5", 1 }, { "6", 1 }, { "7", 1 }, { "8", 1 }, { "9", 1 },
            { "0", 1 } },
        { { "A", 1 }, { "Z", 1 }, { "E", 1 }, { "R", 1 }, { "T", 1 }, { "Y", 1 }, { "U", 1 }, { "I", 1 }, { "O", 1 },
            { "P", 1 }, { "", 2 } /* Effacer */ },
        { { "Q", 1 }, { "S", 1 }, { "D", 1 }, { "F", 1 }, { "G", 1 }, { "H", 1 }, { "J", 1 }, { "K", 1 }, { "L", 1 },
            { "M", 1 } },
        { { "W", 1 }, { "X", 1 }, { "C", 1 }, { "V", 1 }, { "B", 1 }, { "N", 1 }, { "<", 2 }, { "\n", 4 } },
    };
    lay_out(rows, area, [&](std::size_t, Key const& key, Rect rect) {
        std::string text = key.text;
        if (text.empty())
            return erase_key(canvas, rect, out);
        if (!mrz && (text == "<" || text == "\n"))
            return;
        if (text == "\n") {
            if (canvas.button("key:newline", N_("À la ligne"), rect, ButtonStyle::Secondary, 0x21B5))
                out.emplace_back(intent::InsertText { "\n" });
            return;
        }
        auto letter = canvas.verbatim();
        if (canvas.button("key:" + text, text, rect, ButtonStyle::Key))
            out.emplace_back(intent::InsertText { text });
    });
}

}
