// kioskctl: the command-line tool of technicians and catalogue authors.
//
// `kioskctl catalogue check PATH` loads a catalogue exactly as the kiosk will
// (same loader, same files) and prints every error, so that a collectivité
// can check the démarches it wrote before publishing them. It exits 0 when
// the catalogue is sound, 1 when anything is wrong, 2 on a usage error.
#include "commands.hpp"

#include "kiosk/core/catalogue_files.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace guichet;

constexpr char const* usage_text = R"(Usage:
  kioskctl catalogue check PATH [--orientation FILE] [--strict] [--quiet]
  kioskctl card read [--mrz LINES | --doc N --birth YYMMDD --expiry YYMMDD] [--reader PATTERN]
  kioskctl card badge [--reader PATTERN]
  kioskctl card readers | specimens
  kioskctl printer status | test [--printer QUEUE]
  kioskctl enroll --hub URL --code CODE [--ca FILE] [--data DIR]
  kioskctl sync status | push [--data DIR]
  kioskctl status [--data DIR] [--json]
  kioskctl config get [KEY] | set KEY VALUE | unset KEY [--data DIR]
  kioskctl selftest [reader|printer|speech|display|hub|clock|all] [--json]
  kioskctl diag --out FILE.tar.gz [--data DIR]
  kioskctl factory-reset [--data DIR] [--yes]
  kioskctl version

Commands:
  catalogue check   Check a catalogue as the kiosk loads it. PATH is a folder
                    (every *.json démarche and its orientation.json) or one
                    démarche file (checked against the orientation.json beside
                    it, or FILE). Prints every error as FILE: JSON-PATH: REASON,
                    then a summary. Exit status: 0 if sound, 1 if not. Texts
                    lacking a language are counted (the kiosk shows them in
                    French); with --strict each is an error.
  card              Read an ID card's chip as the kiosk does, or the UID of an
                    agent's badge (`kioskctl card --help`).
  printer           The receipt printer's state, and a test receipt
                    (`kioskctl printer --help`).
  enroll            Enroll this kiosk with its hub (`kioskctl enroll --help`).
  sync status       The outbox, the last sync, and whether the hub answers.
  sync push         Send the waiting dossiers now (`kioskctl sync --help`).
  status            Who the kiosk is, its versions, devices, outbox and hub.
  config            The kiosk's settings (`kioskctl config --help`).
  selftest          Check each device and the hub, and say what to do.
  diag              A diagnostics bundle for support, with nothing personal.
  factory-reset     Wipe the kiosk's data and identity, keep the software.
  version           The software's version.

Every command takes --help. --data defaults to /var/lib/guichet on an
installed kiosk, var/data in a development tree.

Options:
  --orientation FILE  The themes and life situations to check against.
  --strict            A text lacking one of fr, en, es, ar, pt, tr is an error.
  --quiet             Print errors only, no summary.
  -h, --help          This help.
)";

int usage_error(std::string const& message)
{
    std::fprintf(stderr, "kioskctl: %s\n\n%s", message.c_str(), usage_text);
    return 2;
}

int catalogue_check(std::vector<std::string_view> const& arguments)
{
    std::optional<std::filesystem::path> path;
    std::optional<std::filesystem::path> orientation;
    bool quiet = false;
    LoadOptions options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            std::fputs(usage_text, stdout);
            return 0;
        }
        if (argument == "--quiet") {
            quiet = true;
        } else if (argument == "--strict") {
            options.strict_languages = true;
        } else if (argument == "--orientation") {
            if (i + 1 >= arguments.size())
                return usage_error("--orientation needs a file");
            orientation = std::filesystem::path(arguments[++i]);
        } else if (argument.starts_with("--orientation=")) {
            orientation = std::filesystem::path(argument.substr(std::strlen("--orientation=")));
        } else if (argument.starts_with("-")) {
            return usage_error("unknown option " + std::string(argument));
        } else if (path) {
            return usage_error("one PATH only");
        } else {
            path = std::filesystem::path(argument);
        }
    }
    if (!path)
        return usage_error("catalogue check needs a PATH");
    std::error_code error;
    if (!std::filesystem::exists(*path, error)) {
        std::fprintf(stderr, "%s: no such file or folder\n", path->c_str());
        return 1;
    }

    auto catalogue = load_catalogue_files(*path, orientation, options);
    for (auto const& load_error : catalogue.errors)
        std::printf("%s\n", load_error.to_string().c_str());
    if (!quiet) {
        std::printf("%zu démarche(s) sound, %zu error(s); %zu theme(s), %zu life situation(s).\n",
            catalogue.demarches.size(), catalogue.errors.size(), catalogue.orientation.themes.size(),
            catalogue.orientation.situations.size());
        if (!catalogue.untranslated.empty())
            std::printf("%zu text(s) lack a translation and show in French (--strict lists them).\n",
                catalogue.untranslated.size());
    }
    return catalogue.errors.empty() ? 0 : 1;
}

}

int main(int argc, char** argv)
{
    std::vector<std::string_view> arguments(argv + 1, argv + argc);
    if (arguments.empty())
        return usage_error("a command is needed");
    if (arguments[0] == "--help" || arguments[0] == "-h" || arguments[0] == "help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    if (arguments[0] == "catalogue") {
        if (arguments.size() < 2)
            return usage_error("catalogue needs a sub-command: check");
        if (arguments[1] == "check")
            return catalogue_check({ arguments.begin() + 2, arguments.end() });
        if (arguments[1] == "--help" || arguments[1] == "-h") {
            std::fputs(usage_text, stdout);
            return 0;
        }
        return usage_error("unknown catalogue sub-command " + std::string(arguments[1]));
    }
    if (arguments[0] == "card")
        return guichet::kioskctl::card_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "printer")
        return guichet::kioskctl::printer_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "enroll")
        return guichet::kioskctl::enroll_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "sync")
        return guichet::kioskctl::sync_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "config")
        return guichet::kioskctl::config_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "selftest")
        return guichet::kioskctl::selftest_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "status")
        return guichet::kioskctl::status_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "diag")
        return guichet::kioskctl::diag_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "factory-reset")
        return guichet::kioskctl::factory_reset_command({ arguments.begin() + 1, arguments.end() });
    if (arguments[0] == "version" || arguments[0] == "--version") {
        std::printf("guichet %s\n", GUICHET_VERSION);
        return 0;
    }
    return usage_error("unknown command " + std::string(arguments[0]));
}
