#include "hub_client.hpp"

#include "kiosk/core/log.hpp"
#include "sync/protocol.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace guichet {

namespace {

void global_init()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* target)
{
    auto* body = static_cast<std::string*>(target);
    // A hub answer is small; refuse anything absurd instead of filling memory.
    if (body->size() + size * count > 16 * 1024 * 1024)
        return 0;
    body->append(data, size * count);
    return size * count;
}

std::size_t collect_header(char* data, std::size_t size, std::size_t count, void* target)
{
    auto* headers = static_cast<std::map<std::string, std::string>*>(target);
    std::string line(data, size * count);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        auto name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        auto value = line.substr(colon + 1);
        auto first = value.find_first_not_of(" \t");
        auto last = value.find_last_not_of(" \t\r\n");
        (*headers)[name] = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    }
    return size * count;
}

Error error_of(CURLcode code)
{
    std::string detail = curl_easy_strerror(code);
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return Error::make("hub.timeout", detail);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return Error::make("hub.unreachable", detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return Error::make("hub.tls", detail);
    default:
        return Error::make("hub.io", detail);
    }
}

}

std::optional<std::string> HubResponse::header(std::string_view name) const
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto found = headers.find(lower);
    if (found == headers.end())
        return std::nullopt;
    return found->second;
}

std::string HubResponse::error_code() const
{
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object() && json.contains("error") && json["error"].is_string())
        return json["error"].get<std::string>();
    return {};
}

struct HubClient::Curl {
    CURL* handle { nullptr };
    ~Curl()
    {
        if (handle)
            curl_easy_cleanup(handle);
    }
};

HubClient::HubClient(HubClientSettings settings)
    : m_curl(std::make_unique<Curl>())
    , m_settings(std::move(settings))
{
    global_init();
    while (!m_settings.base_url.empty() && m_settings.base_url.back() == '/')
        m_settings.base_url.pop_back();
    m_curl->handle = curl_easy_init();
}

HubClient::~HubClient() = default;

void HubClient::set_identity(
    std::string kiosk_id, crypto::SecretKey const& signing_secret_key, std::span<std::uint8_t const> hub_box_public_key)
{
    m_kiosk_id = std::move(kiosk_id);
    m_request_key = crypto::request_key_for_kiosk(signing_secret_key, hub_box_public_key);
}

void HubClient::set_timeouts(std::chrono::milliseconds connect, std::chrono::milliseconds total)
{
    m_settings.connect_timeout = connect;
    m_settings.total_timeout = total;
}

Result<HubResponse> HubClient::post_unsigned(std::string const& path, std::string const& body)
{
    return perform("POST", path, body, {});
}

Result<HubResponse> HubClient::request(std::string const& method, std::string const& path, std::string const& body,
    std::map<std::string, std::string> const& extra_headers)
{
    if (m_kiosk_id.empty())
        return Error::make("hub.not_enrolled", "the kiosk has no identity to sign with");
    if (!m_request_key.ok())
        return Error::make("identity.malformed", "the kiosk's keys cannot sign: " + m_request_key.error().detail);
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto date = protocol::unix_now() + m_clock_offset.load();
        auto headers = protocol::signature_headers(method, path, date, m_kiosk_id, body, m_request_key.value());
        headers.insert(extra_headers.begin(), extra_headers.end());
        auto response = GUICHET_TRY(perform(method, path, body, headers));
        if (response.status != 401 || response.error_code() != "auth.clock_skew" || attempt == 1)
            return response;
        auto server_time = response.header(protocol::server_time_header);
        if (!server_time)
            return response;
        auto offset = std::atoll(server_time->c_str()) - protocol::unix_now();
        m_clock_offset.store(offset);
        log(LogLevel::Warning, "sync",
            "this kiosk's clock is " + std::to_string(offset > 0 ? offset : -offset) + " s "
                + (offset > 0 ? "behind" : "ahead of") + " the hub's; signing with the hub's time");
    }
    return Error::make("hub.io", "unreachable");
}

Result<HubResponse> HubClient::perform(std::string const& method, std::string const& path, std::string const& body,
    std::map<std::string, std::string> const& headers)
{
    auto* curl = m_curl->handle;
    if (!curl)
        return Error::make("hub.io", "libcurl could not start");
    // Reset keeps the open connection and the TLS session, and forgets the
    // last request's options.
    curl_easy_reset(curl);
    HubResponse response;
    auto url = m_settings.base_url + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_settings.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_settings.total_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (!m_settings.ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, m_settings.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_slist* list = nullptr;
    list = curl_slist_append(list, "Content-Type: application/json");
    list = curl_slist_append(list, "Accept: application/json");
    // No "Expect: 100-continue" round trip for larger bodies.
    list = curl_slist_append(list, "Expect:");
    for (auto const& [name, value] : headers)
        list = curl_slist_append(list, (name + ": " + value).c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    auto code = curl_easy_perform(curl);
    curl_slist_free_all(list);
    if (code != CURLE_OK)
        return error_of(code);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

HubCheck check_hub(KioskIdentity const& identity, std::chrono::milliseconds timeout)
{
    HubCheck check;
    HubClient client(HubClientSettings { identity.hub_url, identity.ca_file, timeout, timeout });
    client.set_identity(identity.kiosk_id, identity.keys.secret_key, identity.hub_box_public_key);
    auto answer = client.request("GET", "/v1/slots");
    if (!answer) {
        check.error = answer.error().code;
        return check;
    }
    check.answered = true;
    check.clock_offset = client.clock_offset();
    check.accepted = answer.value().ok();
    if (!check.accepted)
        check.error = answer.value().error_code().empty() ? "http." + std::to_string(answer.value().status)
                                                          : answer.value().error_code();
    return check;
}

}
