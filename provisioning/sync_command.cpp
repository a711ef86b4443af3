// `kioskctl enroll` and `kioskctl sync status|push`: joining a kiosk to its
// hub, seeing whether its dossiers leave, and sending them now.
//
// Enrollment: the kiosk draws its own Ed25519 key pair, proves it holds the
// secret key by signing the one-time code, and sends the public key only.
// The hub answers with the kiosk's id, its site and the hub's public keys,
// which go, with the secret key, into DATA/identity.json (0600). The CA
// given with --ca is copied beside it, so that the kiosk keeps trusting the
// hub's certificate whatever happens to the file it came from.
#include "commands.hpp"

#include "sync/enrollment.hpp"
#include "sync/hub_client.hpp"
#include "sync/identity.hpp"
#include "sync/private_file.hpp"
#include "sync/protocol.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/uplink.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>

namespace guichet::kioskctl {

namespace {

constexpr char const* sync_usage = R"(Usage:
  kioskctl enroll --hub URL --code CODE [--ca FILE] [--data DIR] [--json]
  kioskctl sync status [--data DIR] [--json]
  kioskctl sync push [--data DIR] [--timeout SECONDS] [--json]

  enroll       Enrolls this kiosk with its hub: draws the kiosk's key pair,
               sends the public key with the one-time CODE given by the hub's
               administrator (kiosk-hub enroll-code), and writes the kiosk's
               identity to DIR/identity.json. Refuses if the kiosk is already
               enrolled. Exit status 0 when enrolled, 1 when not.
  sync status  The kiosk's identity, its outbox (dossiers waiting to leave),
               the last acknowledged sync, and whether the hub answers now.
               Exit status 0 when the hub answers and accepts the kiosk.
  sync push    Sends the dossiers waiting in the outbox now, then the
               anonymous usage events, and waits until the hub has
               acknowledged all of them (at most --timeout seconds, 60 by
               default). Safe while the kiosk runs: each dossier and event
               carries its own key. Exit status 0 when the outbox is empty,
               1 when dossiers are left (usage events left are said, not
               counted as a failure: a hub may not take them).

Options:
  --hub URL    The hub, https://HOST[:PORT].
  --code CODE  The enrollment code ("K7QP-3HXM-WN4R"; case and spaces ignored).
  --ca FILE    The CA certificate that signed the hub's (PEM); without it,
               the system's CAs.
  --data DIR   The kiosk's data folder (default /var/lib/guichet when it
               exists, var/data otherwise).
  --timeout SECONDS  How long sync push waits for the hub (1 to 3600).
  --json       One JSON object on stdout.
)";

int usage(std::string const& message)
{
    std::fprintf(stderr, "kioskctl: %s\n\n%s", message.c_str(), sync_usage);
    return 2;
}

struct Options {
    std::string hub;
    std::string code;
    std::filesystem::path ca;
    std::filesystem::path data { default_data_dir() };
    int timeout_seconds { 60 };
    bool json { false };
};

std::optional<Options> parse(std::vector<std::string_view> const& arguments, int& status)
{
    Options options;
    auto missing = [&status](std::string_view option) -> std::optional<Options> {
        status = usage(std::string(option) + " needs a value");
        return std::nullopt;
    };
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        auto value = [&](std::string& target) {
            if (i + 1 >= arguments.size())
                return false;
            target = std::string(arguments[++i]);
            return true;
        };
        std::string text;
        if (argument == "--help" || argument == "-h") {
            std::fputs(sync_usage, stdout);
            status = 0;
            return std::nullopt;
        } else if (argument == "--json") {
            options.json = true;
        } else if (argument == "--hub") {
            if (!value(options.hub))
                return missing(argument);
        } else if (argument == "--code") {
            if (!value(options.code))
                return missing(argument);
        } else if (argument == "--ca") {
            if (!value(text))
                return missing(argument);
            options.ca = text;
        } else if (argument == "--data") {
            if (!value(text))
                return missing(argument);
            options.data = text;
        } else if (argument == "--timeout") {
            if (!value(text))
                return missing(argument);
            char* end = nullptr;
            auto seconds = std::strtol(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0' || seconds < 1 || seconds > 3600) {
                status = usage("--timeout takes 1 to 3600 seconds");
                return std::nullopt;
            }
            options.timeout_seconds = static_cast<int>(seconds);
        } else {
            status = usage("unknown option " + std::string(argument));
            return std::nullopt;
        }
    }
    return options;
}

int enroll(Options const& options)
{
    if (options.hub.empty() || options.code.empty())
        return usage("enroll needs --hub URL and --code CODE");
    if (!options.hub.starts_with("https://"))
        return usage("--hub must be an https:// address");
    auto identity_path = options.data / identity_file_name;
    std::error_code error;
    if (std::filesystem::exists(identity_path, error)) {
        auto existing = load_identity(identity_path);
        std::fprintf(stderr,
            "Cette borne est déjà enrôlée%s (%s). Pour l'enrôler à nouveau : kioskctl factory-reset, puis "
            "kioskctl enroll.\n",
            existing.ok() ? (" (borne " + existing.value().kiosk_id + ")").c_str() : "", identity_path.c_str());
        return 1;
    }
    // Read before kioskctl becomes the kiosk's user, who may not read it.
    std::optional<std::string> ca_text;
    if (!options.ca.empty()) {
        auto read = read_private_file(options.ca);
        if (!read.ok()) {
            std::fprintf(stderr, "Le fichier %s n'existe pas ou ne peut pas être lu.\n", options.ca.c_str());
            return 1;
        }
        ca_text = read.release_value();
    }
    if (auto acting = act_as_owner_of(options.data); !acting) {
        std::fprintf(stderr, "kioskctl: %s\n", acting.error().detail.c_str());
        return 1;
    }
    auto enrolled = enroll_into(options.data, options.hub, ca_text.value_or(""), options.code, GUICHET_VERSION);
    if (!enrolled.ok()) {
        auto const& failure = enrolled.error().code;
        if (options.json)
            std::printf("%s\n", nlohmann::json { { "enrolled", false }, { "error", failure } }.dump().c_str());
        std::fprintf(stderr, "%s\n", enrollment_failure(failure).c_str());
        return 1;
    }
    auto const& identity = enrolled.value();
    if (options.json) {
        std::printf("%s\n",
            nlohmann::json { { "enrolled", true }, { "kiosk_id", identity.kiosk_id },
                { "site", { { "id", identity.site_id }, { "name", identity.site_name } } } }
                .dump()
                .c_str());
    } else {
        std::printf("Borne enrôlée : %s, site « %s » (%s).\nIdentité écrite dans %s.\n", identity.kiosk_id.c_str(),
            identity.site_name.c_str(), identity.site_id.c_str(), identity_path.c_str());
    }
    return 0;
}

int status(Options const& options)
{
    auto identity = load_identity(options.data / identity_file_name);
    if (!identity.ok()) {
        if (options.json)
            std::printf(
                "%s\n", nlohmann::json { { "enrolled", false }, { "error", identity.error().code } }.dump().c_str());
        else
            std::printf("%s\n",
                identity.error().code == "identity.missing"
                    ? "Cette borne n'est pas enrôlée : kioskctl enroll --hub URL --code CODE."
                    : ("L'identité de la borne est illisible : " + identity.error().detail).c_str());
        return 1;
    }
    auto const& id = identity.value();
    std::optional<std::size_t> depth;
    std::int64_t last_sync = 0;
    if (auto store = SqliteStore::open(options.data / "kiosk.db", id.hub_box_public_key)) {
        if (auto counted = store.value()->outbox_depth())
            depth = counted.value();
        if (auto last = store.value()->last_sync_at())
            last_sync = last.value();
    }
    auto const hub = check_hub(id, std::chrono::milliseconds(10000));
    std::string const hub_state = hub.accepted ? "ok" : hub.error;
    bool const hub_ok = hub.accepted;
    if (options.json) {
        nlohmann::json out {
            { "enrolled", true },
            { "kiosk_id", id.kiosk_id },
            { "site", { { "id", id.site_id }, { "name", id.site_name } } },
            { "hub_url", id.hub_url },
            { "outbox_depth", depth ? nlohmann::json(*depth) : nlohmann::json(nullptr) },
            { "last_sync_at", last_sync },
            { "hub", hub_state },
            { "clock_offset_s", hub.clock_offset },
        };
        std::printf("%s\n", out.dump().c_str());
    } else {
        std::printf("Borne %s, site « %s » (%s)\nHub : %s\n", id.kiosk_id.c_str(), id.site_name.c_str(),
            id.site_id.c_str(), id.hub_url.c_str());
        std::printf("Dossiers en attente d'envoi : %s\n", depth ? std::to_string(*depth).c_str() : "illisible");
        std::printf("Dernier envoi accepté : %s\n", provisioning::format_local_time(last_sync).c_str());
        if (hub_ok)
            std::printf("Le hub répond et accepte la borne.\n");
        else if (hub_state == "auth.revoked")
            std::printf("Le hub refuse la borne : elle a été révoquée.\n");
        else
            std::printf("Le hub ne répond pas ou refuse la borne (%s).\n", hub_state.c_str());
        if (hub.clock_offset > 60 || hub.clock_offset < -60)
            std::printf("L'horloge de la borne diffère de celle du hub de %lld s : vérifiez la date et NTP.\n",
                static_cast<long long>(hub.clock_offset));
    }
    return hub_ok ? 0 : 1;
}

}

int enroll_command(std::vector<std::string_view> const& arguments)
{
    int status_code = 2;
    auto options = parse(arguments, status_code);
    if (!options)
        return status_code;
    return enroll(*options);
}

// Sends the outbox now through the kiosk's own uplink (the same pushes,
// keys and backoff), and waits for it to empty.
int push(Options const& options)
{
    auto identity = load_identity(options.data / identity_file_name);
    if (!identity.ok()) {
        if (options.json)
            std::printf(
                "%s\n", nlohmann::json { { "pushed", false }, { "error", identity.error().code } }.dump().c_str());
        else
            std::printf("%s\n", "Cette borne n'est pas enrôlée, ou son identité est illisible : rien à envoyer.");
        return 1;
    }
    auto store = SqliteStore::open(options.data / "kiosk.db", identity.value().hub_box_public_key);
    if (!store.ok()) {
        std::fprintf(stderr, "kioskctl: the outbox does not open: %s\n", store.error().code.c_str());
        return 1;
    }
    auto depth = [&store]() -> std::optional<std::size_t> {
        auto counted = store.value()->outbox_depth();
        return counted.ok() ? std::optional(counted.value()) : std::nullopt;
    };
    auto usage_depth = [&store]() -> std::optional<std::size_t> {
        auto counted = store.value()->usage_depth();
        return counted.ok() ? std::optional(counted.value()) : std::nullopt;
    };
    auto const before = depth();
    auto const usage_before = usage_depth();
    UplinkSettings settings;
    settings.store_path = options.data / "kiosk.db";
    settings.heartbeats = false;
    settings.software_version = GUICHET_VERSION;
    std::string last_error;
    std::optional<std::size_t> left = before;
    std::optional<std::size_t> usage_left = usage_before;
    {
        std::mutex mutex;
        UplinkState seen;
        Uplink uplink(identity.value(), settings,
            Uplink::Callbacks { [&](UplinkState const& state) {
                                   std::lock_guard lock(mutex);
                                   seen = state;
                               },
                {}, {}, {}, {} });
        auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
        // The uplink sends the dossiers first, then the usage events. Those
        // are waited for while they go: a hub that does not take them (an
        // older one) must not hold the technician until the timeout.
        auto moved = std::chrono::steady_clock::now(); // the last time either count changed
        while (std::chrono::steady_clock::now() < deadline) {
            auto left_now = depth();
            auto usage_now = usage_depth();
            if (usage_now != usage_left || left_now != left)
                moved = std::chrono::steady_clock::now();
            left = left_now;
            usage_left = usage_now;
            {
                std::lock_guard lock(mutex);
                last_error = seen.last_error;
                if (seen.refused)
                    break;
            }
            if (left && *left == 0
                && ((usage_left && *usage_left == 0)
                    || std::chrono::steady_clock::now() - moved > std::chrono::seconds(5)))
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    auto json_count
        = [](std::optional<std::size_t> count) { return count ? nlohmann::json(*count) : nlohmann::json(nullptr); };
    bool const done = left && *left == 0;
    if (options.json) {
        std::printf("%s\n",
            nlohmann::json { { "pushed", done }, { "before", json_count(before) }, { "left", json_count(left) },
                { "usage_before", json_count(usage_before) }, { "usage_left", json_count(usage_left) },
                { "error", last_error } }
                .dump()
                .c_str());
    } else if (done) {
        std::printf("Tous les dossiers sont partis (%zu envoyé(s)).\n", before.value_or(0));
        if (usage_left && *usage_left > 0)
            std::printf("%zu événement(s) d'usage restent à envoyer : la borne les enverra plus tard.\n", *usage_left);
    } else {
        std::printf("%s dossier(s) restent à envoyer (%s).\n", left ? std::to_string(*left).c_str() : "?",
            last_error.empty() ? "le hub n'a pas répondu à temps" : last_error.c_str());
    }
    return done ? 0 : 1;
}

int sync_command(std::vector<std::string_view> const& arguments)
{
    if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h") {
        std::fputs(sync_usage, arguments.empty() ? stderr : stdout);
        return arguments.empty() ? 2 : 0;
    }
    if (arguments[0] != "status" && arguments[0] != "push")
        return usage("unknown sync sub-command " + std::string(arguments[0]));
    int status_code = 2;
    auto options = parse({ arguments.begin() + 1, arguments.end() }, status_code);
    if (!options)
        return status_code;
    if (auto acting = act_as_owner_of(options->data); !acting) {
        std::fprintf(stderr, "kioskctl: %s\n", acting.error().detail.c_str());
        return 1;
    }
    return arguments[0] == "push" ? push(*options) : status(*options);
}

}
