// `kioskctl config`: the kiosk's settings (kiosk/core/kiosk_config.hpp),
// read in force with where each comes from, and set in DATA/config.json,
// checked before anything is written.
#include "commands.hpp"

#include "sync/private_file.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace guichet::kioskctl {

namespace {

constexpr char const* config_usage = R"(Usage:
  kioskctl config get [KEY] [--data DIR] [--system-config FILE] [--json]
  kioskctl config set KEY VALUE [--data DIR]
  kioskctl config unset KEY [--data DIR]

  get    The settings in force: each key's value and where it comes from
         (kiosk: DATA/config.json, set here; system: the image's
         /etc/guichet/config.json; default: the kiosk's own). With KEY, that
         value alone. Exit status 1 when a settings file does not load.
  set    Checks VALUE and writes it to DATA/config.json (atomically). The
         kiosk reads its settings when it starts:
         systemctl restart guichet-kiosk.
  unset  Removes KEY from DATA/config.json: the image's or the default
         value applies again.

Keys:
  printer       cups | cups:FILE | pdf:DOSSIER | none
                The receipt printer: a CUPS queue (CUPS's default destination
                without FILE), PDF files in a folder (simulator), or none.
  card          pcsc | pcsc:NOM | sim | none
                The ID card reader: the first PC/SC reader, the one whose name
                contains NOM, the simulator, or none.
  speech        sdl | wav:DOSSIER | none
                The voice: the loudspeaker, WAV files (simulator), or none.
  site          The site's name printed on receipts (1 to 60 characters).
  desk_letter   A..Z: the letter of this kiosk's desk tickets; kiosks sharing
                a desk take different letters.
  idle_warning  5..600: seconds without a touch before "Êtes-vous toujours là ?".
  idle_end      5..600: seconds of that countdown before the session is wiped.
  window        auto | WIDTHxHEIGHT: the screen's own size, or a fixed one.
  renderer      auto | software | accelerated: how the screen is drawn.
  mrz_scanner   true | false: a document scanner types the card's MRZ.
  hub_url       https://...: the hub's address, already typed in the first-boot
                wizard (the image's, usually).
  hub_ca        /PATH/TO/ca.pem: the CA of the hub's certificate, for the
                wizard's enrollment (default: the system's CAs).

Options:
  --data DIR            The kiosk's data folder (default /var/lib/guichet when
                        it exists, var/data otherwise).
  --system-config FILE  The image's settings (default /etc/guichet/config.json).
  --json                One JSON object on stdout.
)";

int usage(std::string const& message)
{
    std::fprintf(stderr, "kioskctl: %s\n\n%s", message.c_str(), config_usage);
    return 2;
}

struct Options {
    std::vector<std::string> words; // KEY [VALUE]
    std::filesystem::path data;
    std::filesystem::path system_config { system_config_path };
    bool json { false };
};

int get(Options const& options)
{
    if (options.words.size() > 1)
        return usage("config get takes one KEY at most");
    auto loaded = load_settings(options.data, options.system_config);
    for (auto const& problem : loaded.problems)
        std::fprintf(stderr, "Réglages ignorés : %s\n", problem.detail.c_str());
    if (!options.words.empty()) {
        auto const* key = find_config_key(options.words[0]);
        if (!key)
            return usage("no setting named " + options.words[0] + " (kioskctl config --help)");
        if (options.json)
            std::printf("%s\n",
                nlohmann::json {
                    { "key", key->name }, { "value", loaded.value(*key) }, { "source", loaded.source(*key) } }
                    .dump()
                    .c_str());
        else
            std::printf("%s\n", loaded.value(*key).c_str());
        return loaded.problems.empty() ? 0 : 1;
    }
    if (options.json) {
        nlohmann::json out = nlohmann::json::object();
        for (auto const& key : config_keys())
            out["settings"][key.name] = { { "value", loaded.value(key) }, { "source", loaded.source(key) } };
        out["problems"] = nlohmann::json::array();
        for (auto const& problem : loaded.problems)
            out["problems"].push_back(problem.detail);
        std::printf("%s\n", out.dump().c_str());
    } else {
        for (auto const& key : config_keys())
            std::printf("%-13s %-24s (%s)\n", key.name, loaded.value(key).c_str(), loaded.source(key));
    }
    return loaded.problems.empty() ? 0 : 1;
}

int change(Options const& options, bool set)
{
    if (options.words.size() != (set ? 2u : 1u))
        return usage(set ? "config set takes KEY VALUE" : "config unset takes KEY");
    auto const& name = options.words[0];
    if (!find_config_key(name))
        return usage("no setting named " + name + " (kioskctl config --help)");
    if (set) {
        if (auto checked = check_config_value(name, options.words[1]); !checked) {
            std::fprintf(stderr, "Valeur refusée : %s\n", checked.error().detail.c_str());
            return 1;
        }
    }
    if (auto acting = act_as_owner_of(options.data); !acting) {
        std::fprintf(stderr, "kioskctl: %s\n", acting.error().detail.c_str());
        return 1;
    }
    ConfigFiles files { {}, options.data / kiosk_config_name };
    auto loaded = load_config_files(files);
    if (!loaded.problems.empty()) {
        // Rewriting it would drop what it holds: the technician decides.
        std::fprintf(stderr, "%s\nCorrigez ce fichier ou supprimez-le, puis recommencez.\n",
            loaded.problems.front().detail.c_str());
        return 1;
    }
    auto layer = loaded.kiosk;
    if (set)
        layer[name] = options.words[1];
    else
        layer.erase(name);
    std::error_code error;
    std::filesystem::create_directories(options.data, error);
    if (auto written = write_file_atomically(files.kiosk, dump_config(layer), 0644); !written) {
        std::fprintf(stderr, "Le réglage n'a pas pu être écrit : %s\n", written.error().detail.c_str());
        return 1;
    }
    if (set)
        std::printf("%s = %s\n", name.c_str(), options.words[1].c_str());
    else
        std::printf("%s : valeur de l'image ou par défaut\n", name.c_str());
    std::printf("Pour l'appliquer : systemctl restart guichet-kiosk\n");
    return 0;
}

}

int config_command(std::vector<std::string_view> const& arguments)
{
    if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h") {
        std::fputs(config_usage, arguments.empty() ? stderr : stdout);
        return arguments.empty() ? 2 : 0;
    }
    auto const verb = arguments[0];
    if (verb != "get" && verb != "set" && verb != "unset")
        return usage("unknown config sub-command " + std::string(verb));
    Options options;
    options.data = default_data_dir();
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            std::fputs(config_usage, stdout);
            return 0;
        }
        if (argument == "--json") {
            options.json = true;
        } else if (argument == "--data" || argument == "--system-config") {
            if (i + 1 >= arguments.size())
                return usage(std::string(argument) + " needs a value");
            (argument == "--data" ? options.data : options.system_config) = std::string(arguments[++i]);
        } else if (argument.starts_with("--")) {
            return usage("unknown option " + std::string(argument));
        } else {
            options.words.emplace_back(argument);
        }
    }
    if (verb == "get")
        return get(options);
    return change(options, verb == "set");
}

}
