#include "hub.hpp"
#include "thread_name.hpp"

#include "kiosk/core/tracking_code.hpp"
#include "sync/catalogue_bundle.hpp"
#include "sync/protocol.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>

namespace guichet::hub {

namespace {

Error invalid(std::string why)
{
    return Error::make("request.invalid", std::move(why));
}

Result<std::string> string_field(Json const& object, char const* name, std::size_t max_size)
{
    auto field = object.find(name);
    if (field == object.end() || !field->is_string())
        return invalid(std::string(name) + " is missing or not a string");
    auto value = field->get<std::string>();
    if (value.empty() || value.size() > max_size)
        return invalid(std::string(name) + " is empty or too long");
    return value;
}

Result<std::int64_t> integer_field(Json const& object, char const* name)
{
    auto field = object.find(name);
    if (field == object.end() || !field->is_number_integer())
        return invalid(std::string(name) + " is missing or not an integer");
    return field->get<std::int64_t>();
}

bool is_hex(std::string_view text)
{
    return std::all_of(
        text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}

std::string html_escape(std::string_view text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

namespace {

std::string time_text(std::int64_t unix_seconds, char const* format, bool local)
{
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm broken {};
    if (local)
        localtime_r(&t, &broken);
    else
        gmtime_r(&t, &broken);
    char text[64];
    std::strftime(text, sizeof text, format, &broken);
    return text;
}

}

std::string utc_text(std::int64_t unix_seconds, char const* format)
{
    return time_text(unix_seconds, format, false);
}

std::string local_text(std::int64_t unix_seconds, char const* format)
{
    return time_text(unix_seconds, format, true);
}

std::string time_zone_name()
{
    if (char const* zone = std::getenv("TZ"); zone && *zone)
        return zone[0] == ':' ? zone + 1 : zone;
    std::error_code error;
    auto target = std::filesystem::read_symlink("/etc/localtime", error).string();
    if (auto at = target.find("zoneinfo/"); !error && at != std::string::npos)
        return target.substr(at + 9);
    return "UTC";
}

Hub::Hub(HubStore& store, HubKeys const& keys, HubSettings settings, Now now)
    : m_store(store)
    , m_keys(keys)
    , m_settings(std::move(settings))
    , m_now(std::move(now))
{
}

Hub::~Hub()
{
    {
        std::lock_guard lock(m_heartbeats_mutex);
        m_stopping = true;
    }
    m_heartbeats_wake.notify_all();
    if (m_heartbeat_writer.joinable())
        m_heartbeat_writer.join();
    (void)flush_heartbeats();
}

bool Hub::admin_token_matches(std::string_view token) const
{
    return !token.empty() && crypto::equal_constant_time(token, m_keys.admin_token);
}

// [SECTION] Administration

Result<std::string> Hub::create_enrollment_code(std::string const& site_id)
{
    auto code = crypto::random_code(3);
    EnrollmentCode record;
    record.code_hash = crypto::sha256_hex(protocol::normalise_code(code));
    record.site_id = site_id;
    record.created_at = now();
    record.expires_at = record.created_at + m_settings.enrollment_code_lifetime;
    GUICHET_TRY(m_store.add_enrollment_code(record));
    return code;
}

Result<std::int64_t> Hub::publish_catalogue(std::filesystem::path const& folder)
{
    auto document = GUICHET_TRY(bundle::make(folder, now()));
    auto files = GUICHET_TRY(bundle::files_of(document));
    auto catalogue = bundle::load(files);
    if (!catalogue.errors.empty()) {
        std::string detail;
        for (auto const& error : catalogue.errors)
            detail += error.to_string() + "\n";
        return Error::make("catalogue.invalid", detail);
    }
    if (catalogue.demarches.empty())
        return Error::make("catalogue.invalid", "the catalogue has no démarche");
    CatalogueVersion version;
    version.etag = "\"" + crypto::sha256_hex(document) + "\"";
    version.signature = crypto::to_base64(crypto::sign(document, m_keys.signing.secret_key));
    version.document = std::move(document);
    version.published_at = now();
    return m_store.publish_catalogue(version);
}

Result<std::string> Hub::open_dossier(DossierRecord const& record) const
{
    auto box = GUICHET_TRY(crypto::from_base64(record.sealed));
    return crypto::open_sealed(box, m_keys.box);
}

namespace {

// One exported dossier: what the hub knows of it, and the dossier opened.
Json export_line(DossierRecord const& record, Result<std::string> const& opened)
{
    Json line {
        { "id", record.id },
        { "kiosk_id", record.kiosk_id },
        { "site_id", record.site_id },
        { "tracking_code", record.tracking_code },
        { "demarche_id", record.demarche_id },
        { "confirmed_at", record.confirmed_at },
        { "received_at", record.received_at },
        { "state", protocol::to_wire(record.state) },
    };
    if (opened.ok()) {
        auto dossier = Json::parse(opened.value(), nullptr, false);
        line["dossier"] = dossier.is_discarded() ? Json(nullptr) : dossier;
    } else {
        // Kept for the back office to see; it cannot be read here.
        line["dossier"] = nullptr;
        line["error"] = opened.error().code;
    }
    return line;
}

}

Result<std::string> Hub::export_batch(std::size_t limit)
{
    DossierFilter filter;
    filter.not_exported_only = true;
    filter.limit = limit;
    std::string lines;
    for (auto const& record : GUICHET_TRY(m_store.dossiers(filter, true)))
        lines += export_line(record, open_dossier(record)).dump() + "\n";
    return lines;
}

Result<std::size_t> Hub::export_dossiers(std::function<Result<void>(std::string const&)> const& deliver)
{
    std::size_t exported = 0;
    for (;;) {
        DossierFilter filter;
        filter.not_exported_only = true;
        filter.limit = 100;
        auto batch = GUICHET_TRY(m_store.dossiers(filter, true));
        if (batch.empty())
            return exported;
        std::string lines;
        std::vector<std::int64_t> ids;
        for (auto const& record : batch) {
            lines += export_line(record, open_dossier(record)).dump() + "\n";
            ids.push_back(record.id);
        }
        GUICHET_TRY(deliver(lines));
        GUICHET_TRY(m_store.mark_exported(ids, now()));
        exported += ids.size();
    }
}

// [SECTION] Enrollment

Result<Json> Hub::enroll(Json const& request)
{
    if (!request.is_object())
        return invalid("the body is not a JSON object");
    auto code = protocol::normalise_code(GUICHET_TRY(string_field(request, "code", 64)));
    auto public_key_text = GUICHET_TRY(string_field(request, "public_key", 64));
    auto proof_text = GUICHET_TRY(string_field(request, "proof", 128));
    auto public_key = crypto::from_base64(public_key_text);
    auto proof = crypto::from_base64(proof_text);
    if (!public_key.ok() || public_key.value().size() != crypto::signing_public_key_size)
        return invalid("public_key is not an Ed25519 public key");
    if (!proof.ok()
        || !crypto::verify(protocol::enrollment_proof(code, public_key_text), proof.value(), public_key.value()))
        return invalid("proof is not this key's signature of the code");

    Kiosk kiosk;
    kiosk.id = "k-" + crypto::random_hex(6);
    kiosk.public_key = public_key_text;
    auto enrolled = GUICHET_TRY(m_store.enroll(crypto::sha256_hex(code), kiosk, now()));
    auto site = GUICHET_TRY(m_store.site(enrolled.site_id));
    m_counters.enrollments++;
    return Json {
        { "kiosk_id", enrolled.id },
        { "site", { { "id", enrolled.site_id }, { "name", site ? site->name : enrolled.site_id } } },
        { "hub",
            { { "box_public_key", crypto::to_base64(m_keys.box.public_key) },
                { "signing_public_key", crypto::to_base64(m_keys.signing.public_key) } } },
        { "heartbeat_seconds", m_settings.heartbeat_seconds },
        { "server_time", now() },
    };
}

// [SECTION] Authentication

Result<Kiosk> Hub::authenticate(SignedRequest const& request)
{
    auto fail = [this](char const* code, char const* why) -> Error {
        m_counters.auth_failures++;
        return Error::make(code, why);
    };
    if (request.kiosk_id.empty() || request.date.empty() || request.mac.empty() || !request.body)
        return fail("auth.missing", "the request is not signed");
    std::int64_t date = 0;
    auto [end, parsed] = std::from_chars(request.date.data(), request.date.data() + request.date.size(), date);
    if (parsed != std::errc {} || end != request.date.data() + request.date.size())
        return fail("auth.missing", "the date is not a number");
    auto kiosk = GUICHET_TRY(m_store.kiosk(request.kiosk_id));
    if (!kiosk)
        return fail("auth.unknown_kiosk", "no such kiosk");
    auto key = request_key(kiosk->public_key);
    auto mac = crypto::from_base64(request.mac);
    auto signed_text = protocol::signing_string(request.method, request.target, date, request.kiosk_id, *request.body);
    if (!key.ok() || !mac.ok() || !crypto::verify_mac(signed_text, mac.value(), key.value()))
        return fail("auth.bad_signature", "the MAC does not match");
    if (kiosk->revoked_at)
        return fail("auth.revoked", "this kiosk was revoked");
    auto skew = date - now();
    if (skew > protocol::max_clock_skew_seconds || skew < -protocol::max_clock_skew_seconds)
        return fail("auth.clock_skew", "the request's date is too far from the hub's clock");
    return std::move(*kiosk);
}

Result<crypto::SecretKey> Hub::request_key(std::string const& public_key)
{
    {
        std::shared_lock lock(m_request_keys_mutex);
        if (auto found = m_request_keys.find(public_key); found != m_request_keys.end())
            return found->second;
    }
    auto decoded = crypto::from_base64(public_key);
    if (!decoded.ok())
        return decoded.release_error();
    auto key = GUICHET_TRY(crypto::request_key_for_hub(m_keys.box, decoded.value()));
    std::unique_lock lock(m_request_keys_mutex);
    // A bound for a hub that outlives many enrollments: forgetting costs
    // one agreement per kiosk.
    if (m_request_keys.size() >= 100'000)
        m_request_keys.clear();
    m_request_keys.emplace(public_key, key);
    return key;
}

// [SECTION] Dossiers, status, heartbeats, slots

namespace {

// A push's body, checked.
Result<IncomingDossier> read_push(Kiosk const& kiosk, Json const& request)
{
    if (!request.is_object())
        return invalid("the body is not a JSON object");
    IncomingDossier dossier;
    dossier.kiosk_id = kiosk.id;
    dossier.idempotency_key = GUICHET_TRY(string_field(request, "idempotency_key", 64));
    if (dossier.idempotency_key.size() < 16 || !is_hex(dossier.idempotency_key))
        return invalid("idempotency_key is not 16 to 64 hex digits");
    auto code = TrackingCode::parse(GUICHET_TRY(string_field(request, "tracking_code", 32)));
    if (!code)
        return invalid("tracking_code is not a valid code");
    dossier.tracking_code = code->text();
    dossier.demarche_id = GUICHET_TRY(string_field(request, "demarche_id", 100));
    dossier.confirmed_at = GUICHET_TRY(integer_field(request, "confirmed_at"));
    dossier.sealed = GUICHET_TRY(string_field(request, "sealed", 2 * 1024 * 1024));
    auto box_size = crypto::base64_decoded_size(dossier.sealed);
    if (!box_size || *box_size < 48)
        return invalid("sealed is not a sealed box");
    return dossier;
}

}

Result<std::pair<Json, bool>> Hub::push_dossier(Kiosk const& kiosk, Json const& request)
{
    std::promise<Result<std::pair<Json, bool>>> answered;
    auto answer = answered.get_future();
    push_dossier_async(
        kiosk, request, [&answered](Result<std::pair<Json, bool>> outcome) { answered.set_value(std::move(outcome)); });
    return answer.get();
}

void Hub::push_dossier_async(Kiosk const& kiosk, Json const& request, PushDone done)
{
    auto dossier = read_push(kiosk, request);
    if (!dossier.ok())
        return done(dossier.release_error());
    m_store.ingest_async(dossier.release_value(), now(), [this, done = std::move(done)](Result<Ingested> ingested) {
        if (!ingested.ok())
            return done(ingested.release_error());
        bool stored = ingested.value().outcome == IngestOutcome::Stored;
        (stored ? m_counters.dossiers_stored : m_counters.dossiers_duplicate)++;
        if (stored && m_settings.on_stored)
            m_settings.on_stored();
        done(std::pair { Json {
                             { "state", "received" },
                             { "received_at", ingested.value().received_at },
                             { "duplicate", !stored },
                         },
            stored });
    });
}

Result<std::optional<Json>> Hub::request_status(std::string const& text)
{
    auto code = TrackingCode::parse(text);
    if (!code)
        return invalid("not a valid tracking code");
    auto records = GUICHET_TRY(m_store.find_by_code(code->text()));
    if (records.empty())
        return std::optional<Json> {};
    // Codes are unique per kiosk only: if two kiosks ever gave the same
    // code, the newest dossier answers (docs/sync.md, limits).
    auto const& record = records.front();
    return std::optional<Json>(Json {
        { "tracking_code", record.tracking_code },
        { "state", protocol::to_wire(record.state) },
        { "demarche_id", record.demarche_id },
        { "confirmed_at", record.confirmed_at },
        { "updated_at", record.state_changed_at },
    });
}

Result<Json> Hub::push_usage(Kiosk const& kiosk, Json const& request)
{
    constexpr std::size_t most = 1000;
    if (!request.is_object() || !request.contains("events") || !request["events"].is_array())
        return invalid("the body is not {\"events\": [...]}");
    auto const& events = request["events"];
    if (events.size() > most)
        return invalid("more than " + std::to_string(most) + " events in one batch");
    std::vector<UsageRecord> records;
    records.reserve(events.size());
    std::int64_t refused = 0;
    auto received = now();
    for (auto const& json : events) {
        auto parsed = parse_usage_event(json);
        if (!parsed.ok()) {
            // Counted, never stored: an event outside the lists may carry
            // what must not be kept. The kiosk is told how many.
            ++refused;
            continue;
        }
        auto wire = parsed.release_value();
        records.push_back(
            UsageRecord { kiosk.id, kiosk.site_id, std::move(wire.id), std::move(wire.visit), received, wire.event });
    }
    UsageIngested ingested;
    if (!records.empty())
        ingested = GUICHET_TRY(m_store.ingest_usage(records));
    m_counters.usage_events += static_cast<std::uint64_t>(ingested.stored);
    m_counters.usage_refused += static_cast<std::uint64_t>(refused);
    return Json {
        { "stored", ingested.stored },
        { "duplicates", ingested.duplicates },
        { "refused", refused },
    };
}

Result<Json> Hub::heartbeat(Kiosk const& kiosk, Json const& heartbeat)
{
    if (!heartbeat.is_object())
        return invalid("the body is not a JSON object");
    auto text = heartbeat.dump();
    if (text.size() > 16 * 1024)
        return invalid("the heartbeat is too large");
    auto etag = GUICHET_TRY(m_store.latest_catalogue_etag());
    {
        std::lock_guard lock(m_heartbeats_mutex);
        m_heartbeats[kiosk.id] = HeartbeatRecord { kiosk.id, std::move(text), now() };
        if (!m_heartbeat_writer.joinable()) {
            m_heartbeat_writer = std::thread([this] {
                name_this_thread("hub-heartbeats");
                std::unique_lock lock(m_heartbeats_mutex);
                while (!m_stopping) {
                    m_heartbeats_wake.wait_for(lock, std::chrono::seconds(1));
                    lock.unlock();
                    (void)flush_heartbeats();
                    lock.lock();
                }
            });
        }
    }
    m_counters.heartbeats++;
    Json answer {
        { "heartbeat_seconds", m_settings.heartbeat_seconds },
        { "server_time", now() },
    };
    if (etag)
        answer["catalogue_etag"] = *etag;
    return answer;
}

Result<std::vector<Kiosk>> Hub::kiosks()
{
    (void)flush_heartbeats();
    return m_store.kiosks();
}

Result<void> Hub::flush_heartbeats()
{
    std::vector<HeartbeatRecord> batch;
    {
        std::lock_guard lock(m_heartbeats_mutex);
        batch.reserve(m_heartbeats.size());
        for (auto& [id, record] : m_heartbeats)
            batch.push_back(std::move(record));
        m_heartbeats.clear();
    }
    if (batch.empty())
        return {};
    auto written = m_store.record_heartbeats(batch);
    if (!written.ok()) {
        // Kept for the next try, unless the kiosk spoke again meanwhile.
        std::fprintf(
            stderr, "kiosk-hub: %zu heartbeat(s) not written yet: %s\n", batch.size(), written.error().detail.c_str());
        std::lock_guard lock(m_heartbeats_mutex);
        for (auto& record : batch) {
            auto id = record.kiosk_id;
            m_heartbeats.try_emplace(std::move(id), std::move(record));
        }
    }
    return written;
}

Result<Json> Hub::slots(Kiosk const& kiosk)
{
    auto site = GUICHET_TRY(m_store.site(kiosk.site_id));
    Json answer { { "site_id", kiosk.site_id }, { "schedule", nullptr } };
    if (site && !site->slots.empty()) {
        auto schedule = Json::parse(site->slots, nullptr, false);
        if (!schedule.is_discarded())
            answer["schedule"] = std::move(schedule);
    }
    return answer;
}

}
