// Benchmarks of the kiosk process as a whole, printed as figures (never
// asserted): launch to first frame, peak RSS, idle CPU, mean frame time.
// Run by tests/bench/kiosk_bench.sh, which starts Xvfb and passes DISPLAY.
//
//   kiosk_bench KIOSK SCENARIO_DIR WORKDIR
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::int64_t monotonic_ns()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

struct Child {
    pid_t pid { -1 };
    int out { -1 };
};

Child spawn(std::vector<std::string> const& args)
{
    int fds[2];
    if (pipe(fds) != 0) {
        std::perror("pipe");
        std::exit(2);
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDERR_FILENO);
        close(fds[0]);
        std::vector<char*> argv;
        for (auto const& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(fds[1]);
    return Child { pid, fds[0] };
}

// Reads the child's stdout until a line starting with `prefix`.
std::string read_line_starting(int fd, std::string const& prefix)
{
    std::string buffer;
    char chunk[256];
    while (true) {
        auto newline = buffer.find('\n');
        while (newline != std::string::npos) {
            auto line = buffer.substr(0, newline);
            buffer.erase(0, newline + 1);
            if (line.rfind(prefix, 0) == 0)
                return line;
            newline = buffer.find('\n');
        }
        auto n = read(fd, chunk, sizeof chunk);
        if (n <= 0)
            return {};
        buffer.append(chunk, std::size_t(n));
    }
}

long cpu_ticks(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    auto after = stat.rfind(')');
    std::istringstream fields(stat.substr(after + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14)
            utime = std::stol(field);
        if (i == 15) {
            stime = std::stol(field);
            break;
        }
    }
    return utime + stime;
}

long pss_kb(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Pss:", 0) == 0)
            return std::stol(line.substr(4));
    }
    return -1;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: kiosk_bench KIOSK SCENARIO_DIR WORKDIR\n");
        return 2;
    }
    std::string kiosk = argv[1], scenarios = argv[2], work = argv[3];
    // Enrolled with the test identity (run from the source tree, as
    // kiosk_bench.sh does), so that the home screen shows its démarches.
    std::vector<std::string> base = { kiosk, "--data", work + "/data", "--identity",
        "tests/fixtures/sync/identity.json", "--printer", "pdf:" + work + "/receipts" };
    bool has_display = std::getenv("DISPLAY") != nullptr;
    std::printf("kiosk benchmark at 1920x1080 (%s)\n", has_display ? std::getenv("DISPLAY") : "no display");

    // [SECTION] Launch to first frame, and peak RSS, per renderer.
    for (std::string renderer : { "software", "accelerated" }) {
        std::vector<double> first_frame;
        long peak_rss_kb = 0;
        for (int run = 0; run < 7; ++run) {
            auto args = base;
            args.insert(args.end(), { "--renderer", renderer, "--report-first-frame", "--exit-after-first-frame" });
            if (!has_display)
                args.push_back("--headless");
            auto start = monotonic_ns();
            auto child = spawn(args);
            auto line = read_line_starting(child.out, "first-frame ");
            close(child.out);
            int status = 0;
            rusage usage {};
            wait4(child.pid, &status, 0, &usage);
            if (line.empty() || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                std::printf("  %-11s launch failed (exit %d)\n", renderer.c_str(), WEXITSTATUS(status));
                break;
            }
            auto shown = std::stoll(line.substr(12));
            first_frame.push_back(double(shown - start) / 1e6);
            peak_rss_kb = std::max(peak_rss_kb, usage.ru_maxrss);
        }
        if (!first_frame.empty())
            std::printf("  %-11s launch to first frame: %6.1f ms (median of %zu)   peak RSS: %5.1f MB\n",
                renderer.c_str(), median(first_frame), first_frame.size(), peak_rss_kb / 1024.0);
    }

    // [SECTION] Idle CPU over 10 s on the attract screen, and memory held.
    {
        auto args = base;
        args.insert(args.end(), { "--renderer", "auto", "--report-first-frame" });
        if (!has_display)
            args.push_back("--headless");
        auto child = spawn(args);
        read_line_starting(child.out, "first-frame ");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        long before = cpu_ticks(child.pid);
        auto t0 = monotonic_ns();
        std::this_thread::sleep_for(std::chrono::seconds(10));
        long after = cpu_ticks(child.pid);
        double seconds = double(monotonic_ns() - t0) / 1e9;
        double percent = 100.0 * double(after - before) / double(sysconf(_SC_CLK_TCK)) / seconds;
        long pss = pss_kb(child.pid);
        kill(child.pid, SIGTERM);
        close(child.out);
        waitpid(child.pid, nullptr, 0);
        std::printf(
            "  idle CPU over %.1f s: %.2f %% of one core   PSS while idle: %.1f MB\n", seconds, percent, pss / 1024.0);
    }

    // [SECTION] Mean frame time, software renderer, on three screens.
    struct Screen {
        char const* name;
        std::string scenario;
    };
    std::vector<Screen> screens = {
        { "attract", "" },
        { "choice tiles", scenarios + "/bench_choice.scn" },
        { "keyboard", scenarios + "/bench_keyboard.scn" },
        { "receipt", scenarios + "/bench_receipt.scn" },
    };
    for (std::string renderer : { "software", "accelerated" }) {
        for (auto const& screen : screens) {
            auto args = base;
            args.insert(args.end(), { "--renderer", renderer, "--bench-frames", "200" });
            if (!has_display)
                args.push_back("--headless");
            if (!screen.scenario.empty())
                args.insert(args.end(), { "--scenario", screen.scenario });
            auto child = spawn(args);
            auto line = read_line_starting(child.out, "frame-ms ");
            close(child.out);
            waitpid(child.pid, nullptr, 0);
            if (line.empty())
                std::printf("  %-11s frame on %-13s failed\n", renderer.c_str(), screen.name);
            else
                std::printf("  %-11s mean frame on %-13s %s\n", renderer.c_str(), screen.name, line.substr(9).c_str());
        }
    }
    return 0;
}
