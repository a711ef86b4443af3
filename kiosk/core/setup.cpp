#include "kiosk/core/setup.hpp"

#include <algorithm>

namespace guichet {

std::string_view to_string(SetupStage stage)
{
    switch (stage) {
    case SetupStage::Network:
        return "network";
    case SetupStage::HubAddress:
        return "hub";
    case SetupStage::Code:
        return "code";
    case SetupStage::Enrolling:
        return "enrolling";
    case SetupStage::Checks:
        return "checks";
    case SetupStage::Done:
        return "done";
    case SetupStage::Overview:
        return "overview";
    }
    return "unknown";
}

std::string_view check_title(std::string_view id)
{
    // verbatim: the technician's screens and kioskctl are in French only
    if (id == "reader")
        return "Lecteur de cartes"; // verbatim
    if (id == "printer")
        return "Imprimante"; // verbatim
    if (id == "speech")
        return "Voix"; // verbatim
    if (id == "display")
        return "Écran tactile"; // verbatim
    if (id == "hub")
        return "Hub"; // verbatim
    return "Horloge"; // verbatim
}

std::string normalise_hub_url(std::string const& typed, std::string& why)
{
    std::string url = typed;
    std::erase(url, ' ');
    if (url.starts_with("http://")) {
        why = "Le hub s'adresse en https://, jamais en http://."; // verbatim: the technician's
        return {};
    }
    if (!url.starts_with("https://"))
        url = "https://" + url;
    while (url.size() > 8 && url.ends_with("/"))
        url.pop_back();
    auto host = std::string_view(url).substr(8);
    auto host_end = host.find_first_of(":/");
    auto name = host.substr(0, host_end);
    bool const named = !name.empty() && name.find("..") == std::string_view::npos && !name.starts_with(".")
        && !name.ends_with(".") && std::ranges::all_of(name, [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                   || c == '-';
           });
    if (!named) {
        why = "Tapez l'adresse du hub, par exemple https://hub.mairie.fr."; // verbatim: the technician's
        return {};
    }
    if (host_end != std::string_view::npos && host[host_end] == ':') {
        auto port = host.substr(host_end + 1);
        port = port.substr(0, port.find('/'));
        bool const digits = !port.empty() && port.size() <= 5
            && std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
            why = "Le port après « : » doit être un nombre, par exemple :8443."; // verbatim: the technician's
            return {};
        }
    }
    return url;
}

}
