#include "ports.hpp"
#include "kiosk/core/i18n.hpp"

namespace guichet {

std::string_view to_string(PrintOutcome outcome)
{
    switch (outcome) {
    case PrintOutcome::Printed:
        return "printed";
    case PrintOutcome::OutOfPaper:
        return "out_of_paper";
    case PrintOutcome::Jammed:
        return "jammed";
    case PrintOutcome::Offline:
        return "offline";
    case PrintOutcome::Failed:
        return "failed";
    }
    return "failed";
}

std::string_view resident_message(PrintOutcome outcome)
{
    switch (outcome) {
    case PrintOutcome::Printed:
        return N_("Votre reçu est imprimé. Prenez-le sous l'écran.");
    case PrintOutcome::OutOfPaper:
    case PrintOutcome::Jammed:
    case PrintOutcome::Offline:
    case PrintOutcome::Failed:
        break;
    }
    // Whatever the printer's trouble, the resident needs the same way out:
    // the code is on screen and the desk can reprint.
    return N_("Le reçu n'a pas pu être imprimé. Prenez une photo de ce code ou demandez votre reçu à l'accueil.");
}

}
