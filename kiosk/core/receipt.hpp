// What a receipt says. Printers and the receipt screen render this; they add
// nothing personal of their own. By default a receipt carries no personal
// data at all: the démarche, the time, the tracking code and what happens
// next.
#pragma once

#include "i18n.hpp"
#include "tracking_code.hpp"

#include <cstdint>
#include <ctime>
#include <string>

namespace guichet {

struct ReceiptSettings {
    std::string site_name { N_("Maison France Services") };
    // Where the QR code leads; "{code}" is replaced by the tracking code.
    std::string follow_url { "https://suivi.guichet.fr/{code}" };
    std::string help_text { N_("Une question ? Adressez-vous à l'accueil en montrant ce code.") };
};

struct Receipt {
    std::string site_name;
    std::string demarche_title;
    std::string title; // "Votre signalement est enregistré"
    std::int64_t confirmed_at { 0 };
    TrackingCode code;
    std::string follow_url;
    std::string next_steps;
    std::string help_text;
    // A desk ticket ("A 017") rather than a dossier's receipt: printed with
    // the number large, no code and no QR code.
    std::string desk_number;

    // Overwrites the code and the link that contains it.
    void wipe();
};

Receipt make_receipt(ReceiptSettings const& settings, std::string demarche_title, std::string title,
    std::string next_steps, TrackingCode code, std::int64_t confirmed_at);

// The ticket for the desk's queue ("Un conseiller à l'accueil"): the site,
// the number, when it was taken, and what happens next.
Receipt make_desk_ticket(ReceiptSettings const& settings, std::string number, std::int64_t taken_at);

// "22/11/2026 à 14 h 05", from a broken-down local time the caller made
// (the core does not read the time zone database).
std::string format_date_time_fr(std::tm const& local);

}
