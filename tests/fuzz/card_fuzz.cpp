// libFuzzer target for what the kiosk reads from an identity card's chip
// (drivers/card, and kiosk/core/mrz.hpp for DG1).
//
// A card laid on the reader can be anything: a bank card, a damaged chip, or
// one made to attack the kiosk. Every byte it answers goes through the
// parsers fuzzed here, which promise to refuse what is wrong with an error
// and never to crash, read outside their input or hand back something they
// did not check. The first input byte picks one of six harnesses; the rest
// is theirs:
//
//   0  APDUs: CommandApdu::decode and ResponseApdu::decode, with the
//      encoding read back;
//   1  BER-TLV: read_tlv, announced_size and find_tlv, walking into
//      constructed objects;
//   2  secure messaging, with the session of ICAO's worked example (Doc
//      9303 Part 11 App. D): TerminalChannel::unprotect of a response and
//      ChipChannel::unprotect of a command, raw or made by the other side
//      and then tampered with or replayed;
//   3  mrz::parse (with a fixed today);
//   4  read_emrtd against a card that answers every command with the next
//      bytes of the input: a card that does not know the document's keys;
//   5  read_emrtd against a chip that does know them (BAC succeeds) but
//      answers, under secure messaging, whatever the input says: files of
//      any shape, wrong status words, tampered or replayed answers, plain
//      answers in the middle of the session.
//
// Nothing is caught: an exception out of the driver ends the process, and
// libFuzzer keeps the input. A broken invariant is a __builtin_trap.
//
// Run with GUICHET_CARD_FUZZ_SEEDS=DIR, the binary writes its seed inputs
// (built from the simulated chip and the specimens, so they follow the code)
// into DIR and exits: tests/fuzz/run_fuzz.sh does this before each run.
// With GUICHET_CARD_FUZZ_VERBOSE set, it prints what each input did (the
// read's or the parse's error code and detail, or ok), to replay a crash.

#include "drivers/card/apdu.hpp"
#include "drivers/card/bac.hpp"
#include "drivers/card/emrtd.hpp"
#include "drivers/card/simulated_card.hpp"
#include "drivers/card/specimens.hpp"
#include "drivers/card/tlv.hpp"

#include "kiosk/core/mrz.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace guichet;
using namespace guichet::card;

#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition))                                                                                              \
            __builtin_trap();                                                                                          \
    } while (false)

enum Target : std::uint8_t {
    kApdu = 0,
    kTlv = 1,
    kSecureMessaging = 2,
    kMrz = 3,
    kCardWithoutKeys = 4,
    kChipWithKeys = 5,
    kTargets = 6,
};

// The date the MRZ's two-digit years are placed against.
constexpr Date kToday { 2026, 11, 22 };

// ICAO Doc 9303 Part 11, Appendix D (tests/drivers/card/bac_test.cpp): the
// document's MRZ information and every random value of the worked example.
constexpr char kMrzInformation[] = "L898902C<369080619406236";
Bytes const kRndIc = from_hex("4608F91988702212");
Bytes const kRndIfd = from_hex("781723860C06C226");
Bytes const kKIfd = from_hex("0B795240CB7049B01C19B33E32804F0B");
Bytes const kKIc = from_hex("0B4F80323EB3191CB04970CB4052790B");
Bytes const kChipResponse
    = from_hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");

// Set once by LLVMFuzzerInitialize: the session keys and SSC of the
// example, which every secure-messaging harness starts from.
Bytes g_session_enc;
Bytes g_session_mac;
Bytes g_session_ssc;

// GUICHET_CARD_FUZZ_VERBOSE set: each input's outcome on stderr, to see
// what a reproducer does (and that the seeds do what they say).
bool g_verbose = false;

void say(char const* harness, Error const* error)
{
    if (g_verbose)
        std::fprintf(stderr, "card_fuzz: %s: %s%s%s\n", harness, error ? error->code.c_str() : "ok", error ? " — " : "",
            error ? error->detail.c_str() : "");
}

bac::Session example_session()
{
    return bac::Session { bac::KeyPair { SecretBytes(g_session_enc), SecretBytes(g_session_mac) },
        SecretBytes(g_session_ssc) };
}

bac::KeyPair document_keys()
{
    return bac::document_keys_from_information(kMrzInformation);
}

// The access key of the example document, as read_emrtd is given it.
mrz::AccessKey example_access()
{
    return mrz::AccessKey { "L898902C<", "690806", "940623" };
}

// The terminal's random values, fixed so that every run is the same. With
// the example's, a chip that knows the keys agrees the example's session.
// Others for the card that does not know them: with the example's, the
// example's answer to EXTERNAL AUTHENTICATE would be right, and 40 bytes of
// the input could unlock BAC.
Bytes const kOtherRndIfd = from_hex("1111111111111111");
Bytes const kOtherKIfd = from_hex("22222222222222222222222222222222");

ReadOptions fixed_random(std::vector<ReadStage>* stages, bool example)
{
    ReadOptions options;
    options.random = [example](std::size_t count) -> Result<Bytes> {
        if (count == kRndIfd.size())
            return example ? kRndIfd : kOtherRndIfd;
        if (count == kKIfd.size())
            return example ? kKIfd : kOtherKIfd;
        return Error::make("fuzz.random", "an unexpected count");
    };
    options.on_stage = [stages](ReadStage stage) { stages->push_back(stage); };
    return options;
}

bool starts_with(std::string const& text, std::string_view prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

bool same(ByteView a, ByteView b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Whether `inner` lies within `outer`, pointers and all.
bool inside(ByteView inner, ByteView outer)
{
    if (inner.empty())
        return inner.data() >= outer.data() && inner.data() <= outer.data() + outer.size();
    return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

bool same_command(CommandApdu const& a, CommandApdu const& b)
{
    return a.cla == b.cla && a.ins == b.ins && a.p1 == b.p1 && a.p2 == b.p2 && a.data == b.data && a.le == b.le;
}

// ---------------------------------------------------------------------------
// 0: APDUs

void fuzz_apdu(ByteView input)
{
    auto command = CommandApdu::decode(input);
    if (command.ok()) {
        auto const& c = command.value();
        FUZZ_CHECK(input.size() >= 4 + c.data.size());
        FUZZ_CHECK(c.cla == input[0] && c.ins == input[1] && c.p1 == input[2] && c.p2 == input[3]);
        if (c.le)
            FUZZ_CHECK(*c.le >= 1 && *c.le <= 65536);
        bool short_form = input.size() <= 5 || input[4] != 0;
        if (!c.data.empty())
            FUZZ_CHECK(same(c.data, input.subspan(short_form ? 5 : 7, c.data.size())));
        // Encoded again, the command reads back the same; its encoding is
        // the shortest form, never longer than what came in, and the very
        // same bytes when they came in the short form.
        auto encoded = c.encode();
        FUZZ_CHECK(encoded.size() <= input.size());
        if (short_form)
            FUZZ_CHECK(same(encoded, input));
        auto again = CommandApdu::decode(encoded);
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(same_command(again.value(), c));
    } else {
        FUZZ_CHECK(command.error().code == "card.apdu.malformed");
        // Four bytes are a command, and so are five whatever the fifth.
        FUZZ_CHECK(input.size() < 4 || input.size() > 5);
    }

    auto response = ResponseApdu::decode(input);
    FUZZ_CHECK(response.ok() == (input.size() >= 2));
    if (response.ok()) {
        FUZZ_CHECK(same(response.value().encode(), input));
        auto error = status_error(response.value().sw);
        FUZZ_CHECK(starts_with(error.code, "card.sw."));
        char expected[32];
        std::snprintf(expected, sizeof expected, "status word %04X", response.value().sw);
        FUZZ_CHECK(error.detail == expected);
    }
}

// ---------------------------------------------------------------------------
// 1: BER-TLV

constexpr int kMaxDepth = 32;

bool is_tlv_error(Error const& error)
{
    return error.code == "card.tlv.truncated" || error.code == "card.tlv.malformed";
}

// What must hold of the first object of `bytes`, read or refused.
std::optional<Tlv> check_first_object(ByteView bytes)
{
    auto object = read_tlv(bytes);
    auto announced = announced_size(bytes);
    if (!object.ok()) {
        FUZZ_CHECK(is_tlv_error(object.error()));
        // The header alone may be fine: then only the value runs past the end.
        if (announced.ok()) {
            FUZZ_CHECK(object.error().code == "card.tlv.truncated");
            FUZZ_CHECK(announced.value() > bytes.size());
        } else {
            FUZZ_CHECK(announced.error().code == object.error().code);
        }
        return std::nullopt;
    }
    auto const& tlv = object.value();
    // One to three tag bytes, one to five length bytes; the value right
    // after them and inside the input.
    FUZZ_CHECK(tlv.header_size >= 2 && tlv.header_size <= 8);
    FUZZ_CHECK(tlv.value.data() == bytes.data() + tlv.header_size);
    FUZZ_CHECK(tlv.total_size() <= bytes.size());
    FUZZ_CHECK(inside(tlv.value, bytes));
    FUZZ_CHECK(announced.ok() && announced.value() == tlv.total_size());
    // Bit 6 of the first tag byte says constructed.
    FUZZ_CHECK(tlv.constructed() == ((bytes[0] & 0x20) != 0));
    // Written again (lengths in their shortest form), it reads back the same
    // and is no longer than it was.
    auto encoded = encode_tlv(tlv.tag, tlv.value);
    FUZZ_CHECK(encoded.size() <= tlv.total_size());
    auto again = read_tlv(encoded);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again.value().tag == tlv.tag && same(again.value().value, tlv.value));
    // The tag is written with the bytes it was read from.
    auto tag_size = again.value().header_size - encode_length(tlv.value.size()).size();
    FUZZ_CHECK(tag_size >= 1 && tag_size <= 3 && same(ByteView(encoded).first(tag_size), bytes.first(tag_size)));
    return tlv;
}

// Walks the objects laid one after the other in `level` as find_tlv does
// (00 and FF between them are padding), then into each constructed one,
// and holds find_tlv to what the walk saw.
void walk(ByteView level, int depth)
{
    std::vector<Tlv> objects;
    std::optional<std::string> stopped;
    ByteView rest = level;
    while (!rest.empty()) {
        if (rest[0] == 0x00 || rest[0] == 0xFF) {
            rest = rest.subspan(1);
            continue;
        }
        auto object = check_first_object(rest);
        if (!object) {
            stopped = read_tlv(rest).error().code;
            break;
        }
        FUZZ_CHECK(inside(object->value, level));
        objects.push_back(*object);
        rest = rest.subspan(object->total_size());
        if (object->constructed() && depth < kMaxDepth)
            walk(object->value, depth + 1);
    }

    // Each tag met is found, at its first object; a tag not met is absent
    // when the walk reached the end, and the walk's error otherwise.
    std::set<std::uint32_t> seen;
    for (auto const& object : objects) {
        if (!seen.insert(object.tag).second)
            continue;
        auto found = find_tlv(level, object.tag);
        FUZZ_CHECK(found.ok() && found.value().has_value());
        FUZZ_CHECK(found.value()->tag == object.tag);
        FUZZ_CHECK(found.value()->value.data() == object.value.data());
        FUZZ_CHECK(found.value()->value.size() == object.value.size());
    }
    for (std::uint32_t tag : { 0x60u, 0x61u, 0x5Cu, 0x5F1Fu, 0x87u, 0x8Eu, 0x99u, 0x7F61u }) {
        if (seen.count(tag))
            continue;
        auto found = find_tlv(level, tag);
        if (stopped) {
            FUZZ_CHECK(!found.ok() && found.error().code == *stopped);
        } else {
            FUZZ_CHECK(found.ok() && !found.value().has_value());
        }
    }
}

void fuzz_tlv(ByteView input)
{
    walk(input, 0);
}

// ---------------------------------------------------------------------------
// 2: secure messaging

bool is_sm_error(Error const& error)
{
    return starts_with(error.code, "card.sm.") || starts_with(error.code, "card.tlv.");
}

// The input after the sub-harness byte: [position, mask, rest...].
struct Tamper {
    std::size_t position { 0 };
    std::uint8_t mask { 1 };
};

std::optional<Tamper> take_tamper(ByteView& input)
{
    if (input.size() < 2)
        return std::nullopt;
    Tamper tamper { input[0], static_cast<std::uint8_t>(input[1] == 0 ? 1 : input[1]) };
    input = input.subspan(2);
    return tamper;
}

void fuzz_secure_messaging(ByteView input)
{
    if (input.empty())
        return;
    auto mode = input[0] % 4;
    input = input.subspan(1);
    switch (mode) {
    case 0: { // a response as the card sent it
        auto response = ResponseApdu::decode(input);
        if (!response.ok())
            return;
        bac::TerminalChannel terminal(example_session());
        auto plain = terminal.unprotect(response.value());
        if (!plain.ok()) {
            FUZZ_CHECK(is_sm_error(plain.error()));
        } else if (response.value().data.empty()) {
            // Only an error status comes in the clear, and it is passed on.
            FUZZ_CHECK(!response.value().ok());
            FUZZ_CHECK(plain.value().sw == response.value().sw && plain.value().data.empty());
        }
        return;
    }
    case 1: { // a response protected by the chip, then replayed or tampered with
        auto tamper = take_tamper(input);
        if (!tamper)
            return;
        auto sent = ResponseApdu::decode(input);
        if (!sent.ok())
            return;
        bac::ChipChannel chip(example_session());
        auto wire = chip.protect(sent.value());
        FUZZ_CHECK(!wire.data.empty());
        {
            bac::TerminalChannel terminal(example_session());
            auto received = terminal.unprotect(wire);
            FUZZ_CHECK(received.ok());
            FUZZ_CHECK(received.value().sw == sent.value().sw);
            FUZZ_CHECK(received.value().data == sent.value().data);
            // The same answer again: the counter has moved on.
            auto replayed = terminal.unprotect(wire);
            FUZZ_CHECK(!replayed.ok() && replayed.error().code == "card.sm.mac");
        }
        auto tampered = wire;
        tampered.data[tamper->position % tampered.data.size()] ^= tamper->mask;
        bac::TerminalChannel terminal(example_session());
        auto received = terminal.unprotect(tampered);
        FUZZ_CHECK(!received.ok() && is_sm_error(received.error()));
        return;
    }
    case 2: { // a command as the terminal sent it
        auto command = CommandApdu::decode(input);
        if (!command.ok())
            return;
        bac::ChipChannel chip(example_session());
        auto plain = chip.unprotect(command.value());
        if (!plain.ok())
            FUZZ_CHECK(is_sm_error(plain.error()));
        if ((command.value().cla & 0x0C) != 0x0C)
            FUZZ_CHECK(!plain.ok() && plain.error().code == "card.sm.missing");
        if (plain.ok()) {
            FUZZ_CHECK(plain.value().ins == command.value().ins);
            FUZZ_CHECK(plain.value().p1 == command.value().p1 && plain.value().p2 == command.value().p2);
            FUZZ_CHECK((plain.value().cla & 0x0C) == 0);
            if (plain.value().le)
                FUZZ_CHECK(*plain.value().le >= 1 && *plain.value().le <= 256);
        }
        return;
    }
    case 3: { // a command protected by the terminal, over the wire, then tampered with
        auto tamper = take_tamper(input);
        if (!tamper || input.size() < 6)
            return;
        CommandApdu plain { input[0], input[1], input[2], input[3], {}, {} };
        std::size_t le = static_cast<std::size_t>(input[4]) << 8 | input[5];
        if (le != 0)
            plain.le = le;
        plain.data.assign(input.begin() + 6, input.end());
        if (plain.data.size() > 60000)
            return;
        bac::TerminalChannel terminal(example_session());
        auto protected_command = terminal.protect(plain);
        auto wire = CommandApdu::decode(protected_command.encode());
        FUZZ_CHECK(wire.ok());
        FUZZ_CHECK(same_command(wire.value(), protected_command));
        FUZZ_CHECK((wire.value().cla & 0x0C) == 0x0C);
        {
            bac::ChipChannel chip(example_session());
            auto received = chip.unprotect(wire.value());
            FUZZ_CHECK(received.ok());
            auto const& got = received.value();
            FUZZ_CHECK(
                got.cla == (plain.cla & ~0x0C) && got.ins == plain.ins && got.p1 == plain.p1 && got.p2 == plain.p2);
            FUZZ_CHECK(got.data == plain.data);
            // DO97 holds one byte: up to 256, "00" meaning 256.
            std::optional<std::size_t> expected_le;
            if (plain.le)
                expected_le = std::min<std::size_t>(*plain.le, 256);
            FUZZ_CHECK(got.le == expected_le);
        }
        // Any byte of the header or the data changed, and the chip refuses it.
        auto tampered = wire.value();
        auto at = tamper->position % (4 + tampered.data.size());
        std::uint8_t* byte = at == 0 ? &tampered.cla
            : at == 1                ? &tampered.ins
            : at == 2                ? &tampered.p1
            : at == 3                ? &tampered.p2
                                     : &tampered.data[at - 4];
        *byte ^= tamper->mask;
        bac::ChipChannel chip(example_session());
        auto received = chip.unprotect(tampered);
        FUZZ_CHECK(!received.ok() && is_sm_error(received.error()));
        return;
    }
    }
}

// ---------------------------------------------------------------------------
// 3: the MRZ, and what any parsed one must be

// The ICAO check digit, written here rather than taken from mrz.hpp: an
// oracle that shares the code under test would agree with its bugs.
char check_digit_of(std::string_view field)
{
    static constexpr int weights[] { 7, 3, 1 };
    int sum = 0;
    for (std::size_t i = 0; i < field.size(); ++i) {
        char c = field[i];
        int value = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 0;
        sum += value * weights[i % 3];
    }
    return static_cast<char>('0' + sum % 10);
}

bool is_mrz_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '<';
}

bool valid_day(Date date)
{
    return date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= days_in_month(date.year, date.month);
}

std::string yymmdd_of(Date date)
{
    char text[8];
    std::snprintf(text, sizeof text, "%02d%02d%02d", date.year % 100, date.month, date.day);
    return text;
}

// A field with its fillers dropped: MRZ characters, no '<' at either end.
void check_trimmed_field(std::string const& field)
{
    FUZZ_CHECK(std::ranges::all_of(field, is_mrz_char));
    FUZZ_CHECK(field.empty() || (field.front() != '<' && field.back() != '<'));
}

// A name: capitals, digits and single spaces between words.
void check_name(std::string const& name)
{
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == ' ');
        if (c == ' ')
            FUZZ_CHECK(i > 0 && i + 1 < name.size() && name[i + 1] != ' ');
    }
}

// What the kiosk relies on in any MRZ the parser accepts, whether typed by
// a scanner or read from a chip.
void check_mrz_data(mrz::Data const& data)
{
    FUZZ_CHECK(data.format == mrz::Format::TD1 || data.format == mrz::Format::TD2 || data.format == mrz::Format::TD3);
    check_trimmed_field(data.document_code);
    check_trimmed_field(data.issuing_state);
    check_trimmed_field(data.document_number);
    check_trimmed_field(data.nationality);
    check_trimmed_field(data.optional_data);
    check_name(data.surname);
    check_name(data.given_names);
    FUZZ_CHECK(is_mrz_char(data.sex));
    // Real days, a birth in the past, an expiry within 50 years of today.
    FUZZ_CHECK(valid_day(data.birth_date) && valid_day(data.expiry_date));
    FUZZ_CHECK(data.birth_date <= kToday);
    FUZZ_CHECK(data.expiry_date.year >= kToday.year - 50 && data.expiry_date.year <= kToday.year + 50);
    // The access key is the dates as printed, and every part of the MRZ
    // information carries its right check digit.
    FUZZ_CHECK(data.access.birth_yymmdd == yymmdd_of(data.birth_date));
    FUZZ_CHECK(data.access.expiry_yymmdd == yymmdd_of(data.expiry_date));
    auto information = data.access.information();
    FUZZ_CHECK(information.size() >= 24);
    std::size_t number_size = information.size() - 15;
    FUZZ_CHECK(information[number_size] == check_digit_of(information.substr(0, number_size)));
    FUZZ_CHECK(information.substr(number_size + 1, 6) == data.access.birth_yymmdd);
    FUZZ_CHECK(information[number_size + 7] == check_digit_of(data.access.birth_yymmdd));
    FUZZ_CHECK(information.substr(number_size + 8, 6) == data.access.expiry_yymmdd);
    FUZZ_CHECK(information[number_size + 14] == check_digit_of(data.access.expiry_yymmdd));
    // The three values a resident types from this document open its chip
    // like the MRZ does (for the numbers a resident can type).
    bool typeable = data.document_number.size() >= 6 && data.document_number.size() <= 14
        && std::ranges::none_of(data.document_number, [](char c) { return c == '<'; })
        && !data.access.document_number.starts_with('<');
    if (typeable) {
        auto typed = mrz::access_key(data.document_number, data.birth_date, data.expiry_date);
        FUZZ_CHECK(typed.ok());
        FUZZ_CHECK(typed.value().information() == information);
    }
}

bool same_mrz_data(mrz::Data const& a, mrz::Data const& b)
{
    return a.format == b.format && a.document_code == b.document_code && a.issuing_state == b.issuing_state
        && a.surname == b.surname && a.given_names == b.given_names && a.document_number == b.document_number
        && a.nationality == b.nationality && a.birth_date == b.birth_date && a.sex == b.sex
        && a.expiry_date == b.expiry_date && a.optional_data == b.optional_data
        && a.access.information() == b.access.information();
}

// The document number's check: the short form, or (TD1, TD2) the long one
// whose check digit position holds '<' and whose end is in the optional data.
bool number_checks(std::string_view number9, char check, std::string_view optional)
{
    if (check != '<')
        return check_digit_of(number9) == check;
    auto end = optional.find('<');
    if (end == std::string_view::npos || end == 0)
        return false;
    std::string full = std::string(number9) + std::string(optional.substr(0, end - 1));
    return check_digit_of(full) == optional[end - 1];
}

void fuzz_mrz(ByteView input)
{
    std::string text(input.begin(), input.end());
    auto parsed = mrz::parse(text, kToday);
    say("mrz", parsed.ok() ? nullptr : &parsed.error());
    if (!parsed.ok()) {
        FUZZ_CHECK(starts_with(parsed.error().code, "mrz."));
        return;
    }
    auto const& data = parsed.value();
    check_mrz_data(data);

    // The characters that count, as the parser reads them.
    std::string flat;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        flat += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    }
    FUZZ_CHECK(std::ranges::all_of(flat, is_mrz_char));
    std::string_view all = flat;
    // Every check digit, by the layouts of Doc 9303 Parts 4 to 6.
    switch (data.format) {
    case mrz::Format::TD3: {
        FUZZ_CHECK(flat.size() == 88);
        auto l2 = all.substr(44);
        FUZZ_CHECK(check_digit_of(l2.substr(0, 9)) == l2[9]);
        FUZZ_CHECK(check_digit_of(l2.substr(13, 6)) == l2[19]);
        FUZZ_CHECK(check_digit_of(l2.substr(21, 6)) == l2[27]);
        FUZZ_CHECK(check_digit_of(l2.substr(28, 14)) == l2[42] || l2.substr(28, 15) == std::string(15, '<'));
        std::string composite
            = std::string(l2.substr(0, 10)) + std::string(l2.substr(13, 7)) + std::string(l2.substr(21, 22));
        FUZZ_CHECK(check_digit_of(composite) == l2[43]);
        break;
    }
    case mrz::Format::TD1: {
        FUZZ_CHECK(flat.size() == 90);
        auto l1 = all.substr(0, 30);
        auto l2 = all.substr(30, 30);
        FUZZ_CHECK(number_checks(l1.substr(5, 9), l1[14], l1.substr(15, 15)));
        FUZZ_CHECK(check_digit_of(l2.substr(0, 6)) == l2[6]);
        FUZZ_CHECK(check_digit_of(l2.substr(8, 6)) == l2[14]);
        std::string composite = std::string(l1.substr(5, 25)) + std::string(l2.substr(0, 7))
            + std::string(l2.substr(8, 7)) + std::string(l2.substr(18, 11));
        FUZZ_CHECK(check_digit_of(composite) == l2[29]);
        break;
    }
    case mrz::Format::TD2: {
        FUZZ_CHECK(flat.size() == 72);
        auto l2 = all.substr(36);
        FUZZ_CHECK(number_checks(l2.substr(0, 9), l2[9], l2.substr(28, 7)));
        FUZZ_CHECK(check_digit_of(l2.substr(13, 6)) == l2[19]);
        FUZZ_CHECK(check_digit_of(l2.substr(21, 6)) == l2[27]);
        std::string composite
            = std::string(l2.substr(0, 10)) + std::string(l2.substr(13, 7)) + std::string(l2.substr(21, 14));
        FUZZ_CHECK(check_digit_of(composite) == l2[35]);
        break;
    }
    }

    // The same characters run together, or on lines of the format's width,
    // are the same MRZ.
    auto run_together = mrz::parse(flat, kToday);
    FUZZ_CHECK(run_together.ok() && same_mrz_data(run_together.value(), data));
    std::size_t width = data.format == mrz::Format::TD1 ? 30 : data.format == mrz::Format::TD2 ? 36 : 44;
    std::string lines;
    for (std::size_t at = 0; at < flat.size(); at += width)
        lines += flat.substr(at, width) + "\r\n";
    auto on_lines = mrz::parse(lines, kToday);
    FUZZ_CHECK(on_lines.ok() && same_mrz_data(on_lines.value(), data));
}

// ---------------------------------------------------------------------------
// 4 and 5: the whole read

// The error codes read_emrtd documents, its channel's included.
bool is_read_error(std::string const& code)
{
    return code == "card.not_emrtd" || code == "card.access_denied" || code == "card.protocol" || code == "card.data"
        || code == "card.removed" || code == "card.reader_gone" || code == "card.io";
}

// The stages come in order, each once, all four when the read succeeded.
void check_stages(std::vector<ReadStage> const& stages, bool succeeded)
{
    FUZZ_CHECK(!stages.empty() && stages.size() <= 4);
    for (std::size_t i = 0; i < stages.size(); ++i)
        FUZZ_CHECK(stages[i] == static_cast<ReadStage>(i));
    if (succeeded)
        FUZZ_CHECK(stages.size() == 4);
}

bool is_protected(CommandApdu const& command)
{
    return (command.cla & 0x0C) == 0x0C;
}

// The next bytes of the input, in the form the channels below take them.
class Script {
public:
    explicit Script(ByteView bytes)
        : m_bytes(bytes)
    {
    }
    std::optional<std::uint8_t> byte()
    {
        if (m_bytes.empty())
            return std::nullopt;
        auto value = m_bytes[0];
        m_bytes = m_bytes.subspan(1);
        return value;
    }
    // A length byte, then that many bytes (fewer if the input ends).
    std::optional<ByteView> chunk()
    {
        auto size = byte();
        if (!size)
            return std::nullopt;
        auto taken = m_bytes.first(std::min<std::size_t>(*size, m_bytes.size()));
        m_bytes = m_bytes.subspan(taken.size());
        return taken;
    }

private:
    ByteView m_bytes;
};

Error pulled_out()
{
    return Error::make("card.removed", "the script has ended");
}

// 4: each answer is a length byte and that many bytes of the input, taken
// as data and status word. Whatever they are, the card does not know the
// document's keys, so its answer to EXTERNAL AUTHENTICATE cannot carry the
// MAC the terminal checks: the read must fail, and nothing may be read.
class CardWithoutKeys final : public CardChannel {
public:
    explicit CardWithoutKeys(ByteView input)
        : m_script(input)
    {
    }
    Result<ResponseApdu> transmit(CommandApdu const& command) override
    {
        // The order of read_emrtd: SELECT, GET CHALLENGE, EXTERNAL
        // AUTHENTICATE, all in the clear.
        switch (m_commands++) {
        case 0:
            FUZZ_CHECK(same_command(command, command::select_emrtd_application()));
            break;
        case 1:
            FUZZ_CHECK(same_command(command, command::get_challenge()));
            break;
        case 2:
            FUZZ_CHECK(command.ins == 0x82 && command.data.size() == 40 && !is_protected(command));
            break;
        default:
            // Past a BAC that cannot have succeeded.
            FUZZ_CHECK(false);
        }
        auto answer = m_script.chunk();
        if (!answer)
            return pulled_out();
        auto response = ResponseApdu::decode(*answer);
        if (!response.ok())
            return Error::make("card.io", "an answer shorter than its status word");
        return response.release_value();
    }
    std::uint32_t commands() const { return m_commands; }

private:
    Script m_script;
    std::uint32_t m_commands { 0 };
};

void fuzz_card_without_keys(ByteView input)
{
    CardWithoutKeys card(input);
    std::vector<ReadStage> stages;
    auto read = read_emrtd(card, example_access(), kToday, fixed_random(&stages, false));
    say("card without the keys", read.ok() ? nullptr : &read.error());
    FUZZ_CHECK(!read.ok());
    FUZZ_CHECK(is_read_error(read.error().code));
    // No file was read, so none can be wrong.
    FUZZ_CHECK(read.error().code != "card.data");
    check_stages(stages, false);
    FUZZ_CHECK(stages.size() <= 2);
}

// 5: a chip that knows the example document's keys. Each answer starts
// with a control byte whose low two bits say how the chip answers:
//   0  faithfully: before BAC what a real chip answers (SELECT, GET
//      CHALLENGE, EXTERNAL AUTHENTICATE); under secure messaging, a length
//      byte and that many bytes (data and status word, or data alone with
//      9000 when fewer than two) protected as a real chip would;
//   1  raw: a length byte and that many bytes, sent as they are;
//   2  tampered: as 0, with one bit of the answer flipped (under secure
//      messaging a position byte comes before the length);
//   3  replayed: the last protected answer again (6988 in the clear when
//      there is none).
// The chip counts every answer under secure messaging, so that it stays in
// step with the terminal's counter whatever it sends.
class ChipWithKeys final : public CardChannel {
public:
    explicit ChipWithKeys(ByteView input)
        : m_script(input)
        , m_keys(document_keys())
    {
    }

    Result<ResponseApdu> transmit(CommandApdu const& command) override
    {
        ++m_commands;
        auto control = m_script.byte();
        if (!control)
            return pulled_out();
        auto how = *control & 3;
        if (m_session) {
            // After BAC, the terminal sends nothing in the clear, and
            // everything it sends is protected right.
            FUZZ_CHECK(is_protected(command));
            auto plain = m_session->unprotect(command);
            FUZZ_CHECK(plain.ok());
            check_read_binary(plain.value());
            return answer_protected(how, *control);
        }
        // The terminal protects nothing before the chip has agreed a session.
        FUZZ_CHECK(!is_protected(command));
        if (how == 1)
            return raw();
        if (how == 3)
            return ResponseApdu { {}, 0x6988 };
        auto response = answer_in_clear(command);
        if (how == 2 && !response.data.empty())
            response.data[(*control >> 2) % response.data.size()] ^= 0x01;
        return response;
    }

    std::uint32_t commands() const { return m_commands; }
    // A protected answer was tampered with or replayed.
    bool forged() const { return m_forged; }

private:
    Result<ResponseApdu> raw()
    {
        auto bytes = m_script.chunk();
        if (!bytes)
            return pulled_out();
        auto response = ResponseApdu::decode(*bytes);
        if (!response.ok())
            return Error::make("card.io", "an answer shorter than its status word");
        return response.release_value();
    }

    ResponseApdu answer_in_clear(CommandApdu const& command)
    {
        switch (command.ins) {
        case 0xA4:
            return { {}, 0x9000 };
        case 0x84:
            m_challenge = kRndIc;
            return { kRndIc, 0x9000 };
        case 0x82: {
            if (m_challenge.empty())
                return { {}, 0x6985 };
            auto answer = bac::chip_authenticate(m_keys, m_challenge, kKIc, command.data);
            m_challenge.clear();
            if (!answer.ok())
                return { {}, 0x6300 };
            m_session.emplace(std::move(answer.value().session));
            return { std::move(answer.value().response), 0x9000 };
        }
        default:
            return { {}, 0x6D00 };
        }
    }

    // read_emrtd reads by short file identifier (EF.COM, DG1) from offset
    // 0, then at an offset below the largest file it accepts, never more
    // than a short answer can hold.
    static void check_read_binary(CommandApdu const& plain)
    {
        FUZZ_CHECK(plain.cla == 0x00 && plain.ins == 0xB0 && plain.data.empty());
        FUZZ_CHECK(plain.le && *plain.le >= 1 && *plain.le <= 256);
        if (plain.p1 & 0x80) {
            FUZZ_CHECK(plain.p1 == (0x80 | sfi_com) || plain.p1 == (0x80 | sfi_dg1));
            FUZZ_CHECK(plain.p2 == 0);
        } else {
            FUZZ_CHECK((plain.p1 << 8 | plain.p2) <= 4096);
            FUZZ_CHECK(*plain.le <= 0xDF);
        }
    }

    Result<ResponseApdu> answer_protected(int how, std::uint8_t control)
    {
        if (how == 1) {
            (void)m_session->protect({}); // the chip's counter moves on
            return raw();
        }
        if (how == 3) {
            (void)m_session->protect({});
            if (!m_last)
                return ResponseApdu { {}, 0x6988 };
            m_forged = true;
            return *m_last;
        }
        std::optional<std::uint8_t> position;
        if (how == 2) {
            position = m_script.byte();
            if (!position)
                return pulled_out();
        }
        auto bytes = m_script.chunk();
        if (!bytes)
            return pulled_out();
        ResponseApdu plain;
        if (bytes->size() < 2) {
            plain = { Bytes(bytes->begin(), bytes->end()), 0x9000 };
        } else {
            plain = ResponseApdu::decode(*bytes).release_value();
        }
        auto response = m_session->protect(plain);
        if (position) {
            response.data[*position % response.data.size()] ^= static_cast<std::uint8_t>(1u << (control >> 2 & 7));
            m_forged = true;
        }
        m_last = response;
        return response;
    }

    Script m_script;
    bac::KeyPair m_keys;
    Bytes m_challenge;
    std::optional<bac::ChipChannel> m_session;
    std::optional<ResponseApdu> m_last;
    std::uint32_t m_commands { 0 };
    bool m_forged { false };
};

// SELECT, GET CHALLENGE, EXTERNAL AUTHENTICATE, then for each of the two
// files its first READ BINARY, one retry with the length the chip asked
// for, and one more per byte at worst up to the largest file (4096 bytes).
constexpr std::uint32_t kMostCommands = 3 + 2 * (2 + 4096);

void fuzz_chip_with_keys(ByteView input)
{
    ChipWithKeys chip(input);
    std::vector<ReadStage> stages;
    auto read = read_emrtd(chip, example_access(), kToday, fixed_random(&stages, true));
    say("chip with the keys", read.ok() ? nullptr : &read.error());
    FUZZ_CHECK(chip.commands() <= kMostCommands);
    check_stages(stages, read.ok());
    if (chip.forged()) {
        // A tampered or replayed answer under secure messaging is caught
        // where it arrives.
        FUZZ_CHECK(!read.ok() && read.error().code == "card.protocol");
    }
    if (!read.ok()) {
        FUZZ_CHECK(is_read_error(read.error().code));
        return;
    }
    FUZZ_CHECK(read.value().apdus == chip.commands());
    FUZZ_CHECK(read.value().apdus >= 5);
    check_mrz_data(read.value().data);
}

// ---------------------------------------------------------------------------
// Seeds

void write_seed(std::filesystem::path const& folder, std::string const& name, Target target, ByteView body)
{
    std::ofstream out(folder / (std::to_string(target) + "-" + name), std::ios::binary);
    out.put(static_cast<char>(target));
    out.write(reinterpret_cast<char const*>(body.data()), static_cast<std::streamsize>(body.size()));
}

Bytes bytes_of(std::string_view text)
{
    return Bytes(text.begin(), text.end());
}

// A length-prefixed answer of the scripts above.
void put_chunk(Bytes& script, ByteView bytes)
{
    script.push_back(static_cast<std::uint8_t>(bytes.size()));
    script.insert(script.end(), bytes.begin(), bytes.end());
}

Bytes with_ok(ByteView data)
{
    return concat({ data, Bytes { 0x90, 0x00 } });
}

void write_seeds(std::filesystem::path const& folder)
{
    std::filesystem::create_directories(folder);
    bac::TerminalChannel terminal(example_session());
    // 40 bytes that are not the example's answer: the card without the keys
    // must not find the right one in the corpus.
    Bytes wrong_answer = kChipResponse;
    for (auto& byte : wrong_answer)
        byte = static_cast<std::uint8_t>(byte * 7 + 1);

    // APDUs: every command read_emrtd sends, the example's protected ones,
    // an extended one, and answers.
    std::vector<std::pair<std::string, CommandApdu>> commands {
        { "select", command::select_emrtd_application() },
        { "challenge", command::get_challenge() },
        { "authenticate", command::external_authenticate(wrong_answer) },
        { "read-sfi", command::read_binary_sfi(sfi_dg1, 256) },
        { "read-offset", command::read_binary(0x1234, 0xDF) },
        { "extended", CommandApdu { 0x00, 0xB0, 0x00, 0x00, Bytes(300, 0x5A), 65536 } },
        { "extended-le", CommandApdu { 0x00, 0xB0, 0x00, 0x00, {}, 1000 } },
        { "protected-read", terminal.protect(command::read_binary_sfi(sfi_com, 256)) },
    };
    for (auto const& [name, command] : commands) {
        write_seed(folder, "command-" + name, kApdu, command.encode());
        write_seed(folder, "command-" + name, kSecureMessaging, concat({ Bytes { 2 }, command.encode() }));
    }
    write_seed(folder, "response", kApdu, from_hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"));

    // TLV: the files of the simulated chip, and secure-messaging objects.
    auto const& all = specimens();
    write_seed(folder, "com", kTlv, SimulatedCard::com_file());
    for (auto const& specimen : all)
        write_seed(folder, "dg1-" + specimen.name, kTlv, SimulatedCard::dg1_for(specimen.mrz));
    write_seed(folder, "sm", kTlv, from_hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2D"));
    write_seed(folder, "nested", kTlv,
        from_hex("7F61 81 10 02 01 01 7F60 0A A1 02 80 00 5F2E 03 010203 00 FF 5F1F 00 9F8001 00"));
    write_seed(folder, "long-lengths", kTlv, from_hex("61 82 0003 5F1F 00 62 83 000001 00 63 84 00000000"));

    // Secure messaging: the example's answers, raw; plain answers to protect.
    write_seed(folder, "example-answer", kSecureMessaging,
        concat({ Bytes { 0 }, from_hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000") }));
    write_seed(folder, "example-status", kSecureMessaging,
        concat({ Bytes { 0 }, from_hex("990290008E08FA855A5D4C50A8ED9000") }));
    write_seed(folder, "clear-error", kSecureMessaging, from_hex("00 6988"));
    write_seed(
        folder, "protect-com", kSecureMessaging, concat({ Bytes { 1, 7, 0x80 }, with_ok(SimulatedCard::com_file()) }));
    write_seed(folder, "protect-status", kSecureMessaging, from_hex("01 03 01 6A82"));
    write_seed(folder, "protect-read", kSecureMessaging, from_hex("03 05 10 00 B0 81 00 0100"));
    write_seed(folder, "protect-select", kSecureMessaging, from_hex("03 02 01 00 A4 02 0C 0000 011E"));

    // MRZ: the specimens, on lines and run together; ICAO's TD2 example.
    for (auto const& specimen : all) {
        write_seed(folder, "mrz-" + specimen.name, kMrz, bytes_of(specimen.mrz));
        std::size_t width = specimen.mrz.size() == 90 ? 30 : 44;
        std::string lines;
        for (std::size_t at = 0; at < specimen.mrz.size(); at += width)
            lines += specimen.mrz.substr(at, width) + "\n";
        write_seed(folder, "mrz-lines-" + specimen.name, kMrz, bytes_of(lines));
    }
    write_seed(folder, "mrz-td2", kMrz,
        bytes_of("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6\n"));

    // A card without the keys: a chip of another document as it answers,
    // and a card that is not one.
    Bytes other;
    put_chunk(other, Bytes { 0x90, 0x00 });
    put_chunk(other, with_ok(kRndIc));
    put_chunk(other, with_ok(wrong_answer));
    write_seed(folder, "other-document", kCardWithoutKeys, other);
    Bytes refused;
    put_chunk(refused, Bytes { 0x90, 0x00 });
    put_chunk(refused, with_ok(kRndIc));
    put_chunk(refused, Bytes { 0x63, 0x00 });
    write_seed(folder, "refused", kCardWithoutKeys, refused);
    write_seed(folder, "not-emrtd", kCardWithoutKeys, from_hex("02 6A82"));

    // A chip with the keys: whole reads of each specimen's DG1, then the
    // same with the file in two parts, a 6Cxx retry, a tampered and a
    // replayed answer, a plain answer in the middle of the session.
    Bytes const authenticated { 0, 0, 0 };
    auto read_script = [&](std::vector<Bytes> const& answers) {
        Bytes script = authenticated;
        for (auto const& answer : answers) {
            script.push_back(0);
            put_chunk(script, answer);
        }
        return script;
    };
    auto const com = with_ok(SimulatedCard::com_file());
    for (auto const& specimen : all) {
        auto dg1 = SimulatedCard::dg1_for(specimen.mrz);
        write_seed(folder, "read-" + specimen.name, kChipWithKeys, read_script({ com, with_ok(dg1) }));
    }
    auto dg1 = SimulatedCard::dg1_for(all.front().mrz);
    auto split = dg1.begin() + 40;
    write_seed(folder, "read-in-parts", kChipWithKeys,
        read_script({ com, with_ok(Bytes(dg1.begin(), split)), with_ok(Bytes(split, dg1.end())) }));
    write_seed(folder, "read-6c", kChipWithKeys,
        read_script({ com, Bytes { 0x6C, static_cast<std::uint8_t>(dg1.size()) }, with_ok(dg1) }));
    write_seed(folder, "read-no-dg1", kChipWithKeys, read_script({ com, Bytes { 0x6A, 0x82 } }));
    auto tampered = authenticated;
    tampered.insert(tampered.end(), { 2 | 5 << 2, 9 });
    put_chunk(tampered, com);
    write_seed(folder, "read-tampered", kChipWithKeys, tampered);
    auto replayed = read_script({ com });
    replayed.push_back(3);
    write_seed(folder, "read-replayed", kChipWithKeys, replayed);
    auto plain_answer = read_script({ com });
    plain_answer.push_back(1);
    put_chunk(plain_answer, Bytes { 0x69, 0x88 });
    write_seed(folder, "read-clear", kChipWithKeys, plain_answer);
    write_seed(folder, "wrong-keys", kChipWithKeys, from_hex("00 00 02"));
}

}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    auto keys = document_keys();
    auto session = bac::finish_authentication(keys, kRndIc, kRndIfd, kKIfd, kChipResponse);
    if (!session.ok()) {
        std::fprintf(
            stderr, "card_fuzz: ICAO's worked example does not authenticate: %s\n", session.error().code.c_str());
        std::abort();
    }
    g_session_enc = session.value().keys.enc.bytes();
    g_session_mac = session.value().keys.mac.bytes();
    g_session_ssc = session.value().ssc.bytes();

    g_verbose = std::getenv("GUICHET_CARD_FUZZ_VERBOSE") != nullptr;
    if (char const* folder = std::getenv("GUICHET_CARD_FUZZ_SEEDS")) {
        write_seeds(folder);
        std::exit(0);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0)
        return 0;
    ByteView input(data + 1, size - 1);
    switch (data[0] % kTargets) {
    case kApdu:
        fuzz_apdu(input);
        break;
    case kTlv:
        fuzz_tlv(input);
        break;
    case kSecureMessaging:
        fuzz_secure_messaging(input);
        break;
    case kMrz:
        fuzz_mrz(input);
        break;
    case kCardWithoutKeys:
        fuzz_card_without_keys(input);
        break;
    case kChipWithKeys:
        fuzz_chip_with_keys(input);
        break;
    }
    return 0;
}
