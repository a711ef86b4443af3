#include "webhook.hpp"
#include "thread_name.hpp"

#include <httplib.h>

#include <iostream>

namespace guichet::hub {

namespace {

struct Target {
    std::string origin; // scheme://host:port
    std::string path;
};

Target split(std::string const& url)
{
    auto scheme_end = url.find("://");
    auto path_start = scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
    if (path_start == std::string::npos)
        return { url, "/" };
    return { url.substr(0, path_start), url.substr(path_start) };
}

}

WebhookExporter::WebhookExporter(Hub& hub, WebhookSettings settings)
    : m_hub(hub)
    , m_settings(std::move(settings))
    , m_thread([this] {
        name_this_thread("hub-webhook");
        run();
    })
{
}

WebhookExporter::~WebhookExporter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void WebhookExporter::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_wake.notify_all();
}

std::uint64_t WebhookExporter::delivered() const
{
    std::lock_guard lock(m_mutex);
    return m_delivered;
}

Result<void> WebhookExporter::deliver(std::string const& lines)
{
    auto target = split(m_settings.url);
    httplib::Client client(target.origin);
    if (!m_settings.ca_file.empty())
        client.set_ca_cert_path(m_settings.ca_file.c_str());
    client.enable_server_certificate_verification(true);
    client.set_connection_timeout(5);
    client.set_read_timeout(30);
    client.set_write_timeout(30);
    httplib::Headers headers;
    if (!m_settings.bearer_token.empty())
        headers.emplace("Authorization", "Bearer " + m_settings.bearer_token);
    auto result = client.Post(target.path.c_str(), headers, lines, "application/x-ndjson");
    if (!result)
        return Error::make("webhook.unreachable", httplib::to_string(result.error()));
    if (result->status < 200 || result->status >= 300)
        return Error::make("webhook.refused", "the back office answered " + std::to_string(result->status));
    std::lock_guard lock(m_mutex);
    ++m_delivered;
    return {};
}

void WebhookExporter::run()
{
    auto delay = m_settings.period;
    int failures = 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, delay, [this] { return m_stopping || m_woken; });
            if (m_stopping)
                return;
            // While backing off, arrivals do not shorten the wait.
            if (failures == 0)
                m_woken = false;
        }
        auto exported = m_hub.export_dossiers([this](std::string const& lines) { return deliver(lines); });
        if (exported.ok()) {
            if (failures > 0)
                std::cerr << "kiosk-hub: the back office takes dossiers again\n";
            failures = 0;
            delay = m_settings.period;
            continue;
        }
        ++failures;
        if (failures == 1)
            std::cerr << "kiosk-hub: dossiers not exported (" << exported.error().code << ": "
                      << exported.error().detail << "); retrying\n";
        delay = m_settings.backoff_base;
        for (int i = 1; i < failures && delay < m_settings.backoff_max; ++i)
            delay *= 2;
        delay = std::min(delay, m_settings.backoff_max);
    }
}

}
