#include "enrollment.hpp"

#include "sync/hub_client.hpp"
#include "sync/private_file.hpp"
#include "sync/protocol.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace guichet {

Result<KioskIdentity> enroll_with_hub(std::string const& hub_url, std::filesystem::path const& ca_file,
    std::string const& code, std::string const& software_version)
{
    GUICHET_TRY(crypto::initialise());
    auto keys = crypto::generate_signing_keys();
    auto public_key = crypto::to_base64(keys.public_key);
    auto normalised = protocol::normalise_code(code);
    nlohmann::json request {
        { "code", normalised },
        { "public_key", public_key },
        { "proof",
            crypto::to_base64(crypto::sign(protocol::enrollment_proof(normalised, public_key), keys.secret_key)) },
        { "software_version", software_version },
    };
    HubClient client(
        HubClientSettings { hub_url, ca_file, std::chrono::milliseconds(5000), std::chrono::milliseconds(15000) });
    auto response = GUICHET_TRY(client.post_unsigned("/v1/enroll", request.dump()));
    if (response.status != 201) {
        auto error = response.error_code();
        return Error::make(
            error.empty() ? "hub.bad_answer" : error, "the hub answered " + std::to_string(response.status));
    }

    auto answer = nlohmann::json::parse(response.body, nullptr, false);
    KioskIdentity identity;
    try {
        identity.kiosk_id = answer.at("kiosk_id").get<std::string>();
        identity.site_id = answer.at("site").at("id").get<std::string>();
        identity.site_name = answer.at("site").at("name").get<std::string>();
        identity.heartbeat_seconds = answer.value("heartbeat_seconds", 60);
        auto box = crypto::from_base64(answer.at("hub").at("box_public_key").get<std::string>());
        auto signing = crypto::from_base64(answer.at("hub").at("signing_public_key").get<std::string>());
        if (!box.ok() || box.value().size() != crypto::box_public_key_size || !signing.ok()
            || signing.value().size() != crypto::signing_public_key_size)
            return Error::make("hub.bad_answer", "the hub's keys are not keys");
        identity.hub_box_public_key = box.release_value();
        identity.hub_signing_public_key = signing.release_value();
    } catch (nlohmann::json::exception const&) {
        return Error::make("hub.bad_answer", "the hub's answer is not an enrollment");
    }
    identity.hub_url = hub_url;
    identity.ca_file = ca_file;
    identity.keys = std::move(keys);
    identity.enrolled_at = static_cast<std::int64_t>(std::time(nullptr));
    return identity;
}

Result<KioskIdentity> enroll_into(std::filesystem::path const& data, std::string const& hub_url,
    std::string const& ca_text, std::string const& code, std::string const& software_version)
{
    auto const identity_path = data / identity_file_name;
    std::error_code error;
    if (std::filesystem::exists(identity_path, error))
        return Error::make("identity.exists", identity_path.string());
    std::filesystem::create_directories(data, error);
    std::filesystem::path ca_file;
    if (!ca_text.empty()) {
        ca_file = data / "hub-ca.pem";
        GUICHET_TRY(write_private_file(ca_file, ca_text));
    }
    auto enrolled = enroll_with_hub(hub_url, ca_file, code, software_version);
    if (!enrolled.ok()) {
        if (!ca_file.empty())
            std::filesystem::remove(ca_file, error);
        return enrolled.release_error();
    }
    auto identity = enrolled.release_value();
    if (!ca_file.empty())
        identity.ca_file = "hub-ca.pem";
    GUICHET_TRY(save_identity(identity, identity_path));
    // As loaded later: the CA's path made absolute.
    if (!ca_file.empty())
        identity.ca_file = std::filesystem::absolute(ca_file, error);
    return identity;
}

std::string enrollment_failure(std::string const& code)
{
    if (code == "hub.code_unknown")
        return "Ce code d'enrôlement est inconnu du hub : vérifiez-le, ou demandez-en un nouveau.";
    if (code == "hub.code_used")
        return "Ce code d'enrôlement a déjà servi : demandez-en un nouveau à l'administrateur du hub.";
    if (code == "hub.code_expired")
        return "Ce code d'enrôlement a expiré : demandez-en un nouveau à l'administrateur du hub.";
    if (code == "hub.unreachable")
        return "Le hub ne répond pas : vérifiez l'adresse, le réseau et que le hub est démarré.";
    if (code == "hub.timeout")
        return "Le hub ne répond pas à temps : vérifiez le réseau.";
    if (code == "hub.tls")
        return "Le certificat du hub n'est pas reconnu : vérifiez l'adresse du hub et son certificat.";
    if (code == "identity.exists")
        return "Cette borne est déjà enrôlée. Pour l'enrôler à nouveau : kioskctl factory-reset.";
    if (code == "io.write")
        return "L'identité de la borne n'a pas pu être écrite : demandez à l'administrateur du hub de révoquer la "
               "borne et un nouveau code.";
    return "L'enrôlement a échoué (" + code + ").";
}

}
