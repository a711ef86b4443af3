#include "protocol.hpp"

#include "crypto.hpp"

#include <cctype>
#include <chrono>

namespace guichet::protocol {

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string signing_string(std::string_view method, std::string_view target, std::int64_t date,
    std::string_view kiosk_id, std::string_view body)
{
    std::string text = "guichet-v1\n";
    text.append(method).append("\n");
    text.append(target).append("\n");
    text.append(std::to_string(date)).append("\n");
    text.append(kiosk_id).append("\n");
    text.append(crypto::sha256_hex(body));
    return text;
}

std::map<std::string, std::string> signature_headers(std::string_view method, std::string_view target,
    std::int64_t date, std::string const& kiosk_id, std::string_view body, crypto::SecretKey const& request_key)
{
    auto mac = crypto::mac(signing_string(method, target, date, kiosk_id, body), request_key);
    return {
        { std::string(kiosk_header), kiosk_id },
        { std::string(date_header), std::to_string(date) },
        { std::string(mac_header), crypto::to_base64(mac) },
    };
}

std::string enrollment_proof(std::string_view code, std::string_view public_key_base64)
{
    std::string text = "guichet-enroll-v1\n";
    text.append(normalise_code(code)).append("\n");
    text.append(public_key_base64);
    return text;
}

std::string normalise_code(std::string_view typed)
{
    std::string code;
    for (char c : typed) {
        // Dashes and spaces are for reading; a code typed without them is
        // the same code.
        if (std::isspace(static_cast<unsigned char>(c)) || c == '-')
            continue;
        code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return code;
}

std::string_view to_wire(RequestState state)
{
    switch (state) {
    case RequestState::WaitingToLeave:
        return "waiting_to_leave";
    case RequestState::Received:
        return "received";
    case RequestState::InProgress:
        return "in_progress";
    case RequestState::Accepted:
        return "accepted";
    case RequestState::Refused:
        return "refused";
    case RequestState::Closed:
        return "closed";
    }
    return "received";
}

std::optional<RequestState> request_state_from_wire(std::string_view text)
{
    for (auto state : { RequestState::WaitingToLeave, RequestState::Received, RequestState::InProgress,
             RequestState::Accepted, RequestState::Refused, RequestState::Closed }) {
        if (to_wire(state) == text)
            return state;
    }
    return std::nullopt;
}

}
