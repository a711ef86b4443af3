// The kiosk's HTTPS client to the hub (libcurl): JSON requests, signed as
// the kiosk once it is enrolled (protocol.hpp), with the hub's certificate
// checked against the CA given at enrollment.
//
// The kiosk signs with its own clock corrected by what it learnt of the
// hub's: when the hub answers "auth.clock_skew" with its time, the client
// keeps the difference and signs again, once. A kiosk whose clock is a day
// off therefore still syncs, and its log says the clock is wrong.
//
// One HubClient per thread: it keeps one connection open between requests.
// Error codes: "hub.unreachable" (no route, refused, DNS), "hub.timeout",
// "hub.tls" (the hub's certificate is not trusted or not for this name),
// "hub.io" (anything else on the way).
#pragma once

#include "sync/crypto.hpp"
#include "sync/identity.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace guichet {

struct HubResponse {
    long status { 0 };
    std::string body;
    // Lower-case names.
    std::map<std::string, std::string> headers;

    // By name, in any case ("Retry-After", "retry-after").
    std::optional<std::string> header(std::string_view name) const;
    bool ok() const { return status >= 200 && status < 300; }
    // The hub's JSON "error" code, if the body has one.
    std::string error_code() const;
};

struct HubClientSettings {
    std::string base_url; // "https://127.0.0.1:8443"
    std::filesystem::path ca_file; // empty: the system's CAs
    std::chrono::milliseconds connect_timeout { 5000 };
    // A hub that accepts the connection and then hangs is given up after
    // this long, so that the outbox moves on to its backoff.
    std::chrono::milliseconds total_timeout { 15000 };
};

class HubClient {
public:
    explicit HubClient(HubClientSettings settings);
    ~HubClient();
    HubClient(HubClient const&) = delete;
    HubClient& operator=(HubClient const&) = delete;

    // Requests after this are signed as the kiosk, with the request key
    // derived from its secret key and the hub's box key (once, here: an
    // X25519 agreement). Keys that do not fit make every request fail with
    // "identity.malformed".
    void set_identity(std::string kiosk_id, crypto::SecretKey const& signing_secret_key,
        std::span<std::uint8_t const> hub_box_public_key);

    // Unsigned: enrollment only.
    Result<HubResponse> post_unsigned(std::string const& path, std::string const& body);
    // Signed; retried once with the hub's time on "auth.clock_skew".
    Result<HubResponse> request(std::string const& method, std::string const& path, std::string const& body = {},
        std::map<std::string, std::string> const& extra_headers = {});

    // Seconds to add to this kiosk's clock to get the hub's, as last learnt.
    std::int64_t clock_offset() const { return m_clock_offset.load(); }
    void set_timeouts(std::chrono::milliseconds connect, std::chrono::milliseconds total);

private:
    Result<HubResponse> perform(std::string const& method, std::string const& path, std::string const& body,
        std::map<std::string, std::string> const& headers);

    struct Curl;
    std::unique_ptr<Curl> m_curl;
    HubClientSettings m_settings;
    std::string m_kiosk_id;
    Result<crypto::SecretKey> m_request_key { crypto::SecretKey {} };
    std::atomic<std::int64_t> m_clock_offset { 0 };
};

// Whether the hub answers and accepts this kiosk now: one signed GET
// /v1/slots, as `kioskctl sync status` and the self-test ask it.
struct HubCheck {
    bool answered { false }; // an HTTP answer came back
    bool accepted { false }; // ... a 2xx for this kiosk
    std::string error; // "hub.unreachable", "auth.revoked", "http.500"; empty when accepted
    std::int64_t clock_offset { 0 }; // the hub's clock minus ours, seconds (once answered)
};
HubCheck check_hub(KioskIdentity const& identity, std::chrono::milliseconds timeout);

}
