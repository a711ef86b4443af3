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

// Builds MRZs with their check digits, for specimens and tests. Fields are
// given without fillers; they are padded and truncated to their widths.
std::string td1_mrz(std::string_view code, std::string_view state, std::string_view number, std::string_view birth,
    char sex, std::string_view expiry, std::string_view nationality, std::string_view surname,
    std::string_view given_names);
std::string td3_mrz(std::string_view code, std::string_view state, std::string_view number, std::string_view birth,
    char sex, std::string_view expiry, std::string_view nationality, std::string_view surname,
    std::string_view given_names);

}
