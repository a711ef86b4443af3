#include "badge.hpp"

namespace guichet::card {

CommandApdu command::get_uid()
{
    return { 0xFF, 0xCA, 0x00, 0x00, {}, 256 };
}

Result<std::string> read_badge_uid(CardChannel& channel)
{
    auto response = channel.transmit(command::get_uid());
    if (!response.ok())
        return response.release_error();
    auto const& answer = response.value();
    if (!answer.ok())
        return status_error(answer.sw);
    if (answer.data.empty() || answer.data.size() > max_badge_uid_bytes)
        return Error::make(
            "card.badge.invalid", "GET DATA answered 9000 with " + std::to_string(answer.data.size()) + " bytes");
    return to_hex(answer.data);
}

std::optional<Bytes> parse_badge_uid(std::string_view hex)
{
    if (hex.size() < 8 || hex.size() > 2 * max_badge_uid_bytes)
        return std::nullopt;
    return parse_hex(hex);
}

}
