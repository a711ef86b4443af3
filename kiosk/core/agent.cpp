#include "agent.hpp"
#include "kiosk/core/i18n.hpp"

namespace guichet {

std::string agent_consent_text(std::string_view agent_name)
{
    // Short sentences, one idea each: what the agent will do, for what, for
    // how long, and that the resident can stop it.
    // "Paul Leroy, agent d'accueil," before the verb when the name has an
    // apposition.
    auto pattern = std::string_view(agent_name).find(',') != std::string_view::npos
        ? N_("{agent}, va faire cette démarche avec vous, sur cette borne. Il peut remplir et envoyer la demande "
             "pour vous. Cela vaut pour cette démarche seulement, jusqu'à la fin de votre passage. Vous pouvez "
             "arrêter quand vous voulez.")
        : N_("{agent} va faire cette démarche avec vous, sur cette borne. Il peut remplir et envoyer la demande "
             "pour vous. Cela vaut pour cette démarche seulement, jusqu'à la fin de votre passage. Vous pouvez "
             "arrêter quand vous voulez.");
    return fill(pattern, { { "agent", std::string(agent_name) } });
}

}
