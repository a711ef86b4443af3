#include "hub_keys.hpp"

#include "sync/private_file.hpp"

#include <nlohmann/json.hpp>

namespace guichet::hub {

namespace {

Error keys_error(std::filesystem::path const& path, std::string const& why)
{
    return Error::make("hub.keys", path.string() + ": " + why);
}

Result<crypto::Bytes> decode(
    nlohmann::json const& document, char const* name, std::size_t size, std::filesystem::path const& path)
{
    if (!document.contains(name) || !document[name].is_string())
        return keys_error(path, std::string("no ") + name);
    auto bytes = crypto::from_base64(document[name].get<std::string>());
    if (!bytes.ok() || bytes.value().size() != size)
        return keys_error(path, std::string(name) + " is not a key of the right size");
    return bytes.release_value();
}

Result<HubKeys> read_keys(std::filesystem::path const& dir)
{
    auto keys_path = dir / "hub-keys.json";
    auto text = read_private_file(keys_path);
    if (!text.ok())
        return keys_error(keys_path, "cannot be read");
    nlohmann::json document = nlohmann::json::parse(text.value(), nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return keys_error(keys_path, "is not JSON");
    HubKeys keys;
    keys.box.public_key = GUICHET_TRY(decode(document, "box_public_key", crypto::box_public_key_size, keys_path));
    keys.box.secret_key
        = crypto::SecretKey(GUICHET_TRY(decode(document, "box_secret_key", crypto::box_secret_key_size, keys_path)));
    keys.signing.public_key
        = GUICHET_TRY(decode(document, "signing_public_key", crypto::signing_public_key_size, keys_path));
    keys.signing.secret_key = crypto::SecretKey(
        GUICHET_TRY(decode(document, "signing_secret_key", crypto::signing_secret_key_size, keys_path)));
    auto token_path = dir / "admin-token";
    auto token = read_private_file(token_path);
    if (!token.ok())
        return keys_error(token_path, "cannot be read");
    keys.admin_token = token.value();
    while (!keys.admin_token.empty() && std::isspace(static_cast<unsigned char>(keys.admin_token.back())))
        keys.admin_token.pop_back();
    if (keys.admin_token.size() < 32)
        return keys_error(token_path, "is too short to be a token");
    return keys;
}

}

Result<HubKeys> load_hub_keys(std::filesystem::path const& dir)
{
    GUICHET_TRY(crypto::initialise());
    return read_keys(dir);
}

Result<HubKeys> load_or_create_hub_keys(std::filesystem::path const& dir)
{
    GUICHET_TRY(crypto::initialise());
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
        return Error::make("hub.keys", dir.string() + ": " + error.message());
    auto keys_path = dir / "hub-keys.json";
    if (!std::filesystem::exists(keys_path)) {
        auto box = crypto::generate_box_keys();
        auto signing = crypto::generate_signing_keys();
        nlohmann::json document {
            { "format", "guichet-hub-keys/1" },
            { "box_public_key", crypto::to_base64(box.public_key) },
            { "box_secret_key", crypto::to_base64(box.secret_key.bytes()) },
            { "signing_public_key", crypto::to_base64(signing.public_key) },
            { "signing_secret_key", crypto::to_base64(signing.secret_key.bytes()) },
        };
        auto text = document.dump(2) + "\n";
        auto written = write_private_file(keys_path, text);
        std::fill(text.begin(), text.end(), '\0');
        GUICHET_TRY(written);
    }
    auto token_path = dir / "admin-token";
    if (!std::filesystem::exists(token_path))
        GUICHET_TRY(write_private_file(token_path, crypto::random_hex(24) + "\n"));
    return read_keys(dir);
}

}
