// sync_soak: the kiosk's outbox and uplink in a process of their own,
// without the screen, confirming dossiers as fast as a busy kiosk would, so
// that tests/sync/durability_test.sh can kill -9 it (and the hub) at random
// moments. The store and the uplink are the kiosk's own (sync/); only the
// resident is simulated: each dossier says its serial in its answers.
//
//   sync_soak --data DIR --target N
// Saves dossiers until the store has handed out N serials, then waits for
// the outbox to drain and prints "drained N". Exit 0 then; 3 if the outbox
// did not drain within --drain-timeout seconds (default 120).
#include "kiosk/core/log.hpp"
#include "sync/identity.hpp"
#include "sync/sqlite_store.hpp"
#include "sync/uplink.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

using namespace guichet;

int main(int argc, char** argv)
{
    std::filesystem::path data;
    std::uint64_t target = 1000;
    int drain_timeout = 120;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string name = argv[i];
        if (name == "--data")
            data = argv[i + 1];
        else if (name == "--target")
            target = std::strtoull(argv[i + 1], nullptr, 10);
        else if (name == "--drain-timeout")
            drain_timeout = std::atoi(argv[i + 1]);
    }
    set_log_sink([](LogLevel level, std::string_view component, std::string_view message) {
        std::fprintf(stderr, "soak %s %.*s: %.*s\n", std::string(to_string(level)).c_str(), int(component.size()),
            component.data(), int(message.size()), message.data());
    });
    auto identity = load_identity(data / identity_file_name);
    if (!identity.ok()) {
        std::fprintf(stderr, "sync_soak: %s\n", identity.error().detail.c_str());
        return 2;
    }
    auto store = SqliteStore::open(data / "kiosk.db", identity.value().hub_box_public_key);
    if (!store.ok()) {
        std::fprintf(stderr, "sync_soak: %s\n", store.error().detail.c_str());
        return 2;
    }
    UplinkSettings settings;
    settings.store_path = data / "kiosk.db";
    settings.backoff_base = std::chrono::milliseconds(100);
    settings.backoff_max = std::chrono::milliseconds(2000);
    settings.connect_timeout = std::chrono::milliseconds(1000);
    settings.request_timeout = std::chrono::milliseconds(3000);
    Uplink uplink(identity.value(), settings, Uplink::Callbacks {});

    std::mt19937 random(std::random_device {}());
    // A few milliseconds between residents, so that the kills land while
    // dossiers are being confirmed as well as while they drain.
    std::uniform_int_distribution<int> pause_ms(5, 25);
    for (;;) {
        auto serial = store.value()->next_serial();
        if (!serial.ok()) {
            std::fprintf(stderr, "sync_soak: %s\n", serial.error().code.c_str());
            return 2;
        }
        if (serial.value() >= target)
            break;
        Dossier dossier;
        dossier.demarche_id = "signalement-voirie";
        dossier.demarche_version = "3";
        dossier.confirmed_at = 1795000000;
        dossier.answers = { { "numero", std::to_string(serial.value()) }, { "nom", "Résident de test" } };
        auto saved = store.value()->save(dossier);
        if (!saved.ok()) {
            std::fprintf(stderr, "sync_soak: save: %s\n", saved.error().code.c_str());
            return 2;
        }
        uplink.wake();
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(drain_timeout);
    while (std::chrono::steady_clock::now() < until) {
        auto depth = store.value()->outbox_depth();
        if (depth.ok() && depth.value() == 0) {
            std::printf("drained %llu\n", static_cast<unsigned long long>(target));
            return 0;
        }
        uplink.wake();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 3;
}
