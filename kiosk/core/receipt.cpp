#include "receipt.hpp"
#include "kiosk/core/i18n.hpp"

#include "utf8.hpp"

#include <cstdio>

namespace guichet {

Receipt make_receipt(ReceiptSettings const& settings, std::string demarche_title, std::string title,
    std::string next_steps, TrackingCode code, std::int64_t confirmed_at)
{
    std::string url = settings.follow_url;
    auto position = url.find("{code}");
    if (position != std::string::npos)
        url.replace(position, 6, code.text());
    return Receipt {
        settings.site_name,
        std::move(demarche_title),
        std::move(title),
        confirmed_at,
        std::move(code),
        std::move(url),
        std::move(next_steps),
        settings.help_text,
        {},
    };
}

Receipt make_desk_ticket(ReceiptSettings const& settings, std::string number, std::int64_t taken_at)
{
    Receipt ticket;
    ticket.site_name = settings.site_name;
    ticket.demarche_title = "Accueil"; // verbatim: printed, where "Accueil" is the desk
    ticket.title = N_("Votre numéro pour l'accueil");
    ticket.confirmed_at = taken_at;
    ticket.next_steps = N_("Un agent de l'accueil va appeler ce numéro. Gardez ce ticket.");
    ticket.desk_number = std::move(number);
    return ticket;
}

void Receipt::wipe()
{
    code.wipe();
    guichet::wipe(follow_url);
}

std::string format_date_time_fr(std::tm const& local)
{
    char buffer[64];
    // The receipt's own format, in French whatever the screen's language.
    std::snprintf(buffer, sizeof buffer, "%02d/%02d/%04d à %d h %02d", // verbatim
        local.tm_mday, local.tm_mon + 1, local.tm_year + 1900, local.tm_hour, local.tm_min);
    return buffer;
}

}
