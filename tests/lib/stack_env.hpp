// What the C++ tests and benches that start a test stack (tests/card,
// tests/print) share: shell quoting, reading a file, a command's output,
// and a variable from the stack's DIR/env ("export NAME='value'" lines).
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace guichet::testing {

inline std::string quoted(std::string const& text)
{
    return "'" + text + "'";
}

inline std::string read_text(std::filesystem::path const& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The command's standard output; `status` receives what pclose returned.
inline std::string output_of(std::string const& command, int& status)
{
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        status = -1;
        return out;
    }
    std::array<char, 4096> buffer {};
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        out.append(buffer.data(), n);
    status = pclose(pipe);
    return out;
}

// NAME's value in the text of a stack's env file; empty when absent.
inline std::string env_value(std::string const& env, std::string const& name)
{
    auto at = env.find(name + "=");
    if (at == std::string::npos)
        return "";
    auto value = env.substr(at + name.size() + 1);
    value = value.substr(0, value.find('\n'));
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"'))
        value = value.substr(1, value.size() - 2);
    return value;
}

}
