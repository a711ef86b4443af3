// A dossier: what a resident confirmed, as it leaves the kiosk.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace guichet {

struct Dossier {
    std::string demarche_id;
    std::string demarche_version;
    std::int64_t confirmed_at { 0 }; // Unix seconds
    std::string language { "fr" };
    std::vector<std::pair<std::string, std::string>> answers; // field id → value

    // The dossier as the central services receive it (JSON), with the
    // tracking code the kiosk gave it.
    std::string to_json(std::string const& tracking_code) const;

    void wipe();
};

}
