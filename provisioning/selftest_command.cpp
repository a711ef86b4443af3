// `kioskctl selftest`: each device and the hub, pass or fail, and what to do.
#include "commands.hpp"

#include "kiosk/core/setup.hpp"
#include "provisioning/selftest.hpp"

#include <cstdio>

namespace guichet::kioskctl {

namespace {

constexpr char const* selftest_usage = R"(Usage:
  kioskctl selftest [reader|printer|speech|display|hub|clock|all]... [--data DIR] [--json]

  Checks the kiosk's devices and its hub with the settings in force
  (kioskctl config), as the kiosk would use them, and says for each whether
  it works and, if not, what to do ("Aucun lecteur détecté : vérifiez le
  câble USB du lecteur de cartes."). Nothing is printed on paper, said aloud
  or written to the kiosk's data.

  reader   the ID card reader (pcscd)           display  the screen and the touchscreen
  printer  the receipt printer's CUPS queue     hub      the hub answers and accepts the kiosk
  speech   the French voice and a sound card    clock    the time, against the hub's

  Each check is pass, warn (works, but not as a kiosk should: a simulator,
  paper running low), fail or skip (not configured, on purpose).
  Exit status 0 when no check fails, 1 when one does.

Options:
  --data DIR            The kiosk's data folder (default /var/lib/guichet when
                        it exists, var/data otherwise).
  --system-config FILE  The image's settings (default /etc/guichet/config.json).
  --system-root DIR     Read /sys and /proc under DIR (tests).
  --json                One JSON object on stdout.
)";

int usage(std::string const& message)
{
    std::fprintf(stderr, "kioskctl: %s\n\n%s", message.c_str(), selftest_usage);
    return 2;
}

char const* status_word(provisioning::CheckStatus status)
{
    switch (status) {
    case provisioning::CheckStatus::Pass:
        return "OK";
    case provisioning::CheckStatus::Warn:
        return "ATTENTION";
    case provisioning::CheckStatus::Fail:
        return "ÉCHEC";
    case provisioning::CheckStatus::Skip:
        return "—";
    }
    return "?";
}

// Pads to `width` characters, not bytes: « Écran » lines up with « Hub ».
std::string padded(std::string_view text, std::size_t width)
{
    std::size_t characters = 0;
    for (unsigned char c : text)
        characters += (c & 0xC0) != 0x80;
    return std::string(text) + std::string(characters < width ? width - characters : 1, ' ');
}

void print_line(std::string_view title, std::string_view status, std::string const& message)
{
    std::printf("%s%s%s\n", padded(title, 19).c_str(), padded(status, 11).c_str(), message.c_str());
}

}

provisioning::SelfTestSettings selftest_settings(std::filesystem::path const& data, LoadedConfig const& config)
{
    provisioning::SelfTestSettings settings;
    settings.data = data;
    settings.card = config.value(*find_config_key("card"));
    settings.printer = config.value(*find_config_key("printer"));
    settings.speech = config.value(*find_config_key("speech"));
    return settings;
}

nlohmann::json check_json(provisioning::CheckResult const& result)
{
    return { { "check", result.check }, { "status", to_string(result.status) }, { "message", result.message },
        { "detail", result.detail } };
}

int selftest_command(std::vector<std::string_view> const& arguments)
{
    std::vector<std::string> checks;
    std::filesystem::path data = default_data_dir();
    std::filesystem::path system_config = system_config_path;
    std::filesystem::path system_root = "/";
    bool json = false;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            std::fputs(selftest_usage, stdout);
            return 0;
        }
        if (argument == "--json") {
            json = true;
        } else if (argument == "--data" || argument == "--system-config" || argument == "--system-root") {
            if (i + 1 >= arguments.size())
                return usage(std::string(argument) + " needs a value");
            std::filesystem::path value(arguments[++i]);
            (argument == "--data" ? data : argument == "--system-config" ? system_config : system_root) = value;
        } else if (argument == "all") {
            for (auto name : provisioning::check_names())
                checks.emplace_back(name);
        } else if (argument.starts_with("-")) {
            return usage("unknown option " + std::string(argument));
        } else {
            auto names = provisioning::check_names();
            if (std::find(names.begin(), names.end(), argument) == names.end())
                return usage("no check named " + std::string(argument));
            checks.emplace_back(argument);
        }
    }
    if (checks.empty())
        for (auto name : provisioning::check_names())
            checks.emplace_back(name);

    if (auto acting = act_as_owner_of(data); !acting) {
        std::fprintf(stderr, "kioskctl: %s\n", acting.error().detail.c_str());
        return 1;
    }
    auto config = load_settings(data, system_config);
    auto settings = selftest_settings(data, config);
    settings.system_root = system_root;
    provisioning::SelfTest test(settings);
    bool failed = false;
    nlohmann::json results = nlohmann::json::array();
    for (auto const& check : checks) {
        auto result = test.run(check);
        failed = failed || result->status == provisioning::CheckStatus::Fail;
        if (json) {
            results.push_back(check_json(*result));
        } else {
            print_line(check_title(check), status_word(result->status), result->message);
            std::fflush(stdout); // each line as its check ends: the hub's may take seconds
        }
    }
    for (auto const& problem : config.problems) {
        failed = true;
        if (!json)
            print_line("Réglages", "ÉCHEC", problem.detail);
    }
    if (json) {
        nlohmann::json problems = nlohmann::json::array();
        for (auto const& problem : config.problems)
            problems.push_back(problem.detail);
        std::printf("%s\n",
            nlohmann::json { { "passed", !failed }, { "checks", results }, { "config_problems", problems } }
                .dump()
                .c_str());
    }
    return failed ? 1 : 0;
}

}
