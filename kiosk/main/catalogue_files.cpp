#include "kiosk/main/catalogue_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace guichet {

Catalogue load_catalogue_files(std::filesystem::path const& path)
{
    std::vector<std::filesystem::path> files;
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        for (auto const& entry : std::filesystem::directory_iterator(path, error)) {
            if (entry.path().extension() == ".json")
                files.push_back(entry.path());
        }
        // A stable order: the home screen shows démarches in file order.
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(path);
    }

    std::vector<CatalogueSource> sources;
    std::vector<LoadError> read_errors;
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
