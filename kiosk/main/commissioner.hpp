// The first-boot wizard's work (kiosk/core/setup.hpp's Commissioner): the
// network interfaces, the enrollment with the hub (sync), the devices'
// self-test (provisioning), each on a thread of its own, their answers
// posted back as intents. finish() asks the kiosk to start again, enrolled.
#pragma once

#include "kiosk/core/session.hpp"
#include "provisioning/selftest.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace guichet {

struct CommissionerSettings {
    std::filesystem::path data; // where the identity goes
    std::filesystem::path hub_ca; // empty: the system's CAs
    std::string software_version;
    provisioning::SelfTestSettings checks;
};

class KioskCommissioner final : public Commissioner {
public:
    // `post` hands an intent to the session (from any thread); `done` is
    // called once, on finish().
    KioskCommissioner(CommissionerSettings settings, std::function<void(Intent)> post, std::function<void()> done);
    ~KioskCommissioner() override;

    void look_at_network(SetupRequestId id) override;
    void enroll(SetupRequestId id, std::string const& hub_url, std::string const& code) override;
    void run_checks(SetupRequestId id) override;
    void describe(SetupRequestId id) override;
    void finish() override;
    bool finished() const { return m_finished; }

private:
    void start(std::function<void()> work);

    CommissionerSettings m_settings;
    std::function<void(Intent)> m_post;
    std::function<void()> m_done;
    std::atomic<bool> m_finished { false };
    std::mutex m_mutex;
    // Each piece of work and whether it is over: over, it is joined when
    // the next starts (the technician screens open for months).
    struct Work {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> over;
    };
    std::vector<Work> m_threads;
};

// The first interface that is up with an address, as "192.168.1.23
// (enp1s0)"; loopback is not a network.
NetworkSeen look_at_interfaces();

}
