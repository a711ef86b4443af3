// The hub's HTTPS server (http_server.hpp: Beast over OpenSSL): the kiosks' API under
// /v1, the administrators' API under /admin/v1 (bearer token), the fleet
// page at /fleet and Prometheus figures at /metrics (both with the admin
// token). docs/sync-api.yaml describes every route.
#pragma once

#include "help_desk.hpp"
#include "hub.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace guichet::hub {

struct ServerSettings {
    std::string host { "127.0.0.1" };
    int port { 8443 }; // 0: any free port (see Server::port())
    std::filesystem::path certificate; // a chain file: leaf first
    std::filesystem::path private_key;
    // Requests handled at once (workers). Open connections cost no thread:
    // this bounds requests waiting on the store, such as dossiers waiting
    // for their batch's commit, not the number of kiosks.
    int threads { 256 };
    // Threads running the connections' TLS and HTTP, and pushes' checks
    // with SQLite (HttpServer::Run::on_io_thread). 0: one per core.
    int io_threads { 0 };
    // Tests only: POST /test/faults makes the kiosks' API answer 500, 503
    // with Retry-After, or hang, so that the kiosk's retries are tested
    // against this real server.
    bool test_faults { false };
    // The help desk's waits and how long a side may be away.
    HelpSettings help;
};

class Server {
public:
    // Binds the socket; "server.tls" when the certificate or key cannot be
    // loaded, "server.bind" when the address is taken.
    static Result<std::unique_ptr<Server>> create(Hub& hub, ServerSettings const& settings);
    ~Server();

    int port() const;
    // Serves until stop() (from another thread or a signal handler's helper).
    void run();
    void stop();

private:
    struct State;
    explicit Server(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

}
