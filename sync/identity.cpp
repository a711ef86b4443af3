#include "identity.hpp"

#include "kiosk/core/utf8.hpp"
#include "sync/private_file.hpp"

#include <nlohmann/json.hpp>

namespace guichet {

namespace {

Error malformed(std::filesystem::path const& file, std::string const& why)
{
    return Error::make("identity.malformed", file.string() + ": " + why);
}

Result<crypto::Bytes> key_field(
    nlohmann::json const& document, char const* name, std::size_t size, std::filesystem::path const& file)
{
    auto field = document.find(name);
    if (field == document.end() || !field->is_string())
        return malformed(file, std::string("no ") + name);
    auto bytes = crypto::from_base64(field->get<std::string>());
    if (!bytes.ok() || bytes.value().size() != size)
        return malformed(file, std::string(name) + " is not a key of the right size");
    return bytes.release_value();
}

}

Result<KioskIdentity> load_identity(std::filesystem::path const& file)
{
    GUICHET_TRY(crypto::initialise());
    std::error_code error;
    if (!std::filesystem::exists(file, error))
        return Error::make("identity.missing", file.string() + ": the kiosk is not enrolled");
    auto text = read_private_file(file);
    if (!text.ok())
        return malformed(file, "cannot be read");
    auto document = nlohmann::json::parse(text.value(), nullptr, false);
    wipe(text.value());
    if (document.is_discarded() || !document.is_object() || document.value("format", "") != "guichet-identity/1")
        return malformed(file, "not a guichet-identity/1 document");
    KioskIdentity identity;
    try {
        identity.kiosk_id = document.at("kiosk_id").get<std::string>();
        identity.site_id = document.at("site").at("id").get<std::string>();
        identity.site_name = document.at("site").at("name").get<std::string>();
        identity.hub_url = document.at("hub_url").get<std::string>();
        auto ca = document.value("ca_file", std::string());
        if (!ca.empty()) {
            identity.ca_file = ca;
            if (identity.ca_file.is_relative())
                identity.ca_file = std::filesystem::absolute(file).parent_path() / identity.ca_file;
        }
        identity.heartbeat_seconds = document.value("heartbeat_seconds", 60);
        identity.enrolled_at = document.value("enrolled_at", std::int64_t { 0 });
    } catch (nlohmann::json::exception const&) {
        return malformed(file, "a field is missing or of the wrong type");
    }
    if (identity.kiosk_id.empty() || !identity.hub_url.starts_with("https://"))
        return malformed(file, "no kiosk id, or the hub is not an https:// address");
    identity.keys.public_key
        = GUICHET_TRY(key_field(document, "signing_public_key", crypto::signing_public_key_size, file));
    identity.keys.secret_key = crypto::SecretKey(
        GUICHET_TRY(key_field(document, "signing_secret_key", crypto::signing_secret_key_size, file)));
    identity.hub_box_public_key
        = GUICHET_TRY(key_field(document, "hub_box_public_key", crypto::box_public_key_size, file));
    identity.hub_signing_public_key
        = GUICHET_TRY(key_field(document, "hub_signing_public_key", crypto::signing_public_key_size, file));
    return identity;
}

Result<void> save_identity(KioskIdentity const& identity, std::filesystem::path const& file)
{
    nlohmann::json document {
        { "format", "guichet-identity/1" },
        { "kiosk_id", identity.kiosk_id },
        { "site", { { "id", identity.site_id }, { "name", identity.site_name } } },
        { "hub_url", identity.hub_url },
        { "ca_file", identity.ca_file.string() },
        { "signing_public_key", crypto::to_base64(identity.keys.public_key) },
        { "signing_secret_key", crypto::to_base64(identity.keys.secret_key.bytes()) },
        { "hub_box_public_key", crypto::to_base64(identity.hub_box_public_key) },
        { "hub_signing_public_key", crypto::to_base64(identity.hub_signing_public_key) },
        { "heartbeat_seconds", identity.heartbeat_seconds },
        { "enrolled_at", identity.enrolled_at },
    };
    auto text = document.dump(2) + "\n";
    auto written = write_private_file(file, text);
    wipe(text);
    return written;
}

}
