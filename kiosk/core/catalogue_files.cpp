#include "kiosk/core/catalogue_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace guichet {

namespace {

std::optional<CatalogueSource> read_source(std::filesystem::path const& file, std::vector<LoadError>& errors)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        errors.push_back(LoadError { file.string(), "$", "cannot be read" });
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        errors.push_back(LoadError { file.string(), "$", "cannot be read" });
        return std::nullopt;
    }
    return CatalogueSource { file.string(), text.str() };
}

}

Catalogue load_catalogue_files(std::filesystem::path const& path,
    std::optional<std::filesystem::path> const& orientation_path, LoadOptions const& options)
{
    std::vector<std::filesystem::path> files;
    std::error_code error;
    std::vector<LoadError> read_errors;
    std::filesystem::path folder;
    if (std::filesystem::is_directory(path, error)) {
        folder = path;
        // The non-throwing form: an unreadable folder is a load error to
        // report, not an exception to crash on.
        std::filesystem::directory_iterator entries(path, error);
        for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
            auto const& file = entries->path();
            if (file.extension() == ".json" && file.filename() != orientation_file_name)
                files.push_back(file);
        }
        if (error)
            read_errors.push_back(LoadError { path.string(), "$", "the folder cannot be read: " + error.message() });
        // A stable order: among equally used démarches, the home screen
        // follows the file names.
        std::sort(files.begin(), files.end());
    } else {
        folder = path.parent_path();
        files.push_back(path);
    }

    auto orientation_file = orientation_path.value_or(folder / orientation_file_name);
    auto orientation = read_source(orientation_file, read_errors);
    std::vector<CatalogueSource> sources;
    for (auto const& file : files) {
        if (auto source = read_source(file, read_errors))
            sources.push_back(std::move(*source));
    }
    Catalogue catalogue;
    if (orientation) {
        catalogue = load_catalogue(*orientation, sources, options);
    } else {
        read_errors.push_back(LoadError { orientation_file.string(), "$",
            "missing: the themes and life situations are needed to check any démarche" });
    }
    catalogue.errors.insert(catalogue.errors.begin(), read_errors.begin(), read_errors.end());
    return catalogue;
}

std::vector<std::string> load_translation_files(std::filesystem::path const& folder, i18n::Translations& translations)
{
    std::vector<std::string> problems;
    for (auto const& language : i18n::languages()) {
        if (language.code == "fr")
            continue;
        auto path = folder / (std::string(language.code) + ".json");
        std::ifstream file(path, std::ios::binary);
        if (!file) {
            problems.push_back(path.string() + ": cannot be read");
            continue;
        }
        std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        for (auto& problem : translations.load_table(text))
            problems.push_back(path.string() + ": " + problem);
    }
    return problems;
}

}
