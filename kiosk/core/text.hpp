// Text a resident reads, in every language the catalogue provides.
//
// French is always there: it is what the kiosk falls back to, and what the
// catalogue's authors write first. Other languages are optional in the
// catalogue format; the languages issue decides when a missing one is an
// error.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet {

// The languages the kiosk offers, as ISO 639-1 codes. French first.
inline constexpr std::array<std::string_view, 6> kiosk_languages { "fr", "en", "es", "ar", "pt", "tr" };

bool is_kiosk_language(std::string_view code);

class Text {
public:
    Text() = default;
    Text(std::string french)
        : m_french(std::move(french))
    {
    }
    Text(char const* french)
        : m_french(french)
    {
    }

    std::string const& fr() const { return m_french; }
    // The text in `language`, or in French when it has no translation.
    std::string const& in(std::string_view language) const;
    bool empty() const { return m_french.empty(); }

    void set(std::string_view language, std::string text);
    std::vector<std::pair<std::string, std::string>> const& translations() const { return m_translations; }

    bool operator==(Text const&) const = default;

private:
    std::string m_french;
    std::vector<std::pair<std::string, std::string>> m_translations;
};

}
