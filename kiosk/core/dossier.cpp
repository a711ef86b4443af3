#include "dossier.hpp"

#include "utf8.hpp"

#include <nlohmann/json.hpp>

namespace guichet {

std::string Dossier::to_json(std::string const& tracking_code) const
{
    nlohmann::ordered_json json;
    json["tracking_code"] = tracking_code;
    json["demarche"] = { { "id", demarche_id }, { "version", demarche_version } };
    json["confirmed_at"] = confirmed_at;
    json["language"] = language;
    auto& out = json["answers"] = nlohmann::ordered_json::object();
    for (auto const& [field, value] : answers)
        out[field] = value;
    return json.dump();
}

void Dossier::wipe()
{
    for (auto& [field, value] : answers)
        guichet::wipe(value);
    answers.clear();
}

}
