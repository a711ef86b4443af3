// A fresh folder under the system's temporary directory, removed with
// everything in it when the test is done.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace guichet::test_support {

class ScratchFolder {
public:
    // `prefix` names the folder, so that a left-over one says whose it was.
    explicit ScratchFolder(std::string const& prefix = "guichet")
    {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (char* made = ::mkdtemp(pattern.data()))
            m_path = made;
    }
    ~ScratchFolder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchFolder(ScratchFolder const&) = delete;
    ScratchFolder& operator=(ScratchFolder const&) = delete;

    std::filesystem::path const& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

// The names of the files in `folder`, sorted: what a test expects a
// simulator to have written.
inline std::vector<std::string> names_in(std::filesystem::path const& folder)
{
    std::vector<std::string> names;
    for (auto const& entry : std::filesystem::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}
