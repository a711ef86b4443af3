// Small UTF-8 helpers. Lengths the resident sees are counted in characters
// (code points), not bytes: "éclairage" is 9 characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace guichet::utf8 {

bool is_valid(std::string_view text);
std::size_t length(std::string_view text);
// Removes the last character (a whole code point). No-op on an empty text.
void pop_back(std::string& text);
// Removes leading and trailing ASCII white space.
std::string_view trim(std::string_view text);

}

namespace guichet {

// Overwrites a string's bytes before clearing it, so that what a resident
// typed does not linger in freed memory. Best effort: copies made elsewhere
// are the owner's to wipe.
void wipe(std::string& text);

}
