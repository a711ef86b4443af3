// kiosk-hub: the reference central server and its administrators' CLI.
// Every command works on the hub's data folder (--data, or KIOSK_HUB_DATA,
// or var/hub): its keys, its admin token and, unless --store says
// otherwise, its SQLite store. The CLI and a running server may share the
// folder: writes are transactions.
#include "dev_ca.hpp"
#include "hub.hpp"
#include "server.hpp"
#include "sqlite_hub_store.hpp"
#include "usage_figures.hpp"
#include "webhook.hpp"

#include "sync/protocol.hpp"

#include <sodium.h>

#include <csignal>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <pthread.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace guichet;
using namespace guichet::hub;

namespace {

constexpr char const* usage_text = R"(Usage: kiosk-hub COMMAND [OPTIONS]

Commands:
  init                         Create the data folder: keys, admin token, store.
  serve [--listen HOST:PORT] [--cert FILE --key FILE] [--heartbeat-seconds N]
        [--threads N] [--io-threads N] [--port-file FILE] [--test-faults]
        [--webhook URL [--webhook-token-file FILE] [--webhook-ca FILE]]
        [--time-zone ZONE]
                               Serve the kiosks' API, the admin API, /fleet
                               and /metrics over HTTPS. Port 0 picks a free
                               port (written to --port-file). With --webhook,
                               every dossier is POSTed to the back office
                               (JSON lines, retried until it answers 2xx).
                               --time-zone (Europe/Paris, Indian/Reunion...)
                               says whose days /usage and the open data
                               count; the system's by default.
  dev-ca --out DIR [--name HOST]...
                               A development CA and a server certificate for
                               localhost (and each --name), valid from two
                               days ago. Reuses DIR's CA if there is one.
  site add ID NAME             Add a site.
  site list                    List the sites.
  site slots ID FILE           Set a site's appointment week (creneaux.json).
  enroll-code --site ID        Create a one-time enrollment code for a kiosk.
  kiosks [--json]              List the kiosks and their last heartbeat.
  revoke KIOSK                 Refuse every later request of a kiosk.
  catalogue publish FOLDER     Check, sign and publish a catalogue.
  dossiers [--site ID] [--state STATE] [--json]
                               List dossiers (no personal data).
  dossier ID                   Open one dossier (personal data: for staff).
  set-state ID STATE           received, in_progress, accepted, refused, closed.
  export [--out FILE]          Write the dossiers not yet exported as JSON
                               lines (opened) and mark them exported.
  admin-token                  Print the admin API's bearer token.
  mediator add LOGIN --name NAME [--role mediator|administrator]
               [--password-stdin]
                               Add a mediator account for the console
                               (/console). NAME is what the kiosk's banner
                               says before "vous aide": "Marie, médiatrice".
                               Prints a new password once, or reads it from
                               standard input.
  mediator password LOGIN [--password-stdin]
                               Give a mediator a new password.
  mediator list                List the mediators.
  mediator disable LOGIN       Refuse a mediator's login and end their
                               console sessions.
  audit [--help-id ID] [--kiosk ID]
                               The help audit log, as JSON lines.
  open-data --out DIR [--days N | --day YYYY-MM-DD] [--time-zone ZONE]
                               Write the usage figures' open data of the last
                               N days that are over (7 by default; again each
                               time, so that late events count) to
                               DIR/guichet-usage-DAY.csv and .json, for a
                               daily timer. Days in ZONE (the system's).
  agent add ID --site SITE --name NAME [--badge UID] [--pin-stdin]
                               Add a desk agent who may unlock agent mode on
                               the site's kiosks: with the badge UID
                               (`kioskctl card badge` reads it) and the PIN,
                               or the PIN alone without --badge. NAME is what
                               the kiosk and the mandate say: "Paul Leroy,
                               agent d'accueil". Prints a new 6-digit PIN
                               once, or reads one (4 to 8 digits) from
                               standard input.
  agent add ID --site SITE --name NAME --technician [--pin-stdin]
                               Add a technician: their PIN (no badge) opens
                               the technician screens of the site's kiosks,
                               after a 5-second press on the top left corner
                               of the welcome screen; never agent mode.
  agent pin ID [--pin-stdin]   Give an agent a new PIN.
  agent badge ID UID|none      Give an agent a badge, or take it back.
  agent list [--site SITE]     List the agents.
  agent disable ID             The site's kiosks forget the agent at their
                               next pull (within 15 minutes).

Options for every command:
  --data DIR                   The hub's data folder (default $KIOSK_HUB_DATA
                               or var/hub).
  --store URL                  sqlite:PATH or postgresql://... (default
                               sqlite:DIR/hub.db).
)";

int usage_error(std::string const& message)
{
    std::fprintf(stderr, "kiosk-hub: %s\n\n%s", message.c_str(), usage_text);
    return 2;
}

int failure(Error const& error)
{
    std::fprintf(stderr, "kiosk-hub: %s: %s\n", error.code.c_str(), error.detail.c_str());
    return 1;
}

struct Arguments {
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> options;
    std::set<std::string> flags;

    std::optional<std::string> option(std::string const& name) const
    {
        auto found = options.find(name);
        if (found == options.end() || found->second.empty())
            return std::nullopt;
        return found->second.back();
    }
};

// --name VALUE, --name=VALUE; the flags listed take no value.
Result<Arguments> parse(int argc, char** argv, std::set<std::string> const& flag_names)
{
    Arguments arguments;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (!argument.starts_with("--")) {
            arguments.positional.push_back(argument);
            continue;
        }
        auto name = argument.substr(2);
        if (auto equal = name.find('='); equal != std::string::npos) {
            arguments.options[name.substr(0, equal)].push_back(name.substr(equal + 1));
        } else if (flag_names.contains(name)) {
            arguments.flags.insert(name);
        } else if (i + 1 < argc) {
            arguments.options[name].push_back(argv[++i]);
        } else {
            return Error::make("usage", "--" + name + " needs a value");
        }
    }
    return arguments;
}

std::filesystem::path data_folder(Arguments const& arguments)
{
    if (auto data = arguments.option("data"))
        return *data;
    if (char const* environment = std::getenv("KIOSK_HUB_DATA"); environment && *environment)
        return environment;
    return "var/hub";
}

Result<std::unique_ptr<HubStore>> open_store(Arguments const& arguments)
{
    auto url = arguments.option("store").value_or("sqlite:" + (data_folder(arguments) / "hub.db").string());
    return open_hub_store(url);
}

std::string iso_time(std::int64_t unix_seconds)
{
    return utc_text(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

// The admin commands share a hub with its keys and store.
// Held by pointer: the Hub keeps references to the keys and the store, and
// the Context is moved.
struct Context {
    std::unique_ptr<HubKeys> keys;
    std::unique_ptr<HubStore> store;
    std::unique_ptr<Hub> hub;
};

Result<Context> open_context(Arguments const& arguments, bool create_keys)
{
    Context context;
    auto folder = data_folder(arguments);
    context.keys
        = std::make_unique<HubKeys>(GUICHET_TRY(create_keys ? load_or_create_hub_keys(folder) : load_hub_keys(folder)));
    context.store = GUICHET_TRY(open_store(arguments));
    HubSettings settings;
    if (auto seconds = arguments.option("heartbeat-seconds"))
        settings.heartbeat_seconds = std::max(5, std::atoi(seconds->c_str()));
    context.hub = std::make_unique<Hub>(*context.store, *context.keys, settings, protocol::unix_now);
    return context;
}

// [SECTION] serve

// "sqlite" or "postgresql", never the URL: it may hold a password.
std::string store_kind(Arguments const& arguments)
{
    auto url = arguments.option("store").value_or("sqlite:");
    return url.starts_with("postgres") ? "postgresql" : "sqlite";
}

// The town's days for usage figures and open data (localtime), from
// --time-zone: set before any thread reads the time zone. A name the system
// does not know would silently mean UTC: refused.
bool set_time_zone(Arguments const& arguments)
{
    if (auto zone = arguments.option("time-zone")) {
        std::error_code error;
        if (zone->empty() || zone->find("..") != std::string::npos
            || !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + *zone, error)) {
            usage_error("--time-zone " + *zone
                + ": not a time zone this system knows (a name such as Europe/Paris; the tzdata package has them)");
            return false;
        }
        setenv("TZ", zone->c_str(), 1);
    }
    tzset();
    return true;
}

Server* running_server = nullptr;

int serve(Arguments const& arguments)
{
    // Signals are taken by a thread of ours, so that the server stops
    // cleanly (its queued writes committed) on SIGTERM and SIGINT. Blocked
    // first, before any thread starts (the store's writer): every thread
    // inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    if (!set_time_zone(arguments))
        return 2;
    // Every kiosk keeps a connection open (a file descriptor): the soft
    // limit (often 1,024) would refuse a fleet of more.
    struct rlimit files { };
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &files);
    }
    std::signal(SIGPIPE, SIG_IGN);

    auto context = open_context(arguments, true);
    if (!context.ok())
        return failure(context.error());
    ServerSettings settings;
    auto listen = arguments.option("listen").value_or("127.0.0.1:8443");
    auto colon = listen.rfind(':');
    if (colon == std::string::npos)
        return usage_error("--listen is HOST:PORT");
    settings.host = listen.substr(0, colon);
    settings.port = std::atoi(listen.substr(colon + 1).c_str());
    auto folder = data_folder(arguments);
    settings.certificate = arguments.option("cert").value_or((folder / "tls" / "server.pem").string());
    settings.private_key = arguments.option("key").value_or((folder / "tls" / "server-key.pem").string());
    if (auto threads = arguments.option("threads"))
        settings.threads = std::atoi(threads->c_str());
    if (auto threads = arguments.option("io-threads"))
        settings.io_threads = std::atoi(threads->c_str());
    settings.test_faults = arguments.flags.contains("test-faults");

    auto server = Server::create(*context.value().hub, settings);
    if (!server.ok())
        return failure(server.error());

    // The back office, if one is configured, receives every dossier.
    std::unique_ptr<WebhookExporter> webhook;
    if (auto url = arguments.option("webhook")) {
        WebhookSettings webhook_settings;
        webhook_settings.url = *url;
        if (auto token_file = arguments.option("webhook-token-file")) {
            auto token = read_private_file(*token_file);
            if (!token.ok())
                return failure(token.error());
            webhook_settings.bearer_token = token.value();
            while (!webhook_settings.bearer_token.empty()
                && std::isspace(static_cast<unsigned char>(webhook_settings.bearer_token.back())))
                webhook_settings.bearer_token.pop_back();
        }
        if (auto ca = arguments.option("webhook-ca"))
            webhook_settings.ca_file = *ca;
        webhook = std::make_unique<WebhookExporter>(*context.value().hub, webhook_settings);
        auto* exporter = webhook.get();
        context.value().hub->set_on_stored([exporter] { exporter->wake(); });
        std::fprintf(stderr, "kiosk-hub: dossiers are exported to %s\n", url->c_str());
    }
    if (auto port_file = arguments.option("port-file")) {
        std::ofstream out(*port_file);
        out << server.value()->port() << "\n";
    }
    std::fprintf(stderr, "kiosk-hub: serving on https://%s:%d (store %s)%s\n", settings.host.c_str(),
        server.value()->port(), store_kind(arguments).c_str(), settings.test_faults ? " with test faults" : "");
    running_server = server.value().get();
    std::thread waiter([&signals] {
        int received = 0;
        sigwait(&signals, &received);
        if (running_server)
            running_server->stop();
    });
    server.value()->run();
    // Wake the waiter if the server stopped on its own.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    running_server = nullptr;
    std::fprintf(stderr, "kiosk-hub: stopped\n");
    return 0;
}

// [SECTION] Administration commands

int print_kiosks(Context& context, bool json)
{
    auto kiosks = context.store->kiosks();
    if (!kiosks.ok())
        return failure(kiosks.error());
    if (json) {
        Json list = Json::array();
        for (auto const& kiosk : kiosks.value()) {
            auto heartbeat = Json::parse(kiosk.heartbeat, nullptr, false);
            list.push_back({ { "id", kiosk.id }, { "site_id", kiosk.site_id }, { "enrolled_at", kiosk.enrolled_at },
                { "revoked_at", kiosk.revoked_at ? Json(*kiosk.revoked_at) : Json(nullptr) },
                { "last_seen_at", kiosk.last_seen_at ? Json(*kiosk.last_seen_at) : Json(nullptr) },
                { "heartbeat", heartbeat.is_discarded() ? Json(nullptr) : heartbeat } });
        }
        std::printf("%s\n", list.dump(2).c_str());
        return 0;
    }
    for (auto const& kiosk : kiosks.value()) {
        std::printf("%s  site %s  enrolled %s  %s\n", kiosk.id.c_str(), kiosk.site_id.c_str(),
            iso_time(kiosk.enrolled_at).c_str(),
            kiosk.revoked_at         ? ("revoked " + iso_time(*kiosk.revoked_at)).c_str()
                : kiosk.last_seen_at ? ("last seen " + iso_time(*kiosk.last_seen_at)).c_str()
                                     : "never seen");
    }
    if (kiosks.value().empty())
        std::printf("no kiosk enrolled\n");
    return 0;
}

// One line of standard input, without its line ending: a secret piped in
// rather than typed on the command line, where `ps` would show it.
std::string stdin_line()
{
    std::string line;
    int c;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n')
        line.push_back(static_cast<char>(c));
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

// The password a mediator command sets: read from standard input (one
// line) with --password-stdin, or drawn and printed once.
Result<std::string> new_password(Arguments const& arguments, bool& drawn)
{
    drawn = !arguments.flags.contains("password-stdin");
    if (drawn)
        return crypto::random_code(4);
    auto line = stdin_line();
    if (line.size() < 12)
        return Error::make("request.invalid", "a mediator's password has at least 12 characters");
    return line;
}

// A desk agent's PIN: 4 to 8 digits from standard input with --pin-stdin,
// or 6 drawn and printed once.
Result<std::string> new_pin(Arguments const& arguments, bool& drawn)
{
    drawn = !arguments.flags.contains("pin-stdin");
    if (drawn)
        return crypto::random_digits(6);
    auto pin = stdin_line();
    if (pin.size() < 4 || pin.size() > 8 || pin.find_first_not_of("0123456789") != std::string::npos)
        return Error::make("request.invalid", "a PIN is 4 to 8 digits");
    return pin;
}

// A badge as `kioskctl card badge` prints it: 4 to 10 bytes in hex.
std::optional<std::string> badge_of(std::string text)
{
    for (auto& c : text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (text.size() < 8 || text.size() > 20 || text.size() % 2 != 0
        || text.find_first_not_of("0123456789ABCDEF") != std::string::npos)
        return std::nullopt;
    return text;
}

int agent_command(Arguments const& arguments, HubStore& store)
{
    auto const& words = arguments.positional;
    auto set_pin = [&](std::string const& id, bool adding) -> int {
        bool drawn = false;
        auto pin = new_pin(arguments, drawn);
        if (!pin.ok())
            return failure(pin.error());
        auto hash = crypto::hash_password(pin.value());
        if (!hash.ok())
            return failure(hash.error());
        if (adding) {
            auto site = arguments.option("site");
            auto name = arguments.option("name");
            bool technician = arguments.flags.contains("technician");
            if (!site || !name || name->empty())
                return usage_error("agent add needs --site SITE and --name NAME");
            std::optional<std::string> badge;
            if (auto given = arguments.option("badge")) {
                if (technician)
                    return usage_error("a technician has no badge: the PIN alone opens the technician screens");
                badge = badge_of(*given);
                if (!badge)
                    return usage_error("--badge is the badge's UID in hex, 4 to 10 bytes");
            }
            auto added = store.add_agent(
                Agent { id, *name, *site, badge, hash.value(), protocol::unix_now(), {}, technician });
            if (!added.ok())
                return failure(added.error());
        } else {
            auto set = store.set_agent_pin(id, hash.value());
            if (!set.ok())
                return failure(set.error());
        }
        if (drawn) {
            std::fprintf(stderr, "PIN for %s, shown once:\n", id.c_str());
            std::printf("%s\n", pin.value().c_str());
        } else {
            if (!adding)
                std::printf("PIN of %s set\n", id.c_str());
            else
                std::printf(
                    "%s %s added\n", arguments.flags.contains("technician") ? "technician" : "agent", id.c_str());
        }
        sodium_memzero(pin.value().data(), pin.value().size());
        return 0;
    };
    if (words.size() == 3 && words[1] == "add")
        return set_pin(words[2], true);
    if (words.size() == 3 && words[1] == "pin")
        return set_pin(words[2], false);
    if (words.size() == 4 && words[1] == "badge") {
        std::optional<std::string> badge;
        if (words[3] != "none") {
            auto holder = store.agent(words[2]);
            if (holder.ok() && holder.value() && holder.value()->technician)
                return usage_error("a technician has no badge: the PIN alone opens the technician screens");
            badge = badge_of(words[3]);
            if (!badge)
                return usage_error("the badge is its UID in hex, 4 to 10 bytes, or none");
        }
        auto set = store.set_agent_badge(words[2], badge);
        if (!set.ok())
            return failure(set.error());
        std::printf(badge ? "badge of %s set\n" : "%s has no badge now: the PIN alone\n", words[2].c_str());
        return 0;
    }
    if (words.size() == 2 && words[1] == "list") {
        auto list = store.agents(arguments.option("site"));
        if (!list.ok())
            return failure(list.error());
        for (auto const& agent : list.value()) {
            std::printf("%s  %s  %s  %s%s\n", agent.id.c_str(), agent.site_id.c_str(),
                agent.technician  ? "technician"
                    : agent.badge ? "badge"
                                  : "PIN alone",
                agent.display_name.c_str(), agent.disabled_at ? "  (disabled)" : "");
        }
        return 0;
    }
    if (words.size() == 3 && words[1] == "disable") {
        auto disabled = store.disable_agent(words[2], protocol::unix_now());
        if (!disabled.ok())
            return failure(disabled.error());
        std::printf("agent %s disabled\n", words[2].c_str());
        return 0;
    }
    return usage_error(
        "agent add ID --site SITE --name NAME [--badge UID | --technician] | agent pin ID | agent badge ID UID|none | "
        "agent list | agent disable ID");
}

int mediator_command(Arguments const& arguments, HubStore& store)
{
    auto const& words = arguments.positional;
    auto set_password = [&](std::string const& login, bool adding) -> int {
        bool drawn = false;
        auto password = new_password(arguments, drawn);
        if (!password.ok())
            return failure(password.error());
        auto hash = crypto::hash_password(password.value());
        if (!hash.ok())
            return failure(hash.error());
        if (adding) {
            auto role = mediator_role_from_wire(arguments.option("role").value_or("mediator"));
            if (!role)
                return usage_error("--role is mediator or administrator");
            auto name = arguments.option("name");
            if (!name || name->empty())
                return usage_error("mediator add needs --name NAME");
            auto added = store.add_mediator(Mediator { login, *name, *role, hash.value(), protocol::unix_now(), {} });
            if (!added.ok())
                return failure(added.error());
        } else {
            auto set = store.set_mediator_password(login, hash.value());
            if (!set.ok())
                return failure(set.error());
        }
        if (drawn) {
            std::fprintf(stderr, "Password for %s, shown once:\n", login.c_str());
            std::printf("%s\n", password.value().c_str());
        } else {
            std::printf(adding ? "mediator %s added\n" : "password of %s set\n", login.c_str());
        }
        return 0;
    };
    if (words.size() == 3 && words[1] == "add")
        return set_password(words[2], true);
    if (words.size() == 3 && words[1] == "password")
        return set_password(words[2], false);
    if (words.size() == 2 && words[1] == "list") {
        auto list = store.mediators();
        if (!list.ok())
            return failure(list.error());
        for (auto const& mediator : list.value()) {
            std::printf("%s  %s  %s%s\n", mediator.login.c_str(), std::string(to_wire(mediator.role)).c_str(),
                mediator.display_name.c_str(), mediator.disabled_at ? "  (disabled)" : "");
        }
        return 0;
    }
    if (words.size() == 3 && words[1] == "disable") {
        auto disabled = store.disable_mediator(words[2], protocol::unix_now());
        if (!disabled.ok())
            return failure(disabled.error());
        std::printf("mediator %s disabled\n", words[2].c_str());
        return 0;
    }
    return usage_error("mediator add LOGIN --name NAME | mediator password LOGIN | mediator list | "
                       "mediator disable LOGIN");
}

int admin_command(Arguments const& arguments)
{
    auto const& words = arguments.positional;
    auto const& command = words[0];
    if (!set_time_zone(arguments))
        return 2;
    auto context_result = open_context(arguments, command == "init");
    if (!context_result.ok())
        return failure(context_result.error());
    auto& context = context_result.value();
    auto& hub = *context.hub;
    auto& store = *context.store;

    if (command == "init") {
        std::printf("hub data folder ready: %s\n", data_folder(arguments).c_str());
        return 0;
    }
    if (command == "admin-token") {
        std::printf("%s\n", context.keys->admin_token.c_str());
        return 0;
    }
    if (command == "site" && words.size() >= 2) {
        if (words[1] == "add" && words.size() == 4) {
            auto added = store.add_site(Site { words[2], words[3], protocol::unix_now(), {} });
            if (!added.ok())
                return failure(added.error());
            std::printf("site %s added\n", words[2].c_str());
            return 0;
        }
        if (words[1] == "list") {
            auto sites = store.sites();
            if (!sites.ok())
                return failure(sites.error());
            for (auto const& site : sites.value())
                std::printf("%s  %s%s\n", site.id.c_str(), site.name.c_str(), site.slots.empty() ? "" : "  (slots)");
            return 0;
        }
        if (words[1] == "slots" && words.size() == 4) {
            auto text = read_private_file(words[3]);
            if (!text.ok())
                return failure(text.error());
            if (Json::parse(text.value(), nullptr, false).is_discarded())
                return failure(Error::make("request.invalid", words[3] + " is not JSON"));
            auto set = store.set_site_slots(words[2], text.value());
            if (!set.ok())
                return failure(set.error());
            std::printf("slots of %s set\n", words[2].c_str());
            return 0;
        }
        return usage_error("site add ID NAME | site list | site slots ID FILE");
    }
    if (command == "enroll-code") {
        auto site = arguments.option("site");
        if (!site)
            return usage_error("enroll-code needs --site ID");
        auto code = hub.create_enrollment_code(*site);
        if (!code.ok())
            return failure(code.error());
        std::fprintf(stderr, "Enrollment code for site %s, valid %lld days, usable once:\n", site->c_str(),
            static_cast<long long>(hub.settings().enrollment_code_lifetime / 86400));
        std::printf("%s\n", code.value().c_str());
        return 0;
    }
    if (command == "mediator")
        return mediator_command(arguments, store);
    if (command == "agent")
        return agent_command(arguments, store);
    if (command == "open-data" && words.size() == 1) {
        auto out = arguments.option("out");
        if (!out)
            return usage_error("open-data needs --out DIR");
        auto days = std::atoi(arguments.option("days").value_or("7").c_str());
        if (days < 1 || days > 366)
            return usage_error("--days is 1 to 366");
        // The days that are over, newest first: yesterday, the day before...
        auto now = protocol::unix_now();
        auto day = today(now);
        for (int back = 0; back < days; ++back) {
            day = arguments.option("day").value_or(day_before(day));
            auto written = write_open_data(store, *out, day, now);
            if (!written.ok())
                return failure(written.error());
            for (auto const& path : written.value())
                std::printf("%s\n", path.c_str());
            if (arguments.option("day"))
                break;
        }
        return 0;
    }
    if (command == "audit") {
        AuditFilter filter;
        filter.help_id = arguments.option("help-id");
        filter.kiosk_id = arguments.option("kiosk");
        for (;;) {
            auto lines = store.audit(filter);
            if (!lines.ok())
                return failure(lines.error());
            for (auto const& line : lines.value()) {
                Json row { { "id", line.id }, { "at", line.at }, { "time", utc_text(line.at) },
                    { "help_id", line.help_id }, { "kiosk_id", line.kiosk_id }, { "mediator", line.mediator_login },
                    { "action", line.action }, { "detail", Json::parse(line.detail, nullptr, false) } };
                std::printf("%s\n", row.dump().c_str());
                filter.after_id = line.id;
            }
            if (lines.value().size() < filter.limit)
                return 0;
        }
    }
    if (command == "kiosks")
        return print_kiosks(context, arguments.flags.contains("json"));
    if (command == "revoke" && words.size() == 2) {
        auto revoked = store.revoke(words[1], protocol::unix_now());
        if (!revoked.ok())
            return failure(revoked.error());
        std::printf("kiosk %s revoked\n", words[1].c_str());
        return 0;
    }
    if (command == "catalogue" && words.size() == 3 && words[1] == "publish") {
        auto version = hub.publish_catalogue(words[2]);
        if (!version.ok()) {
            std::fprintf(stderr, "kiosk-hub: the catalogue was not published:\n%s\n", version.error().detail.c_str());
            return 1;
        }
        std::printf("catalogue version %lld published\n", static_cast<long long>(version.value()));
        return 0;
    }
    if (command == "dossiers") {
        DossierFilter filter;
        filter.site_id = arguments.option("site");
        if (auto state = arguments.option("state")) {
            filter.state = protocol::request_state_from_wire(*state);
            if (!filter.state)
                return usage_error("unknown state " + *state);
        }
        Json list = Json::array();
        for (;;) {
            auto page = store.dossiers(filter);
            if (!page.ok())
                return failure(page.error());
            for (auto const& record : page.value()) {
                if (arguments.flags.contains("json"))
                    list.push_back({ { "id", record.id }, { "kiosk_id", record.kiosk_id },
                        { "site_id", record.site_id }, { "tracking_code", record.tracking_code },
                        { "demarche_id", record.demarche_id }, { "confirmed_at", record.confirmed_at },
                        { "received_at", record.received_at }, { "state", protocol::to_wire(record.state) } });
                else
                    std::printf("%lld  %s  %s  %s  %s  %s\n", static_cast<long long>(record.id),
                        record.tracking_code.c_str(), record.demarche_id.c_str(), record.kiosk_id.c_str(),
                        iso_time(record.received_at).c_str(), std::string(protocol::to_wire(record.state)).c_str());
            }
            if (page.value().size() < filter.limit)
                break;
            filter.after_id = page.value().back().id;
        }
        if (arguments.flags.contains("json"))
            std::printf("%s\n", list.dump(2).c_str());
        return 0;
    }
    if (command == "dossier" && words.size() == 2) {
        auto record = store.dossier(std::atoll(words[1].c_str()));
        if (!record.ok())
            return failure(record.error());
        if (!record.value())
            return failure(Error::make("hub.unknown_dossier", "no dossier " + words[1]));
        auto opened = hub.open_dossier(*record.value());
        if (!opened.ok())
            return failure(opened.error());
        auto json = Json::parse(opened.value(), nullptr, false);
        std::printf("%s\n", json.is_discarded() ? opened.value().c_str() : json.dump(2).c_str());
        return 0;
    }
    if (command == "set-state" && words.size() == 3) {
        auto state = protocol::request_state_from_wire(words[2]);
        if (!state || *state == RequestState::WaitingToLeave)
            return usage_error("unknown state " + words[2]);
        auto set = store.set_state(std::atoll(words[1].c_str()), *state, protocol::unix_now());
        if (!set.ok())
            return failure(set.error());
        std::printf("dossier %s: %s\n", words[1].c_str(), words[2].c_str());
        return 0;
    }
    if (command == "export") {
        std::FILE* out = stdout;
        if (auto path = arguments.option("out")) {
            out = std::fopen(path->c_str(), "a");
            if (!out)
                return failure(Error::make("io.write", *path + ": cannot be opened"));
        }
        auto exported = hub.export_dossiers([out](std::string const& lines) -> Result<void> {
            // On disk before the dossiers are marked exported.
            if (std::fwrite(lines.data(), 1, lines.size(), out) != lines.size() || std::fflush(out) != 0
                || (out != stdout && ::fsync(fileno(out)) != 0))
                return Error::make("io.write", "the export could not be written");
            return {};
        });
        if (out != stdout)
            std::fclose(out);
        if (!exported.ok())
            return failure(exported.error());
        std::fprintf(stderr, "%zu dossier(s) exported\n", exported.value());
        return 0;
    }
    return usage_error("unknown command or wrong arguments: " + command);
}

}

int main(int argc, char** argv)
{
    auto parsed = parse(argc, argv, { "json", "test-faults", "help", "password-stdin", "pin-stdin", "technician" });
    if (!parsed.ok())
        return usage_error(parsed.error().detail);
    auto const& arguments = parsed.value();
    if (arguments.flags.contains("help") || arguments.positional.empty() || arguments.positional[0] == "help") {
        std::fputs(usage_text, arguments.positional.empty() && !arguments.flags.contains("help") ? stderr : stdout);
        return arguments.flags.contains("help") ? 0 : 2;
    }
    if (auto initialised = crypto::initialise(); !initialised.ok())
        return failure(initialised.error());
    auto const& command = arguments.positional[0];
    if (command == "serve")
        return serve(arguments);
    if (command == "dev-ca") {
        auto out = arguments.option("out");
        if (!out)
            return usage_error("dev-ca needs --out DIR");
        std::vector<std::string> names;
        if (auto found = arguments.options.find("name"); found != arguments.options.end())
            names = found->second;
        auto files = create_dev_ca(*out, names);
        if (!files.ok())
            return failure(files.error());
        std::printf("%s\n", files.value().ca_certificate.c_str());
        return 0;
    }
    return admin_command(arguments);
}
