#include "ui/pictograms.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace guichet::ui {

namespace {

// Catalogue names → FontAwesome 4.7 code points (the icon's name beside
// each). One picture per idea: several names may share one.
constexpr std::array<std::pair<std::string_view, unsigned>, 74> named = { {
    // Démarches and themes
    { "signalement", 0xF071 }, // exclamation-triangle
    { "acte", 0xF0F6 }, // file-text-o
    { "papiers", 0xF2C2 }, // id-card
    { "carte", 0xF2C2 }, // id-card
    { "passeport", 0xF02D }, // book
    { "famille", 0xF0C0 }, // users
    { "ma-rue", 0xF018 }, // road
    { "elections", 0xF046 }, // check-square-o
    { "vote", 0xF046 }, // check-square-o
    { "recensement", 0xF0CB }, // list-ol
    { "suivi", 0xF002 }, // search
    { "rendez-vous", 0xF073 }, // calendar
    { "calendrier", 0xF073 }, // calendar
    { "horloge", 0xF017 }, // clock-o
    { "cantine", 0xF0F5 }, // cutlery
    { "mairie", 0xF19C }, // university
    // Life situations
    { "demenagement", 0xF0D1 }, // truck
    { "bebe", 0xF1AE }, // child
    { "enfant", 0xF1AE }, // child
    { "ecole", 0xF19D }, // graduation-cap
    { "jeune", 0xF007 }, // user
    { "papiers-perdus", 0xF2C3 }, // id-card-o
    // People
    { "personne", 0xF007 }, // user
    { "parent", 0xF0C0 }, // users
    { "couple", 0xF004 }, // heart
    { "autre-personne", 0xF234 }, // user-plus
    // Street problems
    { "proprete", 0xF1F8 }, // trash
    { "poubelle", 0xF1F8 }, // trash
    { "voirie", 0xF018 }, // road
    { "eclairage", 0xF0EB }, // lightbulb-o
    { "graffiti", 0xF1FC }, // paint-brush
    { "mobilier", 0xF207 }, // bus (shelters, benches, bins)
    { "arbre", 0xF1BB }, // tree
    { "eau", 0xF043 }, // tint
    { "depot", 0xF1B3 }, // cubes
    { "chien", 0xF1B0 }, // paw
    { "danger", 0xF071 }, // exclamation-triangle
    { "pieton", 0xF183 }, // male
    { "panneau", 0xF277 }, // map-signs
    { "soleil", 0xF185 }, // sun-o
    // Answers and ways
    { "oui", 0xF00C }, // check
    { "non", 0xF00D }, // times
    { "autre", 0xF141 }, // ellipsis-h
    { "courrier", 0xF0E0 }, // envelope
    { "email", 0xF003 }, // envelope-o
    { "telephone", 0xF095 }, // phone
    { "lieu", 0xF041 }, // map-marker
    { "commune", 0xF041 }, // map-marker
    { "maison", 0xF015 }, // home
    { "information", 0xF05A }, // info-circle
    { "document", 0xF0F6 }, // file-text-o
    { "copie", 0xF0C5 }, // files-o
    { "scanner", 0xF030 }, // camera
    { "matin", 0xF0F4 }, // coffee
    { "soir", 0xF186 }, // moon-o
    { "mercredi", 0xF1E3 }, // futbol-o
    { "repas", 0xF0F5 }, // cutlery
    { "allergie", 0xF0FA }, // medkit
    { "sante", 0xF0F1 }, // stethoscope
    { "travail", 0xF0B1 }, // briefcase
    { "etudes", 0xF19D }, // graduation-cap
    { "apprentissage", 0xF0AD }, // wrench
    { "europe", 0xF0AC }, // globe
    { "france", 0xF024 }, // flag
    { "euro", 0xF153 }, // eur
    { "cle", 0xF084 }, // key
    { "handicap", 0xF193 }, // wheelchair
    // Why a démarche went well or not (the satisfaction question's tiles).
    { "facile", 0xF087 }, // thumbs-o-up
    { "rapide", 0xF0E7 }, // bolt
    { "aide", 0xF2B5 }, // handshake-o
    { "long", 0xF253 }, // hourglass-end
    { "difficile", 0xF059 }, // question-circle
    { "appareil", 0xF02F }, // print
    { "sans-aide", 0xF235 }, // user-times
} };

constexpr std::array<unsigned, 37> interface_glyphs = {
    glyph::smile,
    glyph::meh,
    glyph::frown,
    glyph::eye,
    glyph::inbox,
    glyph::hourglass,
    glyph::refused,
    glyph::stopped,
    glyph::volume_up,
    glyph::volume_down,
    glyph::volume_off,
    glyph::map_signs,
    glyph::camera,
    glyph::ticket,
    glyph::id_card,
    glyph::keyboard,
    glyph::refresh,
    glyph::help,
    glyph::back,
    glyph::next,
    glyph::check,
    glyph::check_circle,
    glyph::warning,
    glyph::error,
    glyph::hand,
    glyph::print,
    glyph::edit,
    glyph::clock,
    glyph::people,
    glyph::close,
    glyph::phone,
    glyph::document,
    glyph::box_empty,
    glyph::box_checked,
    glyph::compass,
    glyph::play,
    glyph::information,
};

}

unsigned pictogram_glyph(std::string_view name)
{
    for (auto const& [key, codepoint] : named) {
        if (key == name)
            return codepoint;
    }
    return glyph::document;
}

bool is_known_pictogram(std::string_view name)
{
    return std::any_of(named.begin(), named.end(), [&](auto const& entry) { return entry.first == name; });
}

std::span<unsigned const> all_glyphs()
{
    static std::vector<unsigned> const every = [] {
        std::vector<unsigned> glyphs(interface_glyphs.begin(), interface_glyphs.end());
        for (auto const& entry : named)
            glyphs.push_back(entry.second);
        std::sort(glyphs.begin(), glyphs.end());
        glyphs.erase(std::unique(glyphs.begin(), glyphs.end()), glyphs.end());
        return glyphs;
    }();
    return every;
}

}
