#include "specimens.hpp"

#include "kiosk/core/mrz.hpp"

namespace guichet::card {

namespace {

std::string field(std::string_view text, std::size_t width)
{
    std::string out;
    for (char c : text)
        out += c == ' ' ? '<' : c;
    out.resize(width, '<');
    return out;
}

std::string names(std::string_view surname, std::string_view given, std::size_t width)
{
    return field(std::string(surname) + "<<" + std::string(given), width);
}

std::string with_check(std::string const& text)
{
    return text + mrz::check_digit(text).value_or('<');
}

}

std::string td1_mrz(std::string_view code, std::string_view state, std::string_view number, std::string_view birth,
    char sex, std::string_view expiry, std::string_view nationality, std::string_view surname,
    std::string_view given_names)
{
    std::string line1 = field(code, 2) + field(state, 3) + with_check(field(number, 9)) + field("", 15);
    std::string line2_head
        = with_check(field(birth, 6)) + sex + with_check(field(expiry, 6)) + field(nationality, 3) + field("", 11);
    std::string composite
        = line1.substr(5, 25) + line2_head.substr(0, 7) + line2_head.substr(8, 7) + line2_head.substr(18, 11);
    std::string line2 = line2_head + mrz::check_digit(composite).value_or('<');
    return line1 + line2 + names(surname, given_names, 30);
}

std::string td3_mrz(std::string_view code, std::string_view state, std::string_view number, std::string_view birth,
    char sex, std::string_view expiry, std::string_view nationality, std::string_view surname,
    std::string_view given_names)
{
    std::string line1 = field(code, 2) + field(state, 3) + names(surname, given_names, 39);
    std::string head = with_check(field(number, 9)) + field(nationality, 3) + with_check(field(birth, 6)) + sex
        + with_check(field(expiry, 6)) + field("", 14) + '<';
    std::string composite = head.substr(0, 10) + head.substr(13, 7) + head.substr(21, 22);
    return line1 + head + mrz::check_digit(composite).value_or('<');
}

std::vector<Specimen> const& specimens()
{
    static std::vector<Specimen> const all = [] {
        std::vector<Specimen> list;
        auto cni = td1_mrz("ID", "FRA", "X4RTBPFW4", "900713", 'F', "300211", "FRA", "MARTIN", "MAELYS GAELLE MARIE");
        SimulatedCard::Faults slow;
        slow.delay = std::chrono::milliseconds(120);
        list.push_back({ "cni", "French identity card (2021 layout, TD1), valid until 2030", cni, slow, "X4RTBPFW4",
            "13071990", "11022030" });
        list.push_back({ "passeport", "French passport (TD3), valid until 2032",
            td3_mrz("P", "FRA", "23AB45678", "850305", 'M', "320101", "FRA", "DUPONT", "JEAN PIERRE"), slow,
            "23AB45678", "05031985", "01012032" });
        list.push_back({ "passeport-expire", "ICAO Doc 9303 specimen passport (Anna Maria Eriksson), expired in 2012",
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10", slow,
            "L898902C3", "12081974", "15042012" });
        auto mineur = td1_mrz("ID", "FRA", "T7KM2LQ83", "110520", 'M', "310519", "FRA", "LEROY", "NATHAN");
        list.push_back({ "cni-mineur", "French identity card of a boy born in 2011", mineur, slow, "T7KM2LQ83",
            "20052011", "19052031" });
        SimulatedCard::Faults bank = slow;
        bank.not_an_identity_document = true;
        list.push_back({ "carte-bancaire", "a bank card: no ICAO application", cni, bank, "", "", "" });
        SimulatedCard::Faults pulled = slow;
        pulled.removed_after = 3;
        list.push_back({ "cni-retiree", "the identity card, pulled out after three commands", cni, pulled, "X4RTBPFW4",
            "13071990", "11022030" });
        // The composite check digit is wrong inside the chip: a damaged or
        // badly personalised card, whose access data still open it.
        std::string damaged = cni;
        damaged[59] = damaged[59] == '0' ? '1' : '0';
        list.push_back({ "cni-abimee", "the identity card with a corrupted DG1 (a wrong check digit)", damaged, slow,
            "X4RTBPFW4", "13071990", "11022030" });
        return list;
    }();
    return all;
}

Specimen const* find_specimen(std::string_view name)
{
    for (auto const& specimen : specimens())
        if (specimen.name == name)
            return &specimen;
    return nullptr;
}

}
