#include "printer.hpp"
#include "kiosk/core/i18n.hpp"

#include <algorithm>

namespace guichet {

std::string_view to_string(PrinterProblem problem)
{
    switch (problem) {
    case PrinterProblem::PaperLow:
        return "paper_low";
    case PrinterProblem::SupplyLow:
        return "supply_low";
    case PrinterProblem::OutOfPaper:
        return "out_of_paper";
    case PrinterProblem::Jammed:
        return "jammed";
    case PrinterProblem::CoverOpen:
        return "cover_open";
    case PrinterProblem::Offline:
        return "offline";
    case PrinterProblem::Paused:
        return "paused";
    case PrinterProblem::NotAccepting:
        return "not_accepting";
    case PrinterProblem::NoQueue:
        return "no_queue";
    case PrinterProblem::Unreachable:
        return "unreachable";
    case PrinterProblem::NotConfigured:
        return "not_configured";
    case PrinterProblem::Other:
        return "other";
    }
    return "other";
}

std::string_view to_string(PrinterCondition condition)
{
    switch (condition) {
    case PrinterCondition::Ready:
        return "ready";
    case PrinterCondition::Degraded:
        return "degraded";
    case PrinterCondition::OutOfService:
        return "out_of_service";
    }
    return "out_of_service";
}

bool stops_printing(PrinterProblem problem)
{
    return problem != PrinterProblem::PaperLow && problem != PrinterProblem::SupplyLow;
}

PrinterProblem PrinterState::main_problem() const
{
    // problems is sorted with the stopping ones first.
    return problems.empty() ? PrinterProblem::Other : problems.front();
}

PrinterState printer_state_of(std::vector<PrinterProblem> problems)
{
    // Stopping problems first, each in the enum's order (the most physical
    // first: paper before a pause that paper caused), then the warnings.
    std::sort(problems.begin(), problems.end(), [](PrinterProblem a, PrinterProblem b) {
        if (stops_printing(a) != stops_printing(b))
            return stops_printing(a);
        return a < b;
    });
    problems.erase(std::unique(problems.begin(), problems.end()), problems.end());
    PrinterState state;
    if (problems.empty())
        state.condition = PrinterCondition::Ready;
    else if (stops_printing(problems.front()))
        state.condition = PrinterCondition::OutOfService;
    else
        state.condition = PrinterCondition::Degraded;
    state.problems = std::move(problems);
    return state;
}

std::string_view technician_message(PrinterProblem problem)
{
    switch (problem) {
    case PrinterProblem::PaperLow:
        return N_("Le rouleau de papier arrive à sa fin : prévoyez d'en remettre un.");
    case PrinterProblem::SupplyLow:
        return N_("L'encre ou le ruban arrive à sa fin : prévoyez de le changer.");
    case PrinterProblem::OutOfPaper:
        return N_("Plus de papier : remettez un rouleau, puis réactivez l'imprimante (kioskctl printer status).");
    case PrinterProblem::Jammed:
        return N_("Papier coincé : ouvrez l'imprimante, retirez le papier coincé, refermez-la.");
    case PrinterProblem::CoverOpen:
        return N_("Le capot de l'imprimante est ouvert : refermez-le.");
    case PrinterProblem::Offline:
        return N_("L'imprimante ne répond pas : vérifiez qu'elle est allumée et son câble USB.");
    case PrinterProblem::Paused:
        return N_("La file d'impression est arrêtée : réactivez-la (cupsenable) une fois le problème réglé.");
    case PrinterProblem::NotAccepting:
        return N_("La file d'impression refuse les travaux : réactivez-la (cupsaccept).");
    case PrinterProblem::NoQueue:
        return N_("La file d'impression configurée n'existe pas : vérifiez son nom (lpstat -p).");
    case PrinterProblem::Unreachable:
        return N_("Le service d'impression (cupsd) ne répond pas : vérifiez qu'il tourne.");
    case PrinterProblem::NotConfigured:
        return N_("Aucune imprimante n'est configurée sur cette borne.");
    case PrinterProblem::Other:
        break;
    }
    return N_("L'imprimante signale une erreur : regardez son voyant et le journal de CUPS.");
}

std::string describe(PrinterState const& state)
{
    std::string line(to_string(state.condition));
    if (state.problems.empty())
        return line;
    line += " (";
    for (std::size_t i = 0; i < state.problems.size(); ++i) {
        if (i > 0)
            line += ", ";
        line += to_string(state.problems[i]);
    }
    return line + ")";
}

std::string_view resident_notice(PrinterState const& state)
{
    if (state.can_print())
        return {};
    // What the resident will see instead of paper, and that it is enough.
    return N_("L'imprimante ne fonctionne pas pour le moment : à la fin de votre démarche, votre code de suivi "
              "s'affichera à l'écran.");
}

}
