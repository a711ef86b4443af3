#include "kiosk/main/options.hpp"

#include "kiosk/core/config_files.hpp"
#include "kiosk/core/field_values.hpp"

#include <charconv>
#include <string_view>
#include <vector>

namespace guichet {

char const* usage()
{
    return R"(Usage: kiosk [options]

Devices
  --printer cups[:QUEUE]|pdf:DIR|none
                              the receipt printer: a CUPS queue (default destination without
                              QUEUE; the server from CUPS_SERVER or client.conf), the simulator
                              writing PDF files in DIR (default pdf:var/receipts; `printer
                              out-of-paper` in scenarios, F5/F6 in the demo), or none
  --card sim|pcsc[:PATTERN]|none
                              the ID card reader: simulated (default; `card insert NAME` in
                              scenarios, F2-F4 in the demo), the PC/SC reader whose name
                              contains PATTERN (default: the first), or none
  --card-allow-virtual        let --card pcsc use a virtual reader (vsmartcard): tests only
  --mrz-scanner               a document scanner types the card's MRZ (keyboard wedge)
  --speech sdl|wav:DIR|none   the voice that says each screen's instruction: the loudspeaker
                              (default; silent without an audio device), the simulator writing
                              one WAV file a sentence in DIR, or none
Data
  --catalogue DIR             démarches (*.json) and orientation.json (default: the shipped catalogue)
  --communes FILE             French communes and postcodes, for addresses (default: the shipped list)
  --texts DIR                 the built-in texts' translations, LANG.json (default: the shipped ones)
  --strict-languages          a catalogue text lacking one of the six languages is a load error
                              (default: it shows in French and the log says so)
  --slots FILE                the site's week of appointment slots (default: kiosk/data/creneaux.json)
  --data DIR                  where the outbox database lives (default var/data); its
                              config.json (kioskctl config) sets options, as does
  --system-config FILE        the image's settings (default /etc/guichet/config.json);
                              options on the command line win over both
  --identity FILE             the kiosk's identity from `kioskctl enroll`
                              (default DATA/identity.json); without one the
                              kiosk is not in service
  --hub-url URL               the hub's address, already typed in the first-boot wizard
  --hub-ca FILE               the CA of the hub's certificate, for the wizard's enrollment
                              (default: the system's CAs)
  --site NAME                 site name printed on receipts
  --desk-letter L             the letter of this kiosk's desk tickets, A to Z
                              (default A; kiosks sharing a desk take different
                              letters)
Display
  --window WxH|auto           window size (default 1920x1080); auto: the screen's
  --renderer auto|software|accelerated
                              SDL renderer (auto: software unless a GPU render node exists)
  --headless                  no display: SDL offscreen driver
  --font-root DIR             look for Debian's font paths under DIR (default /)
Session
  --idle-warning SECONDS      idle time before "Êtes-vous toujours là ?" (default 45)
  --idle-end SECONDS          countdown before the session is wiped (default 30)
Automation
  --scenario FILE             run a scenario (docs/scenarios.md) and exit 0 if it passes
  --scenario-date YYYY-MM-DD  the scenario's clock starts on that day at 10:00 UTC (default: now)
  --screenshots DIR           where the scenario's `screenshot` actions write PNGs
  --a11y-report FILE          draw each screen the scenario opens in every language, measure it
                              (targets, contrast, clipping, untranslated texts, instruction)
                              and append one JSON line a screen and language to FILE
  --report-first-frame        print "first-frame <monotonic ns>" when the first frame shows
  --exit-after-first-frame    quit right after the first frame (benchmark)
  --bench-frames N            render N frames, print the mean frame time, quit
)";
}

namespace {

Result<int> parse_int(std::string_view text, std::string_view option)
{
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0)
        return Error::make(
            "options.invalid", std::string(option) + " needs a whole number, got '" + std::string(text) + "'");
    return value;
}

}

std::filesystem::path shipped_data()
{
    // Run from the build tree, the kiosk reads the sources' data; installed
    // (/usr/libexec/guichet/kiosk), the package's.
    std::error_code error;
    auto const self = std::filesystem::read_symlink("/proc/self/exe", error).string();
    std::string_view const build_dir = GUICHET_BUILD_DIR;
    if (!error && self.starts_with(std::string(build_dir) + "/"))
        return GUICHET_SOURCE_DATA;
    return GUICHET_INSTALLED_DATA;
}

Result<KioskOptions> parse_options(int argc, char** argv)
{
    // The settings files first, the command line after: the later wins.
    // Where they are depends on --data and --system-config alone.
    std::vector<std::string> words;
    std::vector<std::string> config_problems;
    {
        ConfigFiles files;
        std::filesystem::path data { "var/data" };
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            for (auto [name, target] :
                { std::pair { "--data", &data }, std::pair { "--system-config", &files.system } }) {
                if (arg == name && i + 1 < argc)
                    *target = argv[i + 1];
                else if (arg.starts_with(std::string(name) + "="))
                    *target = arg.substr(std::string_view(name).size() + 1);
            }
        }
        files.kiosk = data / kiosk_config_name;
        auto config = load_config_files(files);
        words = config.arguments();
        for (auto const& problem : config.problems)
            config_problems.push_back(problem.code + ": " + problem.detail);
    }
    for (int i = 1; i < argc; ++i)
        words.emplace_back(argv[i]);

    KioskOptions options;
    // A settings file that does not load: the kiosk runs on the other
    // layers and logs why.
    options.config_problems = std::move(config_problems);
    auto const shipped = shipped_data();
    options.catalogue = shipped / "catalogue";
    options.communes = shipped / "data" / "communes.tsv";
    options.slots = shipped / "data" / "creneaux.json";
    options.texts = shipped / "i18n";
    int const count = int(words.size());
    for (int i = 0; i < count; ++i) {
        std::string_view arg = words[i];
        // Both "--printer pdf:DIR" and "--printer=pdf:DIR".
        std::optional<std::string_view> inline_value;
        if (auto equals = arg.find('='); arg.starts_with("--") && equals != std::string_view::npos) {
            inline_value = arg.substr(equals + 1);
            arg = arg.substr(0, equals);
        }
        auto value = [&]() -> Result<std::string_view> {
            if (inline_value)
                return *inline_value;
            if (i + 1 >= count)
                return Error::make("options.missing", std::string(arg) + " needs a value");
            return std::string_view(words[++i]);
        };
        if (arg == "--help" || arg == "-h") {
            options.help = true;
        } else if (arg == "--headless") {
            options.ui.headless = true;
        } else if (arg == "--report-first-frame") {
            options.ui.report_first_frame = true;
        } else if (arg == "--exit-after-first-frame") {
            options.exit_after_first_frame = true;
        } else if (arg == "--catalogue") {
            options.catalogue = GUICHET_TRY(value());
        } else if (arg == "--strict-languages") {
            options.strict_languages = true;
        } else if (arg == "--texts") {
            options.texts = GUICHET_TRY(value());
        } else if (arg == "--slots") {
            options.slots = GUICHET_TRY(value());
        } else if (arg == "--communes") {
            options.communes = GUICHET_TRY(value());
        } else if (arg == "--data") {
            options.data = GUICHET_TRY(value());
        } else if (arg == "--system-config") {
            (void)GUICHET_TRY(value()); // read above
        } else if (arg == "--hub-url") {
            options.hub_url = GUICHET_TRY(value());
        } else if (arg == "--hub-ca") {
            options.hub_ca = GUICHET_TRY(value());
        } else if (arg == "--identity") {
            options.identity = GUICHET_TRY(value());
        } else if (arg == "--printer") {
            options.printer = GUICHET_TRY(value());
        } else if (arg == "--card") {
            options.card = GUICHET_TRY(value());
            if (options.card != "sim" && options.card != "none" && options.card != "pcsc"
                && !options.card.starts_with("pcsc:"))
                return Error::make("options.invalid", "--card is sim, pcsc, pcsc:PATTERN or none");
        } else if (arg == "--speech") {
            options.speech = GUICHET_TRY(value());
            if (options.speech != "sdl" && options.speech != "none"
                && !(options.speech.starts_with("wav:") && options.speech.size() > 4))
                return Error::make("options.invalid", "--speech is sdl, wav:DIR or none");
        } else if (arg == "--card-allow-virtual") {
            options.card_allow_virtual = true;
        } else if (arg == "--mrz-scanner") {
            options.session.mrz_scanner = true;
        } else if (arg == "--site") {
            options.session.receipt.site_name = GUICHET_TRY(value());
        } else if (arg == "--desk-letter") {
            auto letter = GUICHET_TRY(value());
            if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'Z')
                return Error::make("options.invalid", "--desk-letter is one capital letter, A to Z");
            options.session.desk_prefix = letter;
        } else if (arg == "--scenario") {
            options.scenario = std::filesystem::path(GUICHET_TRY(value()));
        } else if (arg == "--scenario-date") {
            auto text = GUICHET_TRY(value());
            auto date = parse_iso_date(text);
            if (!date)
                return Error::make("options.invalid", "--scenario-date needs a date like 2026-11-22");
            std::int64_t days = days_since_epoch(*date);
            options.scenario_start = days * 86400 + 10 * 3600;
        } else if (arg == "--font-root") {
            options.ui.font_root = GUICHET_TRY(value());
        } else if (arg == "--a11y-report") {
            options.ui.a11y_report = GUICHET_TRY(value());
        } else if (arg == "--screenshots") {
            options.ui.screenshots = GUICHET_TRY(value());
        } else if (arg == "--renderer") {
            auto name = GUICHET_TRY(value());
            if (name == "auto")
                options.ui.renderer = ui::RendererChoice::Auto;
            else if (name == "software")
                options.ui.renderer = ui::RendererChoice::Software;
            else if (name == "accelerated")
                options.ui.renderer = ui::RendererChoice::Accelerated;
            else
                return Error::make("options.invalid", "--renderer is auto, software or accelerated");
        } else if (arg == "--window") {
            auto size = GUICHET_TRY(value());
            if (size == "auto") {
                options.ui.width = options.ui.height = 0;
                continue;
            }
            auto x = size.find('x');
            if (x == std::string_view::npos)
                return Error::make("options.invalid", "--window is WIDTHxHEIGHT, like 1920x1080");
            options.ui.width = GUICHET_TRY(parse_int(size.substr(0, x), "--window"));
            options.ui.height = GUICHET_TRY(parse_int(size.substr(x + 1), "--window"));
            if (options.ui.width < 640 || options.ui.height < 360)
                return Error::make("options.invalid", "--window must be at least 640x360");
        } else if (arg == "--idle-warning") {
            options.session.idle_warning_after = Millis(1000LL * GUICHET_TRY(parse_int(GUICHET_TRY(value()), arg)));
        } else if (arg == "--idle-end") {
            options.session.idle_end_after = Millis(1000LL * GUICHET_TRY(parse_int(GUICHET_TRY(value()), arg)));
        } else if (arg == "--bench-frames") {
            options.bench_frames = GUICHET_TRY(parse_int(GUICHET_TRY(value()), arg));
        } else {
            return Error::make("options.unknown", "unknown option '" + std::string(arg) + "' (see --help)");
        }
    }
    // Shorter delays would warn the resident before they can read a screen.
    if (options.session.idle_warning_after < Millis(5000) || options.session.idle_end_after < Millis(5000))
        return Error::make("options.invalid", "--idle-warning and --idle-end must be at least 5 seconds");
    return options;
}

}
