#include "uplink.hpp"

#include "kiosk/core/log.hpp"
#include "kiosk/core/slots.hpp"
#include "sync/catalogue_bundle.hpp"
#include "sync/hub_client.hpp"
#include "sync/private_file.hpp"
#include "sync/protocol.hpp"
#include "sync/sqlite_store.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include <algorithm>

#include <random>
#include <set>

namespace guichet {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

namespace {

// How a push ended, for the outbox's next move.
enum class PushVerdict {
    Acknowledged,
    Retry, // the hub or the network failed: back off, try again
    Refused, // the hub refuses this kiosk: wait long, try again
    Rejected, // the hub refuses this dossier: keep it, skip it, try later
};

std::optional<std::chrono::milliseconds> retry_after(HubResponse const& response)
{
    auto header = response.header("retry-after");
    if (!header)
        return std::nullopt;
    auto seconds = std::atoll(header->c_str());
    if (seconds <= 0)
        return std::nullopt;
    return std::chrono::milliseconds(std::min<long long>(seconds, 3600) * 1000);
}

}

struct Uplink::Shared {
    KioskIdentity identity;
    UplinkSettings settings;
    Callbacks callbacks;
    Clock::time_point started { Clock::now() };

    mutable std::mutex mutex;
    std::condition_variable wake;
    bool stopping { false };
    bool woken { false };
    UplinkState state;

    struct Query {
        TrackingCode code;
        std::function<void(StatusAnswer)> answer;
    };
    std::condition_variable queries_ready;
    std::deque<Query> queries;

    Shared(KioskIdentity identity_, UplinkSettings settings_, Callbacks callbacks_)
        : identity(std::move(identity_))
        , settings(std::move(settings_))
        , callbacks(std::move(callbacks_))
    {
    }

    void update(std::function<void(UplinkState&)> const& change)
    {
        UplinkState copy;
        bool changed = false;
        {
            std::lock_guard lock(mutex);
            auto before = state;
            change(state);
            changed = !(before == state);
            copy = state;
        }
        if (changed && callbacks.on_state)
            callbacks.on_state(copy);
    }

    std::unique_ptr<HubClient> make_client(std::chrono::milliseconds total_timeout) const
    {
        auto client = std::make_unique<HubClient>(
            HubClientSettings { identity.hub_url, identity.ca_file, settings.connect_timeout, total_timeout });
        client->set_identity(identity.kiosk_id, identity.keys.secret_key, identity.hub_box_public_key);
        return client;
    }

    void run();
    void run_status();
};

// [SECTION] The outbox worker

namespace {

class OutboxWorker {
public:
    explicit OutboxWorker(Uplink::Shared& shared)
        : m_shared(shared)
        , m_client(shared.make_client(shared.settings.request_timeout))
        , m_random(std::random_device {}())
    {
    }

    void run()
    {
        auto now = Clock::now();
        m_next_push = now;
        m_next_heartbeat = now;
        m_next_catalogue = now;
        m_next_usage = now;
        for (;;) {
            if (!m_store)
                open_store();
            now = Clock::now();
            if (m_store && now >= m_next_push)
                push();
            now = Clock::now();
            if (m_store && now >= m_next_usage && !m_refused)
                push_usage();
            now = Clock::now();
            if (now >= m_next_heartbeat) {
                if (m_shared.settings.heartbeats)
                    heartbeat();
                else
                    m_next_heartbeat = now + std::chrono::hours(1);
            }
            now = Clock::now();
            if (now >= m_next_catalogue) {
                pull_catalogue();
                pull_slots();
                pull_agents();
            }
            auto next = std::min({ m_next_push, m_next_heartbeat, m_next_catalogue, m_next_usage });
            if (!m_store)
                next = std::min(next, Clock::now() + std::chrono::seconds(5));
            // Never wait past an hour: a far time point overflows some
            // condition-variable implementations.
            next = std::min(next, Clock::now() + std::chrono::hours(1));
            bool was_woken = false;
            {
                std::unique_lock lock(m_shared.mutex);
                m_shared.wake.wait_until(lock, next, [this] { return m_shared.stopping || m_shared.woken; });
                if (m_shared.stopping)
                    return;
                was_woken = std::exchange(m_shared.woken, false);
            }
            // A new dossier: try now, unless the hub asked us to wait or
            // refuses us (the wait is then the hub's to set).
            if (was_woken && !m_hub_asked_to_wait && !m_refused)
                m_next_push = Clock::now();
        }
    }

private:
    void open_store()
    {
        auto opened = SqliteStore::open(m_shared.settings.store_path, m_shared.identity.hub_box_public_key);
        if (!opened.ok()) {
            log(LogLevel::Error, "sync", "cannot open the outbox: " + opened.error().code);
            return;
        }
        m_store = opened.release_value();
        refresh_depth();
    }

    void refresh_depth()
    {
        auto depth = m_store->outbox_depth();
        auto last = m_store->last_sync_at();
        m_shared.update([&](UplinkState& state) {
            if (depth.ok())
                state.outbox_depth = depth.value();
            if (last.ok())
                state.last_sync_at = last.value();
        });
    }

    std::chrono::milliseconds backoff(std::optional<std::chrono::milliseconds> hub_wait)
    {
        auto const& settings = m_shared.settings;
        m_failures = std::min(m_failures + 1, 30);
        auto delay = settings.backoff_base;
        for (int i = 1; i < m_failures && delay < settings.backoff_max; ++i)
            delay *= 2;
        delay = std::min(delay, settings.backoff_max);
        // "Equal jitter": half fixed, half random, so that a fleet that lost
        // the hub together does not come back in step.
        std::uniform_int_distribution<long long> spread(0, delay.count() / 2);
        auto jittered = std::chrono::milliseconds(delay.count() / 2 + spread(m_random));
        m_hub_asked_to_wait = hub_wait.has_value();
        if (hub_wait)
            jittered = std::max(jittered, *hub_wait);
        return jittered;
    }

    PushVerdict push_one(OutboxEntry const& entry, std::optional<std::chrono::milliseconds>& hub_wait)
    {
        Json body {
            { "idempotency_key", entry.idempotency_key },
            { "tracking_code", entry.tracking_code },
            { "demarche_id", entry.demarche_id },
            { "confirmed_at", entry.created_at },
            { "sealed", entry.sealed },
        };
        auto answer = ask("POST", "/v1/dossiers", body.dump());
        if (!answer)
            return PushVerdict::Retry;
        if (answer->ok())
            return PushVerdict::Acknowledged;
        if (answer->status == 400 || answer->status == 409 || answer->status == 413) {
            log(LogLevel::Error, "sync",
                "the hub rejects a dossier (" + std::to_string(answer->status) + " " + answer->error_code()
                    + "); it is kept and will be offered again");
            return PushVerdict::Rejected;
        }
        hub_wait = retry_after(*answer);
        return note_refusal_or_failure(*answer) ? PushVerdict::Refused : PushVerdict::Retry;
    }

    void push()
    {
        std::int64_t after = 0;
        std::size_t sent = 0;
        for (;;) {
            auto batch = m_store->outbox(64, after);
            if (!batch.ok()) {
                log(LogLevel::Error, "sync", "cannot read the outbox: " + batch.error().code);
                m_next_push = Clock::now() + backoff(std::nullopt);
                return;
            }
            if (batch.value().empty())
                break;
            for (auto const& entry : batch.value()) {
                after = entry.id;
                auto held = m_rejected.find(entry.id);
                if (held != m_rejected.end() && Clock::now() < held->second)
                    continue;
                std::optional<std::chrono::milliseconds> hub_wait;
                auto verdict = push_one(entry, hub_wait);
                if (verdict == PushVerdict::Acknowledged) {
                    auto acknowledged = m_store->acknowledge(entry.id, protocol::unix_now());
                    if (!acknowledged.ok()) {
                        // The hub has it; the next push of it is answered as a
                        // duplicate, and then deleted.
                        log(LogLevel::Error, "sync", "cannot delete a sent dossier: " + acknowledged.error().code);
                        m_next_push = Clock::now() + backoff(std::nullopt);
                        refresh_depth();
                        return;
                    }
                    m_rejected.erase(entry.id);
                    ++sent;
                    note_success();
                    continue;
                }
                if (verdict == PushVerdict::Rejected) {
                    m_rejected[entry.id] = Clock::now() + m_shared.settings.backoff_max;
                    note_success(); // the hub answered: it is reachable
                    continue;
                }
                if (verdict == PushVerdict::Refused) {
                    m_refused = true;
                    m_next_push = Clock::now() + m_shared.settings.backoff_max;
                } else {
                    m_next_push = Clock::now() + backoff(hub_wait);
                }
                if (sent > 0)
                    log(LogLevel::Info, "sync", std::to_string(sent) + " dossier(s) sent before the failure");
                refresh_depth();
                return;
            }
        }
        if (sent > 0)
            log(LogLevel::Info, "sync", std::to_string(sent) + " dossier(s) sent");
        refresh_depth();
        // Nothing left (or only rejected ones): until a wake(), or the
        // earliest time a rejected dossier may be offered again.
        m_next_push = Clock::time_point::max();
        for (auto const& [id, when] : m_rejected)
            m_next_push = std::min(m_next_push, when);
    }

    // Usage events, oldest first, in batches; each batch deleted once the
    // hub answered for it (stored, already stored, or refused as not
    // anonymous: none of them is worth sending again).
    void push_usage()
    {
        constexpr std::size_t batch_size = 200;
        std::size_t sent = 0;
        for (;;) {
            auto rows = m_store->usage(batch_size);
            if (!rows.ok()) {
                log(LogLevel::Error, "usage", "cannot read usage events: " + rows.error().code);
                break;
            }
            if (rows.value().empty())
                break;
            std::string body = R"({"events":[)";
            for (auto const& row : rows.value()) {
                if (body.back() != '[')
                    body += ',';
                body += row.body;
            }
            body += "]}";
            auto answer = ask("POST", "/v1/usage", body);
            if (!answer) {
                m_next_usage = Clock::now() + backoff(std::nullopt);
                return;
            }
            if (answer->status == 404 || answer->status == 400 || answer->status == 413) {
                // A hub older than usage figures, or one that does not
                // understand this batch: kept, offered again in an hour.
                if (!m_usage_refused)
                    log(LogLevel::Warning, "usage",
                        "the hub does not take usage events (" + std::to_string(answer->status) + "); they are kept");
                m_usage_refused = true;
                m_next_usage = Clock::now() + std::chrono::hours(1);
                return;
            }
            if (!answer->ok()) {
                auto hub_wait = retry_after(*answer);
                note_refusal_or_failure(*answer);
                m_next_usage = Clock::now() + backoff(hub_wait);
                return;
            }
            note_success();
            m_usage_refused = false;
            auto parsed = Json::parse(answer->body, nullptr, false);
            auto refused = parsed.is_object() ? parsed.value("refused", std::int64_t { 0 }) : 0;
            if (refused > 0)
                log(LogLevel::Error, "usage", std::to_string(refused) + " usage event(s) refused by the hub");
            auto acknowledged = m_store->acknowledge_usage(rows.value().back().id);
            if (!acknowledged.ok()) {
                // Sent again later, and counted once by the hub.
                log(LogLevel::Error, "usage", "cannot delete sent usage events: " + acknowledged.error().code);
                break;
            }
            sent += rows.value().size();
            if (rows.value().size() < batch_size)
                break;
        }
        if (sent > 0)
            log(LogLevel::Info, "usage", std::to_string(sent) + " usage event(s) sent");
        m_next_usage = Clock::now() + m_shared.settings.usage_period;
    }

    void heartbeat()
    {
        auto const& settings = m_shared.settings;
        auto state = m_shared_state();
        Json peripherals = Json::object();
        if (m_shared.callbacks.peripherals) {
            auto report = m_shared.callbacks.peripherals();
            peripherals["printer"] = report.printer;
            peripherals["card_reader"] = report.card_reader;
        }
        std::size_t usage_depth = 0;
        if (m_store) {
            if (auto depth = m_store->usage_depth(); depth.ok())
                usage_depth = depth.value();
        }
        Json body {
            { "version", settings.software_version },
            { "uptime_s", std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - m_shared.started).count() },
            { "outbox_depth", state.outbox_depth },
            { "usage_depth", usage_depth },
            { "last_sync_at", state.last_sync_at },
            { "peripherals", peripherals },
            { "clock_offset_s", m_client->clock_offset() },
            { "catalogue", m_catalogue_etag.empty() ? Json(nullptr) : Json(m_catalogue_etag) },
        };
        // The hub says how often (in its answers); a period set in the
        // settings wins (tests, benchmarks).
        if (m_heartbeat_period.count() == 0)
            m_heartbeat_period = std::chrono::seconds(
                m_shared.identity.heartbeat_seconds > 0 ? m_shared.identity.heartbeat_seconds : 60);
        if (settings.heartbeat_period.count() > 0)
            m_heartbeat_period = settings.heartbeat_period;
        m_next_heartbeat = Clock::now() + m_heartbeat_period;
        auto response = ask("POST", "/v1/heartbeat", body.dump());
        if (!response)
            return;
        if (!response->ok()) {
            note_refusal_or_failure(*response);
            return;
        }
        note_success();
        auto answer = Json::parse(response->body, nullptr, false);
        if (answer.is_object()) {
            auto told = answer.value("heartbeat_seconds", 0);
            if (told >= 10 && told <= 3600 && settings.heartbeat_period.count() == 0)
                m_heartbeat_period = std::chrono::seconds(told);
            auto etag = answer.value("catalogue_etag", std::string());
            // A new catalogue was published: fetch it now rather than at the
            // next period.
            if (!etag.empty() && etag != m_catalogue_etag && etag != m_refused_etag)
                m_next_catalogue = Clock::now();
        }
    }

    void pull_catalogue()
    {
        m_next_catalogue = Clock::now() + m_shared.settings.catalogue_period;
        auto const& root = m_shared.settings.catalogue_root;
        if (root.empty())
            return;
        if (m_catalogue_etag.empty()) {
            if (auto current = Uplink::current_catalogue(root))
                m_catalogue_etag = "\"" + current->filename().string() + "\"";
        }
        std::map<std::string, std::string> headers;
        if (!m_catalogue_etag.empty())
            headers["If-None-Match"] = m_catalogue_etag;
        auto response = ask("GET", "/v1/catalogue", {}, headers);
        if (!response)
            return;
        auto const& answer = *response;
        if (answer.status == 304 || answer.status == 404) {
            note_success();
            return;
        }
        if (!answer.ok()) {
            note_refusal_or_failure(answer);
            return;
        }
        note_success();
        auto installed = install_catalogue(answer);
        if (!installed.ok()) {
            m_refused_etag = answer.header("etag").value_or("");
            log(LogLevel::Error, "sync",
                "the hub's catalogue is refused, the current one stays: " + installed.error().code + " "
                    + installed.error().detail);
            return;
        }
        log(LogLevel::Info, "sync", "catalogue " + installed.value().filename().string().substr(0, 12) + " installed");
        if (m_shared.callbacks.on_catalogue)
            m_shared.callbacks.on_catalogue(installed.value());
    }

    void pull_slots()
    {
        auto const& file = m_shared.settings.slots_file;
        if (file.empty())
            return;
        if (m_slots_text.empty()) {
            if (auto kept = read_private_file(file); kept.ok())
                m_slots_text = kept.value();
        }
        auto response = ask("GET", "/v1/slots");
        if (!response)
            return;
        if (!response->ok()) {
            note_refusal_or_failure(*response);
            return;
        }
        auto answer = Json::parse(response->body, nullptr, false);
        if (!answer.is_object() || !answer.contains("schedule") || answer["schedule"].is_null())
            return;
        auto text = answer["schedule"].dump(2) + "\n";
        if (text == m_slots_text)
            return;
        if (auto parsed = SlotSchedule::parse(text); !parsed.ok()) {
            log(LogLevel::Error, "sync", "the hub's appointment week is refused: " + parsed.error().detail);
            return;
        }
        if (auto written = write_file_atomically(file, text, 0644); !written.ok()) {
            log(LogLevel::Error, "sync", "the appointment week cannot be kept: " + written.error().detail);
            return;
        }
        m_slots_text = text;
        log(LogLevel::Info, "sync", "new appointment week from the hub");
        if (m_shared.callbacks.on_slots)
            m_shared.callbacks.on_slots(text);
    }

    // The site's agents: pulled with the catalogue, so a disabled agent is
    // forgotten within its period (15 minutes).
    void pull_agents()
    {
        auto const& file = m_shared.settings.agents_file;
        if (file.empty())
            return;
        std::map<std::string, std::string> headers;
        if (!m_agents_etag.empty())
            headers["If-None-Match"] = m_agents_etag;
        auto response = ask("GET", "/v1/agents", {}, headers);
        if (!response || response->status == 304)
            return;
        // A hub older than agent mode: nothing is wrong with it, but no
        // agent it no longer vouches for may stay (a hub rolled back).
        if (response->status == 404) {
            if (!m_agents_missing) {
                log(LogLevel::Warning, "sync", "this hub sends no list of desk agents: update it for agent mode");
                if (m_shared.callbacks.on_agents)
                    m_shared.callbacks.on_agents(R"({"agents": []})");
                std::error_code ignored;
                std::filesystem::remove(file, ignored);
                m_agents_etag.clear();
            }
            m_agents_missing = true;
            return;
        }
        m_agents_missing = false;
        if (!response->ok()) {
            note_refusal_or_failure(*response);
            return;
        }
        auto answer = Json::parse(response->body, nullptr, false);
        if (!answer.is_object() || !answer.contains("agents") || !answer["agents"].is_array()) {
            log(LogLevel::Error, "sync", "the hub's list of agents is refused: not {\"agents\": [...]}");
            return;
        }
        // In use at once (a disabled agent is forgotten even when the disk
        // is full), then kept for the next start.
        if (m_shared.callbacks.on_agents)
            m_shared.callbacks.on_agents(response->body);
        auto technicians = std::count_if(answer["agents"].begin(), answer["agents"].end(), [](Json const& agent) {
            return agent.is_object() && agent.contains("role") && agent["role"] == "technician";
        });
        log(LogLevel::Info, "sync",
            std::to_string(answer["agents"].size() - static_cast<std::size_t>(technicians)) + " desk agent(s) and "
                + std::to_string(technicians) + " technician(s) from the hub");
        if (auto written = write_private_file(file, response->body); !written.ok()) {
            log(LogLevel::Error, "sync", "the list of agents cannot be kept: " + written.error().detail);
            return;
        }
        m_agents_etag = response->header("ETag").value_or("");
    }

    // Checks the signature, then the catalogue itself, then writes it and
    // swaps <root>/current to it with one rename.
    Result<std::filesystem::path> install_catalogue(HubResponse const& answer)
    {
        auto signature_text = answer.header(protocol::catalogue_signature_header);
        if (!signature_text)
            return Error::make("catalogue.unsigned", "the catalogue comes without a signature");
        auto signature = crypto::from_base64(*signature_text);
        if (!signature.ok()
            || !crypto::verify(answer.body, signature.value(), m_shared.identity.hub_signing_public_key))
            return Error::make("catalogue.bad_signature", "the signature is not the hub's");
        auto files = GUICHET_TRY(bundle::files_of(answer.body));
        auto catalogue = bundle::load(files);
        if (!catalogue.errors.empty())
            return Error::make("catalogue.invalid",
                std::to_string(catalogue.errors.size()) + " error(s), first: " + catalogue.errors.front().to_string());
        if (catalogue.demarches.empty())
            return Error::make("catalogue.invalid", "no démarche");

        auto const& root = m_shared.settings.catalogue_root;
        auto digest = crypto::sha256_hex(answer.body);
        auto folder = root / digest;
        std::error_code error;
        std::filesystem::create_directories(root, error);
        if (!std::filesystem::exists(folder / std::string(orientation_file_name), error)) {
            std::filesystem::remove_all(folder, error);
            auto staging = root / (digest + ".partial");
            std::filesystem::remove_all(staging, error);
            GUICHET_TRY(bundle::write_folder(files, staging));
            std::filesystem::rename(staging, folder, error);
            if (error)
                return Error::make("catalogue.io", "cannot move the new catalogue in place: " + error.message());
        }
        // The swap: a new link beside the old one, renamed over it. A crash
        // leaves either the old catalogue or the new one in use.
        auto link = root / "current.new";
        std::filesystem::remove(link, error);
        std::filesystem::create_directory_symlink(digest, link, error);
        if (error)
            return Error::make("catalogue.io", "cannot link the new catalogue: " + error.message());
        std::filesystem::rename(link, root / "current", error);
        if (error)
            return Error::make("catalogue.io", "cannot switch to the new catalogue: " + error.message());
        m_catalogue_etag = "\"" + digest + "\"";
        remove_old_catalogues(digest);
        return folder;
    }

    void remove_old_catalogues(std::string const& keep)
    {
        std::error_code error;
        for (auto const& entry : std::filesystem::directory_iterator(m_shared.settings.catalogue_root, error)) {
            auto name = entry.path().filename().string();
            if (name != keep && name != "current" && entry.is_directory(error) && !entry.is_symlink(error))
                std::filesystem::remove_all(entry.path(), error);
        }
    }

    UplinkState m_shared_state() const
    {
        std::lock_guard lock(m_shared.mutex);
        return m_shared.state;
    }

    void note_success()
    {
        m_failures = 0;
        m_hub_asked_to_wait = false;
        if (m_refused) {
            m_refused = false;
            m_next_push = Clock::now();
        }
        auto offset = m_client->clock_offset();
        m_shared.update([&](UplinkState& state) {
            if (!state.reachable)
                log(LogLevel::Info, "sync", "the hub answers");
            state.reachable = true;
            state.refused = false;
            state.last_error.clear();
            state.clock_offset = offset;
        });
    }

    void note_failure(std::string const& code)
    {
        m_shared.update([&](UplinkState& state) {
            if (state.reachable || state.last_error != code)
                log(LogLevel::Warning, "sync", "the hub cannot be reached: " + code + "; dossiers wait in the outbox");
            state.reachable = false;
            state.last_error = code;
        });
    }

    // The hub's answer, or nothing when it could not be reached (noted).
    std::optional<HubResponse> ask(std::string const& method, std::string const& path, std::string const& body = {},
        std::map<std::string, std::string> const& headers = {})
    {
        auto response = m_client->request(method, path, body, headers);
        if (!response.ok()) {
            note_failure(response.error().code);
            return std::nullopt;
        }
        return response.release_value();
    }

    // A hub that answered with an error: refused (401/403, the hub does
    // not accept this kiosk; true) or failing (anything else).
    bool note_refusal_or_failure(HubResponse const& answer)
    {
        auto code = answer.error_code();
        if ((answer.status == 401 && code != "auth.clock_skew") || answer.status == 403) {
            note_refused(code.empty() ? "auth.refused" : code);
            return true;
        }
        note_failure("http." + std::to_string(answer.status));
        return false;
    }

    void note_refused(std::string const& code)
    {
        m_shared.update([&](UplinkState& state) {
            if (!state.refused)
                log(LogLevel::Error, "sync",
                    "the hub refuses this kiosk (" + code + "): ask the administrator; dossiers are kept");
            state.reachable = true;
            state.refused = true;
            state.last_error = code;
        });
    }

    Uplink::Shared& m_shared;
    std::unique_ptr<HubClient> m_client;
    std::unique_ptr<SqliteStore> m_store;
    std::mt19937_64 m_random;
    int m_failures { 0 };
    bool m_hub_asked_to_wait { false };
    bool m_refused { false };
    std::map<std::int64_t, Clock::time_point> m_rejected;
    Clock::time_point m_next_push;
    Clock::time_point m_next_heartbeat;
    std::string m_agents_etag;
    bool m_agents_missing { false };
    Clock::time_point m_next_catalogue;
    Clock::time_point m_next_usage;
    bool m_usage_refused { false };
    std::string m_catalogue_etag;
    std::string m_refused_etag;
    std::string m_slots_text;
    std::chrono::seconds m_heartbeat_period { 0 };
};

}

void Uplink::Shared::run()
{
    OutboxWorker worker(*this);
    worker.run();
}

// [SECTION] The status worker

void Uplink::Shared::run_status()
{
    auto client = make_client(settings.status_timeout);
    for (;;) {
        std::unique_lock lock(mutex);
        queries_ready.wait(lock, [this] { return stopping || !queries.empty(); });
        if (stopping)
            break;
        auto query = std::move(queries.front());
        queries.pop_front();
        lock.unlock();
        auto response = client->request("GET", "/v1/requests/" + query.code.text());
        query.code.wipe();
        if (!response.ok()) {
            query.answer(response.release_error());
            continue;
        }
        auto const& answer = response.value();
        if (answer.status == 404 && answer.error_code() == "request.unknown") {
            query.answer(std::optional<RequestStatus> {});
            continue;
        }
        if (!answer.ok()) {
            query.answer(Error::make("hub.status", "the hub answered " + std::to_string(answer.status)));
            continue;
        }
        auto json = Json::parse(answer.body, nullptr, false);
        std::optional<RequestState> state;
        if (json.is_object() && json.contains("state") && json["state"].is_string())
            state = protocol::request_state_from_wire(json["state"].get<std::string>());
        if (!state) {
            query.answer(Error::make("hub.status", "the hub's answer is not understood"));
            continue;
        }
        RequestStatus status;
        status.state = *state;
        status.demarche_id = json.value("demarche_id", std::string());
        status.confirmed_at = json.value("confirmed_at", std::int64_t { 0 });
        query.answer(std::optional<RequestStatus>(std::move(status)));
    }
    // Whoever is still waiting hears that the hub was not asked.
    std::deque<Query> left;
    {
        std::lock_guard lock(mutex);
        left.swap(queries);
    }
    for (auto& query : left)
        query.answer(Error::make("hub.stopped", "the kiosk is stopping"));
}

// [SECTION] Uplink

Uplink::Uplink(KioskIdentity identity, UplinkSettings settings, Callbacks callbacks)
    : m_shared(std::make_shared<Shared>(std::move(identity), std::move(settings), std::move(callbacks)))
{
    (void)crypto::initialise();
    m_worker = std::thread([shared = m_shared] { shared->run(); });
    m_status_worker = std::thread([shared = m_shared] { shared->run_status(); });
}

Uplink::~Uplink()
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->stopping = true;
    }
    m_shared->wake.notify_all();
    m_shared->queries_ready.notify_all();
    // A request in flight finishes or times out (request_timeout at most).
    m_worker.join();
    m_status_worker.join();
}

void Uplink::wake()
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->woken = true;
    }
    m_shared->wake.notify_all();
}

void Uplink::ask_status(TrackingCode const& code, std::function<void(StatusAnswer)> answer)
{
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->queries.push_back(Shared::Query { code, std::move(answer) });
    }
    m_shared->queries_ready.notify_one();
}

UplinkState Uplink::state() const
{
    std::lock_guard lock(m_shared->mutex);
    return m_shared->state;
}

std::optional<std::filesystem::path> Uplink::current_catalogue(std::filesystem::path const& root)
{
    std::error_code error;
    auto link = root / "current";
    if (!std::filesystem::is_symlink(link, error))
        return std::nullopt;
    auto target = std::filesystem::read_symlink(link, error);
    if (error)
        return std::nullopt;
    auto folder = root / target.filename();
    if (!std::filesystem::exists(folder / std::string(orientation_file_name), error))
        return std::nullopt;
    return folder;
}

}
