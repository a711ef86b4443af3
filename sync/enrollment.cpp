#include "enrollment.hpp"

#include "sync/hub_client.hpp"
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

}
