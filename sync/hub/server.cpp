// Routes, authentication of both kinds of callers, the mapping of errors to
// HTTP statuses, the fleet page and /metrics.
#include "server.hpp"
#include "usage_figures.hpp"

#include "sync/crypto.hpp"
#include "sync/protocol.hpp"

#include "console.hpp"
#include "help_desk.hpp"
#include "http_server.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace guichet::hub {

// [SECTION] Answers

namespace {

void send_json(HttpResponse& response, int status, Json const& body)
{
    response.status = status;
    response.set_content(body.dump(), "application/json");
}

// A query parameter, if given and not empty.
std::optional<std::string> query_value(HttpRequest const& request, std::string const& name)
{
    auto found = request.params.find(name);
    if (found == request.params.end() || found->second.empty())
        return std::nullopt;
    return found->second;
}

// One place where the hub's error codes become HTTP statuses (hub.hpp).
void send_error(HttpResponse& response, Error const& error, std::int64_t now)
{
    int status = 500;
    std::string code = error.code;
    if (code == "auth.revoked")
        status = 403;
    else if (code.starts_with("auth."))
        status = 401;
    else if (code == "request.invalid" || code == "catalogue.invalid" || code.starts_with("bundle."))
        status = 400;
    else if (code == "hub.code_unknown" || code == "hub.code_used" || code == "hub.code_expired"
        || code == "hub.key_enrolled")
        status = 403;
    else if (code == "hub.unknown_site" || code == "hub.unknown_kiosk" || code == "hub.unknown_dossier")
        status = 404;
    else if (code == "hub.site_exists" || code == "hub.key_reused" || code == "hub.mediator_exists")
        status = 409;
    else if (code == "help.unknown" || code == "hub.unknown_mediator")
        status = 404;
    else if (code == "help.taken" || code == "help.ended" || code == "help.no_control")
        status = 409;
    else if (code.starts_with("store."))
        status = 503;
    if (status == 503)
        response.set_header("Retry-After", "2");
    Json body { { "error", code } };
    // Details go to administrators' answers and the log; the kiosks' API
    // says what the kiosk needs to act on.
    if (code == "auth.clock_skew")
        body["server_time"] = now;
    if (code == "request.invalid" || code == "catalogue.invalid" || code.starts_with("help."))
        body["detail"] = error.detail;
    send_json(response, status, body);
}

// The words kiosks use in heartbeats for their devices, as the fleet page
// says them; a word not listed is shown as it came.
std::string device_state_fr(std::string const& words)
{
    static std::map<std::string, std::string, std::less<>> const french {
        { "ready", "prêt" },
        { "absent", "débranché" },
        { "none", "aucun" },
        { "unknown", "inconnu" },
        { "paper_low", "papier bientôt fini" },
        { "supply_low", "consommable bientôt fini" },
        { "out_of_paper", "plus de papier" },
        { "jammed", "bourrage" },
        { "cover_open", "capot ouvert" },
        { "offline", "hors ligne" },
        { "paused", "en pause" },
        { "not_accepting", "refuse les travaux" },
        { "no_queue", "file d'impression introuvable" },
        { "unreachable", "CUPS injoignable" },
        { "not_configured", "aucune imprimante" },
        { "other", "autre problème" },
    };
    std::string out;
    std::size_t start = 0;
    while (start <= words.size()) {
        auto end = words.find(',', start);
        auto word = words.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!out.empty())
            out += ", ";
        auto found = french.find(word);
        out += found != french.end() ? found->second : word;
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

struct Faults {
    std::mutex mutex;
    std::string mode; // "500", "503", "hang" or empty
    int remaining { 0 };
    int retry_after { 1 };
    int hang_seconds { 30 };
    // Only requests under this path fail ("/v1/dossiers"); "/v1/": all.
    std::string path { "/v1/" };
};

}

// [SECTION] The server

struct Server::State {
    Hub& hub;
    ServerSettings settings;
    HelpDesk desk;
    Console console;
    std::unique_ptr<HttpServer> http;
    int port { 0 };
    Faults faults;
    std::chrono::steady_clock::time_point started { std::chrono::steady_clock::now() };

    State(Hub& hub_, ServerSettings settings_)
        : hub(hub_)
        , settings(std::move(settings_))
        , desk(
              hub_.store(), [&hub_] { return hub_.now(); }, settings.help)
        , console(hub_, desk,
              [&hub_](HttpResponse& response, Error const& error) { send_error(response, error, hub_.now()); })
    {
    }

    bool is_admin(HttpRequest const& request) const
    {
        auto header = request.header("Authorization");
        std::string token;
        if (header.starts_with("Bearer ")) {
            token = header.substr(7);
        } else if (header.starts_with("Basic ")) {
            // user:token, the user being anything ("admin"): a browser asks.
            auto decoded = crypto::from_base64(header.substr(6));
            if (decoded.ok()) {
                std::string text(decoded.value().begin(), decoded.value().end());
                auto colon = text.find(':');
                if (colon != std::string::npos)
                    token = text.substr(colon + 1);
            }
        }
        return hub.admin_token_matches(token);
    }

    // Tests only: answers in place of the kiosks' API while a fault is set.
    // Called inside the handlers, once the request's body has been read: a
    // fault answered before it would leave the body on the connection, to
    // be read as the next request.
    bool inject_fault(HttpRequest const& request, HttpResponse& response)
    {
        if (!settings.test_faults)
            return false;
        std::string mode;
        int retry_after = 1;
        int hang_seconds = 0;
        {
            std::lock_guard lock(faults.mutex);
            if (faults.remaining <= 0 || faults.mode.empty() || !request.path.starts_with(faults.path))
                return false;
            faults.remaining--;
            mode = faults.mode;
            retry_after = faults.retry_after;
            hang_seconds = faults.hang_seconds;
        }
        if (mode == "hang") {
            std::this_thread::sleep_for(std::chrono::seconds(hang_seconds));
            send_json(response, 504, Json { { "error", "test.hang" } });
        } else if (mode == "404") {
            // As a hub of an older version, which has no such route.
            send_json(response, 404, Json { { "error", "http.not_found" } });
        } else if (mode == "503") {
            response.set_header("Retry-After", std::to_string(retry_after));
            send_json(response, 503, Json { { "error", "test.unavailable" } });
        } else {
            send_json(response, 500, Json { { "error", "test.internal" } });
        }
        return true;
    }

    // Runs `handler` for an authenticated kiosk, or answers the failure.
    template<typename Handler> void as_kiosk(HttpRequest const& request, HttpResponse& response, Handler handler)
    {
        if (inject_fault(request, response))
            return;
        SignedRequest signed_request;
        signed_request.method = request.method;
        signed_request.target = request.target;
        signed_request.kiosk_id = request.header(std::string(protocol::kiosk_header));
        signed_request.date = request.header(std::string(protocol::date_header));
        signed_request.mac = request.header(std::string(protocol::mac_header));
        signed_request.body = &request.body;
        auto kiosk = hub.authenticate(signed_request);
        if (!kiosk.ok()) {
            send_error(response, kiosk.error(), hub.now());
            return;
        }
        handler(kiosk.value());
    }

    template<typename Handler> void as_admin(HttpRequest const& request, HttpResponse& response, Handler handler)
    {
        if (!is_admin(request)) {
            response.set_header("WWW-Authenticate", "Basic realm=\"kiosk-hub\"");
            send_json(response, 401, Json { { "error", "auth.admin" } });
            return;
        }
        handler();
    }

    void routes();
    void kiosk_routes();
    void help_routes();
    void admin_routes();
    std::string fleet_page();
    std::string metrics();
};

void Server::State::routes()
{
    http->before_each([this](HttpRequest const&, HttpResponse& response) {
        response.set_header(std::string(protocol::server_time_header), std::to_string(hub.now()));
        response.set_header("Cache-Control", "no-store");
    });
    kiosk_routes();
    help_routes();
    console.add_routes(*http);
    admin_routes();

    if (settings.test_faults) {
        http->route("POST", "/test/faults", [this](HttpRequest const& request, HttpResponse& response) {
            auto body = Json::parse(request.body, nullptr, false);
            if (!body.is_object()) {
                send_json(response, 400, Json { { "error", "request.invalid" } });
                return;
            }
            Faults wanted;
            try {
                wanted.mode = body.value("mode", std::string());
                wanted.remaining = body.value("count", 1);
                wanted.retry_after = body.value("retry_after", 1);
                wanted.hang_seconds = body.value("hang_seconds", 30);
                wanted.path = body.value("path", std::string("/v1/"));
            } catch (nlohmann::json::exception const&) {
                send_json(response, 400, Json { { "error", "request.invalid" } });
                return;
            }
            if (wanted.mode != "500" && wanted.mode != "503" && wanted.mode != "404" && wanted.mode != "hang"
                && !wanted.mode.empty()) {
                send_json(response, 400, Json { { "error", "request.invalid" } });
                return;
            }
            std::lock_guard lock(faults.mutex);
            faults.mode = wanted.mode;
            faults.remaining = wanted.remaining;
            faults.retry_after = wanted.retry_after;
            faults.hang_seconds = wanted.hang_seconds;
            faults.path = wanted.path;
            send_json(response, 200, Json { { "mode", faults.mode }, { "count", faults.remaining } });
        });
    }
}

void Server::State::kiosk_routes()
{
    http->route("POST", "/v1/enroll", [this](HttpRequest const& request, HttpResponse& response) {
        if (inject_fault(request, response))
            return;
        auto body = Json::parse(request.body, nullptr, false);
        auto answer = hub.enroll(body);
        if (!answer.ok())
            return send_error(response, answer.error(), hub.now());
        send_json(response, 201, answer.value());
    });

    // Where the kiosks' frequent, small requests run. With SQLite they never
    // block (the kiosk's lookup and what they read come from a local file;
    // a push's commit answers later), so the I/O thread runs them: a
    // hand-over to a worker and back cost ~10 % of a push's CPU. Not with
    // PostgreSQL (a read is a round trip), nor with the test faults, whose
    // "hang" sleeps in the handler. Enrollment (it waits for a commit) and
    // the catalogue (a large document) stay on the workers.
    auto where = hub.store().reads_are_local() && !settings.test_faults ? HttpServer::Run::on_io_thread
                                                                        : HttpServer::Run::on_worker;

    // Answered by the store's writer once the dossier's batch committed: no
    // thread waits for it.
    http->route_async(
        "POST", "/v1/dossiers",
        [this](HttpRequest const& request, HttpResponse response, HttpReply reply) {
            bool later = false;
            as_kiosk(request, response, [&](Kiosk const& kiosk) {
                auto body = Json::parse(request.body, nullptr, false);
                later = true;
                hub.push_dossier_async(
                    kiosk, body, [this, response, reply](Result<std::pair<Json, bool>> answer) mutable {
                        if (!answer.ok())
                            send_error(response, answer.error(), hub.now());
                        else
                            send_json(response, answer.value().second ? 201 : 200, answer.value().first);
                        reply.send(std::move(response));
                    });
            });
            if (!later)
                reply.send(std::move(response));
        },
        where);

    http->route(
        "GET", R"(/v1/requests/([A-Za-z0-9 -]{1,32}))",
        [this](HttpRequest const& request, HttpResponse& response) {
            as_kiosk(request, response, [&](Kiosk const&) {
                auto answer = hub.request_status(request.matches[1]);
                if (!answer.ok())
                    return send_error(response, answer.error(), hub.now());
                if (!answer.value())
                    return send_json(response, 404, Json { { "error", "request.unknown" } });
                send_json(response, 200, *answer.value());
            });
        },
        where);

    http->route(
        "POST", "/v1/usage",
        [this](HttpRequest const& request, HttpResponse& response) {
            as_kiosk(request, response, [&](Kiosk const& kiosk) {
                auto body = Json::parse(request.body, nullptr, false);
                auto answer = hub.push_usage(kiosk, body);
                if (!answer.ok())
                    return send_error(response, answer.error(), hub.now());
                send_json(response, 200, answer.value());
            });
        },
        HttpServer::Run::on_worker);

    http->route(
        "POST", "/v1/heartbeat",
        [this](HttpRequest const& request, HttpResponse& response) {
            as_kiosk(request, response, [&](Kiosk const& kiosk) {
                auto body = Json::parse(request.body, nullptr, false);
                auto answer = hub.heartbeat(kiosk, body);
                if (!answer.ok())
                    return send_error(response, answer.error(), hub.now());
                send_json(response, 200, answer.value());
            });
        },
        where);

    http->route(
        "GET", "/v1/slots",
        [this](HttpRequest const& request, HttpResponse& response) {
            as_kiosk(request, response, [&](Kiosk const& kiosk) {
                auto answer = hub.slots(kiosk);
                if (!answer.ok())
                    return send_error(response, answer.error(), hub.now());
                send_json(response, 200, answer.value());
            });
        },
        where);

    // The site's desk agents, for the kiosk to unlock agent mode with, and
    // its technicians, for its technician screens: no badge in clear (its
    // SHA-256), the PIN's Argon2 hash, never a PIN.
    http->route("GET", "/v1/agents", [this](HttpRequest const& request, HttpResponse& response) {
        as_kiosk(request, response, [&](Kiosk const& kiosk) {
            auto agents = hub.store().agents(kiosk.site_id);
            if (!agents.ok())
                return send_error(response, agents.error(), hub.now());
            Json list = Json::array();
            for (auto const& agent : agents.value()) {
                if (agent.disabled_at)
                    continue;
                list.push_back({ { "id", agent.id }, { "name", agent.display_name },
                    { "badge_sha256", agent.badge ? Json(crypto::sha256_hex(*agent.badge)) : Json(nullptr) },
                    { "pin_hash", agent.pin_hash }, { "role", agent.technician ? "technician" : "desk" } });
            }
            auto body = Json { { "agents", list } }.dump();
            auto etag = "\"" + crypto::sha256_hex(body) + "\"";
            response.set_header("ETag", etag);
            if (request.header("If-None-Match") == etag) {
                response.status = 304;
                return;
            }
            response.status = 200;
            response.set_content(body, "application/json");
        });
    });

    http->route("GET", "/v1/catalogue", [this](HttpRequest const& request, HttpResponse& response) {
        as_kiosk(request, response, [&](Kiosk const&) {
            auto latest = hub.store().latest_catalogue();
            if (!latest.ok())
                return send_error(response, latest.error(), hub.now());
            if (!latest.value())
                return send_json(response, 404, Json { { "error", "catalogue.none" } });
            auto const& version = *latest.value();
            response.set_header("ETag", version.etag);
            if (request.header("If-None-Match") == version.etag) {
                response.status = 304;
                return;
            }
            response.set_header(std::string(protocol::catalogue_signature_header), version.signature);
            response.status = 200;
            response.set_content(version.document, "application/json");
        });
    });
}

// A kiosk's side of a help session (HelpDesk): on the workers, as each
// call may append to the audit log; the long-poll parks its reply and
// returns, so no worker waits for the mediator.
void Server::State::help_routes()
{
    auto answer_json = [this](HttpResponse& response, Result<Json> const& answer, int status) {
        if (!answer.ok())
            return send_error(response, answer.error(), hub.now());
        send_json(response, status, answer.value());
    };
    auto answer_empty = [this](HttpResponse& response, Result<void> const& done) {
        if (!done.ok())
            return send_error(response, done.error(), hub.now());
        response.status = 204;
    };

    http->route("POST", "/v1/help", [this, answer_json](HttpRequest const& request, HttpResponse& response) {
        as_kiosk(request, response, [&](Kiosk const& kiosk) {
            answer_json(response, desk.open(kiosk, Json::parse(request.body, nullptr, false)), 201);
        });
    });

    constexpr char const* help = R"(/v1/help/([0-9a-f]{32}))";
    http->route("POST", std::string(help) + "/screen",
        [this, answer_empty](HttpRequest const& request, HttpResponse& response) {
            as_kiosk(request, response, [&](Kiosk const& kiosk) {
                answer_empty(
                    response, desk.report_screen(kiosk, request.matches[1], Json::parse(request.body, nullptr, false)));
            });
        });
    http->route("POST", std::string(help) + "/consent",
        [this, answer_empty](HttpRequest const& request, HttpResponse& response) {
            as_kiosk(request, response, [&](Kiosk const& kiosk) {
                answer_empty(
                    response, desk.consent(kiosk, request.matches[1], Json::parse(request.body, nullptr, false)));
            });
        });
    http->route("POST", std::string(help) + "/cancel",
        [this, answer_empty](HttpRequest const& request, HttpResponse& response) {
            as_kiosk(request, response,
                [&](Kiosk const& kiosk) { answer_empty(response, desk.cancel(kiosk, request.matches[1])); });
        });
    http->route_async("GET", std::string(help) + "/events",
        [this](HttpRequest const& request, HttpResponse response, HttpReply reply) {
            bool later = false;
            as_kiosk(request, response, [&](Kiosk const& kiosk) {
                later = true;
                desk.kiosk_poll(kiosk, request.matches[1], request.number_param("after"),
                    [this, response, reply](Json answer) mutable {
                        if (answer.contains("error"))
                            send_error(response, Error::make(answer["error"].get<std::string>(), "help"), hub.now());
                        else
                            send_json(response, 200, answer);
                        reply.send(std::move(response));
                    });
            });
            if (!later)
                reply.send(std::move(response));
        });
}

void Server::State::admin_routes()
{
    http->route("GET", "/admin/v1/sites", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            auto sites = hub.store().sites();
            if (!sites.ok())
                return send_error(response, sites.error(), hub.now());
            Json list = Json::array();
            for (auto const& site : sites.value())
                list.push_back({ { "id", site.id }, { "name", site.name }, { "created_at", site.created_at },
                    { "has_slots", !site.slots.empty() } });
            send_json(response, 200, list);
        });
    });

    http->route("POST", "/admin/v1/sites", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            auto body = Json::parse(request.body, nullptr, false);
            if (!body.is_object() || !body.contains("id") || !body["id"].is_string() || !body.contains("name")
                || !body["name"].is_string())
                return send_error(response, Error::make("request.invalid", "id and name are needed"), hub.now());
            Site site { body["id"], body["name"], hub.now(), {} };
            auto added = hub.store().add_site(site);
            if (!added.ok())
                return send_error(response, added.error(), hub.now());
            send_json(response, 201, Json { { "id", site.id } });
        });
    });

    http->route("POST", "/admin/v1/enrollment-codes", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            auto body = Json::parse(request.body, nullptr, false);
            if (!body.is_object() || !body.contains("site_id") || !body["site_id"].is_string())
                return send_error(response, Error::make("request.invalid", "site_id is needed"), hub.now());
            auto code = hub.create_enrollment_code(body["site_id"]);
            if (!code.ok())
                return send_error(response, code.error(), hub.now());
            send_json(response, 201,
                Json {
                    { "code", code.value() }, { "expires_at", hub.now() + hub.settings().enrollment_code_lifetime } });
        });
    });

    http->route("GET", "/admin/v1/kiosks", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            auto kiosks = hub.kiosks();
            if (!kiosks.ok())
                return send_error(response, kiosks.error(), hub.now());
            Json list = Json::array();
            for (auto const& kiosk : kiosks.value()) {
                Json item { { "id", kiosk.id }, { "site_id", kiosk.site_id }, { "enrolled_at", kiosk.enrolled_at },
                    { "revoked_at", kiosk.revoked_at ? Json(*kiosk.revoked_at) : Json(nullptr) },
                    { "last_seen_at", kiosk.last_seen_at ? Json(*kiosk.last_seen_at) : Json(nullptr) } };
                auto heartbeat = Json::parse(kiosk.heartbeat, nullptr, false);
                item["heartbeat"] = heartbeat.is_discarded() ? Json(nullptr) : heartbeat;
                list.push_back(std::move(item));
            }
            send_json(response, 200, list);
        });
    });

    http->route("POST", R"(/admin/v1/kiosks/([A-Za-z0-9-]{1,64})/revoke)",
        [this](HttpRequest const& request, HttpResponse& response) {
            as_admin(request, response, [&] {
                auto revoked = hub.store().revoke(request.matches[1], hub.now());
                if (!revoked.ok())
                    return send_error(response, revoked.error(), hub.now());
                send_json(response, 200, Json { { "id", request.matches[1] }, { "revoked", true } });
            });
        });

    http->route("GET", "/admin/v1/dossiers", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            DossierFilter filter;
            if (request.has_param("site"))
                filter.site_id = request.param("site");
            if (request.has_param("state")) {
                filter.state = protocol::request_state_from_wire(request.param("state"));
                if (!filter.state)
                    return send_error(response, Error::make("request.invalid", "unknown state"), hub.now());
            }
            if (request.has_param("after"))
                filter.after_id = std::atoll(request.param("after").c_str());
            if (request.has_param("limit"))
                filter.limit
                    = static_cast<std::size_t>(std::clamp(std::atoll(request.param("limit").c_str()), 1LL, 1000LL));
            auto records = hub.store().dossiers(filter);
            if (!records.ok())
                return send_error(response, records.error(), hub.now());
            Json list = Json::array();
            for (auto const& record : records.value())
                list.push_back({ { "id", record.id }, { "kiosk_id", record.kiosk_id }, { "site_id", record.site_id },
                    { "tracking_code", record.tracking_code }, { "demarche_id", record.demarche_id },
                    { "confirmed_at", record.confirmed_at }, { "received_at", record.received_at },
                    { "state", protocol::to_wire(record.state) } });
            send_json(response, 200, list);
        });
    });

    http->route(
        "GET", R"(/admin/v1/dossiers/([0-9]{1,18}))", [this](HttpRequest const& request, HttpResponse& response) {
            as_admin(request, response, [&] {
                auto record = hub.store().dossier(std::atoll(request.matches[1].c_str()));
                if (!record.ok())
                    return send_error(response, record.error(), hub.now());
                if (!record.value())
                    return send_json(response, 404, Json { { "error", "hub.unknown_dossier" } });
                auto opened = hub.open_dossier(*record.value());
                Json answer { { "id", record.value()->id }, { "tracking_code", record.value()->tracking_code },
                    { "state", protocol::to_wire(record.value()->state) } };
                if (opened.ok()) {
                    auto dossier = Json::parse(opened.value(), nullptr, false);
                    answer["dossier"] = dossier.is_discarded() ? Json(nullptr) : dossier;
                } else {
                    answer["dossier"] = nullptr;
                    answer["error"] = opened.error().code;
                }
                send_json(response, 200, answer);
            });
        });

    http->route(
        "PUT", R"(/admin/v1/dossiers/([0-9]{1,18})/state)", [this](HttpRequest const& request, HttpResponse& response) {
            as_admin(request, response, [&] {
                auto body = Json::parse(request.body, nullptr, false);
                std::optional<RequestState> state;
                if (body.is_object() && body.contains("state") && body["state"].is_string())
                    state = protocol::request_state_from_wire(body["state"].get<std::string>());
                if (!state || *state == RequestState::WaitingToLeave)
                    return send_error(response, Error::make("request.invalid", "unknown state"), hub.now());
                auto changed = hub.store().set_state(std::atoll(request.matches[1].c_str()), *state, hub.now());
                if (!changed.ok())
                    return send_error(response, changed.error(), hub.now());
                send_json(response, 200, Json { { "state", protocol::to_wire(*state) } });
            });
        });

    // The back office takes dossiers in two steps, so that none is marked
    // exported before it was received: GET a batch (opened, JSON lines),
    // store it, then POST the ids it stored.
    http->route("GET", "/admin/v1/export", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            std::size_t limit = 100;
            if (request.has_param("limit"))
                limit = static_cast<std::size_t>(std::clamp(std::atoll(request.param("limit").c_str()), 1LL, 1000LL));
            auto lines = hub.export_batch(limit);
            if (!lines.ok())
                return send_error(response, lines.error(), hub.now());
            response.status = 200;
            response.set_content(lines.value(), "application/x-ndjson");
        });
    });

    http->route("POST", "/admin/v1/export/ack", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            auto body = Json::parse(request.body, nullptr, false);
            std::vector<std::int64_t> ids;
            if (body.is_object() && body.contains("ids") && body["ids"].is_array()) {
                for (auto const& id : body["ids"]) {
                    if (!id.is_number_integer()) {
                        ids.clear();
                        break;
                    }
                    ids.push_back(id.get<std::int64_t>());
                }
            }
            if (ids.empty())
                return send_error(
                    response, Error::make("request.invalid", "ids: a non-empty list of dossier ids"), hub.now());
            auto marked = hub.store().mark_exported(ids, hub.now());
            if (!marked.ok())
                return send_error(response, marked.error(), hub.now());
            send_json(response, 200, Json { { "acknowledged", ids.size() } });
        });
    });

    // Usage figures: the page for the collectivité (admin), and the open
    // data, public by design (docs/usage.md).
    http->route("GET", "/usage", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            // Days in the hub's time zone: the town's days.
            auto from = query_value(request, "from").value_or(local_text(hub.now() - 29 * 86400, "%Y-%m-%d"));
            auto to = query_value(request, "to").value_or(today(hub.now()));
            auto start = day_start(from), end = day_end(to);
            if (!start || !end)
                return send_error(
                    response, Error::make("request.invalid", "from and to are days: YYYY-MM-DD"), hub.now());
            auto report = usage_report(hub.store(), UsageFilter { query_value(request, "site"), *start, *end });
            if (!report.ok())
                return send_error(response, report.error(), hub.now());
            response.status = 200;
            response.set_content(usage_page(report.value(), from, to), "text/html; charset=utf-8");
        });
    });
    for (std::string format : { "csv", "json" }) {
        http->route(
            "GET", "/open-data/usage." + format, [this, format](HttpRequest const& request, HttpResponse& response) {
                // Yesterday by default: a day is published once it is over.
                auto day = query_value(request, "day").value_or(day_before(today(hub.now())));
                auto report = open_data_report(hub.store(), day, hub.now());
                if (!report.ok())
                    return send_error(response, report.error(), hub.now());
                response.status = 200;
                response.set_header(
                    "Content-Disposition", "inline; filename=\"guichet-usage-" + day + "." + format + "\"");
                if (format == "csv")
                    response.set_content(open_data_csv(day, report.value()), "text/csv; charset=utf-8");
                else
                    response.set_content(open_data_json(day, report.value()).dump(2), "application/json");
            });
    }

    http->route("GET", "/fleet", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            response.status = 200;
            response.set_content(fleet_page(), "text/html; charset=utf-8");
        });
    });

    http->route("GET", "/metrics", [this](HttpRequest const& request, HttpResponse& response) {
        as_admin(request, response, [&] {
            response.status = 200;
            response.set_content(metrics(), "text/plain; version=0.0.4");
        });
    });
}

// [SECTION] Fleet page and metrics

std::string Server::State::fleet_page()
{
    auto kiosks = hub.kiosks();
    auto sites = hub.store().sites();
    auto now = hub.now();
    std::string html = R"(<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
<title>Parc des bornes — kiosk-hub</title>
<style>
body{font-family:DejaVu Sans,sans-serif;margin:2em;color:#1a1a1a}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.4em .6em;text-align:left}
th{background:#e8eef7}.ok{color:#0a6b2d;font-weight:bold}.late{color:#a35a00;font-weight:bold}
.off{color:#b00020;font-weight:bold}.muted{color:#666}td:first-child{white-space:nowrap;font-family:DejaVu Sans Mono,monospace}
</style></head><body>
<h1>Parc des bornes</h1>
)";
    if (!kiosks.ok() || !sites.ok()) {
        html += "<p class=\"off\">Le registre des bornes ne peut pas être lu. Consultez le journal du hub.</p>";
        return html + "</body></html>\n";
    }
    std::map<std::string, std::string> site_names;
    for (auto const& site : sites.value())
        site_names[site.id] = site.name;
    html += "<p class=\"muted\">" + std::to_string(kiosks.value().size()) + " borne(s), "
        + std::to_string(sites.value().size()) + " site(s). Page du " + utc_text(now) + ".</p>\n";
    html += "<table><thead><tr><th>Borne</th><th>Site</th><th>État</th><th>Dernier signe de vie</th>"
            "<th>Version</th><th>Imprimante</th><th>Lecteur de carte</th><th>Dossiers en attente</th>"
            "<th>Dernière synchronisation</th></tr></thead><tbody>\n";
    for (auto const& kiosk : kiosks.value()) {
        auto heartbeat = Json::parse(kiosk.heartbeat, nullptr, false);
        if (heartbeat.is_discarded() || !heartbeat.is_object())
            heartbeat = Json::object();
        auto text = [&](char const* key) {
            auto value = heartbeat.find(key);
            if (value == heartbeat.end())
                return std::string("—");
            return html_escape(value->is_string() ? value->get<std::string>() : value->dump());
        };
        auto peripheral = [&](char const* key) {
            auto peripherals = heartbeat.find("peripherals");
            if (peripherals == heartbeat.end() || !peripherals->is_object() || !peripherals->contains(key)
                || !(*peripherals)[key].is_string())
                return std::string("—");
            return html_escape(device_state_fr((*peripherals)[key].get<std::string>()));
        };
        std::string state;
        if (kiosk.revoked_at)
            state = "<span class=\"off\">révoquée</span>";
        else if (!kiosk.last_seen_at)
            state = "<span class=\"muted\">jamais vue</span>";
        else if (now - *kiosk.last_seen_at <= 3 * hub.settings().heartbeat_seconds)
            state = "<span class=\"ok\">en ligne</span>";
        else
            state = "<span class=\"late\">silencieuse</span>";
        auto last_sync = heartbeat.find("last_sync_at");
        auto site_name = site_names.contains(kiosk.site_id) ? site_names[kiosk.site_id] : kiosk.site_id;
        html += "<tr><td>" + html_escape(kiosk.id) + "</td><td>" + html_escape(site_name) + "</td><td>" + state
            + "</td><td>" + (kiosk.last_seen_at ? utc_text(*kiosk.last_seen_at) : "—") + "</td><td>" + text("version")
            + "</td><td>" + peripheral("printer") + "</td><td>" + peripheral("card_reader") + "</td><td>"
            + text("outbox_depth") + "</td><td>"
            + (last_sync != heartbeat.end() && last_sync->is_number_integer() && last_sync->get<std::int64_t>() > 0
                    ? utc_text(last_sync->get<std::int64_t>())
                    : "—")
            + "</td></tr>\n";
    }
    html += "</tbody></table>\n</body></html>\n";
    return html;
}

std::string Server::State::metrics()
{
    std::string text;
    auto add = [&](char const* name, char const* type, char const* help, auto value) {
        text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " "
            + std::to_string(value) + "\n";
    };
    auto& counters = hub.counters();
    add("guichet_hub_dossiers_stored_total", "counter", "Dossiers stored since the hub started.",
        counters.dossiers_stored.load());
    add("guichet_hub_dossiers_duplicate_total", "counter",
        "Pushes of a dossier already stored (retries), since the hub started.", counters.dossiers_duplicate.load());
    add("guichet_hub_heartbeats_total", "counter", "Heartbeats received since the hub started.",
        counters.heartbeats.load());
    add("guichet_hub_auth_failures_total", "counter", "Kiosk requests refused by authentication.",
        counters.auth_failures.load());
    add("guichet_hub_enrollments_total", "counter", "Kiosks enrolled since the hub started.",
        counters.enrollments.load());
    add("guichet_hub_uptime_seconds", "gauge", "Seconds since the hub started.",
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count());
    if (auto counts = hub.store().counts()) {
        add("guichet_hub_sites", "gauge", "Sites.", counts.value().sites);
        add("guichet_hub_kiosks", "gauge", "Enrolled kiosks, revoked included.", counts.value().kiosks);
        add("guichet_hub_kiosks_revoked", "gauge", "Revoked kiosks.", counts.value().revoked_kiosks);
        add("guichet_hub_dossiers", "gauge", "Dossiers held.", counts.value().dossiers);
        add("guichet_hub_dossiers_not_exported", "gauge", "Dossiers not yet exported to the back office.",
            counts.value().dossiers_not_exported);
        add("guichet_hub_store_up", "gauge", "1 when the store answers.", 1);
    } else {
        add("guichet_hub_store_up", "gauge", "1 when the store answers.", 0);
    }
    if (auto kiosks = hub.kiosks()) {
        auto now = hub.now();
        std::int64_t online = 0;
        std::int64_t outbox = 0;
        for (auto const& kiosk : kiosks.value()) {
            if (!kiosk.revoked_at && kiosk.last_seen_at
                && now - *kiosk.last_seen_at <= 3 * hub.settings().heartbeat_seconds)
                ++online;
            auto heartbeat = Json::parse(kiosk.heartbeat, nullptr, false);
            if (heartbeat.is_object() && heartbeat.contains("outbox_depth")
                && heartbeat["outbox_depth"].is_number_integer())
                outbox += heartbeat["outbox_depth"].get<std::int64_t>();
        }
        add("guichet_hub_kiosks_online", "gauge", "Kiosks heard from within three heartbeat periods.", online);
        add("guichet_hub_fleet_outbox_depth", "gauge", "Dossiers waiting on kiosks, from their last heartbeats.",
            outbox);
    }
    return text;
}

// [SECTION] Life cycle

Server::Server(std::unique_ptr<State> state)
    : m_state(std::move(state))
{
}

Server::~Server()
{
    stop();
}

Result<std::unique_ptr<Server>> Server::create(Hub& hub, ServerSettings const& settings)
{
    auto state = std::make_unique<State>(hub, settings);
    HttpServerSettings http;
    http.host = settings.host;
    http.port = settings.port;
    http.certificate = settings.certificate;
    http.private_key = settings.private_key;
    http.workers = std::max(4, settings.threads);
    http.io_threads = settings.io_threads > 0 ? settings.io_threads
                                              : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    // A kiosk's connection stays open from one heartbeat to the next, so
    // that a heartbeat costs a request and not a TLS handshake (about 1.5 ms
    // of the hub's CPU, ten times the request): an idle connection costs
    // memory only. libcurl keeps a connection for 118 s by default.
    http.keep_alive_seconds = hub.settings().heartbeat_seconds + 15;
    http.io_timeout_seconds = 10;
    http.body_limit = 4 * 1024 * 1024;
    auto server = HttpServer::create(http);
    if (!server.ok())
        return server.release_error();
    state->http = server.release_value();
    state->port = state->http->port();
    state->routes();
    return std::unique_ptr<Server>(new Server(std::move(state)));
}

int Server::port() const
{
    return m_state->port;
}

void Server::run()
{
    m_state->http->run();
}

void Server::stop()
{
    if (!m_state)
        return;
    // Parked long-polls are answered ("ended") first, or the server would
    // wait for them.
    m_state->desk.close();
    if (m_state->http)
        m_state->http->stop();
}

}
