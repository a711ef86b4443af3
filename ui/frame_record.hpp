// What the UI drew in the last frame: every interactive widget (id, visible
// label, rectangle) and every text shown. Automation (scenarios now, the
// remote mediator later) finds widgets here and touches their centre, so it
// goes through the same hit-testing as a finger.
#pragma once

#include "kiosk/core/utf8.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::ui {

struct Rect {
    float x0, y0, x1, y1;
    float centre_x() const { return (x0 + x1) / 2; }
    float centre_y() const { return (y0 + y1) / 2; }
};

struct WidgetRecord {
    std::string id; // stable: "demarche:signalement-voie-publique", "key:é", "next"
    std::string label; // what a person reads on it: "Continuer"
    Rect rect;
    int layer { 0 }; // 0 = screen, 1 = overlay (help, idle warning) above it
};

class FrameRecord {
public:
    // Every frame: the texts may be answers (the field being typed, the
    // review), so they are overwritten, not just forgotten.
    void clear()
    {
        for (auto& widget : m_widgets)
            wipe(widget.label);
        for (auto& text : m_texts)
            wipe(text);
        m_widgets.clear();
        m_texts.clear();
        m_instruction.clear();
        m_instruction_layer = -1;
        for (auto& answer : m_answers)
            wipe(answer);
        m_answers.clear();
        m_lacks_glyphs = false;
    }
    void add_widget(WidgetRecord widget) { m_widgets.push_back(std::move(widget)); }
    void add_text(std::string text) { m_texts.push_back(std::move(text)); }

    // What the screen says aloud when it opens, in the resident's language:
    // the top layer's sentences (an overlay speaks instead of the screen
    // under it), joined. Never personal: instructions and questions only.
    void add_instruction(int layer, std::string_view sentence)
    {
        if (layer > m_instruction_layer) {
            m_instruction.clear();
            m_instruction_layer = layer;
        } else if (layer < m_instruction_layer) {
            return;
        }
        if (!m_instruction.empty())
            m_instruction += ' ';
        m_instruction += sentence;
    }
    std::string const& instruction() const { return m_instruction; }
    // The answers on screen as sentences, spoken only when the resident
    // asks ("Lire mes réponses"); wiped with the frame.
    void add_answer(std::string sentence) { m_answers.push_back(std::move(sentence)); }
    // Joined in one allocation of the right size: no grown-out copy of an
    // answer is left behind unwiped. The caller wipes what it gets.
    std::string answers() const
    {
        std::size_t size = 0;
        for (auto const& answer : m_answers)
            size += answer.size() + 1;
        std::string joined;
        joined.reserve(size);
        for (auto const& answer : m_answers)
            joined.append(joined.empty() ? "" : " ").append(answer);
        return joined;
    }

    // A text was drawn with letters the font atlas has not baked (Arabic on
    // a screen in another language): the UI bakes them and draws again.
    void note_lacking_glyphs() { m_lacks_glyphs = true; }
    bool lacks_glyphs() const { return m_lacks_glyphs; }

    std::vector<WidgetRecord> const& widgets() const { return m_widgets; }
    std::vector<std::string> const& texts() const { return m_texts; }
    int top_layer() const
    {
        int top = 0;
        for (auto const& widget : m_widgets)
            top = std::max(top, widget.layer);
        return top;
    }

    // Touchable now: on the top layer only (an overlay hides what is under it).
    WidgetRecord const* find_by_label(std::string const& label) const
    {
        return find_on_top([&](WidgetRecord const& widget) { return widget.label == label; });
    }
    WidgetRecord const* find_by_id(std::string const& id) const
    {
        return find_on_top([&](WidgetRecord const& widget) { return widget.id == id; });
    }
    bool shows_text(std::string const& needle) const
    {
        for (auto const& text : m_texts) {
            if (text.find(needle) != std::string::npos)
                return true;
        }
        for (auto const& widget : m_widgets) {
            if (widget.label.find(needle) != std::string::npos)
                return true;
        }
        return false;
    }

private:
    template<typename Predicate> WidgetRecord const* find_on_top(Predicate matches) const
    {
        int top = top_layer();
        for (auto const& widget : m_widgets) {
            if (widget.layer == top && matches(widget))
                return &widget;
        }
        return nullptr;
    }

    std::vector<WidgetRecord> m_widgets;
    std::vector<std::string> m_texts;
    std::string m_instruction;
    int m_instruction_layer { -1 };
    std::vector<std::string> m_answers;
    bool m_lacks_glyphs { false };
};

}
