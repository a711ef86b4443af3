// Benchmarks of the hub, printed as figures next to the aims and
// never asserted on speed:
//
//   1. ingest: simulated kiosks, each on a thread of its own with its own
//      HubClient (one keep-alive connection), push signed POST /v1/dossiers
//      carrying a dossier of about 1 KB of JSON sealed to the hub's key,
//      each with its own idempotency key and tracking code. First as fast
//      as the hub answers (each kiosk pushes its next dossier when the last
//      is answered) with 200 kiosks, then 50, 10 and 1 for the curve; then
//      200 kiosks offering a steady 500 dossiers/s, for the latency of a
//      hub that is not saturated. Printed: dossiers per second (the hub
//      answers once the dossier's batch is committed: durable), p50/p99 of
//      a push, the hub process's CPU and which of its threads used it, and
//      the kiosks' CPU. Aim with SQLite and 200 kiosks: >= 5,000/s, p99 <
//      20 ms. At the end the hub must hold exactly the dossiers pushed: that
//      is correctness, not speed, so a FAIL line and exit status 1 if not.
//   2. drain after an outage: the kiosk's own outbox (SqliteStore) filled
//      with 1,000 dossiers sealed to the hub's key, then the kiosk's Uplink
//      started with an identity enrolled over HTTPS (enroll_with_hub): time
//      until the outbox is empty. Aim < 20 s.
//   3. heartbeats: 10,000 kiosks enrolled, each sending its signed heartbeat
//      once a minute, spread evenly: the hub process's CPU in % of one core
//      over the window. Two windows:
//      (a) kept connections, as the uplink sends them, where the aim < 10 %
//      applies: each kiosk keeps one HubClient, whose libcurl handle keeps
//      its connection, and the hub keeps it open for a heartbeat period and
//      15 s, so that a heartbeat is one request on an open TLS connection.
//      Before the window, and not measured, each kiosk of the window sends
//      one heartbeat to open it. The hub's memory with those connections
//      open is printed. That the hub also resumes TLS sessions (what a kiosk
//      whose connection dropped gets) is checked with OpenSSL directly,
//      since HubClient does not tell; a FAIL line if not.
//      (b) full handshake: each heartbeat from a new HubClient, what a
//      kiosk costs the hub right after it restarts.
//
// The hub is the real kiosk-hub, in a process of its own (hub_process.hpp),
// so that its CPU is read apart from the kiosks'; SQLite store, and
// PostgreSQL as well when tests/lib/pg-stack.sh can start a private server.
// The simulated kiosks run in this process on the same cores: 200 threads
// signing (Ed25519) and talking TLS take a large share of a 2-core machine
// away from the hub, which the figures show (the kiosks' CPU is printed).
//
//   hub_bench KIOSK_HUB SOURCE_DIR [--kiosks 200,50,10,1] [--dossiers 20000]
//       [--paced-rate 500] [--paced-seconds 10] [--heartbeat-seconds 60]
//       [--heartbeat-kiosks 10000] [--only ingest,drain,heartbeat]
//       [--no-postgresql] [--work DIR]
//
// --dossiers is per closed-loop run (at most 200 a kiosk); --paced-rate 0
// skips the steady run; --heartbeat-seconds shortens each heartbeat window
// and scales the number of heartbeats with it (10,000 a minute, each kiosk
// once a minute): `make bench` runs 20 s. --work keeps the hubs' folders
// and logs there.
#include "kiosk/core/dossier.hpp"
#include "kiosk/core/log.hpp"
#include "kiosk/core/tracking_code.hpp"
#include "sync/crypto.hpp"
#include "sync/enrollment.hpp"
#include "sync/hub/hub.hpp"
#include "sync/hub/hub_keys.hpp"
#include "sync/hub_client.hpp"
#include "sync/protocol.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/uplink.hpp"
#include "tests/bench/hub_process.hpp"
#include "tests/bench/load_generator.hpp"
#include "tests/lib/stack_env.hpp"

#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <unistd.h>

using namespace guichet;
using guichet::bench::HubProcess;
using guichet::testing::env_value;
using guichet::testing::quoted;
using guichet::testing::read_text;

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char const* site_id = "bench";

// [SECTION] Options and small helpers

struct Options {
    fs::path hub_binary;
    fs::path source;
    std::vector<std::size_t> kiosks { 200, 50, 10, 1 };
    std::size_t dossiers { 20000 }; // per closed-loop ingest run, at most 200 a kiosk
    std::size_t drain_count { 1000 };
    // The steady load after the closed-loop runs: dossiers/s offered by the
    // most kiosks together, for this long. 0: no such run.
    double paced_rate { 500 };
    int paced_seconds { 10 };
    int heartbeat_seconds { 60 };
    std::size_t heartbeat_kiosks { 10000 };
    std::set<std::string> parts { "ingest", "drain", "heartbeat" };
    bool postgresql { true };
    fs::path work;
};

std::vector<std::string> split(std::string const& text, char separator)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string::npos)
            return parts;
        start = end + 1;
    }
}

double seconds_of(Clock::duration duration)
{
    return std::chrono::duration<double>(duration).count();
}

double millis(Clock::duration duration)
{
    return std::chrono::duration<double, std::milli>(duration).count();
}

using protocol::unix_now;

// Nearest rank, as spread.hpp, for any fraction (0.5, 0.99, 1).
double percentile(std::vector<double> const& sorted, double fraction)
{
    if (sorted.empty())
        return 0;
    auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// This process's CPU seconds: the simulated kiosks'.
double own_cpu_seconds()
{
    rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](timeval const& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Runs body(i) for i in [0, count) on `threads` threads.
void parallel_for(std::size_t count, std::size_t threads, std::function<void(std::size_t)> const& body)
{
    std::atomic<std::size_t> next { 0 };
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (auto i = next++; i < count; i = next++)
                body(i);
        });
    for (auto& thread : pool)
        thread.join();
}

// A resident's request for a birth certificate: about 1 KB of JSON once
// the kiosk adds the tracking code (Dossier::to_json), the size the issue
// asks for.
Dossier sample_dossier(std::uint64_t serial)
{
    Dossier dossier;
    dossier.demarche_id = "acte-naissance";
    dossier.demarche_version = "4";
    dossier.confirmed_at = unix_now();
    dossier.answers = {
        { "numero", std::to_string(serial) },
        { "civilite", "Madame" },
        { "nom", "Lefèvre-Martin" },
        { "prenoms", "Camille Jeanne Marie" },
        { "date_naissance", "1987-03-14" },
        { "lieu_naissance", "Châlons-en-Champagne (51)" },
        { "nom_pere", "Lefèvre Jean-Pierre" },
        { "nom_mere", "Martin Sylvie" },
        { "adresse", "12 rue de l'Église, appartement 4B" },
        { "code_postal", "51000" },
        { "commune", "Châlons-en-Champagne" },
        { "telephone", "06 12 34 56 78" },
        { "courriel", "camille.lefevre-martin@example.fr" },
        { "type_acte", "copie_integrale" },
        { "nombre_exemplaires", "2" },
        { "mode_envoi", "courrier" },
        { "motif",
            "Dossier de demande de passeport pour un voyage prévu en juin. La mairie de naissance ne propose pas "
            "la demande en ligne et je ne peux pas me déplacer aux heures d'ouverture ; merci d'envoyer les deux "
            "copies à l'adresse ci-dessus. Mon nom d'usage est Lefèvre-Martin depuis mon mariage en 2015, le nom "
            "de naissance est Lefèvre." },
        { "consentement", "oui" },
    };
    return dossier;
}

// How busy the machine's cores are over one second, in % of all of them,
// from /proc/stat: other work on these cores takes them from the hub and
// the kiosks, and the figures with them.
double cores_busy_percent()
{
    auto sample = [] {
        auto text = read_text("/proc/stat");
        auto fields = split(text.substr(0, text.find('\n')), ' ');
        // "cpu  user nice system idle iowait irq softirq steal ..."
        double total = 0, idle = 0;
        std::size_t column = 0;
        for (auto const& field : fields) {
            if (field.empty() || field == "cpu")
                continue;
            auto value = std::strtod(field.c_str(), nullptr);
            total += value;
            if (column == 3 || column == 4)
                idle += value;
            ++column;
        }
        return std::pair { total, idle };
    };
    auto [total_before, idle_before] = sample();
    std::this_thread::sleep_for(1s);
    auto [total_after, idle_after] = sample();
    auto total = total_after - total_before;
    return total > 0 ? 100.0 * (1.0 - (idle_after - idle_before) / total) : 0.0;
}

// "ext4", "tmpfs", ...: durable commits mean nothing on tmpfs.
std::string filesystem_of(fs::path const& path)
{
    struct statfs info { };
    if (::statfs(path.c_str(), &info) != 0)
        return "?";
    switch (static_cast<unsigned long>(info.f_type)) {
    case 0xEF53:
        return "ext4";
    case 0x01021994:
        return "tmpfs (fsync is free: the durable figures are not meaningful)";
    case 0x58465342:
        return "xfs";
    case 0x9123683E:
        return "btrfs";
    case 0x794c7630:
        return "overlayfs";
    default:
        return "other";
    }
}

// [SECTION] Kiosks

// What a simulated kiosk needs to sign and to number its dossiers.
struct SimulatedKiosk {
    std::string id;
    crypto::SecretKey secret_key;
    crypto::Bytes hub_box_public_key;
    // Derived once, as HubClient::set_identity does.
    crypto::SecretKey request_key;
    std::uint64_t code_key { 0 };
    std::uint64_t next_serial { 0 };
};

// Enrollment codes made in the hub's store while the hub is stopped, as
// `kiosk-hub enroll-code` makes them.
Result<std::vector<std::string>> make_codes(HubProcess const& process, std::size_t count)
{
    auto keys = GUICHET_TRY(hub::load_hub_keys(process.data()));
    auto store = GUICHET_TRY(hub::open_hub_store(process.store_url()));
    hub::Hub hub(*store, keys, hub::HubSettings {}, unix_now);
    std::vector<std::string> codes(count);
    std::mutex failed_mutex;
    std::optional<Error> failed;
    // Several at once, so that the store's group commit takes them in
    // batches.
    parallel_for(count, 16, [&](std::size_t i) {
        auto code = hub.create_enrollment_code(site_id);
        if (code.ok()) {
            codes[i] = code.release_value();
            return;
        }
        std::lock_guard lock(failed_mutex);
        failed = code.release_error();
    });
    if (failed)
        return *failed;
    return codes;
}

// `count` kiosks enrolled over HTTPS, as `kioskctl enroll` does.
Result<std::vector<KioskIdentity>> enroll_over_https(HubProcess const& process, std::vector<std::string> const& codes)
{
    std::vector<std::optional<KioskIdentity>> identities(codes.size());
    std::mutex failed_mutex;
    std::optional<Error> failed;
    parallel_for(codes.size(), 8, [&](std::size_t i) {
        auto identity = enroll_with_hub(process.url(), process.ca_file(), codes[i], "bench");
        if (identity.ok()) {
            identities[i] = identity.release_value();
            return;
        }
        std::lock_guard lock(failed_mutex);
        failed = identity.release_error();
    });
    if (failed)
        return *failed;
    std::vector<KioskIdentity> enrolled;
    for (auto& identity : identities)
        enrolled.push_back(std::move(*identity));
    return enrolled;
}

// `count` kiosks enrolled in the hub's own code (Hub::enroll: the same
// checks as POST /v1/enroll, with real Ed25519 keys and proofs), while the
// hub is stopped: 10,000 enrollments over HTTPS would cost more time than
// the figure they prepare.
Result<std::vector<SimulatedKiosk>> enroll_in_process(HubProcess const& process, std::size_t count)
{
    auto keys = GUICHET_TRY(hub::load_hub_keys(process.data()));
    auto store = GUICHET_TRY(hub::open_hub_store(process.store_url()));
    hub::Hub hub(*store, keys, hub::HubSettings {}, unix_now);
    std::vector<SimulatedKiosk> kiosks(count);
    std::mutex failed_mutex;
    std::optional<Error> failed;
    parallel_for(count, 32, [&](std::size_t i) {
        auto enrolled = [&]() -> Result<void> {
            auto code = protocol::normalise_code(GUICHET_TRY(hub.create_enrollment_code(site_id)));
            auto pair = crypto::generate_signing_keys();
            auto public_key = crypto::to_base64(pair.public_key);
            Json request {
                { "code", code },
                { "public_key", public_key },
                { "proof",
                    crypto::to_base64(crypto::sign(protocol::enrollment_proof(code, public_key), pair.secret_key)) },
            };
            auto answer = GUICHET_TRY(hub.enroll(request));
            kiosks[i].id = answer["kiosk_id"].get<std::string>();
            kiosks[i].request_key = GUICHET_TRY(crypto::request_key_for_kiosk(pair.secret_key, keys.box.public_key));
            kiosks[i].secret_key = std::move(pair.secret_key);
            kiosks[i].hub_box_public_key = keys.box.public_key;
            return {};
        }();
        if (!enrolled.ok()) {
            std::lock_guard lock(failed_mutex);
            failed = enrolled.release_error();
        }
    });
    if (failed)
        return *failed;
    return kiosks;
}

// [SECTION] Reporting

std::string with_thousands(double value)
{
    auto text = std::to_string(static_cast<long long>(std::llround(value)));
    for (int at = static_cast<int>(text.size()) - 3; at > 0; at -= 3)
        text.insert(static_cast<std::size_t>(at), ",");
    return text;
}

// "hub CPU 14.70 s over 11.77 s = 124.9 % of one core, 735 µs a dossier",
// then which of its threads used it.
void print_hub_cpu(
    bench::HubCpuSplit const& split, double wall, char const* per_what, std::size_t count, char const* aim = "")
{
    auto share = [&](double part) { return split.threads_total > 0 ? 100.0 * part / split.threads_total : 0.0; };
    std::printf("  hub CPU %.2f s over %.2f s = %.1f %% of one core", split.total, wall, 100.0 * split.total / wall);
    if (count > 0)
        std::printf(", %.0f µs a %s", 1e6 * split.total / static_cast<double>(count), per_what);
    std::printf("%s\n", aim);
    if (split.known)
        std::printf("    of which: %zu I/O thread(s) (TLS, HTTP, checks) %.0f %%, group-commit writer %.0f %%, "
                    "workers %.0f %% (%zu ran), other %.0f %%\n",
            split.io_threads, share(split.io), share(split.writer), share(split.workers), split.workers_used,
            share(std::max(0.0, split.threads_total - split.io - split.writer - split.workers)));
}

// [SECTION] PostgreSQL

// A private server from tests/lib/pg-stack.sh for the run; stopped at the
// end. url() is empty when it did not start.
class PgStack {
public:
    PgStack(fs::path const& source, fs::path dir)
        : m_script((source / "tests/lib/pg-stack.sh").string())
        , m_dir(std::move(dir))
    {
        // A server and data left by an earlier run (--work) would add their
        // dossiers to ours.
        (void)std::system((m_script + " stop " + quoted(m_dir.string()) + " >/dev/null 2>&1").c_str());
        std::error_code ignored;
        fs::remove_all(m_dir, ignored);
        auto start = m_script + " start " + quoted(m_dir.string()) + " >" + quoted(m_dir.string() + ".log") + " 2>&1";
        if (std::system(start.c_str()) == 0)
            m_url = env_value(read_text(m_dir / "env"), "PG_STACK_URL");
    }
    ~PgStack()
    {
        auto stop = m_script + " stop " + quoted(m_dir.string()) + " >>" + quoted(m_dir.string() + ".log") + " 2>&1";
        (void)std::system(stop.c_str());
    }
    PgStack(PgStack const&) = delete;
    PgStack& operator=(PgStack const&) = delete;

    std::string const& url() const { return m_url; }
    std::string log() const { return m_dir.string() + ".log"; }
    // The server's processes' CPU seconds (the postmaster and its backends),
    // which the hub's own figure leaves out.
    double cpu_seconds() const
    {
        std::ifstream in(m_dir / "pgdata" / "postmaster.pid");
        pid_t postmaster = 0;
        in >> postmaster;
        return postmaster > 0 ? bench::process_tree_cpu_seconds(postmaster) : 0;
    }

private:
    std::string m_script;
    fs::path m_dir;
    std::string m_url;
};

// The database server's CPU seconds so far, when it runs apart from the hub
// (PostgreSQL); empty for SQLite, which runs inside the hub.
using DatabaseCpu = std::function<double()>;

void print_database_cpu(DatabaseCpu const& database_cpu, double before, double wall, std::size_t count)
{
    if (!database_cpu)
        return;
    auto used = database_cpu() - before;
    std::printf("  PostgreSQL's processes CPU %.2f s = %.1f %% of one core, %.0f µs a dossier\n", used,
        100.0 * used / wall, 1e6 * used / static_cast<double>(count));
}

// [SECTION] 1. Ingest

struct IngestTotals {
    std::size_t pushed { 0 }; // distinct dossiers the kiosks were told are stored
    std::size_t unsent { 0 }; // given up after retries
};

// A body for POST /v1/dossiers, as the uplink builds it from an outbox
// entry: sealed when the resident confirmed, before any push.
std::string push_body(SimulatedKiosk& kiosk, std::span<std::uint8_t const> hub_box_key)
{
    auto serial = kiosk.next_serial++;
    auto code = TrackingCode::from_serial(serial, kiosk.code_key);
    auto dossier = sample_dossier(serial);
    auto sealed = crypto::seal(dossier.to_json(code.text()), hub_box_key);
    if (!sealed.ok())
        return {};
    return Json {
        { "idempotency_key", crypto::random_hex(16) },
        { "tracking_code", code.text() },
        { "demarche_id", dossier.demarche_id },
        { "confirmed_at", dossier.confirmed_at },
        { "sealed", crypto::to_base64(sealed.value()) },
    }
        .dump();
}

// One ingest run: `kiosk_count` kiosks push `per_kiosk` dossiers each, all
// starting together once every kiosk has its connection open. With
// `paced_rate` 0 each kiosk pushes its next dossier as soon as the last one
// is answered (a closed loop: the most the hub takes, and then latency is
// the number of kiosks divided by the rate, Little's law). Otherwise the
// kiosks together offer `paced_rate` dossiers a second, each on a fixed
// schedule, and a push's latency counts from when it was due, so that a
// slow answer also delays the pushes queued behind it.
void ingest_run(HubProcess& process, std::string const& store_name, std::vector<SimulatedKiosk>& kiosks,
    std::span<std::uint8_t const> hub_box_key, std::size_t kiosk_count, std::size_t per_kiosk, double paced_rate,
    DatabaseCpu const& database_cpu, IngestTotals& totals)
{
    std::vector<std::vector<std::string>> bodies(kiosk_count);
    parallel_for(kiosk_count, 2, [&](std::size_t k) {
        for (std::size_t i = 0; i < per_kiosk; ++i)
            bodies[k].push_back(push_body(kiosks[k], hub_box_key));
    });
    if (store_name == "sqlite" && kiosk_count == kiosks.size() && paced_rate == 0)
        std::printf("  (a dossier: %zu bytes of JSON sealed, pushed as a %zu-byte body)\n",
            sample_dossier(0).to_json("BCDFGHJK").size(), bodies[0][0].size());

    // Each kiosk's period, and its offset so that the pushes spread evenly.
    auto period = paced_rate > 0 ? std::chrono::duration<double>(static_cast<double>(kiosk_count) / paced_rate)
                                 : std::chrono::duration<double>(0);
    std::vector<bench::PushPlan> plans;
    for (std::size_t k = 0; k < kiosk_count; ++k) {
        plans.push_back(bench::PushPlan { kiosks[k].id, &kiosks[k].request_key, &bodies[k],
            period * (static_cast<double>(k) / static_cast<double>(kiosk_count)), period });
    }
    double idle_share = -1;
    std::optional<bench::CpuWindow> hub_cpu;
    double database_before = 0;
    double own_before = 0;
    Clock::time_point start;
    auto outcome = bench::push_dossiers("localhost", process.port(), process.ca_file(), std::move(plans), [&] {
        // What the open connections cost the hub while they wait for
        // requests: once, with the most kiosks, within the hub's 5 s
        // keep-alive.
        if (paced_rate == 0 && kiosk_count == kiosks.size()) {
            auto idle_before = process.cpu_seconds();
            std::this_thread::sleep_for(2s);
            idle_share = (process.cpu_seconds() - idle_before) / 2.0;
        }
        hub_cpu.emplace(process);
        database_before = database_cpu ? database_cpu() : 0.0;
        own_before = own_cpu_seconds();
        start = Clock::now();
    });
    auto wall = seconds_of(Clock::now() - start);
    auto split = hub_cpu->end();
    auto own = own_cpu_seconds() - own_before;
    std::size_t stored = outcome.stored, duplicates = outcome.duplicates, unsent = outcome.unsent,
                retries = outcome.retries;
    auto& errors = outcome.errors;

    auto& all = outcome.latencies;
    std::sort(all.begin(), all.end());
    auto count = kiosk_count * per_kiosk;
    auto rate = static_cast<double>(stored + duplicates) / wall;
    bool aimed = kiosk_count == 200 && store_name == "sqlite";
    if (paced_rate > 0)
        std::printf("ingest, %s, %zu kiosks offering a steady %s dossiers/s together (each every %.0f ms): %s "
                    "dossiers in %.2f s\n",
            store_name.c_str(), kiosk_count, with_thousands(paced_rate).c_str(), 1000.0 * period.count(),
            with_thousands(static_cast<double>(count)).c_str(), wall);
    else
        std::printf("ingest, %s, %zu kiosk(s) x %zu dossiers = %s, each kiosk pushing as soon as answered: %s "
                    "dossiers/s in %.2f s%s\n",
            store_name.c_str(), kiosk_count, per_kiosk, with_thousands(static_cast<double>(count)).c_str(),
            with_thousands(rate).c_str(), wall, aimed ? "   aim >= 5,000/s" : "");
    std::printf("  push latency%s p50 %.1f ms  p99 %.1f ms  max %.1f ms%s\n",
        paced_rate > 0 ? " (from when it was due)" : "", percentile(all, 0.5), percentile(all, 0.99),
        percentile(all, 1.0), aimed ? "   aim p99 < 20 ms" : "");
    print_hub_cpu(split, wall, "dossier", count);
    if (idle_share >= 0)
        std::printf("    (before the run, with the %zu connections open and idle for 2 s: %.1f %% of one core)\n",
            kiosk_count, 100.0 * idle_share);
    print_database_cpu(database_cpu, database_before, wall, count);
    std::printf("  kiosks (this process, same cores) CPU %.2f s = %.0f %% of one core, %.0f µs a dossier\n", own,
        100.0 * own / wall, 1e6 * own / static_cast<double>(count));
    if (retries > 0 || unsent > 0) {
        std::printf("  %zu retried push(es), %zu dossier(s) given up after 5 attempts; errors:", retries, unsent);
        for (auto const& [what, times] : errors)
            std::printf(" %s x%zu", what.c_str(), times);
        std::printf("\n");
    }
    totals.pushed += stored + duplicates;
    totals.unsent += unsent;
}

// [SECTION] 2. Drain after an outage

// Returns the number of dossiers the kiosk saw acknowledged (0 on failure).
std::size_t drain(HubProcess& process, std::string const& store_name, KioskIdentity identity, fs::path const& folder,
    std::size_t count, DatabaseCpu const& database_cpu)
{
    auto opened = SqliteStore::open(folder / "kiosk.db", identity.hub_box_public_key);
    if (!opened.ok()) {
        std::printf("drain, %s: the outbox did not open: %s\n", store_name.c_str(), opened.error().detail.c_str());
        return 0;
    }
    auto store = opened.release_value();
    auto fill_start = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
        auto saved = store->save(sample_dossier(i));
        if (!saved.ok()) {
            std::printf("drain, %s: a dossier was not saved: %s\n", store_name.c_str(), saved.error().code.c_str());
            return 0;
        }
    }
    auto filled = seconds_of(Clock::now() - fill_start);

    UplinkSettings settings;
    settings.store_path = folder / "kiosk.db";
    settings.catalogue_root = folder / "catalogue";
    settings.software_version = "bench";
    Uplink::Callbacks callbacks;
    callbacks.peripherals = [] { return PeripheralReport { "ready", "ready" }; };
    bench::CpuWindow hub_cpu(process);
    auto database_before = database_cpu ? database_cpu() : 0.0;
    auto start = Clock::now();
    std::size_t left = count;
    double wall = 0;
    {
        Uplink uplink(identity, settings, callbacks);
        auto until = start + 120s;
        while (Clock::now() < until) {
            auto depth = store->outbox_depth();
            if (depth.ok()) {
                left = depth.value();
                if (left == 0)
                    break;
            }
            std::this_thread::sleep_for(5ms);
        }
        wall = seconds_of(Clock::now() - start);
    }
    auto split = hub_cpu.end();
    if (left > 0) {
        std::printf(
            "drain, %s: %zu of %zu dossiers still in the outbox after %.0f s\n", store_name.c_str(), left, count, wall);
        return count - left;
    }
    std::printf("drain, %s: one kiosk's backlog of %zu dossiers sent in %.2f s = %.0f dossiers/s   aim < 20 s\n",
        store_name.c_str(), count, wall, static_cast<double>(count) / wall);
    std::printf("  (filling the outbox first took %.2f s: one save, sealed and fsynced, a dossier)\n", filled);
    print_hub_cpu(split, wall, "dossier", count);
    print_database_cpu(database_cpu, database_before, wall, count);
    return count;
}

// [SECTION] 1 and 2 against one hub

// Runs the ingest runs and the drain against a fresh hub on `store_url`
// (empty: SQLite), then counts what the hub holds. False on a correctness
// failure (or a hub that cannot run).
bool ingest_and_drain(Options const& options, std::string const& store_name, std::string const& store_url,
    DatabaseCpu const& database_cpu)
{
    HubProcess process(options.hub_binary, options.work / ("hub-" + store_name), store_url);
    std::string why;
    if (!process.prepare(site_id, "Site de mesure", why)) {
        std::printf("FAIL: %s: %s\n", store_name.c_str(), why.c_str());
        return false;
    }
    auto most = options.parts.contains("ingest") ? *std::max_element(options.kiosks.begin(), options.kiosks.end()) : 0;
    auto codes = make_codes(process, most + 1);
    if (!codes.ok()) {
        std::printf("FAIL: %s: enrollment codes: %s\n", store_name.c_str(), codes.error().detail.c_str());
        return false;
    }
    if (!process.start(256, why)) {
        std::printf("FAIL: %s: %s\n", store_name.c_str(), why.c_str());
        return false;
    }
    auto identities = enroll_over_https(process, codes.value());
    if (!identities.ok()) {
        std::printf("FAIL: %s: enrollment: %s\n", store_name.c_str(), identities.error().code.c_str());
        return false;
    }
    auto drain_identity = std::move(identities.value().back());
    identities.value().pop_back();
    auto hub_box_key = drain_identity.hub_box_public_key;
    std::vector<SimulatedKiosk> kiosks;
    std::mt19937_64 random(std::random_device {}());
    for (auto& identity : identities.value()) {
        auto request_key = crypto::request_key_for_kiosk(identity.keys.secret_key, identity.hub_box_public_key);
        if (!request_key.ok()) {
            std::printf("FAIL: %s: enrollment: %s\n", store_name.c_str(), request_key.error().code.c_str());
            return false;
        }
        kiosks.push_back(SimulatedKiosk { identity.kiosk_id, identity.keys.secret_key, identity.hub_box_public_key,
            request_key.release_value(), random() % TrackingCode::serial_space, 0 });
    }

    IngestTotals totals;
    if (options.parts.contains("ingest")) {
        for (auto kiosk_count : options.kiosks) {
            auto per_kiosk = std::clamp<std::size_t>(options.dossiers / kiosk_count, 1, 200);
            ingest_run(process, store_name, kiosks, hub_box_key, kiosk_count, per_kiosk, 0, database_cpu, totals);
            // The kiosks' connections were closed when their clients ended;
            // a moment for the hub's threads to let go of them.
            std::this_thread::sleep_for(500ms);
        }
        if (options.paced_rate > 0) {
            auto per_kiosk = std::max<std::size_t>(
                1, static_cast<std::size_t>(options.paced_rate * options.paced_seconds / static_cast<double>(most)));
            ingest_run(
                process, store_name, kiosks, hub_box_key, most, per_kiosk, options.paced_rate, database_cpu, totals);
        }
    }
    if (options.parts.contains("drain"))
        totals.pushed += drain(process, store_name, std::move(drain_identity), options.work / ("kiosk-" + store_name),
            options.drain_count, database_cpu);

    auto ended = process.stop();
    auto store = hub::open_hub_store(process.store_url());
    if (!store.ok()) {
        std::printf("FAIL: %s: the hub's store does not open after the run: %s\n", store_name.c_str(),
            store.error().detail.c_str());
        return false;
    }
    auto counts = store.value()->counts();
    auto held = counts.ok() ? static_cast<std::size_t>(counts.value().dossiers) : 0;
    if (!counts.ok() || held != totals.pushed || totals.unsent > 0) {
        std::printf("FAIL: %s: the hub holds %zu dossier(s), %zu were pushed and acknowledged, %zu given up\n",
            store_name.c_str(), held, totals.pushed, totals.unsent);
        return false;
    }
    std::printf("check, %s: the hub holds exactly the %s dossiers pushed (on SIGTERM it ended %s)\n",
        store_name.c_str(), with_thousands(static_cast<double>(held)).c_str(), ended.c_str());
    return true;
}

// [SECTION] 3. Heartbeats

// A process's resident memory (VmRSS), in MB; 0 if unknown.
double resident_megabytes(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:"))
            return std::atof(line.c_str() + 6) / 1024.0;
    }
    return 0;
}

// The port of the hub's URL ("https://localhost:8443"), 0 if it has none.
int port_of(std::string const& url)
{
    auto colon = url.rfind(':');
    return colon == std::string::npos ? 0 : std::atoi(url.c_str() + colon + 1);
}

using SslContext = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using SslSession = std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>;

// What one TLS connection to the hub, made with OpenSSL directly, came to.
struct TlsVisit {
    std::string failure; // empty: the handshake went through and the hub answered
    bool resumed { false };
    std::string version; // "TLSv1.3"
    SslSession session { nullptr, SSL_SESSION_free }; // to resume from on the next connection
};

std::string openssl_error()
{
    char text[256] = "no OpenSSL error";
    if (auto code = ERR_get_error())
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return text;
}

// One connection to the hub on loopback, resuming `resume` if given: the
// handshake, an unsigned GET /v1/slots and its answer (401) read to the end.
// In TLS 1.3 the hub sends its session tickets after the handshake, so the
// session worth resuming from is only known once the answer is read.
TlsVisit visit_over_tls(SSL_CTX* context, int port, SSL_SESSION* resume)
{
    TlsVisit visit;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        visit.failure = std::string("socket: ") + std::strerror(errno);
        return visit;
    }
    // A hub that stops answering fails the check instead of holding it.
    timeval timeout { 2, 0 };
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr const*>(&address), sizeof address) != 0) {
        visit.failure = std::string("connect: ") + std::strerror(errno);
        ::close(fd);
        return visit;
    }
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context), SSL_free);
    SSL_set_fd(ssl.get(), fd);
    // The name the hub's certificate is for, as the kiosks reach it.
    SSL_set_tlsext_host_name(ssl.get(), "localhost");
    SSL_set1_host(ssl.get(), "localhost");
    if (resume)
        SSL_set_session(ssl.get(), resume);
    if (SSL_connect(ssl.get()) != 1) {
        visit.failure = "handshake: " + openssl_error();
    } else {
        visit.resumed = SSL_session_reused(ssl.get()) == 1;
        visit.version = SSL_get_version(ssl.get());
        std::string request = "GET /v1/slots HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        std::string answer;
        if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) > 0) {
            char buffer[4096];
            for (int got; (got = SSL_read(ssl.get(), buffer, sizeof buffer)) > 0;)
                answer.append(buffer, static_cast<std::size_t>(got));
        }
        if (answer.rfind("HTTP/1.1 ", 0) != 0)
            visit.failure = "no HTTP answer to GET /v1/slots: " + openssl_error();
        visit.session.reset(SSL_get1_session(ssl.get()));
        // Closed without sending close_notify to a hub that has closed its
        // side already, yet as a clean shutdown: OpenSSL makes a session
        // that ended otherwise unresumable.
        SSL_set_quiet_shutdown(ssl.get(), 1);
        SSL_shutdown(ssl.get());
    }
    ssl.reset();
    ::close(fd);
    return visit;
}

// Whether the hub resumes a TLS session, asked of it with OpenSSL directly
// rather than through HubClient, which does not tell: two connections, the
// second resuming the session of the first. False, after a FAIL line, if
// not: a kiosk whose kept connection dropped would pay a full handshake.
bool check_tls_resumption(HubProcess const& process)
{
    // A hub that closes first must not end this process with SIGPIPE.
    struct sigaction ignore = {};
    struct sigaction before = {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &before);
    auto failure = [&]() -> std::string {
        SslContext context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
        if (!context)
            return "SSL_CTX_new: " + openssl_error();
        SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
        SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
        if (SSL_CTX_load_verify_locations(context.get(), process.ca_file().c_str(), nullptr) != 1)
            return "the CA file " + process.ca_file().string() + " does not load: " + openssl_error();
        auto port = port_of(process.url());
        auto first = visit_over_tls(context.get(), port, nullptr);
        if (!first.failure.empty())
            return "first connection: " + first.failure;
        if (!first.session || SSL_SESSION_is_resumable(first.session.get()) != 1)
            return "the hub gave no session to resume (" + first.version + ", no session ticket?)";
        auto second = visit_over_tls(context.get(), port, first.session.get());
        if (!second.failure.empty())
            return "second connection: " + second.failure;
        if (!second.resumed)
            return "SSL_session_reused() is 0 on the second connection (" + second.version
                + "): the hub made a full handshake";
        return {};
    }();
    ::sigaction(SIGPIPE, &before, nullptr);
    if (!failure.empty()) {
        std::printf(
            "FAIL: TLS resumption: the hub does not resume sessions (checked with OpenSSL): %s\n", failure.c_str());
        return false;
    }
    std::printf("TLS resumption: the hub resumes sessions (checked with OpenSSL)\n");
    return true;
}

// How the kiosks' TLS sessions start in a window of heartbeats.
enum class TlsHandshake {
    // Each kiosk keeps its HubClient, and its connection, from one
    // heartbeat to the next, as the uplink does.
    Kept,
    // Each heartbeat from a new HubClient: a kiosk just restarted.
    Full,
};

// A kiosk's HubClient, kept between its heartbeats. The lock stands for the
// uplink's one thread: a kiosk's heartbeats never overlap, even in a window
// of more than one a kiosk.
struct KeptClient {
    std::mutex busy;
    std::unique_ptr<HubClient> client;
};

Json heartbeat_body(std::size_t i)
{
    return Json {
        { "version", "0.1.0" },
        { "uptime_s", 3600 + static_cast<std::int64_t>(i) },
        { "outbox_depth", 0 },
        { "last_sync_at", unix_now() - 30 },
        { "peripherals", { { "printer", "ready" }, { "card_reader", "ready" } } },
        { "clock_offset_s", 0 },
        { "catalogue", nullptr },
    };
}

// One window of heartbeats, `count` of them spread evenly over `seconds`,
// heartbeat i from kiosk i (modulo the kiosks). With TlsHandshake::Kept,
// each kiosk of the window first sends one heartbeat with the HubClient it
// then keeps, before the window and not measured, which opens the
// connection its heartbeat in the window finds open. Otherwise each
// heartbeat comes from a new HubClient, on a new connection with a full TLS
// handshake. A heartbeat not started by the end of the window (plus
// 1 s) is not sent: a hub that cannot keep the pace shows as heartbeats
// missing, not as a window that never ends. Marks the kiosks whose
// heartbeat was answered.
void heartbeat_window(HubProcess& process, std::vector<SimulatedKiosk> const& kiosks, std::size_t count, int seconds,
    TlsHandshake handshake, std::vector<std::atomic<bool>>& seen)
{
    HubClientSettings settings { process.url(), process.ca_file(), 5s, 15s };
    auto new_client = [&](SimulatedKiosk const& kiosk) {
        auto client = std::make_unique<HubClient>(settings);
        client->set_identity(kiosk.id, kiosk.secret_key, kiosk.hub_box_public_key);
        return client;
    };
    auto error_of = [](Result<HubResponse> const& response) {
        return response.ok() ? "http." + std::to_string(response.value().status) : response.error().code;
    };

    // The kiosks of the window, each with the client it keeps.
    auto senders = handshake == TlsHandshake::Kept ? std::min(count, kiosks.size()) : 0;
    std::vector<KeptClient> kept(senders);
    if (handshake == TlsHandshake::Kept) {
        auto warm_start = Clock::now();
        std::atomic<std::size_t> warm_failed { 0 };
        parallel_for(senders, 32, [&](std::size_t k) {
            kept[k].client = new_client(kiosks[k]);
            auto response = kept[k].client->request("POST", "/v1/heartbeat", heartbeat_body(k).dump());
            if (response.ok() && response.value().status == 200)
                seen[k] = true;
            else
                ++warm_failed;
        });
        std::printf("  (before the window, not measured: each of its %s kiosks sent one heartbeat with the client it "
                    "keeps, in %.1f s%s)\n",
            with_thousands(static_cast<double>(senders)).c_str(), seconds_of(Clock::now() - warm_start),
            warm_failed > 0 ? (", " + std::to_string(warm_failed.load()) + " failed").c_str() : "");
        // The hub writes heartbeats together once a second: the last of
        // these are written before the window opens.
        std::this_thread::sleep_for(2s);
    }

    auto interval = std::chrono::duration<double>(seconds) / static_cast<double>(count);
    // -1: not sent in the window.
    std::vector<double> latencies(count, -1), lateness(count, -1);
    std::atomic<std::size_t> next { 0 }, answered { 0 }, missed { 0 };
    std::mutex errors_mutex;
    std::map<std::string, std::size_t> errors;
    // Enough threads to keep the pace while answers are slow.
    constexpr int client_threads = 64;
    bench::CpuWindow hub_cpu(process);
    auto own_before = own_cpu_seconds();
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < client_threads; ++t) {
        threads.emplace_back([&] {
            for (auto i = next++; i < count; i = next++) {
                auto due = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
                if (Clock::now() > start + std::chrono::seconds(seconds + 1)) {
                    ++missed;
                    continue;
                }
                std::this_thread::sleep_until(due);
                auto k = i % kiosks.size();
                auto body = heartbeat_body(i).dump();
                auto sent = Clock::now();
                lateness[i] = millis(sent - due);
                std::optional<Result<HubResponse>> response;
                if (handshake == TlsHandshake::Kept) {
                    std::lock_guard lock(kept[k].busy);
                    response = kept[k].client->request("POST", "/v1/heartbeat", body);
                } else {
                    response = new_client(kiosks[k])->request("POST", "/v1/heartbeat", body);
                }
                latencies[i] = millis(Clock::now() - sent);
                if (response->ok() && response->value().status == 200) {
                    ++answered;
                    seen[k] = true;
                } else {
                    std::lock_guard lock(errors_mutex);
                    ++errors[error_of(*response)];
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    auto wall = seconds_of(Clock::now() - start);
    auto split = hub_cpu.end();
    auto own = own_cpu_seconds() - own_before;

    auto not_sent = [](double value) { return value < 0; };
    latencies.erase(std::remove_if(latencies.begin(), latencies.end(), not_sent), latencies.end());
    lateness.erase(std::remove_if(lateness.begin(), lateness.end(), not_sent), lateness.end());
    std::sort(latencies.begin(), latencies.end());
    std::sort(lateness.begin(), lateness.end());
    auto sent = count - missed;
    bool kept_connections = handshake == TlsHandshake::Kept;
    std::printf("heartbeats, sqlite, %s: %s over %.1f s (%.0f/s)\n",
        kept_connections ? "kept connections (each kiosk keeps its HubClient and its connection, as the uplink does)"
                         : "full TLS handshakes (each heartbeat from a new HubClient, as after a kiosk restarts)",
        with_thousands(static_cast<double>(sent)).c_str(), wall, static_cast<double>(sent) / wall);
    print_hub_cpu(split, wall, "heartbeat", count, kept_connections ? "   aim < 10 % of one core" : "");
    std::printf("  latency (%s, signed POST) p50 %.1f ms  p99 %.1f ms  max %.1f ms; sent late by at most "
                "%.1f ms\n",
        kept_connections ? "open connection" : "connect, full TLS", percentile(latencies, 0.5),
        percentile(latencies, 0.99), percentile(latencies, 1.0), percentile(lateness, 1.0));
    std::printf("  kiosks (this process) CPU %.2f s = %.0f %% of one core\n", own, 100.0 * own / wall);
    if (kept_connections)
        std::printf("  hub memory with the %zu kiosks' connections open: %.0f MB resident\n", senders,
            resident_megabytes(process.pid()));
    if (missed > 0)
        std::printf("  %zu of the %zu heartbeats due in the window could not be sent in it: the hub did not keep the "
                    "pace\n",
            missed.load(), count);
    if (!errors.empty()) {
        std::printf("  %zu heartbeat(s) failed:", sent - answered);
        for (auto const& [what, times] : errors)
            std::printf(" %s x%zu", what.c_str(), times);
        std::printf("\n");
    }
}

bool heartbeats(Options const& options)
{
    HubProcess process(options.hub_binary, options.work / "hub-heartbeat");
    std::string why;
    if (!process.prepare(site_id, "Site de mesure", why)) {
        std::printf("FAIL: heartbeat: %s\n", why.c_str());
        return false;
    }
    auto enroll_start = Clock::now();
    auto enrolled = enroll_in_process(process, options.heartbeat_kiosks);
    if (!enrolled.ok()) {
        std::printf(
            "FAIL: heartbeat: enrollment: %s %s\n", enrolled.error().code.c_str(), enrolled.error().detail.c_str());
        return false;
    }
    auto enroll_seconds = seconds_of(Clock::now() - enroll_start);
    auto const& kiosks = enrolled.value();
    if (!process.start(256, why)) {
        std::printf("FAIL: heartbeat: %s\n", why.c_str());
        return false;
    }

    // The hub at rest first, as a baseline.
    auto idle_before = process.cpu_seconds();
    std::this_thread::sleep_for(3s);
    auto idle = (process.cpu_seconds() - idle_before) / 3.0;
    auto count = static_cast<std::size_t>(
        std::llround(static_cast<double>(options.heartbeat_kiosks) * options.heartbeat_seconds / 60.0));
    std::printf("heartbeats: %s kiosks enrolled (in %.1f s), the rate of each once a minute; the hub at rest uses "
                "%.2f %% of one core\n",
        with_thousands(static_cast<double>(kiosks.size())).c_str(), enroll_seconds, 100.0 * idle);
    // A hub that does not resume sessions: the figures are still printed,
    // the run ends in failure.
    bool resumes = check_tls_resumption(process);
    std::vector<std::atomic<bool>> answered(kiosks.size());
    heartbeat_window(process, kiosks, count, options.heartbeat_seconds, TlsHandshake::Kept, answered);
    // The last heartbeats of the first window written by the hub.
    std::this_thread::sleep_for(2s);
    heartbeat_window(process, kiosks, count, options.heartbeat_seconds, TlsHandshake::Full, answered);
    auto expected = static_cast<std::size_t>(
        std::count_if(answered.begin(), answered.end(), [](std::atomic<bool> const& flag) { return flag.load(); }));

    process.stop();
    auto store = hub::open_hub_store(process.store_url());
    std::size_t seen = 0;
    if (store.ok()) {
        auto listed = store.value()->kiosks();
        if (listed.ok())
            seen = static_cast<std::size_t>(std::count_if(listed.value().begin(), listed.value().end(),
                [](hub::Kiosk const& kiosk) { return kiosk.last_seen_at.has_value(); }));
    }
    // Every kiosk whose heartbeat was answered is recorded as seen (one
    // whose answer was lost on the way may be too).
    if (seen < expected) {
        std::printf("FAIL: heartbeat: the hub recorded %zu kiosk(s) as seen, %zu kiosks' heartbeats were answered\n",
            seen, expected);
        return false;
    }
    std::printf(
        "check, heartbeat: the hub recorded %s kiosks as seen\n", with_thousands(static_cast<double>(seen)).c_str());
    return resumes;
}

int usage()
{
    std::fprintf(stderr,
        "usage: hub_bench KIOSK_HUB SOURCE_DIR [--kiosks 200,50,10,1] [--dossiers 20000] [--paced-rate 500]\n"
        "                 [--paced-seconds 10] [--heartbeat-seconds 60] [--heartbeat-kiosks 10000]\n"
        "                 [--only ingest,drain,heartbeat] [--no-postgresql] [--work DIR]\n");
    return 2;
}

}

int main(int argc, char** argv)
{
    if (argc < 3)
        return usage();
    // Thousands of simulated kiosks each keep a connection (a descriptor).
    struct rlimit files { };
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &files);
    }
    Options options;
    options.hub_binary = fs::absolute(argv[1]);
    options.source = fs::absolute(argv[2]);
    for (int i = 3; i < argc; ++i) {
        std::string name = argv[i];
        if (name == "--no-postgresql") {
            options.postgresql = false;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        std::string value = argv[++i];
        if (name == "--kiosks") {
            options.kiosks.clear();
            for (auto const& each : split(value, ','))
                options.kiosks.push_back(std::max<std::size_t>(1, std::strtoul(each.c_str(), nullptr, 10)));
        } else if (name == "--dossiers") {
            options.dossiers = std::max<std::size_t>(1, std::strtoul(value.c_str(), nullptr, 10));
        } else if (name == "--paced-rate") {
            options.paced_rate = std::max(0.0, std::strtod(value.c_str(), nullptr));
        } else if (name == "--paced-seconds") {
            options.paced_seconds = std::max(1, std::atoi(value.c_str()));
        } else if (name == "--heartbeat-seconds") {
            options.heartbeat_seconds = std::max(1, std::atoi(value.c_str()));
        } else if (name == "--heartbeat-kiosks") {
            options.heartbeat_kiosks = std::max<std::size_t>(1, std::strtoul(value.c_str(), nullptr, 10));
        } else if (name == "--only") {
            auto parts = split(value, ',');
            options.parts = std::set<std::string>(parts.begin(), parts.end());
        } else if (name == "--work") {
            options.work = fs::absolute(value);
        } else {
            return usage();
        }
    }
    if (!crypto::initialise().ok()) {
        std::fprintf(stderr, "hub_bench: libsodium did not initialise\n");
        return 1;
    }
    // The uplink's warnings and errors, for reading a failed drain.
    set_log_sink([](LogLevel level, std::string_view component, std::string_view message) {
        if (level == LogLevel::Warning || level == LogLevel::Error)
            std::fprintf(stderr, "  [%.*s] %.*s\n", int(component.size()), component.data(), int(message.size()),
                message.data());
    });

    bool keep = !options.work.empty();
    if (!keep)
        options.work = fs::temp_directory_path() / ("guichet-hub-bench-" + std::to_string(::getpid()));
    fs::create_directories(options.work);
    // The PostgreSQL server runs as the user postgres when we are root: it
    // must be able to reach its folder inside this one.
    fs::permissions(options.work, fs::perms::others_exec | fs::perms::group_exec, fs::perm_options::add);

    std::printf(
        "hub bench: the real kiosk-hub (--threads 256) in its own process, the simulated kiosks in this one, "
        "%u cores shared; data on %s; the cores were %.0f %% busy before (other work on them lowers the figures)\n",
        std::thread::hardware_concurrency(), filesystem_of(options.work).c_str(), cores_busy_percent());
    bool correct = true;
    if (options.parts.contains("ingest") || options.parts.contains("drain")) {
        std::printf("(the kiosks' TLS and Ed25519 signing run on the same cores as the hub: the fewer kiosks, the "
                    "more CPU is left to the hub)\n");
        correct = ingest_and_drain(options, "sqlite", {}, {}) && correct;
        if (options.postgresql) {
            PgStack stack(options.source, options.work / "pg");
            if (stack.url().empty())
                std::printf("postgresql: skipped: tests/lib/pg-stack.sh did not start a server (see %s)\n",
                    stack.log().c_str());
            else
                correct = ingest_and_drain(options, "postgresql", stack.url(), [&stack] { return stack.cpu_seconds(); })
                    && correct;
        }
    }
    if (options.parts.contains("heartbeat"))
        correct = heartbeats(options) && correct;

    // Kept after a failure, for the hubs' logs.
    if (!keep && correct) {
        std::error_code ignored;
        fs::remove_all(options.work, ignored);
    }
    return correct ? 0 : 1;
}
