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
    if (!remote_help.empty()) {
        auto& remote = json["assistance"]["remote"];
        remote = nlohmann::ordered_json::array();
        for (auto const& help : remote_help)
            remote.push_back({ { "help_id", help.help_id }, { "mediator", help.mediator },
                { "accepted_at", help.accepted_at }, { "control_granted", help.control_granted },
                { "personal_shared", help.personal_shared }, { "actions", help.actions } });
    }
    if (mandate) {
        json["assistance"]["mandate"] = {
            { "agent", { { "id", mandate->agent.id }, { "name", mandate->agent.name } } },
            { "scope", { { "demarche", mandate->demarche_id } } },
            { "duration", { { "kind", "session" }, { "from", mandate->started_at } } },
            { "consent", { { "text_sha256", mandate->consent_sha256 }, { "given_at", mandate->consent_at } } },
        };
    }
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
    for (auto& help : remote_help) {
        guichet::wipe(help.help_id);
        guichet::wipe(help.mediator);
    }
    remote_help.clear();
    mandate.reset();
}

}
