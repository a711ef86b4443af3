// The kiosk side by side with Chromium in kiosk mode showing the same
// screens (tests/bench/home/index.html: the kiosk's « Bonjour » and home
// screens as a web page), both measured from outside in the same way:
// launch to the first frame that shows the screen, read back from the X
// server; PSS of all their processes 5 s after launch; their CPU over the
// 10 s after that. Figures, never assertions (docs/performance.md). Run by
// tests/bench/kiosk_bench.sh from the source tree, under Xvfb at 1920x1080.
//
//   chromium_bench KIOSK CHROMIUM HOME_HTML WORKDIR [--runs N] [--idle-runs N]
//                  [--chromium-gpu software|auto]
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::int64_t monotonic_ns()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

void sleep_ms(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// [SECTION] Processes, from /proc

struct Process {
    pid_t pid { 0 };
    pid_t parent { 0 };
    pid_t session { 0 };
    char state { '?' };
    long ticks { 0 }; // utime + stime, of all its threads
};

std::optional<Process> read_process(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    // The command name (field 2) may hold spaces: fields are counted from
    // the last ')'. State is field 3, the parent 4, the session 6, utime
    // 14 and stime 15.
    auto after = stat.rfind(')');
    if (after == std::string::npos)
        return std::nullopt;
    std::istringstream fields(stat.substr(after + 2));
    Process process { pid };
    std::string field;
    long utime = 0;
    for (int i = 3; fields >> field && i <= 15; ++i) {
        if (i == 3)
            process.state = field[0];
        else if (i == 4)
            process.parent = std::stoi(field);
        else if (i == 6)
            process.session = std::stoi(field);
        else if (i == 14)
            utime = std::stol(field);
        else if (i == 15)
            process.ticks = utime + std::stol(field);
    }
    return process;
}

std::vector<Process> all_processes()
{
    std::vector<Process> processes;
    DIR* proc = opendir("/proc");
    if (!proc)
        return processes;
    while (dirent* entry = readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0)
            continue;
        if (auto process = read_process(pid_t(pid)))
            processes.push_back(*process);
    }
    closedir(proc);
    return processes;
}

// A process's memory: PSS (its own pages, and its share of each page
// mapped by several processes, of any program) and RSS (every page it
// maps, shared or not), in kB.
struct Memory {
    long pss_kb { 0 };
    long rss_kb { 0 };
};

Memory memory_of(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    Memory memory;
    while (std::getline(in, line)) {
        if (line.rfind("Pss:", 0) == 0)
            memory.pss_kb = std::stol(line.substr(4));
        else if (line.rfind("Rss:", 0) == 0)
            memory.rss_kb = std::stol(line.substr(4));
    }
    return memory;
}

// What a process is, for the breakdown: Chromium's --type= (renderer,
// zygote, gpu-process, utility) or the program's name. Chromium rewrites
// its children's command lines with spaces between the arguments.
std::string role_of(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (auto type = cmdline.find(" --type="); type != std::string::npos) {
        type += 8;
        return cmdline.substr(type, cmdline.find(' ', type) - type);
    }
    std::string program = cmdline.substr(0, cmdline.find(' '));
    program = program.substr(program.rfind('/') + 1);
    return program == "chromium" ? "browser" : program;
}

// [SECTION] The screen, read back from the X server

// A few pixels the first frame has, and a blank window has not: Chromium
// maps a white window before its page paints, the kiosk's window is
// black until its first frame. The « Bonjour » screen both open on (its
// background, the button, the six flags and their buttons, a stroke of
// the greeting); the same design pixels in the kiosk (ui/screens.cpp) and
// in the page (its CSS).
struct Probe {
    char const* what;
    int x, y;
    unsigned rgb;
};

constexpr Probe bonjour_screen[] = {
    { "the background, bleu France", 40, 40, 0x000091 },
    { "the background, top right", 1880, 40, 0x000091 },
    { "the background, top", 960, 120, 0x000091 },
    { "the background, left", 40, 700, 0x000091 },
    { "the background, right", 1880, 700, 0x000091 },
    { "the background, bottom right", 1880, 1070, 0x000091 },
    { "the stem of the B of « Bonjour »", 802, 300, 0xFFFFFF },
    { "« Touchez l'écran pour commencer »", 600, 780, 0xFFFFFF },
    { "« Touchez l'écran pour commencer », bottom right", 1320, 880, 0xFFFFFF },
    { "« Français », chosen", 250, 962, 0xE3E3FD },
    { "the French flag's blue", 100, 1005, 0x000091 },
    { "the French flag's white", 129, 1005, 0xFFFFFF },
    { "the French flag's red", 158, 1005, 0xE1000F },
    { "« English »", 640, 965, 0xFFFFFF },
    { "the Spanish flag's red", 720, 985, 0xAA151B },
    { "the Spanish flag's yellow", 720, 1005, 0xF1BF00 },
    { "« العربية »'s green", 995, 1020, 0x0A5C36 },
    { "the Portuguese flag's green", 1284, 990, 0x046A38 },
    { "the Portuguese flag's red", 1340, 1005, 0xDA291C },
    { "the Turkish flag's red", 1640, 1020, 0xE30A17 },
};

class XScreen {
public:
    // Exits 2 when the display cannot be read: no figure would mean anything.
    XScreen()
    {
        m_display = XOpenDisplay(nullptr);
        if (!m_display) {
            std::fprintf(stderr, "chromium_bench: cannot open display %s (run it under Xvfb, as kiosk_bench.sh does)\n",
                std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "(DISPLAY not set)");
            std::exit(2);
        }
        if (!XShmQueryExtension(m_display)) {
            std::fprintf(stderr, "chromium_bench: the X server has no MIT-SHM extension\n");
            std::exit(2);
        }
        int screen = DefaultScreen(m_display);
        m_root = RootWindow(m_display, screen);
        m_visual = DefaultVisual(m_display, screen);
        m_depth = DefaultDepth(m_display, screen);
        m_width = DisplayWidth(m_display, screen);
        m_height = DisplayHeight(m_display, screen);
        if (m_width != 1920 || m_height != 1080 || m_depth != 24 || m_visual->c_class != TrueColor) {
            std::fprintf(stderr,
                "chromium_bench: the screen is %dx%d depth %d; it needs 1920x1080 depth 24 TrueColor\n", m_width,
                m_height, m_depth);
            std::exit(2);
        }
        m_patch = create(3, 3, m_patch_segment);
        m_whole = create(m_width, m_height, m_whole_segment);
    }

    ~XScreen()
    {
        for (auto [image, segment] : { std::pair(m_patch, &m_patch_segment), std::pair(m_whole, &m_whole_segment) }) {
            XShmDetach(m_display, segment);
            XDestroyImage(image);
            shmdt(segment->shmaddr);
        }
        XCloseDisplay(m_display);
    }

    // The 3x3 pixels around (x, y), each within `tolerance` of `rgb`. One
    // round trip to the server: polling costs both contenders alike, and
    // little (a full 1920x1080 read would cost the server milliseconds).
    bool has(int x, int y, unsigned rgb, int tolerance = 40)
    {
        XShmGetImage(m_display, m_root, m_patch, x - 1, y - 1, AllPlanes);
        for (int dy = 0; dy < 3; ++dy) {
            for (int dx = 0; dx < 3; ++dx) {
                unsigned pixel = rgb_of(XGetPixel(m_patch, dx, dy));
                for (int shift : { 16, 8, 0 }) {
                    int got = int((pixel >> shift) & 0xFF), want = int((rgb >> shift) & 0xFF);
                    if (std::abs(got - want) > tolerance)
                        return false;
                }
            }
        }
        return true;
    }

    // The first probe the screen does not show, if any: while the screen
    // is blank, one round trip a poll.
    Probe const* first_missing(std::span<Probe const> probes)
    {
        auto missing
            = std::find_if(probes.begin(), probes.end(), [&](Probe const& p) { return !has(p.x, p.y, p.rgb); });
        return missing == probes.end() ? nullptr : &*missing;
    }

    unsigned pixel(int x, int y)
    {
        XShmGetImage(m_display, m_root, m_patch, x - 1, y - 1, AllPlanes);
        return rgb_of(XGetPixel(m_patch, 1, 1));
    }

    // The whole screen as a binary PPM, to look at what each contender showed.
    bool save_ppm(fs::path const& path)
    {
        XShmGetImage(m_display, m_root, m_whole, 0, 0, AllPlanes);
        std::ofstream out(path, std::ios::binary);
        out << "P6\n" << m_width << ' ' << m_height << "\n255\n";
        std::vector<char> row(std::size_t(m_width) * 3);
        for (int y = 0; y < m_height; ++y) {
            for (int x = 0; x < m_width; ++x) {
                unsigned rgb = rgb_of(XGetPixel(m_whole, x, y));
                row[std::size_t(x) * 3] = char(rgb >> 16);
                row[std::size_t(x) * 3 + 1] = char(rgb >> 8);
                row[std::size_t(x) * 3 + 2] = char(rgb);
            }
            out.write(row.data(), std::streamsize(row.size()));
        }
        return bool(out);
    }

private:
    XImage* create(int width, int height, XShmSegmentInfo& segment)
    {
        XImage* image = XShmCreateImage(
            m_display, m_visual, unsigned(m_depth), ZPixmap, nullptr, &segment, unsigned(width), unsigned(height));
        segment.shmid = shmget(IPC_PRIVATE, std::size_t(image->bytes_per_line) * std::size_t(height), IPC_CREAT | 0600);
        segment.shmaddr = image->data = static_cast<char*>(shmat(segment.shmid, nullptr, 0));
        segment.readOnly = False;
        if (segment.shmid < 0 || segment.shmaddr == reinterpret_cast<char*>(-1) || !XShmAttach(m_display, &segment)) {
            std::fprintf(stderr, "chromium_bench: cannot share memory with the X server (MIT-SHM)\n");
            std::exit(2);
        }
        XSync(m_display, False);
        // Marked for removal now: it goes when both sides detach, even if
        // the bench is killed.
        shmctl(segment.shmid, IPC_RMID, nullptr);
        return image;
    }

    unsigned rgb_of(unsigned long pixel) const
    {
        auto channel = [pixel](unsigned long mask) {
            int shift = __builtin_ctzl(mask);
            return unsigned((pixel & mask) >> shift) & 0xFF;
        };
        return channel(m_visual->red_mask) << 16 | channel(m_visual->green_mask) << 8 | channel(m_visual->blue_mask);
    }

    Display* m_display { nullptr };
    Window m_root {};
    Visual* m_visual { nullptr };
    int m_depth { 0 };
    int m_width { 0 };
    int m_height { 0 };
    XShmSegmentInfo m_patch_segment {};
    XShmSegmentInfo m_whole_segment {};
    XImage* m_patch { nullptr };
    XImage* m_whole { nullptr };
};

// [SECTION] A contender: its processes, started and stopped

// Every process of the running contender, for the signal handler: a
// bench stopped by ^C or a CI timeout leaves no browser behind.
std::atomic<pid_t> running_processes[256];

void forget_processes()
{
    for (auto& pid : running_processes)
        pid.store(0);
}

void kill_running(int signal)
{
    for (auto& pid : running_processes) {
        if (pid_t p = pid.load(); p > 0)
            kill(p, signal);
    }
}

// The leader's process group too: between two scans of /proc, the
// slots know only the leader.
extern "C" void on_fatal_signal(int signal)
{
    if (pid_t leader = running_processes[0].load(); leader > 0)
        kill(-leader, SIGKILL);
    kill_running(SIGKILL);
    _exit(128 + signal);
}

enum class Zombies {
    Excluded,
    Included,
};

struct Membership {
    std::vector<Process> processes;
    int left_session { 0 }; // setsid()'d themselves, found as our descendants
};

class Contender {
public:
    // Started in a session of its own (setsid), its output in `log`. The
    // bench is a subreaper (main): a process of it that double-forks and
    // leaves the session (Chromium's crashpad handlers do) is still a
    // descendant of the bench, and counted.
    Contender(std::vector<std::string> const& args, fs::path const& home, fs::path const& log)
    {
        int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        m_started_ns = monotonic_ns();
        m_leader = fork();
        if (m_leader == 0) {
            setsid();
            // If the bench dies without stopping it (SIGKILL), so does it.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            dup2(out, STDOUT_FILENO);
            dup2(out, STDERR_FILENO);
            setenv("HOME", home.c_str(), 1);
            std::vector<char*> argv;
            for (auto const& a : args)
                argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out);
        running_processes[0].store(m_leader);
    }

    Contender(Contender const&) = delete;
    Contender& operator=(Contender const&) = delete;

    ~Contender() { stop(); }

    std::int64_t started_ns() const { return m_started_ns; }

    // Whether the leader (the kiosk, Chromium's browser) has ended.
    bool exited()
    {
        if (!m_exited && m_leader > 0 && waitpid(m_leader, &m_status, WNOHANG) == m_leader)
            m_exited = true;
        return m_exited;
    }

    // How the leader ended, for a launch that failed.
    std::string how_it_ended() const
    {
        if (!m_exited)
            return "still running";
        if (WIFSIGNALED(m_status))
            return std::string("killed by signal ") + std::to_string(WTERMSIG(m_status));
        return "exited with status " + std::to_string(WEXITSTATUS(m_status));
    }

    // Its processes: in its session, or descended from the bench. Zombies
    // (ended, not yet reaped) only when stopping: it waits for them too.
    Membership members(Zombies zombies = Zombies::Excluded)
    {
        auto processes = all_processes();
        std::map<pid_t, pid_t> parent_of;
        for (auto const& p : processes)
            parent_of[p.pid] = p.parent;
        pid_t self = getpid();
        auto descends_from_bench = [&](pid_t pid) {
            for (int depth = 0; depth < 64 && pid > 1; ++depth) {
                pid = parent_of.count(pid) ? parent_of[pid] : 0;
                if (pid == self)
                    return true;
            }
            return false;
        };
        Membership found;
        for (auto const& p : processes) {
            if ((p.state == 'Z' && zombies == Zombies::Excluded) || p.pid == self)
                continue;
            bool in_session = p.session == m_leader;
            if (in_session || descends_from_bench(p.pid)) {
                found.processes.push_back(p);
                found.left_session += in_session ? 0 : 1;
            }
        }
        forget_processes();
        running_processes[0].store(m_leader);
        std::size_t slot = 1;
        for (auto const& p : found.processes) {
            if (slot < std::size(running_processes))
                running_processes[slot++].store(p.pid);
        }
        return found;
    }

    // SIGTERM to the leader, as a service manager stops it (Chromium's
    // browser saves its profile and ends its own processes); after 3 s
    // SIGTERM to the whole session and whatever else is left, then
    // SIGKILL. Returns how many were still there after the SIGKILL:
    // processes left behind.
    int stop()
    {
        if (m_leader <= 0)
            return 0;
        // Zombies too: the bench reaps those reparented to it, and does not
        // leave them to init when it exits.
        auto remaining = [&] {
            reap();
            return members(Zombies::Included).processes;
        };
        if (!exited())
            kill(m_leader, SIGTERM);
        for (int waited = 0; waited < 3000 && !exited(); waited += 10)
            sleep_ms(10);
        int left = 0;
        for (int signal : { SIGTERM, SIGKILL }) {
            auto processes = remaining();
            // The process group outlives its leader while one of it lives:
            // the number is not given to another process until then.
            if (!processes.empty())
                kill(-m_leader, signal);
            for (auto const& p : processes)
                kill(p.pid, signal);
            for (int waited = 0; waited < 1000 && !remaining().empty(); waited += 10)
                sleep_ms(10);
            left = int(remaining().size());
            if (left == 0)
                break;
        }
        m_leader = -1;
        forget_processes();
        return left;
    }

private:
    // The leader, and orphans reparented to the bench.
    static void reap()
    {
        while (waitpid(-1, nullptr, WNOHANG) > 0) { }
    }

    pid_t m_leader { -1 };
    bool m_exited { false };
    int m_status { 0 };
    std::int64_t m_started_ns { 0 };
};

// [SECTION] One run

struct Launch {
    std::optional<double> window_ms; // first pixel that differs from the empty screen
    std::optional<double> shown_ms; // the « Bonjour » screen, whole
    std::optional<double> self_reported_ms; // the kiosk's --report-first-frame
};

// Processes of one kind (renderer, zygote…) and their PSS together.
struct Role {
    int count { 0 };
    long pss_kb { 0 };
};

struct Settled {
    Launch launch;
    double pss_mb { 0 };
    double rss_mb { 0 };
    int processes { 0 };
    int left_session { 0 };
    std::map<std::string, Role> roles; // by what the processes are
    double cpu_percent { 0 };
    int ended_while_idle { 0 }; // their CPU since 5 s is not counted
    int left_behind { 0 };
};

struct Setup {
    std::string name;
    std::vector<std::string> args;
    fs::path home;
    fs::path log;
};

// Before a launch, the screen must be empty again (the last contender's
// window gone): what the bench started with at (40, 40).
void wait_for_empty(XScreen& screen, unsigned empty)
{
    for (int waited = 0; waited < 5000; waited += 10) {
        if (screen.pixel(40, 40) == empty)
            return;
        sleep_ms(10);
    }
    std::printf("  (the screen was not empty before a launch: a window left over?)\n");
}

// Polls the screen every 2 ms until the « Bonjour » screen shows, for at
// most `limit_ms` or until it ends.
Launch watch_launch(XScreen& screen, Contender& contender, unsigned empty, int limit_ms)
{
    Launch launch;
    auto since_start = [&] { return double(monotonic_ns() - contender.started_ns()) / 1e6; };
    while (since_start() < limit_ms && !contender.exited()) {
        if (!launch.window_ms && screen.pixel(40, 40) != empty)
            launch.window_ms = since_start();
        if (!screen.first_missing(bonjour_screen)) {
            launch.shown_ms = since_start();
            if (!launch.window_ms)
                launch.window_ms = launch.shown_ms;
            break;
        }
        sleep_ms(2);
    }
    return launch;
}

// The kiosk's own "first-frame <ns>" line, once it is in its log.
std::optional<double> self_reported(fs::path const& log, std::int64_t started_ns)
{
    for (int waited = 0; waited < 2000; waited += 20) {
        std::ifstream in(log);
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("first-frame ", 0) == 0)
                return double(std::stoll(line.substr(12)) - started_ns) / 1e6;
        }
        sleep_ms(20);
    }
    return std::nullopt;
}

Launch launch_once(XScreen& screen, Setup const& setup, unsigned empty, int linger_ms = 0)
{
    wait_for_empty(screen, empty);
    Contender contender(setup.args, setup.home, setup.log);
    auto launch = watch_launch(screen, contender, empty, 30'000);
    launch.self_reported_ms = self_reported(setup.log, contender.started_ns());
    if (!launch.shown_ms) {
        auto shown = fs::path(setup.log).replace_extension(".ppm");
        screen.save_ppm(shown);
        std::string lacking = "?";
        if (auto const* missing = screen.first_missing(bonjour_screen)) {
            char seen[96];
            std::snprintf(seen, sizeof seen, ": #%06X at (%d, %d), expected #%06X",
                screen.pixel(missing->x, missing->y), missing->x, missing->y, missing->rgb);
            lacking = missing->what + std::string(seen);
        }
        std::printf("  %s: the screen did not show (%s; lacking %s); its log: %s, the screen: %s\n", setup.name.c_str(),
            contender.how_it_ended().c_str(), lacking.c_str(), setup.log.c_str(), shown.c_str());
    }
    sleep_ms(linger_ms);
    if (int left = contender.stop())
        std::printf("  %s: %d processes left behind after SIGKILL\n", setup.name.c_str(), left);
    return launch;
}

// Memory 5 s after the launch, then CPU over the next 10 s, nobody
// touching the screen; the screen as it was at the end in `screenshot`.
Settled settle_once(XScreen& screen, Setup const& setup, unsigned empty, fs::path const& screenshot)
{
    wait_for_empty(screen, empty);
    Settled settled;
    Contender contender(setup.args, setup.home, setup.log);
    settled.launch = watch_launch(screen, contender, empty, 5'000);
    auto wait_until = [&](double seconds) {
        auto until = contender.started_ns() + std::int64_t(seconds * 1e9);
        while (monotonic_ns() < until)
            sleep_ms(int(std::max<std::int64_t>(1, (until - monotonic_ns()) / 1'000'000)));
    };
    wait_until(5);
    auto at_five = contender.members();
    Memory sum;
    for (auto const& p : at_five.processes) {
        auto memory = memory_of(p.pid);
        sum.pss_kb += memory.pss_kb;
        sum.rss_kb += memory.rss_kb;
        auto& role = settled.roles[role_of(p.pid)];
        role.count += 1;
        role.pss_kb += memory.pss_kb;
    }
    settled.pss_mb = double(sum.pss_kb) / 1024.0;
    settled.rss_mb = double(sum.rss_kb) / 1024.0;
    settled.processes = int(at_five.processes.size());
    settled.left_session = at_five.left_session;

    // CPU over 10 s: what each process had at 5 s is subtracted; one born
    // since counts whole. One that ended in between takes its time with it:
    // the table says how many did.
    std::map<pid_t, long> before;
    for (auto const& p : contender.members().processes)
        before[p.pid] = p.ticks;
    auto t0 = monotonic_ns();
    wait_until(15);
    long ticks = 0;
    auto after = contender.members().processes;
    for (auto const& p : after)
        ticks += p.ticks - (before.count(p.pid) ? before[p.pid] : 0);
    for (auto const& [pid, ticks_then] : before) {
        bool still = std::any_of(after.begin(), after.end(), [pid](Process const& p) { return p.pid == pid; });
        settled.ended_while_idle += still ? 0 : 1;
    }
    double seconds = double(monotonic_ns() - t0) / 1e9;
    settled.cpu_percent = 100.0 * double(ticks) / double(sysconf(_SC_CLK_TCK)) / seconds;
    screen.save_ppm(screenshot);
    settled.left_behind = contender.stop();
    return settled;
}

// [SECTION] The table

std::string chromium_version(std::string const& chromium)
{
    std::string command = "'" + chromium + "' --version 2>/dev/null";
    std::string version;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char line[256];
        if (std::fgets(line, sizeof line, pipe))
            version = line;
        pclose(pipe);
    }
    while (!version.empty() && (version.back() == '\n' || version.back() == ' '))
        version.pop_back();
    return version.empty() ? "version unknown" : version;
}

struct Column {
    std::vector<double> values;
    double median_or_nan() const { return values.empty() ? NAN : median(values); }
};

void row(char const* what, Column const& kiosk, Column const& chromium, char const* unit, char const* note)
{
    double k = kiosk.median_or_nan(), c = chromium.median_or_nan();
    auto cell = [unit](double v) {
        char text[32];
        if (std::isnan(v))
            std::snprintf(text, sizeof text, "-");
        else if (*unit == '\0')
            std::snprintf(text, sizeof text, "%.0f", v);
        else if (*unit == '%')
            std::snprintf(text, sizeof text, "%.2f %%", v);
        else
            std::snprintf(text, sizeof text, "%.1f %s", v, unit);
        return std::string(text);
    };
    char ratio[32] = "";
    if (!std::isnan(k) && !std::isnan(c) && k > 0)
        std::snprintf(ratio, sizeof ratio, "%.1fx", c / k);
    std::printf("  %-34s %12s %12s %9s   %s\n", what, cell(k).c_str(), cell(c).c_str(), ratio, note);
}

std::string range(Column const& column)
{
    if (column.values.empty())
        return "";
    auto [low, high] = std::minmax_element(column.values.begin(), column.values.end());
    char text[48];
    std::snprintf(text, sizeof text, "%.1f-%.1f", *low, *high);
    return text;
}

}

int main(int argc, char** argv)
{
    if (argc < 5) {
        std::fprintf(stderr,
            "usage: chromium_bench KIOSK CHROMIUM HOME_HTML WORKDIR [--runs N] [--idle-runs N] "
            "[--chromium-gpu software|auto]\n");
        return 2;
    }
    std::string kiosk = argv[1], chromium = argv[2];
    fs::path html = argv[3], work = argv[4];
    int runs = 7, idle_runs = 3;
    std::string chromium_gpu = "software";
    for (int i = 5; i + 1 < argc; i += 2) {
        std::string option = argv[i];
        if (option == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (option == "--idle-runs")
            idle_runs = std::max(1, std::atoi(argv[i + 1]));
        else if (option == "--chromium-gpu"
            && (argv[i + 1] == std::string("software") || argv[i + 1] == std::string("auto")))
            chromium_gpu = argv[i + 1];
        else {
            std::fprintf(stderr, "chromium_bench: unknown option %s %s\n", argv[i], argv[i + 1]);
            return 2;
        }
    }
    if (argc % 2 == 0) {
        std::fprintf(stderr, "chromium_bench: %s needs a value\n", argv[argc - 1]);
        return 2;
    }
    std::error_code error;
    if (!fs::is_regular_file(html, error)) {
        std::fprintf(stderr, "chromium_bench: the page %s is missing\n", html.c_str());
        return 2;
    }
    html = fs::absolute(html);
    for (auto const& program : { kiosk, chromium }) {
        if (access(program.c_str(), X_OK) != 0) {
            std::fprintf(stderr, "chromium_bench: %s is not an executable\n", program.c_str());
            return 2;
        }
    }
    // The test identity, as kiosk_bench uses it: the home screen shows its
    // démarches only to an enrolled kiosk.
    std::string identity = "tests/fixtures/sync/identity.json";
    if (!fs::is_regular_file(identity, error)) {
        std::fprintf(stderr, "chromium_bench: %s not found: run it from the source tree\n", identity.c_str());
        return 2;
    }
    XScreen screen;
    work = fs::absolute(work);
    fs::create_directories(work / "logs");
    fs::create_directories(work / "home");

    // Every process either contender leaves the session with is reparented
    // to the bench, counted, and stopped with the rest.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    for (int signal : { SIGINT, SIGTERM, SIGHUP })
        std::signal(signal, on_fatal_signal);

    // The kiosk as kiosk_bench starts it for its software renderer, silent.
    auto kiosk_args = [&](fs::path const& data) {
        return std::vector<std::string> { kiosk, "--data", data.string(), "--identity", identity, "--printer",
            "pdf:" + (work / "receipts").string(), "--renderer", "software", "--speech", "none",
            "--report-first-frame" };
    };
    // Chromium as a kiosk would run it, and off the network: no first-run
    // dialogs, no updates, sync, translation, phishing model, media routes
    // or pings; a fresh profile per run. Those flags still left it asking
    // DNS for accounts.google.com, clients2.google.com and
    // update.googleapis.com: every host name resolves to nothing, and only
    // the page's file:// is loaded. --no-sandbox because the bench runs as
    // root. --disable-gpu: no GPU here, and the kiosk's software renderer
    // is what it is compared with (docs/performance.md).
    auto chromium_args = [&](fs::path const& profile) {
        std::vector<std::string> args { chromium, "--kiosk", "--user-data-dir=" + profile.string(), "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-breakpad", "--disable-domain-reliability",
            "--disable-client-side-phishing-detection", "--no-pings", "--password-store=basic",
            "--disable-features=Translate,MediaRouter,DialMediaRouteProvider,OptimizationHints,"
            "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-crash-restore-bubble", "--noerrdialogs", "--no-sandbox",
            "--window-size=1920,1080", "--window-position=0,0" };
        if (chromium_gpu == "software")
            args.push_back("--disable-gpu");
        args.push_back("file://" + html.string());
        return args;
    };

    unsigned empty = screen.pixel(40, 40);
    std::printf("the kiosk and Chromium in kiosk mode, the same screen, 1920x1080 (%s)\n", std::getenv("DISPLAY"));
    std::printf("  chromium: %s (%s), GPU: %s\n", chromium.c_str(), chromium_version(chromium).c_str(),
        chromium_gpu == "software" ? "--disable-gpu" : "its own choice");

    int counter = 0;
    auto setup = [&](std::string const& name, std::string const& kind, std::optional<fs::path> state = {}) {
        auto number = std::to_string(++counter);
        fs::path dir = state ? *state : work / (name + "-" + number);
        return Setup { name, name == "kiosk" ? kiosk_args(dir / "data") : chromium_args(dir / "profile"), work / "home",
            work / "logs" / (name + "-" + kind + "-" + number + ".log") };
    };
    std::vector<std::string> names { "kiosk", "chromium" };

    // One launch each that is not counted: both programs and their
    // libraries in the page cache, and the state the warm runs reuse.
    for (auto const& name : names) {
        auto launch = launch_once(screen, setup(name, "warm-up", work / (name + "-warm")), empty, 3000);
        if (!launch.shown_ms)
            return 1;
    }

    // Interleaved, so that the machine's other work falls on both alike.
    std::map<std::string, Column> fresh, warm, window, self;
    std::map<std::string, int> failed;
    for (int run = 0; run < runs; ++run) {
        for (auto const& name : names) {
            auto launch = launch_once(screen, setup(name, "fresh"), empty);
            if (launch.shown_ms)
                fresh[name].values.push_back(*launch.shown_ms);
            else
                failed[name] += 1;
            if (launch.window_ms)
                window[name].values.push_back(*launch.window_ms);
            if (launch.self_reported_ms)
                self[name].values.push_back(*launch.self_reported_ms);
        }
    }
    for (int run = 0; run < std::max(1, runs / 2); ++run) {
        for (auto const& name : names) {
            auto launch = launch_once(screen, setup(name, "warm", work / (name + "-warm")), empty);
            if (launch.shown_ms)
                warm[name].values.push_back(*launch.shown_ms);
            else
                failed[name] += 1;
        }
    }
    std::map<std::string, Column> pss, rss, cpu, processes;
    std::map<std::string, Settled> last;
    for (int run = 0; run < idle_runs; ++run) {
        for (auto const& name : names) {
            auto settled = settle_once(screen, setup(name, "idle"), empty, work / (name + ".ppm"));
            pss[name].values.push_back(settled.pss_mb);
            rss[name].values.push_back(settled.rss_mb);
            cpu[name].values.push_back(settled.cpu_percent);
            processes[name].values.push_back(settled.processes);
            if (settled.left_behind)
                std::printf("  %s: %d processes left behind after SIGKILL\n", name.c_str(), settled.left_behind);
            if (!settled.launch.shown_ms)
                std::printf("  %s: the screen had not shown 5 s after the launch\n", name.c_str());
            if (settled.ended_while_idle)
                std::printf("  %s: %d processes ended between 5 s and 15 s (their CPU then is not counted)\n",
                    name.c_str(), settled.ended_while_idle);
            last[name] = settled;
        }
    }

    char runs_note[64], warm_note[64], idle_note[64];
    std::snprintf(runs_note, sizeof runs_note, "median of %d, fresh profile", runs);
    std::snprintf(warm_note, sizeof warm_note, "median of %d, profile kept", std::max(1, runs / 2));
    std::snprintf(idle_note, sizeof idle_note, "median of %d", idle_runs);
    std::printf("  %-34s %12s %12s %9s\n", "", "kiosk", "chromium", "chr/kiosk");
    row("launch to first pixels", window["kiosk"], window["chromium"], "ms", "any window, blank or not");
    row("launch to the screen shown", fresh["kiosk"], fresh["chromium"], "ms", runs_note);
    row("  the same, warm", warm["kiosk"], warm["chromium"], "ms", warm_note);
    row("  the kiosk's own report", self["kiosk"], self["chromium"], "ms", "--report-first-frame");
    row("PSS, all processes, at 5 s", pss["kiosk"], pss["chromium"], "MB", idle_note);
    row("  RSS summed, an upper bound", rss["kiosk"], rss["chromium"], "MB", "shared pages once a process");
    row("processes at 5 s", processes["kiosk"], processes["chromium"], "", "");
    row("idle CPU, 5 s to 15 s", cpu["kiosk"], cpu["chromium"], "%", "of one core, all processes");
    for (auto const& name : names) {
        std::printf("  %s, spread: screen shown %s ms, PSS %s MB, CPU %s %%\n", name.c_str(),
            range(fresh[name]).c_str(), range(pss[name]).c_str(), range(cpu[name]).c_str());
        std::printf("  %s's processes at 5 s, PSS:", name.c_str());
        for (auto const& [what, role] : last[name].roles)
            std::printf(" %s x%d %.1f MB;", what.c_str(), role.count, double(role.pss_kb) / 1024.0);
        if (last[name].left_session)
            std::printf(" (%d had left its session)", last[name].left_session);
        std::printf("\n");
    }
    for (auto const& [name, count] : failed)
        std::printf("  %s: %d launches did not show the screen\n", name.c_str(), count);
    double k_shown = fresh["kiosk"].median_or_nan(), c_shown = fresh["chromium"].median_or_nan();
    double k_pss = pss["kiosk"].median_or_nan(), c_pss = pss["chromium"].median_or_nan();
    double k_cpu = cpu["kiosk"].median_or_nan(), c_cpu = cpu["chromium"].median_or_nan();
    auto verdict = [](bool met) { return met ? "met" : "not met"; };
    std::printf("  aims: 10x less memory: %s; 2x faster to the screen: %s; idle CPU at or below Chromium's: %s\n",
        verdict(c_pss >= 10 * k_pss), verdict(c_shown >= 2 * k_shown), verdict(k_cpu <= c_cpu));
    std::printf(
        "  the screens as they were at 15 s: %s, %s\n", (work / "kiosk.ppm").c_str(), (work / "chromium.ppm").c_str());
    return 0;
}
