#include "text.hpp"

#include <algorithm>

namespace guichet {

bool is_kiosk_language(std::string_view code)
{
    return std::find(kiosk_languages.begin(), kiosk_languages.end(), code) != kiosk_languages.end();
}

std::string const& Text::in(std::string_view language) const
{
    for (auto const& [code, text] : m_translations) {
        if (code == language)
            return text;
    }
    return m_french;
}

void Text::set(std::string_view language, std::string text)
{
    if (language == "fr") {
        m_french = std::move(text);
        return;
    }
    for (auto& [code, existing] : m_translations) {
        if (code == language) {
            existing = std::move(text);
            return;
        }
    }
    m_translations.emplace_back(std::string(language), std::move(text));
}

}
