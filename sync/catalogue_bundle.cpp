#include "catalogue_bundle.hpp"

#include "protocol.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace guichet::bundle {

namespace {

bool plain_json_name(std::string_view name)
{
    if (name.size() < 6 || name.size() > 128 || !name.ends_with(".json") || name.front() == '.')
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || c == '.';
    }) && name.find("..") == std::string_view::npos;
}

Result<void> write_synced(std::filesystem::path const& path, std::string const& text)
{
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error::make("bundle.io", path.string() + ": " + std::strerror(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        auto n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            return Error::make("bundle.io", path.string() + ": " + std::strerror(saved));
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        int saved = errno;
        ::close(fd);
        return Error::make("bundle.io", path.string() + ": " + std::strerror(saved));
    }
    ::close(fd);
    return {};
}

}

Result<std::string> make(std::filesystem::path const& folder, std::int64_t published_at)
{
    std::error_code error;
    std::vector<std::filesystem::path> paths;
    std::filesystem::directory_iterator entries(folder, error);
    for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
        if (entries->path().extension() == ".json")
            paths.push_back(entries->path());
    }
    if (error)
        return Error::make("bundle.io", folder.string() + ": " + error.message());
    std::sort(paths.begin(), paths.end());
    nlohmann::json files = nlohmann::json::object();
    for (auto const& path : paths) {
        auto name = path.filename().string();
        if (!plain_json_name(name))
            return Error::make("bundle.io", path.string() + ": not a plain *.json name");
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in)
            return Error::make("bundle.io", path.string() + ": cannot be read");
        files[name] = text.str();
    }
    nlohmann::json document {
        { "format", protocol::catalogue_format },
        { "published_at", published_at },
        { "files", std::move(files) },
    };
    try {
        return document.dump();
    } catch (nlohmann::json::exception const&) {
        return Error::make("bundle.io", "a catalogue file is not UTF-8");
    }
}

Result<Files> files_of(std::string_view text)
{
    auto document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return Error::make("bundle.malformed", "not a JSON object");
    auto format = document.find("format");
    if (format == document.end() || !format->is_string() || *format != protocol::catalogue_format)
        return Error::make("bundle.malformed", "not a guichet-catalogue/1 document");
    auto files = document.find("files");
    if (files == document.end() || !files->is_object())
        return Error::make("bundle.malformed", "no files");
    Files result;
    for (auto const& [name, content] : files->items()) {
        if (!plain_json_name(name) || !content.is_string())
            return Error::make("bundle.malformed", "a file name or content is not acceptable");
        result.emplace(name, content.get<std::string>());
    }
    if (!result.contains(orientation_file_name))
        return Error::make("bundle.malformed", "no orientation.json");
    return result;
}

Catalogue load(Files const& files)
{
    CatalogueSource orientation;
    std::vector<CatalogueSource> demarches;
    for (auto const& [name, content] : files) {
        if (name == orientation_file_name)
            orientation = CatalogueSource { name, content };
        else
            demarches.push_back(CatalogueSource { name, content });
    }
    return load_catalogue(orientation, demarches);
}

Result<void> write_folder(Files const& files, std::filesystem::path const& folder)
{
    std::error_code error;
    if (!std::filesystem::create_directory(folder, error) || error)
        return Error::make("bundle.io", folder.string() + ": cannot be created");
    for (auto const& [name, content] : files)
        GUICHET_TRY(write_synced(folder / name, content));
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    return {};
}

}
