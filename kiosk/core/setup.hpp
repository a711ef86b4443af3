// The first-boot wizard (Screen::Setup): what a technician goes through on
// the touchscreen of a kiosk that is not enrolled yet, before it serves
// residents. The network first, then the hub's address and the one-time
// enrollment code (typed on the on-screen keyboard), the enrollment, the
// devices' self-test with live results, and done: the kiosk starts in
// service.
//
// The same screens open later on an enrolled kiosk as its technician
// screens (maintenance): a technician presses the top left corner of the
// welcome screen for 5 seconds and types their PIN (a technician of the
// site, from the hub: agent.hpp). They see what the kiosk is (its id, site,
// hub, versions, the dossiers waiting to leave, the network) and can run
// the devices' self-test again; the kiosk goes back to its welcome screen
// when they close them, or after 2 minutes without a touch.
//
// The work is done behind the Commissioner port (kiosk/main: the network
// interfaces, sync's enrollment, provisioning's self-test), on its own
// threads; its answers come back as intents. Nothing here is personal: the
// wizard runs before any resident, the technician screens between two
// (the visit ends before they open), and the texts are for the technician,
// in French.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

using SetupRequestId = std::uint64_t;

enum class SetupStage {
    Network, // "Mise en service": is there a network? "Commencer"
    HubAddress, // the hub's https:// address, on the keyboard
    Code, // the enrollment code, on the keyboard
    Enrolling, // waiting for the hub
    Checks, // each device's self-test, live
    Done, // "La borne est prête"
    Overview, // the technician screens' first: what the kiosk is, how it is
};

std::string_view to_string(SetupStage stage);

// One self-test check as the wizard shows it.
enum class CheckOutcome {
    Waiting,
    Pass,
    Warn,
    Fail,
    Skip,
};

struct SetupCheck {
    std::string id; // "reader", "printer", "speech", "display", "hub", "clock"
    CheckOutcome outcome { CheckOutcome::Waiting };
    std::string message; // the technician's sentence
};

// A check's name for the technician: "Lecteur de cartes" for "reader".
std::string_view check_title(std::string_view id);

struct NetworkSeen {
    bool connected { false };
    std::string address; // "192.168.1.23 (enp1s0)"
};

// What the technician screens say the kiosk is (as `kioskctl status`).
struct KioskSummary {
    std::string kiosk_id;
    std::string site_name;
    std::string hub_url;
    std::string software; // "0.1.0"
    std::string catalogue; // its version, or "shipped"
    std::string system; // "Debian GNU/Linux 12 (bookworm), noyau 6.1.0-26-amd64"
    std::optional<std::size_t> outbox_depth; // none: the store did not read
    std::string last_sync; // "22/11/2026 à 08:05" (the kiosk's time), "jamais"
};

// kiosk/main does the wizard's work. Each call returns at once; its answer
// is posted back as an intent carrying the same id.
class Commissioner {
public:
    virtual ~Commissioner() = default;
    // intent::SetupNetworkSeen.
    virtual void look_at_network(SetupRequestId id) = 0;
    // intent::SetupEnrolled.
    virtual void enroll(SetupRequestId id, std::string const& hub_url, std::string const& code) = 0;
    // One intent::SetupChecked per check, in order, the last with `last`.
    virtual void run_checks(SetupRequestId id) = 0;
    // intent::SetupDescribed (the technician screens).
    virtual void describe(SetupRequestId id) = 0;
    // "Terminer": the kiosk starts in service (kiosk/main restarts it).
    virtual void finish() = 0;
};

// The wizard's state, held by the Session while Screen::Setup shows.
struct Setup {
    SetupStage stage { SetupStage::Network };
    SetupRequestId request { 0 }; // the answer awaited: enrollment, checks
    SetupRequestId network_request { 0 }; // the network's, which may come meanwhile
    SetupRequestId summary_request { 0 }; // the technician screens' description
    bool looking { false }; // the network is being looked at
    NetworkSeen network;
    std::string hub_url; // as typed ("https://" to start with)
    std::string code;
    // Under the field or on the enrollment screen: what went wrong.
    std::string error;
    std::string kiosk_id; // once enrolled
    std::string site_name;
    std::vector<SetupCheck> checks;
    bool checking { false };
    // The technician screens of an enrolled kiosk, opened by `technician`
    // (their name, from the hub), rather than the first-boot wizard.
    bool maintenance { false };
    std::string technician;
    std::optional<KioskSummary> summary; // once described
};

// "hub.example.fr" → "https://hub.example.fr"; a trailing '/' dropped.
// Empty when the text cannot be a hub's address (with `why`, the
// technician's sentence).
std::string normalise_hub_url(std::string const& typed, std::string& why);

}
