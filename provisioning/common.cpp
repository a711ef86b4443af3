#include "commands.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>

extern char** environ;

namespace guichet::kioskctl {

std::filesystem::path default_data_dir()
{
    std::error_code error;
    if (std::filesystem::is_directory("/var/lib/guichet", error))
        return "/var/lib/guichet";
    return "var/data";
}

Result<void> act_as_owner_of(std::filesystem::path const& data)
{
    if (geteuid() != 0)
        return {};
    struct stat info { };
    if (stat(data.c_str(), &info) != 0 || info.st_uid == 0)
        return {};
    auto const* user = getpwuid(info.st_uid);
    if (!user)
        return Error::make("kioskctl.owner", "the owner of " + data.string() + " has no user entry");
    if (initgroups(user->pw_name, user->pw_gid) != 0 || setgid(user->pw_gid) != 0 || setuid(info.st_uid) != 0)
        return Error::make("kioskctl.owner", std::string("cannot become ") + user->pw_name);
    return {};
}

LoadedConfig load_settings(std::filesystem::path const& data, std::filesystem::path const& system_config)
{
    return load_config_files(ConfigFiles { system_config, data / kiosk_config_name });
}

std::optional<std::string> capture(std::vector<std::string> const& argv)
{
    if (argv.empty())
        return std::nullopt;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return std::nullopt;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<char*> words;
    for (auto const& word : argv)
        words.push_back(const_cast<char*>(word.c_str()));
    words.push_back(nullptr);
    pid_t child = 0;
    int spawned = posix_spawnp(&child, words[0], &actions, nullptr, words.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (spawned != 0) {
        close(pipe_fds[0]);
        return std::nullopt;
    }
    std::string out;
    std::array<char, 65536> buffer;
    for (ssize_t got; (got = read(pipe_fds[0], buffer.data(), buffer.size())) != 0;) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        out.append(buffer.data(), std::size_t(got));
    }
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) { }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return std::nullopt;
    return out;
}

}
