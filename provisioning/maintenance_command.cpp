// `kioskctl status`, `kioskctl diag` and `kioskctl factory-reset`: what a
// technician needs at a kiosk months after it was installed: what it is and
// how it is doing, a bundle to send to support without anything personal in
// it, and a way back to the first-boot wizard.
#include "commands.hpp"

#include "sync/identity.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/uplink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace guichet::kioskctl {

namespace {

constexpr char const* maintenance_usage = R"(Usage:
  kioskctl status [--data DIR] [--system-config FILE] [--json]
  kioskctl diag --out FILE.tar.gz [--data DIR] [--system-config FILE] [--log FILE]... [--json]
  kioskctl factory-reset [--data DIR] [--yes]

  status         Who the kiosk is (its id, its site, its hub), its versions
                 (software, catalogue, system), its devices (reader, printer,
                 screen), the dossiers waiting to leave and the last sync,
                 and whether the hub answers. Exit status 0 when the kiosk is
                 enrolled and its hub accepts it, 1 otherwise.
  diag           Writes a diagnostics bundle for support: versions, settings,
                 status, self-test, devices, the kiosk's and the system's
                 logs of this boot and the previous one, free space, the names
                 and sizes of the data files. Nothing personal: no dossier,
                 no receipt, no secret key; the kiosk's logs never hold any.
                 The bundle is readable by its owner alone.
  factory-reset  Wipes everything the kiosk keeps (dossiers not yet sent, its
                 identity and keys, its settings, what it pulled from the hub)
                 and keeps the software: the kiosk starts again on the
                 first-boot wizard. Asks to type EFFACER first, unless --yes.
                 The kiosk (guichet-kiosk.service) is stopped meanwhile.

Options:
  --data DIR   The kiosk's data folder (default /var/lib/guichet when it
               exists, var/data otherwise).
  --system-config FILE  The image's settings (default /etc/guichet/config.json).
  --out FILE   Where diag writes its .tar.gz.
  --log FILE   A log file to add to the bundle (a kiosk run outside systemd);
               may be repeated.
  --yes        factory-reset without asking (scripts).
  --json       One JSON object on stdout.
)";

int usage(std::string const& message)
{
    std::fprintf(stderr, "kioskctl: %s\n\n%s", message.c_str(), maintenance_usage);
    return 2;
}

struct Options {
    std::filesystem::path data;
    std::filesystem::path system_config { system_config_path };
    std::filesystem::path out;
    std::vector<std::filesystem::path> logs;
    bool yes { false };
    bool json { false };
};

std::optional<Options> parse(std::vector<std::string_view> const& arguments, int& status)
{
    Options options;
    options.data = default_data_dir();
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            std::fputs(maintenance_usage, stdout);
            status = 0;
            return std::nullopt;
        }
        if (argument == "--json") {
            options.json = true;
        } else if (argument == "--yes") {
            options.yes = true;
        } else if (argument == "--data" || argument == "--out" || argument == "--log"
            || argument == "--system-config") {
            if (i + 1 >= arguments.size()) {
                status = usage(std::string(argument) + " needs a value");
                return std::nullopt;
            }
            std::filesystem::path value(arguments[++i]);
            if (argument == "--data")
                options.data = value;
            else if (argument == "--system-config")
                options.system_config = value;
            else if (argument == "--out")
                options.out = value;
            else
                options.logs.push_back(value);
        } else {
            status = usage("unknown option " + std::string(argument));
            return std::nullopt;
        }
    }
    return options;
}

// Everything `status` says, as JSON; `diag` writes the same.
// The self-test's results by check, each check run once.
using CheckResults = std::map<std::string, nlohmann::json, std::less<>>;
CheckResults run_checks(
    std::filesystem::path const& data, LoadedConfig const& config, std::vector<std::string_view> const& names)
{
    provisioning::SelfTest test(selftest_settings(data, config));
    CheckResults results;
    for (auto name : names)
        results.emplace(name, check_json(*test.run(name)));
    return results;
}

// `checks`: at least reader, printer, display, hub and clock.
nlohmann::json status_json(std::filesystem::path const& data, CheckResults const& checks)
{
    nlohmann::json out;
    auto facts = provisioning::read_kiosk_facts(data);
    out["versions"] = { { "guichet", GUICHET_VERSION }, { "catalogue", facts.catalogue }, { "os", facts.os },
        { "kernel", facts.kernel } };
    out["enrolled"] = facts.enrolled;
    if (facts.enrolled) {
        out["kiosk_id"] = facts.kiosk_id;
        out["site"] = { { "id", facts.site_id }, { "name", facts.site_name } };
        out["hub_url"] = facts.hub_url;
        out["enrolled_at"] = facts.enrolled_at;
    } else {
        out["identity_error"] = facts.identity_error;
    }
    out["outbox_depth"] = facts.outbox_depth ? nlohmann::json(*facts.outbox_depth) : nlohmann::json(nullptr);
    out["usage_depth"] = facts.usage_depth ? nlohmann::json(*facts.usage_depth) : nlohmann::json(nullptr);
    out["last_sync_at"] = facts.last_sync_at;
    for (auto check : { "reader", "printer", "display" })
        out["peripherals"][check] = checks.at(check);
    out["hub"] = checks.at("hub");
    out["clock"] = checks.at("clock");
    return out;
}

int status(Options const& options)
{
    if (auto acting = act_as_owner_of(options.data); !acting) {
        std::fprintf(stderr, "kioskctl: %s\n", acting.error().detail.c_str());
        return 1;
    }
    auto out = status_json(options.data,
        run_checks(options.data, load_settings(options.data, options.system_config),
            { "reader", "printer", "display", "hub", "clock" }));
    bool const hub_ok = out["hub"]["status"] == "pass";
    if (options.json) {
        std::printf("%s\n", out.dump().c_str());
        return out["enrolled"].get<bool>() && hub_ok ? 0 : 1;
    }
    if (out["enrolled"].get<bool>())
        std::printf("Borne          %s, site « %s » (%s)\nHub            %s\n",
            out["kiosk_id"].get<std::string>().c_str(), out["site"]["name"].get<std::string>().c_str(),
            out["site"]["id"].get<std::string>().c_str(), out["hub_url"].get<std::string>().c_str());
    else
        std::printf("Borne          non enrôlée (%s)\n", out["identity_error"].get<std::string>().c_str());
    auto const& versions = out["versions"];
    std::printf("Logiciel       Guichet %s, catalogue %s\nSystème        %s, noyau %s\n",
        versions["guichet"].get<std::string>().c_str(), versions["catalogue"].get<std::string>().c_str(),
        versions["os"].get<std::string>().c_str(), versions["kernel"].get<std::string>().c_str());
    for (auto const& [name, title] :
        { std::pair { "reader", "Lecteur" }, std::pair { "printer", "Imprimante" }, std::pair { "display", "Écran" } })
        std::printf("%-14s %s\n", title, out["peripherals"][name]["message"].get<std::string>().c_str());
    auto depth = out["outbox_depth"];
    std::printf("En attente     %s dossier(s)\nDernier envoi  %s\n",
        depth.is_null() ? "?" : std::to_string(depth.get<std::size_t>()).c_str(),
        provisioning::format_local_time(out["last_sync_at"].get<std::int64_t>()).c_str());
    std::printf("Hub            %s\nHorloge        %s\n", out["hub"]["message"].get<std::string>().c_str(),
        out["clock"]["message"].get<std::string>().c_str());
    return out["enrolled"].get<bool>() && hub_ok ? 0 : 1;
}

// [SECTION] diag

Result<void> write_text(std::filesystem::path const& path, std::string const& text)
{
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error::make("io.write", path.string());
    auto left = std::string_view(text);
    while (!left.empty()) {
        auto wrote = ::write(fd, left.data(), left.size());
        if (wrote <= 0) {
            ::close(fd);
            return Error::make("io.write", path.string());
        }
        left.remove_prefix(std::size_t(wrote));
    }
    ::close(fd);
    return {};
}

std::string file_or_empty(std::filesystem::path const& path)
{
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The USB devices by vendor, product and name; never their serial numbers.
std::string usb_devices()
{
    std::string out;
    std::error_code error;
    for (auto const& entry : std::filesystem::directory_iterator("/sys/bus/usb/devices", error)) {
        auto vendor = file_or_empty(entry.path() / "idVendor");
        if (vendor.empty())
            continue;
        auto line = entry.path().filename().string() + " " + vendor.substr(0, 4) + ":"
            + file_or_empty(entry.path() / "idProduct").substr(0, 4) + " "
            + file_or_empty(entry.path() / "manufacturer") + " " + file_or_empty(entry.path() / "product");
        std::erase(line, '\n');
        out += line + "\n";
    }
    return out.empty() ? "(none)\n" : out;
}

// The data folder's files by name and size: their contents stay.
std::string data_files(std::filesystem::path const& data)
{
    std::string out;
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(data, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        if (it.depth() > 1)
            continue;
        auto relative = std::filesystem::relative(it->path(), data, error).string();
        std::error_code size_error;
        auto size = it->is_regular_file(size_error) ? it->file_size(size_error) : 0;
        out += relative + (it->is_directory(size_error) ? "/" : " " + std::to_string(size)) + "\n";
    }
    return out.empty() ? "(empty)\n" : out;
}

std::string free_space(std::filesystem::path const& path)
{
    struct statvfs info { };
    if (statvfs(path.c_str(), &info) != 0)
        return path.string() + ": unknown\n";
    auto const mb = [&](unsigned long long blocks) { return blocks * info.f_frsize / (1024 * 1024); };
    return path.string() + ": " + std::to_string(mb(info.f_bavail)) + " MB free of " + std::to_string(mb(info.f_blocks))
        + " MB\n";
}

int diag(Options const& options)
{
    if (options.out.empty())
        return usage("diag needs --out FILE.tar.gz");
    auto identity = load_identity(options.data / identity_file_name);
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm utc {};
    gmtime_r(&now, &utc);
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    std::string const name = std::string("guichet-diag-")
        + (identity ? identity.value().kiosk_id : std::string("unenrolled")) + "-" + stamp;
    char work_template[] = "/tmp/guichet-diag-XXXXXX";
    if (!mkdtemp(work_template)) {
        std::fprintf(stderr, "kioskctl: cannot create a folder in /tmp\n");
        return 1;
    }
    std::filesystem::path const work = work_template;
    auto const root = work / name;
    std::vector<std::string> missing;
    auto put = [&](std::string const& file, std::string const& text) {
        if (!write_text(root / file, text))
            missing.push_back(file);
    };

    put("README.txt",
        "Guichet diagnostics bundle, written by kioskctl diag.\n"
        "It holds versions, settings, status, the self-test, devices, logs and free space.\n"
        "It holds no dossier, no receipt, no secret key: the data folder's files are listed by name and size "
        "only.\n");
    utsname system {};
    uname(&system);
    std::string versions = std::string("guichet ") + GUICHET_VERSION + "\n" + "kernel " + system.release + " "
        + system.version + " " + system.machine + "\n\n" + file_or_empty("/etc/os-release");
    if (auto packages = capture({ "dpkg-query", "-W", "-f", "${Package} ${Version}\\n", "guichet", "cage", "pcscd",
            "libccid", "cups", "cups-daemon", "espeak-ng-data", "libsdl2-2.0-0", "systemd" }))
        versions += "\n" + *packages;
    put("versions.txt", versions);

    auto config = load_settings(options.data, options.system_config);
    nlohmann::json settings;
    for (auto const& key : config_keys())
        settings["settings"][key.name] = { { "value", config.value(key) }, { "source", config.source(key) } };
    settings["problems"] = nlohmann::json::array();
    for (auto const& problem : config.problems)
        settings["problems"].push_back(problem.detail);
    put("settings.json", settings.dump(2) + "\n");
    auto const names = provisioning::check_names();
    auto const checks = run_checks(options.data, config, { names.begin(), names.end() });
    put("status.json", status_json(options.data, checks).dump(2) + "\n");
    nlohmann::json selftest = nlohmann::json::array();
    for (auto name : names)
        selftest.push_back(checks.find(name)->second);
    put("selftest.json", selftest.dump(2) + "\n");
    put("data-files.txt", data_files(options.data));
    put("disk.txt", free_space(options.data) + free_space("/") + free_space("/tmp"));

    std::string devices = "# USB\n" + usb_devices() + "\n# Screens (DRM connectors)\n";
    std::error_code error;
    for (auto const& entry : std::filesystem::directory_iterator("/sys/class/drm", error))
        if (std::filesystem::exists(entry.path() / "status"))
            devices += entry.path().filename().string() + " " + file_or_empty(entry.path() / "status");
    devices += "\n# Input devices\n" + file_or_empty("/proc/bus/input/devices");
    devices += "\n# Sound\n" + file_or_empty("/proc/asound/cards");
    if (auto printers = capture({ "lpstat", "-l", "-p", "-v" }))
        devices += "\n# CUPS queues\n" + *printers;
    put("devices.txt", devices);

    // The journal: the kiosk's unit, this boot and the previous one (a
    // kiosk that froze and was restarted), then the system's warnings and
    // the kernel's messages (devices plugged and unplugged).
    std::vector<std::pair<std::string, std::vector<std::string>>> journals {
        { "journal/kiosk.txt", { "journalctl", "--no-pager", "-o", "short-iso", "-b", "-u", "guichet-kiosk.service" } },
        { "journal/kiosk-previous-boot.txt",
            { "journalctl", "--no-pager", "-o", "short-iso", "-b", "-1", "-u", "guichet-kiosk.service" } },
        { "journal/warnings.txt",
            { "journalctl", "--no-pager", "-o", "short-iso", "-b", "-p", "warning", "-n", "5000" } },
        { "journal/kernel.txt", { "journalctl", "--no-pager", "-o", "short-iso", "-k", "-b", "-n", "3000" } },
    };
    for (auto const& [file, argv] : journals)
        if (auto text = capture(argv))
            put(file, *text);
    for (auto const& log : options.logs) {
        auto text = file_or_empty(log);
        if (text.empty() && !std::filesystem::exists(log, error))
            missing.push_back(log.string());
        else
            put("logs/" + log.filename().string(), text);
    }

    auto out = std::filesystem::absolute(options.out, error);
    umask(077); // the bundle is its owner's alone from its first byte
    auto archived = capture({ "tar", "--create", "--gzip", "--owner=0", "--group=0", "--numeric-owner", "--file",
        out.string(), "--directory", work.string(), name });
    std::filesystem::remove_all(work, error);
    // A tar cut short (a full disk) leaves a file: it must read back whole.
    auto listed = archived ? capture({ "tar", "--list", "--gzip", "--file", out.string() }) : std::nullopt;
    if (!listed || listed->find(name + "/README.txt") == std::string::npos) {
        std::filesystem::remove(out, error);
        std::fprintf(stderr, "kioskctl: the bundle could not be written to %s\n", out.c_str());
        return 1;
    }
    std::filesystem::permissions(out, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, error);
    if (options.json) {
        std::printf("%s\n",
            nlohmann::json {
                { "bundle", out.string() }, { "size", std::filesystem::file_size(out, error) }, { "missing", missing } }
                .dump()
                .c_str());
    } else {
        std::printf("Diagnostic écrit : %s (%ju octets)\n", out.c_str(),
            std::uintmax_t(std::filesystem::file_size(out, error)));
        for (auto const& file : missing)
            std::printf("  manque : %s\n", file.c_str());
    }
    return 0;
}

// [SECTION] factory-reset

bool kiosk_service_active()
{
    return capture({ "systemctl", "is-active", "guichet-kiosk.service" }).value_or("") == "active\n";
}

// Zeroes a file before it is unlinked: the outbox's pages (sealed dossiers,
// the store's keys) are not left readable on the disk's free blocks. On
// flash storage this is best effort: the drive may keep old copies.
void overwrite(std::filesystem::path const& path)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat info { };
    if (fstat(fd, &info) == 0) {
        std::vector<char> zeros(65536, 0);
        for (off_t done = 0; done < info.st_size;) {
            auto chunk = std::min<off_t>(off_t(zeros.size()), info.st_size - done);
            auto wrote = ::write(fd, zeros.data(), std::size_t(chunk));
            if (wrote <= 0)
                break;
            done += wrote;
        }
        fsync(fd);
    }
    ::close(fd);
}

int factory_reset(Options const& options)
{
    auto const& data = options.data;
    std::error_code error;
    if (!std::filesystem::is_directory(data, error)) {
        std::fprintf(stderr, "Le dossier %s n'existe pas : rien à effacer.\n", data.c_str());
        return 1;
    }
    auto identity = load_identity(data / identity_file_name);
    std::optional<std::size_t> waiting;
    if (identity) {
        if (auto store = SqliteStore::open(data / "kiosk.db", identity.value().hub_box_public_key))
            if (auto depth = store.value()->outbox_depth())
                waiting = depth.value();
    }
    std::printf("Remise à zéro de la borne%s : son identité, ses clés, ses réglages et ce qu'elle a reçu du hub "
                "seront effacés de %s. Le logiciel reste.\n",
        identity ? (" " + identity.value().kiosk_id).c_str() : "", data.c_str());
    if (waiting && *waiting > 0)
        std::printf("ATTENTION : %zu dossier(s) n'ont pas encore été envoyés au hub et seront perdus. Envoyez-les "
                    "d'abord : kioskctl sync push.\n",
            *waiting);
    if (!options.yes) {
        if (!isatty(STDIN_FILENO)) {
            std::fprintf(stderr, "kioskctl: factory-reset asks to confirm: run it at a terminal, or add --yes\n");
            return 2;
        }
        std::printf("Tapez EFFACER pour confirmer : ");
        std::fflush(stdout);
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "EFFACER") {
            std::printf("Rien n'a été effacé.\n");
            return 1;
        }
    }
    bool const was_running = kiosk_service_active();
    if (was_running)
        (void)capture({ "systemctl", "stop", "guichet-kiosk.service" });
    std::size_t removed = 0;
    std::vector<std::string> left;
    for (auto const& entry : std::filesystem::directory_iterator(data, error)) {
        if (entry.path().filename().string().starts_with("kiosk.db"))
            overwrite(entry.path());
        std::error_code remove_error;
        removed += std::filesystem::remove_all(entry.path(), remove_error);
        if (remove_error)
            left.push_back(entry.path().filename().string());
    }
    if (was_running)
        (void)capture({ "systemctl", "start", "guichet-kiosk.service" });
    if (!left.empty()) {
        std::fprintf(stderr, "Ces fichiers n'ont pas pu être effacés :");
        for (auto const& file : left)
            std::fprintf(stderr, " %s", file.c_str());
        std::fprintf(stderr, "\n");
        return 1;
    }
    std::printf("Borne remise à zéro (%zu fichier(s) effacé(s)).%s\n", removed,
        was_running ? " Elle redémarre sur l'assistant de mise en service." : "");
    if (identity)
        std::printf("Sur le hub, révoquez l'ancienne identité de la borne : %s.\n", identity.value().kiosk_id.c_str());
    return 0;
}

}

int status_command(std::vector<std::string_view> const& arguments)
{
    int code = 2;
    auto options = parse(arguments, code);
    return options ? status(*options) : code;
}

int diag_command(std::vector<std::string_view> const& arguments)
{
    int code = 2;
    auto options = parse(arguments, code);
    return options ? diag(*options) : code;
}

int factory_reset_command(std::vector<std::string_view> const& arguments)
{
    int code = 2;
    auto options = parse(arguments, code);
    return options ? factory_reset(*options) : code;
}

}
