#include "kiosk/main/catalogue_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace guichet {

Catalogue load_catalogue_files(std::filesystem::path const& path)
{
    std::vector<std::filesystem::path> files;
    std::error_code error;
    std::vector<LoadError> read_errors;
    if (std::filesystem::is_directory(path, error)) {
        // The non-throwing form: an unreadable folder is a load error to
        // report, not an exception to crash on.
        std::filesystem::directory_iterator entries(path, error);
        for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
            if (entries->path().extension() == ".json")
                files.push_back(entries->path());
        }
        if (error)
            read_errors.push_back(LoadError { path.string(), "$", "the folder cannot be read: " + error.message() });
        // A stable order: the home screen shows démarches in file order.
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(path);
    }

    std::vector<CatalogueSource> sources;
    for (auto const& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            read_errors.push_back(LoadError { file.string(), "$", "cannot be read" });
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        sources.push_back(CatalogueSource { file.string(), text.str() });
    }
    auto catalogue = load_catalogue(sources);
    catalogue.errors.insert(catalogue.errors.begin(), read_errors.begin(), read_errors.end());
    return catalogue;
}

}
