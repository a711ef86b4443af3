// A dossier: what a resident confirmed, as it leaves the kiosk.
#pragma once

#include "agent.hpp"
#include "help.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace guichet {

struct Dossier {
    std::string demarche_id;
    std::string demarche_version;
    std::int64_t confirmed_at { 0 }; // Unix seconds
    std::string language { "fr" };
    // Keyed by field id, in the order asked (see DemarcheRunner::answers_json).
    nlohmann::ordered_json answers = nlohmann::ordered_json::object();
    // Appointment slots this dossier takes: the store refuses one already
    // taken ("store.slot_taken") in the transaction that saves the dossier.
    std::vector<std::string> booked_slots;
    // The remote helps the resident had on the way (assistance.hpp): the
    // central services see that someone else acted on the kiosk, and with
    // the resident's consent or not.
    std::vector<HelpRecord> remote_help;
    // An agent finished it for the resident (agent.hpp): the mandate.
    std::optional<Mandate> mandate;

    // The dossier as the central services receive it (JSON), with the
    // tracking code the kiosk gave it.
    std::string to_json(std::string const& tracking_code) const;

    // Overwrites every text of the answers before forgetting them.
    void wipe();
};

}
