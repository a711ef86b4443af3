// The machine-readable zone of travel documents (ICAO Doc 9303 Parts 3 to
// 6): the two or three lines of capitals and '<' at the foot of a passport's
// data page or on the back of an identity card.
//
// The kiosk meets it three ways: typed by a document scanner (a keyboard
// wedge) or by an agent, rebuilt from the three values a resident types
// (document number, birth date, expiry date) to unlock the card's chip, and
// read back from the chip's data group 1. Every check digit is verified:
// a scanner that misread one character, or a chip answer cut short, is an
// error, never a wrong name on a dossier.
//
// Everything here is personal data. Nothing of it may reach a log: errors
// name the part that failed, never its content.
#pragma once

#include "field_values.hpp"
#include "result.hpp"

#include <string>
#include <string_view>

namespace guichet::mrz {

// TD1: identity cards, three lines of 30. TD2: two lines of 36 (some
// residence permits and older cards). TD3: passports, two lines of 44.
enum class Format {
    TD1,
    TD2,
    TD3,
};

std::string_view to_string(Format format);

// The ICAO check digit of a field: weights 7, 3, 1 repeating; digits count
// their value, A to Z count 10 to 35, '<' counts 0. Nothing for a character
// outside [0-9A-Z<].
std::optional<char> check_digit(std::string_view field);

// What unlocks a chip with Basic Access Control: the document number, the
// birth date and the expiry date, each as printed in the MRZ (YYMMDD), each
// with its check digit. Doc 9303 Part 11 §9.7.2 calls their concatenation
// the "MRZ information".
struct AccessKey {
    std::string document_number; // 9 characters or more, '<'-padded
    std::string birth_yymmdd;
    std::string expiry_yymmdd;

    // document number + check + birth + check + expiry + check.
    std::string information() const;
    void wipe();
};

// The three values as a resident or an agent types them: the number as on
// the card ("X4RTBPFW4", spaces and dashes ignored, lower case accepted),
// and two dates. Refused with a sentence for the resident when the number
// has characters a document number cannot have.
Result<AccessKey> access_key(std::string_view document_number, Date birth, Date expiry);

// The document's data, as the MRZ holds it. Names are in the MRZ's
// transliteration (capitals, no accents: "HELENE" for Hélène); the '<'
// fillers are turned into spaces.
struct Data {
    Format format { Format::TD3 };
    std::string document_code; // "P", "ID", "I", "AC"...: the first two characters, fillers dropped
    std::string issuing_state; // "FRA", "D", "UTO"
    std::string surname;
    std::string given_names;
    std::string document_number; // fillers dropped
    std::string nationality;
    Date birth_date;
    char sex { '<' }; // 'F', 'M' or '<' (unspecified)
    Date expiry_date;
    std::string optional_data; // fillers dropped
    AccessKey access; // as needed to open the chip again

    // A passport ("P"), an identity card ("I", "ID", "A", "C"): document
    // codes of Part 4 and 5.
    bool is_passport() const { return document_code.starts_with('P'); }
    void wipe();
};

// Parses a complete MRZ: its lines separated by line feeds (a scanner sends
// carriage returns too; both are accepted) or run together (88 characters
// for TD3, 90 for TD1, 72 for TD2). Spaces are ignored; lower case is
// accepted (some scanners send it). `today` places two-digit years in the
// right century: a birth date is never in the future, an expiry date is at
// most 50 years ahead.
//
// Error codes: "mrz.length" (not the shape of any format), "mrz.character"
// (a character outside [0-9A-Z<]), "mrz.check.document_number",
// "mrz.check.birth_date", "mrz.check.expiry_date", "mrz.check.optional_data",
// "mrz.check.composite", "mrz.date" (a check digit right, but no such day).
Result<Data> parse(std::string_view text, Date today);

// Whether `text` could be the start of an MRZ, for a scanner typing one
// character at a time: only MRZ characters and line breaks, and not longer
// than the longest format.
bool could_be_mrz(std::string_view text);

// Two-digit years to full dates, as parse() places them.
std::optional<Date> birth_date_from_yymmdd(std::string_view yymmdd, Date today);
std::optional<Date> expiry_date_from_yymmdd(std::string_view yymmdd, Date today);

}
