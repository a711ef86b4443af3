#include "card.hpp"
#include "kiosk/core/i18n.hpp"

namespace guichet {

std::string_view to_string(CardFailure failure)
{
    switch (failure) {
    case CardFailure::WrongAccessData:
        return "wrong_access_data";
    case CardFailure::Removed:
        return "removed";
    case CardFailure::NotIdentityDocument:
        return "not_identity_document";
    case CardFailure::NoReader:
        return "no_reader";
    case CardFailure::Unreadable:
        return "unreadable";
    }
    return "?";
}

CardFailure card_failure_of(std::string_view code)
{
    if (code == "card.access_denied")
        return CardFailure::WrongAccessData;
    if (code == "card.removed")
        return CardFailure::Removed;
    if (code == "card.not_emrtd")
        return CardFailure::NotIdentityDocument;
    if (code == "card.reader_gone" || code == "card.no_service" || code == "card.no_reader")
        return CardFailure::NoReader;
    return CardFailure::Unreadable;
}

std::string_view resident_message(CardFailure failure)
{
    switch (failure) {
    case CardFailure::WrongAccessData:
        return N_("Les informations ne correspondent pas à la carte.");
    case CardFailure::Removed:
        return N_("La carte a été retirée trop tôt. Laissez la carte posée jusqu'au signal.");
    case CardFailure::NotIdentityDocument:
        return N_("Cette carte n'est pas une carte d'identité ni un passeport.");
    case CardFailure::NoReader:
        return N_("Le lecteur de carte ne marche pas. Vous pouvez écrire vos informations vous-même.");
    case CardFailure::Unreadable:
        return N_("La carte n'a pas pu être lue.");
    }
    return "";
}

CardData make_card_data(mrz::Data data)
{
    return CardData(new mrz::Data(std::move(data)), [](mrz::Data const* held) {
        auto* owned = const_cast<mrz::Data*>(held);
        owned->wipe();
        delete owned;
    });
}

}
