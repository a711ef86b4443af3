// The real kiosk-hub as a process of its own, for the hub's benchmark
// (hub_bench.cpp): its data folder prepared with its own CLI (init, dev-ca,
// site add), `serve` started on a free port of loopback, its CPU time read
// from /proc so that it is measured apart from the simulated kiosks', and
// SIGTERM to stop it, as a service manager would (stop() says how it ended).
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace guichet::bench {

// [SECTION] CPU time from /proc

// What a /proc/PID/stat file says of a process's CPU, in seconds.
struct ProcessTimes {
    pid_t parent { 0 };
    double own { 0 }; // utime + stime
    double waited_children { 0 }; // cutime + cstime: its children that ended
};

// Zeros when the file cannot be read (the process or thread ended).
inline ProcessTimes process_times_of(std::filesystem::path const& stat_file)
{
    std::ifstream in(stat_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name (field 2) is in parentheses and may hold spaces, so
    // the fields are counted from the last ')': state is field 3, the
    // parent 4, utime 14, stime 15, cutime 16 and cstime 17.
    auto close = text.rfind(')');
    if (close == std::string::npos)
        return {};
    std::istringstream fields(text.substr(close + 1));
    std::string state;
    long long parent = 0;
    fields >> state >> parent;
    std::string skipped;
    for (int field = 5; field < 14; ++field)
        fields >> skipped;
    long long utime = 0, stime = 0, cutime = 0, cstime = 0;
    fields >> utime >> stime >> cutime >> cstime;
    auto tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return { static_cast<pid_t>(parent), static_cast<double>(utime + stime) / tick,
        static_cast<double>(cutime + cstime) / tick };
}

// The CPU seconds (user + system) in a /proc/PID/stat file.
inline double cpu_seconds_of(std::filesystem::path const& stat_file)
{
    return process_times_of(stat_file).own;
}

// A server that forks a process per connection (PostgreSQL): its own CPU,
// its children's that ended, and its living children's.
inline double process_tree_cpu_seconds(pid_t root)
{
    auto proc = std::filesystem::path("/proc");
    auto times = process_times_of(proc / std::to_string(root) / "stat");
    double total = times.own + times.waited_children;
    std::error_code error;
    for (auto const& entry : std::filesystem::directory_iterator(proc, error)) {
        auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        auto child = process_times_of(entry.path() / "stat");
        if (child.parent == root)
            total += child.own + child.waited_children;
    }
    return total;
}

// Each thread's CPU seconds, by thread id, from its schedstat (the time it
// ran, in nanoseconds): a thread's utime and stime count whole clock ticks,
// too coarse for the many threads that each run a few milliseconds.
inline std::map<pid_t, double> thread_cpu_seconds(pid_t pid)
{
    std::map<pid_t, double> threads;
    std::error_code error;
    auto folder = std::filesystem::path("/proc") / std::to_string(pid) / "task";
    for (auto const& entry : std::filesystem::directory_iterator(folder, error)) {
        auto tid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
        std::ifstream in(entry.path() / "schedstat");
        long long nanoseconds = 0;
        in >> nanoseconds;
        threads[tid] = static_cast<double>(nanoseconds) / 1e9;
    }
    return threads;
}

// What a thread of kiosk-hub does, told from the name it gives itself
// (sync/hub/thread_name.hpp, /proc/PID/task/TID/comm).
enum class HubThread {
    Io, // "hub-io": TLS, HTTP, and checking a push (SQLite)
    Worker, // "hub-worker": the handlers that may block
    Writer, // "hub-writer": the store's group commit
    Other, // the main thread, heartbeats' flush, webhook
};

inline std::map<pid_t, HubThread> classify_hub_threads(pid_t pid)
{
    std::map<pid_t, HubThread> roles;
    std::error_code error;
    auto folder = std::filesystem::path("/proc") / std::to_string(pid) / "task";
    for (auto const& entry : std::filesystem::directory_iterator(folder, error)) {
        std::ifstream in(entry.path() / "comm");
        std::string name;
        std::getline(in, name);
        auto tid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
        roles[tid] = name == "hub-io" ? HubThread::Io
            : name == "hub-worker"    ? HubThread::Worker
            : name == "hub-writer"    ? HubThread::Writer
                                      : HubThread::Other;
    }
    return roles;
}

// Where the hub's CPU went between two snapshots of its threads.
struct HubCpuSplit {
    double total { 0 }; // from /proc/PID/stat (utime + stime)
    double threads_total { 0 }; // the sum of the threads' schedstat
    double io { 0 };
    double workers { 0 };
    double writer { 0 };
    std::size_t io_threads { 0 };
    std::size_t workers_used { 0 }; // that ran at all
    bool known { false }; // the threads were told apart
};

inline HubCpuSplit cpu_split(std::map<pid_t, HubThread> const& roles, std::map<pid_t, double> const& before,
    std::map<pid_t, double> const& after)
{
    HubCpuSplit split;
    for (auto const& [tid, seconds] : after) {
        auto earlier = before.find(tid);
        auto used = seconds - (earlier == before.end() ? 0.0 : earlier->second);
        split.threads_total += used;
        auto role = roles.find(tid);
        switch (role == roles.end() ? HubThread::Other : role->second) {
        case HubThread::Io:
            split.io += used;
            ++split.io_threads;
            split.known = true;
            break;
        case HubThread::Worker:
            split.workers += used;
            if (used > 0)
                ++split.workers_used;
            break;
        case HubThread::Writer:
            split.writer += used;
            break;
        case HubThread::Other:
            break;
        }
    }
    return split;
}

// [SECTION] The process

class HubProcess {
public:
    // `store_url` empty: the SQLite store in the data folder.
    HubProcess(std::filesystem::path binary, std::filesystem::path data, std::string store_url = {})
        : m_binary(std::move(binary))
        , m_data(std::move(data))
        , m_store_url(std::move(store_url))
        , m_log(m_data.string() + ".log")
    {
    }

    ~HubProcess() { stop(); }
    HubProcess(HubProcess const&) = delete;
    HubProcess& operator=(HubProcess const&) = delete;

    // init, dev-ca and one site, as an administrator would. False, with the
    // reason in `why`, when a command fails.
    bool prepare(std::string const& site_id, std::string const& site_name, std::string& why)
    {
        // A folder left by an earlier run would add its dossiers to ours.
        std::error_code ignored;
        std::filesystem::remove_all(m_data, ignored);
        std::filesystem::remove(m_log, ignored);
        std::filesystem::create_directories(m_data);
        if (run({ "init" }) != 0 || run({ "dev-ca", "--out", (m_data / "tls").string() }) != 0
            || run({ "site", "add", site_id, site_name }) != 0) {
            why = "kiosk-hub could not prepare its data folder (see " + m_log.string() + ")";
            return false;
        }
        return true;
    }

    // `kiosk-hub serve` on a free port of 127.0.0.1; waits for its port file.
    bool start(int threads, std::string& why)
    {
        auto port_file = m_data / "port";
        std::filesystem::remove(port_file);
        m_pid = spawn({ "serve", "--listen", "127.0.0.1:0", "--port-file", port_file.string(), "--threads",
            std::to_string(threads) });
        if (m_pid <= 0) {
            why = "kiosk-hub could not be started";
            return false;
        }
        for (int i = 0; i < 200; ++i) {
            std::ifstream in(port_file);
            if (in >> m_port && m_port > 0) {
                return true;
            }
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                why = "kiosk-hub serve stopped at once (see " + m_log.string() + ")";
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        why = "kiosk-hub serve wrote no port within 5 s (see " + m_log.string() + ")";
        stop();
        return false;
    }

    // SIGTERM, then SIGKILL after 30 s. Says how it ended: "cleanly" (exit
    // status 0), "exit status N" or "killed by signal N".
    std::string stop()
    {
        if (m_pid <= 0)
            return "cleanly";
        ::kill(m_pid, SIGTERM);
        int status = 0;
        bool ended = false;
        for (int i = 0; i < 3000 && !ended; ++i) {
            ended = ::waitpid(m_pid, &status, WNOHANG) == m_pid;
            if (!ended)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!ended) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, &status, 0);
        }
        m_pid = -1;
        if (WIFEXITED(status))
            return WEXITSTATUS(status) == 0 ? "cleanly" : "exit status " + std::to_string(WEXITSTATUS(status));
        return "killed by signal " + std::to_string(WTERMSIG(status));
    }

    pid_t pid() const { return m_pid; }
    std::string url() const { return "https://localhost:" + std::to_string(m_port); }
    int port() const { return m_port; }
    std::filesystem::path ca_file() const { return m_data / "tls" / "ca.pem"; }
    std::filesystem::path const& data() const { return m_data; }
    // What hub::open_hub_store takes.
    std::string store_url() const
    {
        return m_store_url.empty() ? "sqlite:" + (m_data / "hub.db").string() : m_store_url;
    }
    double cpu_seconds() const
    {
        return m_pid > 0 ? cpu_seconds_of(std::filesystem::path("/proc") / std::to_string(m_pid) / "stat") : 0;
    }
    // Each thread's role, by its name, now.
    std::map<pid_t, HubThread> thread_roles() const
    {
        return m_pid > 0 ? classify_hub_threads(m_pid) : std::map<pid_t, HubThread> {};
    }
    std::map<pid_t, double> thread_cpu() const
    {
        return m_pid > 0 ? thread_cpu_seconds(m_pid) : std::map<pid_t, double> {};
    }

private:
    std::vector<std::string> command(std::vector<std::string> const& words) const
    {
        std::vector<std::string> argv { m_binary.string() };
        argv.insert(argv.end(), words.begin(), words.end());
        argv.push_back("--data");
        argv.push_back(m_data.string());
        if (!m_store_url.empty()) {
            argv.push_back("--store");
            argv.push_back(m_store_url);
        }
        return argv;
    }

    // Started with its output appended to the log.
    pid_t spawn(std::vector<std::string> const& words) const
    {
        auto argv_text = command(words);
        std::vector<char*> argv;
        for (auto& word : argv_text)
            argv.push_back(word.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        pid_t pid = -1;
        int failed = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        return failed == 0 ? pid : -1;
    }

    int run(std::vector<std::string> const& words) const
    {
        auto pid = spawn(words);
        if (pid <= 0)
            return -1;
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    std::filesystem::path m_binary;
    std::filesystem::path m_data;
    std::string m_store_url;
    std::filesystem::path m_log;
    pid_t m_pid { -1 };
    int m_port { 0 };
};

// The hub's CPU over a window: the total from /proc/PID/stat (utime +
// stime), its split between threads from their schedstat.
class CpuWindow {
public:
    explicit CpuWindow(HubProcess const& process)
        : m_process(process)
        , m_total(process.cpu_seconds())
        , m_threads(process.thread_cpu())
    {
    }

    HubCpuSplit end() const
    {
        auto split = cpu_split(m_process.thread_roles(), m_threads, m_process.thread_cpu());
        split.total = m_process.cpu_seconds() - m_total;
        return split;
    }

private:
    HubProcess const& m_process;
    double m_total;
    std::map<pid_t, double> m_threads;
};

}
