// Pictograms: the catalogue names a pictogram; the UI draws it from the
// FontAwesome 4 font (Debian's fonts-font-awesome). Keeping the names in the
// catalogue and the glyphs here lets a collectivité write démarches without
// knowing font code points.
#pragma once

#include <span>
#include <string_view>

namespace guichet::ui {

namespace glyph {
inline constexpr unsigned help = 0xF059; // question-circle
inline constexpr unsigned back = 0xF060; // arrow-left
inline constexpr unsigned next = 0xF061; // arrow-right
inline constexpr unsigned check = 0xF00C; // check
inline constexpr unsigned check_circle = 0xF058; // check-circle
inline constexpr unsigned warning = 0xF071; // exclamation-triangle
inline constexpr unsigned error = 0xF06A; // exclamation-circle
inline constexpr unsigned hand = 0xF25A; // hand-pointer-o
inline constexpr unsigned print = 0xF02F; // print
inline constexpr unsigned edit = 0xF040; // pencil
inline constexpr unsigned clock = 0xF017; // clock-o
inline constexpr unsigned people = 0xF0C0; // users
inline constexpr unsigned close = 0xF00D; // times
inline constexpr unsigned phone = 0xF095; // phone
inline constexpr unsigned document = 0xF0F6; // file-text-o
inline constexpr unsigned box_empty = 0xF096; // square-o
inline constexpr unsigned box_checked = 0xF14A; // check-square
inline constexpr unsigned compass = 0xF14E; // compass ("Je ne sais pas")
inline constexpr unsigned play = 0xF04B; // play ("Commencer")
inline constexpr unsigned information = 0xF05A; // info-circle
inline constexpr unsigned id_card = 0xF2C2; // id-card
inline constexpr unsigned keyboard = 0xF11C; // keyboard-o
inline constexpr unsigned refresh = 0xF021; // refresh ("Réessayer")
inline constexpr unsigned camera = 0xF030; // camera ("Prenez une photo de ce code")
inline constexpr unsigned ticket = 0xF145; // ticket (the desk's queue)
inline constexpr unsigned volume_up = 0xF028; // volume-up ("Réécouter", loud)
inline constexpr unsigned volume_down = 0xF027; // volume-down (low, medium)
inline constexpr unsigned volume_off = 0xF026; // volume-off (silent)
inline constexpr unsigned map_signs = 0xF277; // map-signs ("Je suis perdu")
inline constexpr unsigned eye = 0xF06E; // eye ("Écran": large text, high contrast)
// A request's states ("Suivre ma demande").
inline constexpr unsigned inbox = 0xF01C; // inbox: received
inline constexpr unsigned hourglass = 0xF252; // hourglass-half: being studied
inline constexpr unsigned refused = 0xF057; // times-circle: refused
inline constexpr unsigned stopped = 0xF05E; // ban: stopped
// "Comment s'est passée votre démarche ?"
inline constexpr unsigned smile = 0xF118; // smile-o
inline constexpr unsigned meh = 0xF11A; // meh-o
inline constexpr unsigned frown = 0xF119; // frown-o
}

// The glyph for a catalogue pictogram name; a neutral document for a name
// the UI does not know (the catalogue check reports it).
unsigned pictogram_glyph(std::string_view name);

// Whether the UI has a picture for this name; the shipped catalogue's names
// are all known (tested).
bool is_known_pictogram(std::string_view name);

// Every code point the icon font must contain.
std::span<unsigned const> all_glyphs();

}
