#include "dossier.hpp"

#include "utf8.hpp"

namespace guichet {

std::string Dossier::to_json(std::string const& tracking_code) const
{
    nlohmann::ordered_json json;
    json["tracking_code"] = tracking_code;
    json["demarche"] = { { "id", demarche_id }, { "version", demarche_version } };
    json["confirmed_at"] = confirmed_at;
    json["language"] = language;
    json["answers"] = answers;
    return json.dump();
}

namespace {

void wipe_texts(nlohmann::ordered_json& json)
{
    if (json.is_string()) {
        guichet::wipe(json.get_ref<std::string&>());
        return;
    }
    if (json.is_structured()) {
        for (auto& child : json)
            wipe_texts(child);
    }
}

}

void Dossier::wipe()
{
    wipe_texts(answers);
    answers = nlohmann::ordered_json::object();
}

}
