// The documents the simulated reader can hold: specimens with invented
// people, in the layouts real documents use, each with what it is for.
// `card insert NAME` in a scenario, or a key in the demo, lays one on the
// reader. Nothing here is a real person.
#pragma once

#include "simulated_card.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guichet::card {

struct Specimen {
    std::string name; // "cni", "passeport"...
    std::string description; // for --help and docs
    std::string mrz; // run together, check digits computed
    SimulatedCard::Faults faults;
    // What a resident types to open it: number, birth date, expiry date
    // (JJMMAAAA), as printed on the document.
    std::string document_number;
    std::string birth_digits;
    std::string expiry_digits;
};

std::vector<Specimen> const& specimens();
Specimen const* find_specimen(std::string_view name);

// Not a specimen but a card of the desk: "badge:04A1B2C3D4E5F6" names an
// agent's badge with that UID (4 to 10 bytes of hex), for `card insert` in
// a scenario and the demo. UIDs are chosen by whoever writes the scenario:
// nothing here is a real badge either.
inline constexpr std::string_view badge_prefix = "badge:";

// Builds MRZs with their check digits, for specimens and tests. Fields are
// given without fillers; they are padded and truncated to their widths.
std::string td1_mrz(std::string_view code, std::string_view state, std::string_view number, std::string_view birth,
    char sex, std::string_view expiry, std::string_view nationality, std::string_view surname,
    std::string_view given_names);
std::string td3_mrz(std::string_view code, std::string_view state, std::string_view number, std::string_view birth,
    char sex, std::string_view expiry, std::string_view nationality, std::string_view surname,
    std::string_view given_names);

}
