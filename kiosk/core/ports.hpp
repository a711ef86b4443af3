// The ports: what the core needs from the outside world, as interfaces.
// drivers/ and sync/ implement them; kiosk/main wires the implementations
// in; tests use fakes. Nothing here knows about SQLite, CUPS or SDL.
#pragma once

#include "dossier.hpp"
#include "receipt.hpp"
#include "result.hpp"
#include "tracking_code.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

using UsageCounts = std::map<std::string, std::int64_t, std::less<>>;
using BookedSlots = std::set<std::string, std::less<>>;

// Where a request stands, in the central services' words; WaitingToLeave
// is the kiosk's own: still in its outbox, not yet sent.
enum class RequestState {
    WaitingToLeave, // "reçue par la borne", still in the outbox
    Received, // "reçue" by the services
    InProgress, // "en cours d'instruction"
    Accepted,
    Refused,
    Closed, // "classée sans suite"
};

struct RequestStatus {
    std::string demarche_id;
    std::int64_t confirmed_at { 0 }; // Unix seconds
    RequestState state { RequestState::WaitingToLeave };
};

// Where confirmed dossiers are kept until the central services acknowledge
// them. save() returns only once the dossier is durable (on disk, synced):
// the receipt is shown after, never before.
// Wrong agent PINs in a row, and until when agent mode is locked (unix
// seconds; 0 when it is not).
struct AgentLock {
    int wrong_pins { 0 };
    std::int64_t locked_until { 0 };

    bool operator==(AgentLock const&) const = default;
};

class DossierStore {
public:
    virtual ~DossierStore() = default;
    // Writes the dossier to the outbox in one transaction and returns the
    // tracking code it was given. Error codes: "store.disk_full",
    // "store.io", "store.corrupt", "store.busy", "store.slot_taken".
    virtual Result<TrackingCode> save(Dossier const& dossier) = 0;
    // How many times each démarche was completed here (counted by save()),
    // for the home screen's most used démarches.
    virtual Result<UsageCounts> usage_counts() const { return UsageCounts {}; }
    // The appointment slots already taken by dossiers saved here.
    virtual Result<BookedSlots> booked_slots() const { return BookedSlots {}; }
    // What this kiosk knows of a request, without anything personal; nothing
    // when the code is not (or no longer) here.
    virtual Result<std::optional<RequestStatus>> status(TrackingCode const&) const
    {
        return std::optional<RequestStatus> {};
    }
    // The next number of the desk's queue for `day` (YYYYMMDD, local): 1 for
    // the day's first, then up to 999 and round again. Durable, so that a
    // restart never gives a number twice in a day. A store that keeps no
    // queue answers "store.no_desk_queue": the resident is sent to the desk
    // without a number.
    virtual Result<int> draw_desk_number(int day)
    {
        (void)day;
        return Error::make("store.no_desk_queue", "this store keeps no desk queue");
    }
    // Agent mode's PIN lock, kept so that restarting the kiosk does not
    // give five more tries. A store that keeps nothing answers no lock.
    virtual Result<AgentLock> agent_lock() const { return AgentLock {}; }
    virtual Result<void> set_agent_lock(AgentLock const& lock)
    {
        (void)lock;
        return {};
    }
};

// Asks the central services where a request stands ("Suivre ma demande").
// ask() must not block: the answer comes back later as an
// intent::StatusAnswered with the same query id.
using StatusQueryId = std::uint64_t;

class RequestTracker {
public:
    virtual ~RequestTracker() = default;
    virtual void ask(TrackingCode const& code, StatusQueryId query) = 0;
};

// How a print job ended. Each value has one resident-facing sentence
// (resident_message below); drivers map their own failures onto these.
enum class PrintOutcome {
    Printed,
    OutOfPaper,
    Jammed,
    Offline,
    Failed,
};

std::string_view to_string(PrintOutcome outcome);
// The sentence the resident reads on the receipt screen.
std::string_view resident_message(PrintOutcome outcome);

// Names a print job, so that an outcome that comes back late is matched
// with its own receipt and never with the next resident's.
using PrintJobId = std::uint64_t;

// A receipt that did not print, as the agent's list shows it: enough to
// tell which resident's it is, never the whole tracking code.
struct KeptReceipt {
    PrintJobId job { 0 };
    std::string demarche_title;
    std::int64_t confirmed_at { 0 };
    std::string code_end; // the tracking code's last four characters
    PrintOutcome outcome { PrintOutcome::Failed };

    bool operator==(KeptReceipt const&) const = default;
};

// Prints receipts. submit() must not block the caller on the device: the
// outcome comes back later as an intent::PrintFinished with the same job id.
//
// A printer may keep the receipts that did not print, for an agent to
// reprint once the printer works again (agent mode); one that keeps
// nothing lists none.
class ReceiptPrinter {
public:
    virtual ~ReceiptPrinter() = default;
    virtual void submit(Receipt const& receipt, PrintJobId job) = 0;
    // Oldest first.
    virtual std::vector<KeptReceipt> kept() const { return {}; }
    // Sends a kept receipt again under its own job id: its outcome comes
    // back as an intent::PrintFinished. False when it is no longer kept.
    virtual bool reprint(PrintJobId) { return false; }
};

// Speaks short sentences aloud: each screen's instruction, and the
// resident's own answers only when they ask for them. say() must not block
// the caller: synthesis and playback run elsewhere, and a new sentence cuts
// the one being spoken. `language` is a code the kiosk offers ("fr", "en",
// "es", "ar", "pt", "tr"); the backend picks the voice. Implementations
// never log the text: it may be an answer.
class Speech {
public:
    virtual ~Speech() = default;
    virtual void say(std::string_view text, std::string_view language) = 0;
    // Cuts what is being said (the screen changed, the session ended).
    virtual void stop() = 0;
    // 0 (silent) to 100 (the loudest the kiosk allows); applies at once,
    // to what is being said too.
    virtual void set_volume(int percent) = 0;
};

}
