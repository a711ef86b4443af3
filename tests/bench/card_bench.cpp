// Benchmarks of the identity card read, printed as figures (never
// asserted): one complete read_emrtd (SELECT, Basic Access Control, EF.COM
// and DG1 under secure messaging, the MRZ parsed and checked), the issue's
// targets being at most 5 APDUs after the SELECT and under 300 ms.
//
//   1. against the simulated chip (no delay): what our code costs, terminal
//      and chip side, with nothing in between;
//   2. against the real PC/SC stack of tests/card (pcscd, vsmartcard's
//      virtual reader, the vicc ePass emulator), started in a temporary
//      directory: what a read costs through pcscd and a socket, split into
//      the time spent waiting for answers (SCardTransmit) and the time in
//      our code. Skipped, with the reason, when the stack cannot start (it
//      needs root and the packages of scripts/install-deps.sh).
//
//   card_bench SOURCE_DIR
#include "drivers/card/emrtd.hpp"
#include "drivers/card/pcsc.hpp"
#include "drivers/card/simulated_card.hpp"
#include "drivers/card/specimens.hpp"

#include "kiosk/core/mrz.hpp"
#include "tests/bench/spread.hpp"
#include "tests/lib/stack_env.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace guichet;
using namespace guichet::card;
using guichet::bench::spread_of;
using guichet::testing::env_value;
using guichet::testing::quoted;
using guichet::testing::read_text;

namespace {

using Clock = std::chrono::steady_clock;
constexpr Date today { 2026, 11, 22 };

double micros(Clock::duration duration)
{
    return std::chrono::duration<double, std::micro>(duration).count();
}

// Passes commands on and keeps how long each answer took to come back:
// the part of a read spent outside our terminal code.
class TimedChannel final : public CardChannel {
public:
    explicit TimedChannel(CardChannel& inner)
        : m_inner(inner)
    {
    }
    Result<ResponseApdu> transmit(CommandApdu const& command) override
    {
        auto start = Clock::now();
        auto response = m_inner.transmit(command);
        m_each.push_back(Clock::now() - start);
        return response;
    }
    std::vector<Clock::duration> const& each() const { return m_each; }
    Clock::duration total() const
    {
        Clock::duration sum {};
        for (auto d : m_each)
            sum += d;
        return sum;
    }

private:
    CardChannel& m_inner;
    std::vector<Clock::duration> m_each;
};

char const* const command_names[] { "SELECT", "GET CHALLENGE", "EXTERNAL AUTHENTICATE", "READ EF.COM", "READ DG1" };

// One line per command of the read: the median of its round trips, in µs.
void print_commands(std::vector<std::vector<double>> const& per_command, char const* prefix)
{
    for (std::size_t i = 0; i < per_command.size(); ++i) {
        auto spread = spread_of(per_command[i]);
        std::printf("%s  %-22s median %8.1f us, p95 %8.1f us\n", prefix,
            i < std::size(command_names) ? command_names[i] : "(more)", spread.median, spread.p95);
    }
}

struct Reads {
    std::vector<double> total_us;
    std::vector<double> transmit_us;
    std::vector<std::vector<double>> per_command_us;
    std::uint32_t apdus { 0 };
    std::string failure;

    void add(TimedChannel const& timed, Clock::duration total, std::uint32_t apdu_count)
    {
        total_us.push_back(micros(total));
        transmit_us.push_back(micros(timed.total()));
        if (per_command_us.size() < timed.each().size())
            per_command_us.resize(timed.each().size());
        for (std::size_t i = 0; i < timed.each().size(); ++i)
            per_command_us[i].push_back(micros(timed.each()[i]));
        apdus = apdu_count;
    }
    // Our code's share of each read: everything but the round trips.
    std::vector<double> ours_us() const
    {
        std::vector<double> ours;
        for (std::size_t i = 0; i < total_us.size(); ++i)
            ours.push_back(total_us[i] - transmit_us[i]);
        return ours;
    }
};

void simulated(Specimen const& specimen, mrz::AccessKey const& access)
{
    constexpr int runs = 200;
    Reads reads;
    for (int i = 0; i < runs + 10; ++i) {
        SimulatedCard card(specimen.mrz); // no fault, no delay
        TimedChannel timed(card);
        auto start = Clock::now();
        auto read = read_emrtd(timed, access, today);
        auto total = Clock::now() - start;
        if (!read.ok()) {
            std::fprintf(
                stderr, "card-sim: the read failed: %s %s\n", read.error().code.c_str(), read.error().detail.c_str());
            std::exit(1);
        }
        if (i >= 10) // the first ones warm caches and OpenSSL's tables
            reads.add(timed, total, read.value().apdus);
    }
    auto total = spread_of(reads.total_us);
    auto chip = spread_of(reads.transmit_us);
    auto ours = spread_of(reads.ours_us());
    std::printf("card-sim-read-us median %.0f, p95 %.0f (%d reads, %u APDUs: %u after SELECT; target <= 5 and "
                "< 300000)\n",
        total.median, total.p95, runs, reads.apdus, reads.apdus - 1);
    std::printf("card-sim-split-us terminal (our reader) median %.0f, p95 %.0f; simulated chip median %.0f, p95 "
                "%.0f\n",
        ours.median, ours.p95, chip.median, chip.p95);
}

// The stack of tests/card in a directory of its own, stopped when this goes.
class CardStack {
public:
    CardStack(std::filesystem::path const& source)
        : m_script((source / "tests" / "card" / "card-stack.sh").string())
    {
        char pattern[] = "/tmp/guichet-card-bench-XXXXXX";
        if (!mkdtemp(pattern)) {
            m_failure = "no temporary directory";
            return;
        }
        m_base = pattern;
        m_log = m_base / "card-stack.log";
        m_dir = m_base / "stack";
    }
    ~CardStack()
    {
        if (m_base.empty())
            return;
        run("stop " + quoted(m_dir.string()));
        std::error_code ignored;
        if (m_failure.empty())
            std::filesystem::remove_all(m_base, ignored);
    }

    // Starts pcscd and vpcd, lays the passport on the reader, and points
    // libpcsclite in this process at the private pcscd.
    bool start(std::string const& mrz)
    {
        if (!m_failure.empty())
            return false;
        if (run("start " + quoted(m_dir.string())) != 0) {
            m_failure = "card-stack.sh start failed: " + last_log_line() + " (" + m_log.string() + ")";
            return false;
        }
        if (run("insert " + quoted(m_dir.string()) + " " + quoted(mrz)) != 0) {
            m_failure = "card-stack.sh insert failed: " + last_log_line() + " (" + m_log.string() + ")";
            return false;
        }
        auto value = env_value(read_text(m_dir / "env"), "PCSCLITE_CSOCK_NAME");
        if (value.empty()) {
            m_failure = "no PCSCLITE_CSOCK_NAME in " + (m_dir / "env").string();
            return false;
        }
        ::setenv("PCSCLITE_CSOCK_NAME", value.c_str(), 1);
        return true;
    }
    std::string const& failure() const { return m_failure; }
    void failed(std::string why) { m_failure = std::move(why); }

private:
    // What the script said last: why it could not start, usually.
    std::string last_log_line() const
    {
        std::istringstream log(read_text(m_log));
        std::string line, last;
        while (std::getline(log, line))
            if (!line.empty())
                last = line;
        return last;
    }

    int run(std::string const& arguments)
    {
        auto command = m_script + " " + arguments + " >>" + quoted(m_log.string()) + " 2>&1";
        return std::system(command.c_str());
    }

    std::string m_script;
    std::filesystem::path m_base;
    std::filesystem::path m_dir;
    std::filesystem::path m_log;
    std::string m_failure;
};

void real_stack(std::filesystem::path const& source, Specimen const& specimen, mrz::AccessKey const& access)
{
    constexpr int runs = 20;
    auto started = Clock::now();
    CardStack stack(source);
    if (!stack.start(specimen.mrz)) {
        std::printf("card-pcsc: skipped: the card stack did not start: %s\n", stack.failure().c_str());
        return;
    }
    std::printf("card-pcsc-stack-start-ms %.0f (pcscd, vpcd and the vicc ePass, card inserted)\n",
        micros(Clock::now() - started) / 1000);

    std::string const reader = "Virtual PCD 00 00";
    Reads reads;
    std::vector<double> connect_us;
    for (int i = 0; i < runs + 2; ++i) {
        auto before_connect = Clock::now();
        auto channel = PcscChannel::connect(reader);
        auto connected = Clock::now();
        if (!channel.ok()) {
            stack.failed("connect: " + channel.error().code + " " + channel.error().detail);
            std::printf("card-pcsc: stopped: %s\n", stack.failure().c_str());
            return;
        }
        TimedChannel timed(*channel.value());
        auto read = read_emrtd(timed, access, today);
        auto total = Clock::now() - connected;
        if (!read.ok()) {
            stack.failed("read: " + read.error().code + " " + read.error().detail);
            std::printf("card-pcsc: stopped: %s\n", stack.failure().c_str());
            return;
        }
        if (i >= 2) { // the first reads wake the emulator's Python code up
            reads.add(timed, total, read.value().apdus);
            connect_us.push_back(micros(connected - before_connect));
        }
    }
    auto total = spread_of(reads.total_us);
    auto waiting = spread_of(reads.transmit_us);
    auto ours = spread_of(reads.ours_us());
    auto connect = spread_of(connect_us);
    std::printf("card-pcsc-read-ms median %.1f, p95 %.1f (%d reads, %u APDUs: %u after SELECT; target <= 5 and "
                "< 300)\n",
        total.median / 1000, total.p95 / 1000, runs, reads.apdus, reads.apdus - 1);
    std::printf("card-pcsc-split-ms in SCardTransmit (pcscd, vpcd, vicc) median %.1f, p95 %.1f; our code median "
                "%.2f, p95 %.2f\n",
        waiting.median / 1000, waiting.p95 / 1000, ours.median / 1000, ours.p95 / 1000);
    std::printf("card-pcsc-connect-ms median %.1f, p95 %.1f (SCardEstablishContext + SCardConnect, before the read)\n",
        connect.median / 1000, connect.p95 / 1000);
    print_commands(reads.per_command_us, "card-pcsc-apdu");
}

}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: card_bench SOURCE_DIR\n");
        return 2;
    }
    // The ICAO specimen passport: the one MRZ the emulator takes (88
    // characters), so that both reads are of the same document.
    auto const* specimen = find_specimen("passeport-expire");
    if (!specimen) {
        std::fprintf(stderr, "card_bench: no specimen passeport-expire\n");
        return 1;
    }
    auto parsed = mrz::parse(specimen->mrz, today);
    if (!parsed.ok()) {
        std::fprintf(stderr, "card_bench: the specimen's MRZ does not parse: %s\n", parsed.error().code.c_str());
        return 1;
    }
    auto access = parsed.value().access;
    simulated(*specimen, access);
    real_stack(argv[1], *specimen, access);
    return 0;
}
