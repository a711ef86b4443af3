#include "kiosk/main/commissioner.hpp"

#include "kiosk/core/log.hpp"
#include "sync/enrollment.hpp"
#include "sync/private_file.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

namespace guichet {

NetworkSeen look_at_interfaces()
{
    NetworkSeen seen;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0)
        return seen;
    std::string ipv6;
    for (auto* entry = list; entry; entry = entry->ifa_next) {
        if (!entry->ifa_addr || (entry->ifa_flags & IFF_LOOPBACK) || !(entry->ifa_flags & IFF_UP)
            || !(entry->ifa_flags & IFF_RUNNING))
            continue;
        char text[INET6_ADDRSTRLEN] = {};
        if (entry->ifa_addr->sa_family == AF_INET) {
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr, text, sizeof text);
            seen.connected = true;
            seen.address = std::string(text) + " (" + entry->ifa_name + ")";
            break;
        }
        if (entry->ifa_addr->sa_family == AF_INET6 && ipv6.empty()) {
            auto const& address = reinterpret_cast<sockaddr_in6*>(entry->ifa_addr)->sin6_addr;
            if (IN6_IS_ADDR_LINKLOCAL(&address))
                continue; // every interface has one, network or not
            inet_ntop(AF_INET6, &address, text, sizeof text);
            ipv6 = std::string(text) + " (" + entry->ifa_name + ")";
        }
    }
    freeifaddrs(list);
    if (!seen.connected && !ipv6.empty()) {
        seen.connected = true;
        seen.address = ipv6;
    }
    return seen;
}

KioskCommissioner::KioskCommissioner(
    CommissionerSettings settings, std::function<void(Intent)> post, std::function<void()> done)
    : m_settings(std::move(settings))
    , m_post(std::move(post))
    , m_done(std::move(done))
{
}

KioskCommissioner::~KioskCommissioner()
{
    std::lock_guard lock(m_mutex);
    for (auto& work : m_threads)
        work.thread.join();
}

void KioskCommissioner::start(std::function<void()> work)
{
    std::lock_guard lock(m_mutex);
    std::erase_if(m_threads, [](Work& done) {
        if (!*done.over)
            return false;
        done.thread.join();
        return true;
    });
    auto over = std::make_shared<std::atomic<bool>>(false);
    m_threads.push_back(Work { std::thread([work = std::move(work), over] {
                                  work();
                                  *over = true;
                              }),
        over });
}

void KioskCommissioner::look_at_network(SetupRequestId id)
{
    start([this, id] { m_post(intent::SetupNetworkSeen { id, look_at_interfaces() }); });
}

void KioskCommissioner::enroll(SetupRequestId id, std::string const& hub_url, std::string const& code)
{
    start([this, id, hub_url, code] {
        std::string ca_text;
        if (!m_settings.hub_ca.empty()) {
            auto read = read_private_file(m_settings.hub_ca);
            if (!read.ok()) {
                log(LogLevel::Error, "setup", "the hub's CA cannot be read: " + m_settings.hub_ca.string());
                // verbatim: the technician's
                std::string why
                    = "Le certificat du hub (" + m_settings.hub_ca.string() + ") est illisible."; // verbatim
                m_post(intent::SetupEnrolled { id, false, {}, {}, why + " Vérifiez le réglage hub_ca." }); // verbatim
                return;
            }
            ca_text = read.release_value();
        }
        auto enrolled = enroll_into(m_settings.data, hub_url, ca_text, code, m_settings.software_version);
        if (!enrolled.ok()) {
            m_post(intent::SetupEnrolled { id, false, {}, {}, enrollment_failure(enrolled.error().code) });
            return;
        }
        m_post(intent::SetupEnrolled { id, true, enrolled.value().kiosk_id, enrolled.value().site_name, {} });
    });
}

void KioskCommissioner::run_checks(SetupRequestId id)
{
    start([this, id] {
        provisioning::SelfTest test(m_settings.checks);
        auto names = provisioning::check_names();
        for (std::size_t i = 0; i < names.size(); ++i) {
            auto result = test.run(names[i]);
            CheckOutcome outcome = CheckOutcome::Fail;
            switch (result->status) {
            case provisioning::CheckStatus::Pass:
                outcome = CheckOutcome::Pass;
                break;
            case provisioning::CheckStatus::Warn:
                outcome = CheckOutcome::Warn;
                break;
            case provisioning::CheckStatus::Fail:
                outcome = CheckOutcome::Fail;
                break;
            case provisioning::CheckStatus::Skip:
                outcome = CheckOutcome::Skip;
                break;
            }
            log(outcome == CheckOutcome::Fail ? LogLevel::Warning : LogLevel::Info, "setup",
                "self-test " + result->check + ": " + provisioning::to_string(result->status));
            m_post(intent::SetupChecked {
                id, SetupCheck { result->check, outcome, result->message }, i + 1 == names.size() });
        }
    });
}

void KioskCommissioner::describe(SetupRequestId id)
{
    start([this, id] {
        auto facts = provisioning::read_kiosk_facts(m_settings.data);
        KioskSummary summary;
        summary.kiosk_id = facts.kiosk_id;
        summary.site_name = facts.site_name;
        summary.hub_url = facts.hub_url;
        summary.software = m_settings.software_version;
        summary.catalogue = facts.catalogue;
        summary.system = facts.os + ", noyau " + facts.kernel; // verbatim: the technician's
        summary.outbox_depth = facts.outbox_depth;
        summary.last_sync
            = provisioning::format_local_time(facts.last_sync_at, "%d/%m/%Y à %H:%M"); // verbatim: a format
        m_post(intent::SetupDescribed { id, std::move(summary) });
    });
}

void KioskCommissioner::finish()
{
    if (!m_finished.exchange(true) && m_done)
        m_done();
}

}
