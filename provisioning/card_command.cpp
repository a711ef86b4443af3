// `kioskctl card read`: reads the identity document on a reader, as the
// kiosk does, and prints what DG1 holds as JSON, for a technician checking
// a reader or a card. Personal data goes to the technician's terminal and
// nowhere else: nothing is logged or kept. `kioskctl card badge` prints the
// UID of the badge on the reader, which the technician enters when
// provisioning that agent.
#include "commands.hpp"

#include "drivers/card/card_service.hpp"
#include "drivers/card/pcsc.hpp"

#include "kiosk/core/field_values.hpp"
#include "kiosk/main/system_clock.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace guichet::kioskctl {

namespace {

constexpr char const* card_usage = R"(Usage:
  kioskctl card read [--mrz LINES | --doc NUMBER --birth YYMMDD --expiry YYMMDD]
                     [--reader PATTERN | --sim SPECIMEN]
  kioskctl card badge [--reader PATTERN | --sim badge:UID]
  kioskctl card readers
  kioskctl card specimens

  card read       Reads DG1 of the passport or identity card on the reader with
                  Basic Access Control, and prints it as JSON: document type,
                  issuing state, names, nationality, birth and expiry dates
                  (YYYY-MM-DD), sex, document number, the number of commands
                  sent and the time taken. Exit status 0 when read, 1 when not
                  (the reason on stderr), 2 on a usage error.
  card badge      Prints the identifier (UID) of the agent's badge on the
                  reader, in upper-case hex, as the kiosk reads it: the value
                  to give when provisioning that agent. Exit status 0 when
                  read, 1 with a sentence when no badge answers (an identity
                  card, a contact card, nothing on the reader), 2 on a usage
                  error.
  card readers    Lists the PC/SC readers pcscd sees.
  card specimens  Lists the simulated documents, with what opens them.

Options:
  --mrz LINES        The document's MRZ (two or three lines, separated by new
                     lines or spaces, or run together).
  --doc NUMBER       The document number, as printed.
  --birth YYMMDD     The birth date, as in the MRZ.
  --expiry YYMMDD    The expiry date, as in the MRZ.
  --reader PATTERN   The reader whose name contains PATTERN (default: the
                     first). Virtual readers are only used when PATTERN names
                     one ("Virtual PCD").
  --sim SPECIMEN     Read a simulated card instead (see card specimens); for
                     card badge, badge:04A1B2C3D4E5F6 is a badge with that UID.
)";

int usage(std::string const& message)
{
    std::fprintf(stderr, "kioskctl: %s\n\n%s", message.c_str(), card_usage);
    return 2;
}

bool is_yymmdd(std::string_view text)
{
    return text.size() == 6 && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

std::string document_type(mrz::Data const& data)
{
    if (data.is_passport())
        return "passport";
    if (data.document_code.starts_with('I') || data.document_code.starts_with('A')
        || data.document_code.starts_with('C'))
        return "identity_card";
    return "other";
}

// What a technician should check, after the failure's code.
std::string advice(std::string const& code)
{
    if (code == "card.access_denied")
        return "the chip refused the access data: check the document number, birth and expiry dates";
    if (code == "card.removed")
        return "no card on the reader, or it was moved during the read: lay it flat and keep it still";
    if (code == "card.not_emrtd")
        return "this card has no ICAO application: it is not a passport or an electronic identity card";
    if (code == "card.reader_gone" || code == "card.no_reader")
        return "no reader found: check the USB cable, then `kioskctl card readers`";
    if (code == "card.no_service")
        return "pcscd is not running: `systemctl start pcscd`";
    if (code == "card.data")
        return "the chip's data is damaged (a check digit does not match)";
    return "the read failed: try again, then try another card";
}

int failed(Error const& error)
{
    std::fprintf(stderr, "kioskctl: card read failed: %s (%s)\n  %s\n", advice(error.code).c_str(), error.code.c_str(),
        error.detail.c_str());
    return 1;
}

// The card on the first reader whose name holds `pattern`; a virtual one
// only when the pattern names it.
Result<std::unique_ptr<card::CardChannel>> connect_reader(std::optional<std::string> const& pattern, std::string& name)
{
    auto readers = card::list_readers();
    if (!readers.ok())
        return readers.release_error();
    card::ReaderPolicy policy { pattern.value_or(""), pattern && card::is_virtual_reader(*pattern) };
    auto chosen = card::choose_reader(readers.value(), policy);
    if (!chosen)
        return Error::make("card.no_reader",
            std::to_string(readers.value().size()) + " reader(s) seen, none matches"
                + (pattern ? " \"" + *pattern + "\"" : std::string()));
    name = *chosen;
    auto connected = card::PcscChannel::connect(*chosen);
    if (!connected.ok())
        return connected.release_error();
    return std::unique_ptr<card::CardChannel>(connected.release_value());
}

int read(std::vector<std::string_view> const& arguments)
{
    std::optional<std::string> mrz_text, document, birth, expiry, pattern, specimen;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        auto value = [&](std::optional<std::string>& into) {
            if (i + 1 >= arguments.size())
                return false;
            into = std::string(arguments[++i]);
            return true;
        };
        bool ok = true;
        if (argument == "--help" || argument == "-h") {
            std::fputs(card_usage, stdout);
            return 0;
        } else if (argument == "--mrz") {
            ok = value(mrz_text);
        } else if (argument == "--doc") {
            ok = value(document);
        } else if (argument == "--birth") {
            ok = value(birth);
        } else if (argument == "--expiry") {
            ok = value(expiry);
        } else if (argument == "--reader") {
            ok = value(pattern);
        } else if (argument == "--sim") {
            ok = value(specimen);
        } else {
            return usage("unknown option " + std::string(argument));
        }
        if (!ok)
            return usage(std::string(argument) + " needs a value");
    }

    auto date = SystemClock().today();
    mrz::AccessKey access;
    if (mrz_text) {
        if (document || birth || expiry)
            return usage("--mrz or --doc/--birth/--expiry, not both");
        auto data = mrz::parse(*mrz_text, date);
        if (!data.ok()) {
            std::fprintf(stderr, "kioskctl: the MRZ given is not valid (%s): %s\n", data.error().code.c_str(),
                data.error().detail.c_str());
            return 2;
        }
        access = data.value().access;
        data.value().wipe();
    } else if (document && birth && expiry) {
        if (!is_yymmdd(*birth) || !is_yymmdd(*expiry))
            return usage("--birth and --expiry are YYMMDD, as in the MRZ");
        auto key = mrz::access_key(*document, {}, {});
        if (!key.ok())
            return usage("--doc: " + key.error().detail);
        access = key.release_value();
        access.birth_yymmdd = *birth;
        access.expiry_yymmdd = *expiry;
    } else if (specimen) {
        auto const* found = card::find_specimen(*specimen);
        if (!found)
            return usage("no specimen named " + *specimen + " (see `kioskctl card specimens`)");
        auto data = mrz::parse(found->mrz, date);
        if (data.ok())
            access = data.value().access;
        else // a specimen damaged on purpose: its access data are still right
            access = mrz::parse(card::find_specimen("cni")->mrz, date).value().access;
    } else {
        return usage("card read needs --mrz, or --doc, --birth and --expiry");
    }

    std::unique_ptr<card::CardChannel> channel;
    std::string reader_name;
    std::unique_ptr<card::SimulatedReader> simulated;
    if (specimen) {
        simulated = std::make_unique<card::SimulatedReader>(nullptr);
        simulated->insert(*specimen);
        auto connected = simulated->connect();
        if (!connected.ok())
            return failed(connected.error());
        channel = connected.release_value();
        reader_name = "simulated";
    } else {
        auto connected = connect_reader(pattern, reader_name);
        if (!connected.ok())
            return failed(connected.error());
        channel = connected.release_value();
    }

    auto result = card::read_emrtd(*channel, access, date);
    access.wipe();
    if (!result.ok())
        return failed(result.error());
    auto& read = result.value();
    auto const& data = read.data;
    nlohmann::ordered_json out {
        { "document_type", document_type(data) },
        { "document_code", data.document_code },
        { "format", mrz::to_string(data.format) },
        { "issuing_state", data.issuing_state },
        { "surname", data.surname },
        { "given_names", data.given_names },
        { "nationality", data.nationality },
        { "birth_date", to_iso(data.birth_date) },
        { "expiry_date", to_iso(data.expiry_date) },
        { "expired", data.expiry_date < date },
        { "sex", std::string(1, data.sex == '<' ? 'X' : data.sex) },
        { "document_number", data.document_number },
        { "reader", reader_name },
        { "apdus", read.apdus },
        { "milliseconds", std::chrono::duration<double, std::milli>(read.elapsed).count() },
    };
    std::printf("%s\n", out.dump(2).c_str());
    read.wipe();
    return 0;
}

// Why no badge answered, in the technician's language, after the code.
std::string no_badge_sentence(std::string const& code)
{
    if (code.starts_with("card.sw.") || code == "card.badge.invalid")
        return "Aucun badge ne répond : la carte posée ne donne pas d'identifiant (une carte d'identité, une "
               "carte à contact). Posez le badge de l'agent, seul, sur le lecteur.";
    if (code == "card.removed")
        return "Aucun badge ne répond : il n'y a pas de carte sur le lecteur, ou elle a bougé. Posez le badge à "
               "plat et recommencez.";
    if (code == "card.reader_gone" || code == "card.no_reader")
        return "Aucun lecteur trouvé : vérifiez le câble USB, puis `kioskctl card readers`.";
    if (code == "card.no_service")
        return "Le service des lecteurs de cartes ne répond pas : `systemctl start pcscd`.";
    return "Le badge n'a pas pu être lu : recommencez, puis essayez un autre lecteur.";
}

int badge(std::vector<std::string_view> const& arguments)
{
    std::optional<std::string> pattern, simulated_name;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            std::fputs(card_usage, stdout);
            return 0;
        }
        std::optional<std::string>* into = argument == "--reader" ? &pattern
            : argument == "--sim"                                 ? &simulated_name
                                                                  : nullptr;
        if (!into)
            return usage("unknown option " + std::string(argument));
        if (i + 1 >= arguments.size())
            return usage(std::string(argument) + " needs a value");
        *into = std::string(arguments[++i]);
    }
    if (pattern && simulated_name)
        return usage("--reader or --sim, not both");

    auto uid = [&]() -> Result<std::string> {
        if (simulated_name) {
            card::SimulatedReader simulated(nullptr);
            if (!simulated.insert(*simulated_name))
                return Error::make("card.unknown_specimen", "no such simulated card");
            auto channel = simulated.connect();
            if (!channel.ok())
                return channel.release_error();
            return card::read_badge_uid(*channel.value());
        }
        std::string reader_name;
        auto channel = connect_reader(pattern, reader_name);
        if (!channel.ok())
            return channel.release_error();
        return card::read_badge_uid(*channel.value());
    }();
    if (!uid.ok()) {
        if (uid.error().code == "card.unknown_specimen")
            return usage("no simulated card named " + *simulated_name
                + " (see `kioskctl card specimens`, or badge:04A1B2C3D4E5F6)");
        std::fprintf(stderr, "kioskctl: %s\n  %s: %s\n", no_badge_sentence(uid.error().code).c_str(),
            uid.error().code.c_str(), uid.error().detail.c_str());
        return 1;
    }
    std::printf("%s\n", uid.value().c_str());
    return 0;
}

int readers()
{
    auto readers = card::list_readers();
    if (!readers.ok())
        return failed(readers.error());
    if (readers.value().empty())
        std::printf("No reader.\n");
    for (auto const& name : readers.value())
        std::printf("%s%s\n", name.c_str(),
            card::is_virtual_reader(name) ? "  (virtual: never used by the kiosk in production)" : "");
    return 0;
}

int list_specimens()
{
    for (auto const& specimen : card::specimens()) {
        std::printf("%-18s %s\n", specimen.name.c_str(), specimen.description.c_str());
        if (!specimen.document_number.empty())
            std::printf("%-18s   number %s, born %s, expires %s\n", "", specimen.document_number.c_str(),
                display_date(parse_date_digits(specimen.birth_digits).value()).c_str(),
                display_date(parse_date_digits(specimen.expiry_digits).value()).c_str());
    }
    std::printf(
        "%-18s %s\n", "badge:UID", "an agent's badge with that UID, 4 to 10 bytes in hex (badge:04A1B2C3D4E5F6)");
    return 0;
}

}

int card_command(std::vector<std::string_view> const& arguments)
{
    if (arguments.empty())
        return usage("card needs a sub-command: read, badge, readers, specimens");
    if (arguments[0] == "read")
        return read({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "badge")
        return badge({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "readers")
        return readers();
    if (arguments[0] == "specimens")
        return list_specimens();
    if (arguments[0] == "--help" || arguments[0] == "-h") {
        std::fputs(card_usage, stdout);
        return 0;
    }
    return usage("unknown card sub-command " + std::string(arguments[0]));
}

}
