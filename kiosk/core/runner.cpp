#include "runner.hpp"
#include "kiosk/core/i18n.hpp"

#include "communes.hpp"
#include "slots.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <charconv>

namespace guichet {

namespace {

// [SECTION] Texts the kiosk says itself, for the parts of composite fields
// and for checks every field shares. Easy-to-read French: one idea a sentence.

std::string replace_count(std::string text, std::size_t count)
{
    auto position = text.find("{n}");
    if (position != std::string::npos)
        text.replace(position, 3, std::to_string(count));
    return text;
}

std::string const& empty_string()
{
    static std::string const empty;
    return empty;
}

struct PartTexts {
    char const* question;
    char const* hint;
};

PartTexts part_texts(Part part)
{
    switch (part) {
    case Part::Surname:
        return { N_("Nom de famille"), N_("Le nom de naissance. Par exemple : MARTIN") };
    case Part::GivenNames:
        return { N_("Prénoms"), N_("Tous les prénoms, dans l'ordre. Par exemple : Marie Louise") };
    case Part::BirthDate:
        return { N_("Date de naissance"), N_("Le jour, le mois, puis l'année. Par exemple : 05 03 1985") };
    case Part::BirthPlace:
        return { N_("Lieu de naissance"), N_("La commune. Si c'est à l'étranger, le pays aussi.") };
    case Part::StreetNumber:
        return { N_("Numéro dans la rue"), N_("Par exemple : 12 ou 12 bis. Pas de numéro ? Touchez « Continuer ».") };
    case Part::Street:
        return { N_("Nom de la rue"), N_("Par exemple : rue de la Paix") };
    case Part::Postcode:
        return { N_("Code postal"), N_("5 chiffres. Par exemple : 75001") };
    case Part::Commune:
        return { N_("Commune"), "" };
    case Part::Day:
        return { N_("Quel jour voulez-vous venir ?"), "" };
    case Part::Time:
        return { N_("À quelle heure ?"), "" };
    case Part::Whole:
        break;
    }
    return { "", "" };
}

InputKind input_kind(FieldType type, Part part, bool have_communes)
{
    switch (part) {
    case Part::Surname:
    case Part::GivenNames:
    case Part::BirthPlace:
    case Part::StreetNumber:
    case Part::Street:
        return InputKind::Text;
    case Part::BirthDate:
        return InputKind::Date;
    case Part::Postcode:
        return InputKind::Digits;
    case Part::Commune:
        return have_communes ? InputKind::Commune : InputKind::Text;
    case Part::Day:
    case Part::Time:
        return InputKind::Choice;
    case Part::Whole:
        break;
    }
    switch (type) {
    case FieldType::ShortText:
        return InputKind::Text;
    case FieldType::LongText:
        return InputKind::LongText;
    case FieldType::Number:
        return InputKind::Digits;
    case FieldType::Date:
        return InputKind::Date;
    case FieldType::Choice:
        return InputKind::Choice;
    case FieldType::MultiChoice:
        return InputKind::MultiChoice;
    case FieldType::YesNo:
        return InputKind::YesNo;
    case FieldType::Phone:
        return InputKind::Phone;
    case FieldType::Email:
        return InputKind::Email;
    case FieldType::Consent:
        return InputKind::Consent;
    case FieldType::Info:
        return InputKind::Info;
    case FieldType::Address:
    case FieldType::Identity:
    case FieldType::Group:
    case FieldType::Appointment:
        break;
    case FieldType::TrackingCode:
        return InputKind::Text;
    }
    return InputKind::Text;
}

// The longest answer a step takes, in characters: the keys stop there.
std::size_t longest_answer(Step const& step)
{
    switch (step.part) {
    case Part::Surname:
    case Part::BirthPlace:
        return 80;
    case Part::GivenNames:
    case Part::Street:
        return 120;
    case Part::StreetNumber:
        return 12;
    case Part::Postcode:
        return 5;
    case Part::Commune:
        // Tiles take no typing; without the list the name is typed.
        return step.input == InputKind::Commune ? 0 : 80;
    case Part::BirthDate:
        return 8;
    case Part::Day:
    case Part::Time:
        return 0;
    case Part::Whole:
        break;
    }
    switch (step.input) {
    case InputKind::Text:
    case InputKind::LongText:
        // A scanned follow link is longer than the code typed by hand.
        return step.field->type == FieldType::TrackingCode ? 80 : step.field->max_length;
    case InputKind::Email:
        return 254;
    case InputKind::Digits:
        return 12;
    case InputKind::Phone:
        // "+33 6 12 34 56 78": let the resident type spaces but not a novel.
        return 20;
    case InputKind::Date:
        return 8;
    default:
        return 0;
    }
}

// What the keys of a digit pad can type: digits, and on the phone pad the
// signs a number is written with ("+33 6 12-34.56.78"). Any other character
// is refused, as a digit pad has no key for it.
bool fits_digit_pad(InputKind input, std::string_view text)
{
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    if (input == InputKind::Digits || input == InputKind::Date)
        return std::all_of(text.begin(), text.end(), is_digit);
    if (input == InputKind::Phone)
        return std::all_of(text.begin(), text.end(),
            [&](char c) { return is_digit(c) || c == ' ' || c == '+' || c == '.' || c == '-'; });
    return true;
}

std::vector<std::string_view> split_ids(std::string_view list)
{
    std::vector<std::string_view> ids;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto id = list.substr(0, comma);
        if (!id.empty())
            ids.push_back(id);
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return ids;
}

std::optional<long> to_number(std::string_view text)
{
    long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// The key of another part of the same composite: the postcode beside a
// commune, the day beside a time.
std::string sibling_key(std::string const& key, Part part)
{
    return key.substr(0, key.rfind('.')) + "." + std::string(to_string(part));
}

}

std::string in_pairs(std::string_view digits)
{
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && i % 2 == 0)
            grouped.push_back(' ');
        grouped.push_back(digits[i]);
    }
    return grouped;
}

namespace {

std::string item_label(Field const& group, std::size_t item)
{
    auto label = group.item_label.fr();
    auto position = label.find("{n}");
    if (position != std::string::npos)
        label.replace(position, 3, std::to_string(item + 1));
    return label;
}

std::string with_message(std::optional<Text> const& custom, std::string fallback)
{
    return custom ? custom->fr() : std::move(fallback);
}

}

// [SECTION] Tracking codes

std::optional<TrackingCode> tracking_code_in(std::string_view text)
{
    // A QR scanner that types what it reads gives the whole follow link:
    // the code is its last part.
    auto slash = text.rfind('/');
    if (slash != std::string_view::npos)
        text.remove_prefix(slash + 1);
    return TrackingCode::parse(text);
}

// [SECTION] Phone numbers

std::optional<std::string> normalize_french_phone(std::string_view text)
{
    std::string digits;
    bool international = false;
    for (char c : text) {
        if (c == ' ' || c == '.' || c == '-')
            continue;
        if (c == '+' && digits.empty() && !international) {
            international = true;
            continue;
        }
        if (c < '0' || c > '9')
            return std::nullopt;
        digits.push_back(c);
    }
    if (international) {
        // +33 6 12 34 56 78 (and the common mistake +33 06...).
        if (digits.rfind("33", 0) != 0)
            return std::nullopt;
        digits = digits.substr(2);
        if (digits.size() == 10 && digits[0] == '0')
            digits = digits.substr(1);
        if (digits.size() != 9)
            return std::nullopt;
        digits = "0" + digits;
    }
    if (digits.size() != 10 || digits[0] != '0' || digits[1] == '0')
        return std::nullopt;
    return digits;
}

// [SECTION] Steps

DemarcheRunner::DemarcheRunner(
    Demarche const& demarche, CommuneIndex const* communes, Date today, SlotSchedule const* slots)
    : m_demarche(demarche)
    , m_communes(communes && communes->size() > 0 ? communes : nullptr)
    , m_slots(slots)
    , m_today(today)
{
    // Reserved once, so that typing never leaves a freed copy behind.
    m_filter.reserve(160);
    refresh();
}

DemarcheRunner::~DemarcheRunner()
{
    wipe();
}

std::size_t DemarcheRunner::items(Field const& group) const
{
    auto it = m_items.find(group.id);
    return it == m_items.end() ? std::max<std::size_t>(group.min_items, 1) : it->second;
}

void DemarcheRunner::add_field_steps(std::vector<Step>& steps, std::map<std::string, std::size_t, std::less<>>& shown,
    std::size_t page_index, Field const& field, Field const* group, std::size_t item, std::string const& prefix) const
{
    if (field.when && !holds(*field.when, prefix, steps, shown))
        return;
    if (field.type == FieldType::Group) {
        std::size_t count = items(field);
        for (std::size_t i = 0; i < count; ++i) {
            auto item_prefix = field.id + "." + std::to_string(i) + ".";
            for (auto const& member : field.fields)
                add_field_steps(steps, shown, page_index, member, &field, i, item_prefix);
        }
        if (count < field.max_items) {
            Step more;
            more.key = field.id + ".more";
            more.page_index = page_index;
            more.field = &field;
            more.group = &field;
            more.item = count;
            more.add_another = true;
            more.input = InputKind::YesNo;
            shown[more.key] = steps.size();
            steps.push_back(std::move(more));
        }
        return;
    }
    for (auto part : parts_of(field.type)) {
        Step step;
        step.key = prefix + field.id;
        if (part != Part::Whole)
            step.key += "." + std::string(to_string(part));
        step.page_index = page_index;
        step.field = &field;
        step.part = part;
        step.group = group;
        step.item = item;
        step.input = input_kind(field.type, part, m_communes != nullptr);
        step.from_card = (part == Part::Surname || part == Part::GivenNames || part == Part::BirthDate)
            && m_card_expiry.contains(prefix + field.id) && step.key != m_card_editing;
        shown[step.key] = steps.size();
        steps.push_back(std::move(step));
    }
}

void DemarcheRunner::refresh()
{
    std::string current = m_steps.empty() ? std::string() : m_steps[m_index].key;
    std::vector<Step> steps;
    std::map<std::string, std::size_t, std::less<>> shown;
    for (std::size_t p = 0; p < m_demarche.pages.size(); ++p) {
        auto const& page = m_demarche.pages[p];
        if (page.when && !holds(*page.when, "", steps, shown))
            continue;
        for (auto const& field : page.fields)
            add_field_steps(steps, shown, p, field, nullptr, 0, "");
    }
    m_steps = std::move(steps);
    // The current step stays current; conditions only look back, so a change
    // never hides the step being answered. If it does disappear (a group item
    // removed), the step now at its place takes it.
    auto it = std::find_if(m_steps.begin(), m_steps.end(), [&](Step const& step) { return step.key == current; });
    if (it != m_steps.end())
        m_index = static_cast<std::size_t>(it - m_steps.begin());
    else
        m_index = std::min(m_index, m_steps.empty() ? 0 : m_steps.size() - 1);
}

bool DemarcheRunner::holds(Condition const& condition, std::string const& item_prefix, std::vector<Step> const& steps,
    std::map<std::string, std::size_t, std::less<>> const& shown) const
{
    using Op = Condition::Op;
    switch (condition.op) {
    case Op::All:
        return std::all_of(condition.children.begin(), condition.children.end(),
            [&](Condition const& child) { return holds(child, item_prefix, steps, shown); });
    case Op::Any:
        return std::any_of(condition.children.begin(), condition.children.end(),
            [&](Condition const& child) { return holds(child, item_prefix, steps, shown); });
    case Op::Not:
        return !holds(condition.children.front(), item_prefix, steps, shown);
    default:
        break;
    }
    // A field that is not shown has no answer, whatever was typed before it
    // was hidden.
    auto key = (condition.ref.in_item ? item_prefix : std::string()) + condition.ref.field;
    if (condition.ref.part != Part::Whole)
        key += "." + std::string(to_string(condition.ref.part));
    std::optional<std::string> value;
    if (auto it = shown.find(key); it != shown.end()) {
        value = normalized(steps[it->second]);
    } else if (condition.ref.part == Part::Whole) {
        // An address or an identity as a whole: answered when any of its
        // parts is (its parts are its steps).
        for (auto type : { FieldType::Identity, FieldType::Address, FieldType::Appointment }) {
            for (auto part : parts_of(type)) {
                auto part_key = shown.find(key + "." + std::string(to_string(part)));
                if (!value && part_key != shown.end())
                    value = normalized(steps[part_key->second]);
            }
        }
    }
    switch (condition.op) {
    case Op::Answered:
        return value.has_value();
    case Op::NotAnswered:
        return !value.has_value();
    case Op::Is:
        return value && *value == condition.values.front();
    case Op::In:
        return value && std::find(condition.values.begin(), condition.values.end(), *value) != condition.values.end();
    case Op::Has: {
        if (!value)
            return false;
        auto ids = split_ids(*value);
        return std::find(ids.begin(), ids.end(), condition.values.front()) != ids.end();
    }
    case Op::AgeAtLeast:
    case Op::AgeUnder: {
        auto birth = value ? parse_iso_date(*value) : std::nullopt;
        if (!birth)
            return false;
        int age = age_on(*birth, m_today);
        return condition.op == Op::AgeAtLeast ? age >= condition.number : age < condition.number;
    }
    case Op::AtLeast:
    case Op::AtMost: {
        auto number = value ? to_number(*value) : std::nullopt;
        if (!number)
            return false;
        return condition.op == Op::AtLeast ? *number >= condition.number : *number <= condition.number;
    }
    default:
        return false;
    }
}

StepTexts DemarcheRunner::texts(Step const& step) const
{
    StepTexts texts;
    auto const& page = m_demarche.pages[step.page_index];
    auto const& field = *step.field;
    texts.section = page.title.fr();
    texts.instruction = page.instruction.fr();
    if (step.add_another) {
        texts.question = field.add_question.fr();
        texts.label = field.label.fr();
        texts.instruction = N_("Touchez « Oui » ou « Non ».");
        return texts;
    }
    if (step.group)
        texts.section = item_label(*step.group, step.item);
    if (step.part != Part::Whole) {
        auto part = part_texts(step.part);
        // "La personne concernée", "Enfant 2 : son identité".
        texts.section = step.group
            ? fill(N_("{section} · {label}"), { { "section", texts.section }, { "label", field.label.fr() } })
            : field.label.fr();
        texts.question = part.question;
        texts.hint = part.hint;
        texts.label = part.question;
        if (step.part == Part::Commune)
            texts.instruction = !m_communes  ? N_("Écrivez le nom de la commune.")
                : commune_needs_filter(step) ? N_("Tapez le début du nom, puis touchez votre commune.")
                                             : N_("Touchez votre commune.");
        else if (step.part == Part::BirthDate)
            texts.instruction = N_("Tapez les chiffres.");
        else
            texts.instruction.clear();
        return texts;
    }
    texts.question = field.question.fr();
    texts.hint = field.hint.fr();
    texts.label = field.label.fr();
    if (field.type == FieldType::Info || field.type == FieldType::Consent)
        texts.instruction = field.text.fr();
    // A panel without a title of its own takes its page's.
    if (texts.question.empty()) {
        texts.question = texts.section;
        texts.section.clear();
    }
    return texts;
}

std::vector<Option> DemarcheRunner::options(Step const& step) const
{
    std::vector<Option> options;
    if (step.input == InputKind::YesNo) {
        options.push_back(Option { "oui", N_("Oui"), "", "oui" });
        options.push_back(Option { "non", N_("Non"), "", "non" });
        return options;
    }
    if (step.input == InputKind::Commune && m_communes) {
        auto postcode_key = sibling_key(step.key, Part::Postcode);
        auto communes = m_communes->by_postcode(utf8::trim(answer(postcode_key)));
        // Matching at the start of any word of the name, accents and case
        // aside: "vitry" and "francois" both find Vitry-le-François.
        std::string filter = m_filter_key == step.key && communes.size() > communes_on_one_screen
            ? fold_commune_name(m_filter)
            : std::string();
        auto chosen = utf8::trim(answer(step.key));
        for (auto const& commune : communes) {
            if (!filter.empty() && commune.insee != chosen) {
                auto folded = fold_commune_name(commune.name);
                auto at = folded.find(filter);
                bool word_start = false;
                while (at != std::string::npos && !word_start) {
                    word_start = at == 0 || folded[at - 1] == ' ';
                    at = folded.find(filter, at + 1);
                }
                if (!word_start)
                    continue;
            }
            options.push_back(Option { commune.insee, commune.name, commune.postcode, "commune", true, true });
        }
        return options;
    }
    if (step.part == Part::Day || step.part == Part::Time) {
        if (!m_slots)
            return options;
        auto slots = m_slots->slots(step.field->service, m_today);
        if (step.part == Part::Day) {
            // The first days that have a slot: one screen of tiles.
            std::vector<std::size_t> counts;
            for (auto const& slot : slots) {
                if (m_booked.contains(slot.id))
                    continue;
                auto day = to_iso(slot.day);
                if (!options.empty() && options.back().id == day) {
                    ++counts.back();
                    continue;
                }
                if (options.size() == 8)
                    break;
                options.push_back(Option { day, display_day(slot.day), "", "calendrier" });
                counts.push_back(1);
            }
            for (std::size_t i = 0; i < options.size(); ++i)
                options[i].hint = fill(counts[i] == 1 ? N_("{n} horaire libre") : N_("{n} horaires libres"),
                    { { "n", std::to_string(counts[i]) } });
            return options;
        }
        auto day = utf8::trim(answer(sibling_key(step.key, Part::Day)));
        for (auto const& slot : slots) {
            if (to_iso(slot.day) == day && !m_booked.contains(slot.id))
                options.push_back(Option { slot.id, display_time(slot.minutes), slot.place, "horloge", false, true });
        }
        return options;
    }
    for (auto const& choice : step.field->choices)
        options.push_back(Option { choice.id, choice.label.fr(), choice.hint.fr(), choice.pictogram });
    return options;
}

std::size_t DemarcheRunner::commune_count(Step const& step) const
{
    if (step.input != InputKind::Commune || !m_communes)
        return 0;
    auto postcode_key = sibling_key(step.key, Part::Postcode);
    return m_communes->by_postcode(utf8::trim(answer(postcode_key))).size();
}

bool DemarcheRunner::commune_needs_filter(Step const& step) const
{
    return commune_count(step) > communes_on_one_screen;
}

std::string const& DemarcheRunner::answer(std::string_view key) const
{
    auto it = m_answers.find(key);
    return it == m_answers.end() ? empty_string() : it->second;
}

// [SECTION] Checking answers

std::optional<std::string> DemarcheRunner::check(Step const& step) const
{
    auto const& field = *step.field;
    auto raw = utf8::trim(answer(step.key));
    bool required = step.add_another || (field.required && step.part != Part::StreetNumber);

    if (step.input == InputKind::Info)
        return std::nullopt;
    // Read from a card, the surname stands for the card: corrected by an
    // agent or not, a card the démarche does not take stops here.
    if (step.part == Part::Surname) {
        auto field_key = step.key.substr(0, step.key.rfind('.'));
        if (auto refusal = card_refusal(field_key))
            return refusal;
    }
    if (step.part == Part::Day || step.part == Part::Time) {
        if (raw.empty() && !field.required)
            return std::nullopt;
        auto offered = options(step);
        if (offered.empty())
            return step.part == Part::Day
                ? N_("Il n'y a plus de rendez-vous libre pour le moment. Un agent de l'accueil peut vous aider.")
                : N_("Ce jour n'a plus d'horaire libre. Revenez en arrière et choisissez un autre jour.");
        bool known = std::any_of(offered.begin(), offered.end(), [&](Option const& o) { return o.id == raw; });
        if (!known)
            return step.part == Part::Day ? N_("Touchez le jour qui vous convient.")
                                          : N_("Touchez l'heure qui vous convient.");
        return std::nullopt;
    }
    if (raw.empty()) {
        if (!required)
            return std::nullopt;
        if (field.messages.required && !step.add_another)
            return field.messages.required->fr();
        switch (step.input) {
        case InputKind::Choice:
            return N_("Touchez une image pour choisir.");
        case InputKind::MultiChoice:
            return replace_count(field.min_selected > 1 ? N_("Touchez au moins {n} images pour choisir.")
                                                        : N_("Touchez au moins une image pour choisir."),
                field.min_selected);
        case InputKind::YesNo:
            return N_("Touchez « Oui » ou « Non ».");
        case InputKind::Consent:
            return N_("Pour continuer, touchez la case « J'accepte ».");
        case InputKind::Commune:
            return N_("Touchez le nom de votre commune.");
        case InputKind::Date:
            return N_("Tapez la date avec les chiffres : le jour, le mois, puis l'année.");
        case InputKind::Digits:
        case InputKind::Phone:
            return N_("Cette réponse est obligatoire. Tapez-la avec les chiffres.");
        default:
            return N_("Cette réponse est obligatoire. Écrivez-la avec le clavier.");
        }
    }

    auto invalid = [&](std::string fallback) -> std::optional<std::string> {
        return with_message(field.messages.invalid, std::move(fallback));
    };
    switch (step.part) {
    case Part::Surname:
    case Part::GivenNames:
    case Part::BirthPlace: {
        auto kind = step.part == Part::Surname ? NameKind::Surname
            : step.part == Part::GivenNames    ? NameKind::GivenName
                                               : NameKind::Place;
        auto checked = parse_name(raw, kind);
        if (!checked)
            return checked.message();
        return std::nullopt;
    }
    case Part::BirthDate: {
        auto checked = parse_date_digits(raw);
        if (!checked)
            return checked.message();
        auto date = *parse_iso_date(checked.value());
        if (auto message = check_date_not_future(date, m_today))
            return message;
        if (field.min_age)
            if (auto message = check_age_at_least(date, *field.min_age, m_today))
                return message;
        if (field.max_age)
            if (auto message = check_age_at_most(date, *field.max_age, m_today))
                return message;
        return std::nullopt;
    }
    case Part::StreetNumber: {
        auto checked = parse_street_number(raw);
        return checked ? std::nullopt : std::optional(checked.message());
    }
    case Part::Street:
        if (utf8::length(raw) < 3)
            return N_("Écrivez le nom de la rue, par exemple : rue de la Paix.");
        return std::nullopt;
    case Part::Postcode: {
        auto checked = parse_postcode(raw);
        if (!checked)
            return checked.message();
        if (m_communes && !m_communes->knows_postcode(checked.value()))
            return N_("Ce code postal n'existe pas. Vérifiez les 5 chiffres.");
        return std::nullopt;
    }
    case Part::Commune: {
        if (!m_communes)
            return utf8::length(raw) < 1 ? std::optional<std::string>(N_("Écrivez le nom de la commune."))
                                         : std::nullopt;
        auto postcode_key = sibling_key(step.key, Part::Postcode);
        if (!m_communes->find(utf8::trim(answer(postcode_key)), raw))
            return N_("Cette commune ne correspond pas au code postal. Touchez le nom de votre commune.");
        return std::nullopt;
    }
    case Part::Day:
    case Part::Time:
    case Part::Whole:
        break;
    }

    if (step.add_another)
        return raw == "oui" || raw == "non" ? std::nullopt
                                            : std::optional<std::string>(N_("Touchez « Oui » ou « Non »."));

    switch (field.type) {
    case FieldType::ShortText:
    case FieldType::LongText: {
        auto length = utf8::length(raw);
        if (length < field.min_length)
            return replace_count(
                with_message(field.messages.too_short, N_("C'est un peu court. Écrivez au moins {n} lettres.")),
                field.min_length);
        if (length > field.max_length)
            return replace_count(
                with_message(field.messages.too_long, N_("C'est trop long. Écrivez {n} lettres au plus.")),
                field.max_length);
        break;
    }
    case FieldType::Number: {
        auto checked = parse_whole_number(raw, field.min, field.max);
        if (!checked)
            return invalid(checked.message());
        break;
    }
    case FieldType::Date: {
        auto checked = parse_date_digits(raw);
        if (!checked)
            return checked.message();
        auto date = *parse_iso_date(checked.value());
        if (field.not_future)
            if (auto message = check_date_not_future(date, m_today))
                return message;
        if (field.not_past)
            if (auto message = check_date_not_past(date, m_today))
                return message;
        if (field.min_age)
            if (auto message = check_age_at_least(date, *field.min_age, m_today))
                return message;
        if (field.max_age)
            if (auto message = check_age_at_most(date, *field.max_age, m_today))
                return message;
        break;
    }
    case FieldType::Choice:
        if (!field.find_choice(raw))
            return invalid(N_("Touchez une image pour choisir."));
        break;
    case FieldType::MultiChoice: {
        auto ids = split_ids(raw);
        for (auto id : ids) {
            if (!field.find_choice(id))
                return invalid(N_("Touchez une image pour choisir."));
        }
        if (ids.size() < field.min_selected)
            return replace_count(N_("Touchez au moins {n} images pour choisir."), field.min_selected);
        if (field.max_selected && ids.size() > field.max_selected)
            return replace_count(N_("Vous pouvez choisir {n} images au plus."), field.max_selected);
        break;
    }
    case FieldType::YesNo:
        if (raw != "oui" && raw != "non")
            return N_("Touchez « Oui » ou « Non ».");
        break;
    case FieldType::Phone:
        if (!normalize_french_phone(raw))
            return invalid(N_("Ce numéro n'est pas complet. Il faut 10 chiffres, par exemple 06 12 34 56 78."));
        break;
    case FieldType::Email: {
        auto checked = parse_email(raw);
        if (!checked)
            return invalid(checked.message());
        break;
    }
    case FieldType::Consent:
        if (raw != "oui")
            return N_("Pour continuer, touchez la case « J'accepte ».");
        break;
    case FieldType::Info:
    case FieldType::Address:
    case FieldType::Identity:
    case FieldType::Group:
    case FieldType::Appointment:
        break;
    case FieldType::TrackingCode: {
        auto code = tracking_code_in(raw);
        if (!code) {
            std::size_t letters = 0;
            for (char c : raw)
                letters += (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            return letters < TrackingCode::length
                ? std::string(N_("Le code a 8 lettres. Il est écrit en gros sur votre reçu, par exemple KXTB-PDQM."))
                : std::string(N_("Ce code n'existe pas. Vérifiez chaque lettre sur votre reçu."));
        }
        break;
    }
    }
    return check_rules(step);
}

std::optional<std::string> DemarcheRunner::check_rules(Step const& step) const
{
    if (step.field->rules.empty())
        return std::nullopt;
    std::map<std::string, std::size_t, std::less<>> shown;
    for (std::size_t i = 0; i < m_steps.size(); ++i)
        shown[m_steps[i].key] = i;
    std::string prefix = step.group ? step.group->id + "." + std::to_string(step.item) + "." : "";
    for (auto const& rule : step.field->rules) {
        if (!holds(rule.require, prefix, m_steps, shown))
            return rule.message.fr();
    }
    return std::nullopt;
}

std::optional<std::string> DemarcheRunner::normalized(Step const& step) const
{
    auto raw = utf8::trim(answer(step.key));
    if (raw.empty() || step.input == InputKind::Info)
        return std::nullopt;
    // Rules are left out here: a condition reads what was answered, even if
    // a rule will refuse it, so that the rule's message can be shown.
    switch (step.part) {
    case Part::Surname:
    case Part::GivenNames:
    case Part::BirthPlace: {
        auto kind = step.part == Part::Surname ? NameKind::Surname
            : step.part == Part::GivenNames    ? NameKind::GivenName
                                               : NameKind::Place;
        auto checked = parse_name(raw, kind);
        return checked ? std::optional(checked.value()) : std::nullopt;
    }
    case Part::BirthDate: {
        auto checked = parse_date_digits(raw);
        return checked ? std::optional(checked.value()) : std::nullopt;
    }
    case Part::StreetNumber: {
        auto checked = parse_street_number(raw);
        return checked ? std::optional(checked.value()) : std::nullopt;
    }
    case Part::Postcode: {
        auto checked = parse_postcode(raw);
        return checked ? std::optional(checked.value()) : std::nullopt;
    }
    case Part::Street:
    case Part::Commune:
    case Part::Day:
    case Part::Time:
        return std::string(raw);
    case Part::Whole:
        break;
    }
    if (step.add_another)
        return std::string(raw);
    switch (step.field->type) {
    case FieldType::Number: {
        auto checked = parse_whole_number(raw, step.field->min, step.field->max);
        return checked ? std::optional(checked.value()) : std::nullopt;
    }
    case FieldType::Date: {
        auto checked = parse_date_digits(raw);
        return checked ? std::optional(checked.value()) : std::nullopt;
    }
    case FieldType::Phone:
        return normalize_french_phone(raw);
    case FieldType::Email: {
        auto checked = parse_email(raw);
        return checked ? std::optional(checked.value()) : std::nullopt;
    }
    case FieldType::TrackingCode: {
        auto code = tracking_code_in(raw);
        return code ? std::optional(code->text()) : std::nullopt;
    }
    default:
        return std::string(raw);
    }
}

std::string DemarcheRunner::display(Step const& step) const
{
    auto value = normalized(step);
    if (!value)
        return std::string(utf8::trim(answer(step.key)));
    if (step.add_another || step.input == InputKind::YesNo)
        return *value == "oui" ? N_("Oui") : N_("Non");
    if (step.part == Part::Commune && m_communes) {
        auto postcode_key = sibling_key(step.key, Part::Postcode);
        if (auto commune = m_communes->find(utf8::trim(answer(postcode_key)), *value))
            return commune->name;
    }
    if (step.input == InputKind::Date)
        return display_date(*value);
    if (step.part == Part::Day) {
        auto day = parse_iso_date(*value);
        return day ? display_day(*day) : *value;
    }
    if (step.part == Part::Time) {
        for (auto const& option : options(step)) {
            if (option.id == *value)
                return option.label;
        }
        return *value;
    }
    switch (step.input) {
    case InputKind::Choice:
        if (auto const* choice = step.field->find_choice(*value))
            return choice->label.fr();
        break;
    case InputKind::MultiChoice: {
        std::string labels;
        for (auto id : split_ids(*value)) {
            if (auto const* choice = step.field->find_choice(id)) {
                if (!labels.empty())
                    labels += ", ";
                labels += choice->label.fr();
            }
        }
        return labels;
    }
    case InputKind::Consent:
        return N_("Oui, j'accepte");
    case InputKind::Phone:
        return in_pairs(*value);
    default:
        break;
    }
    return *value;
}

// [SECTION] Editing and moving

std::string& DemarcheRunner::value_for_edit(Step const& step)
{
    auto& value = m_answers[step.key];
    // Room for the longest answer from the start (4 bytes a character at
    // most): a string that grows frees its old buffer without wiping it,
    // leaving copies of what was typed in freed memory.
    std::size_t longest = std::max<std::size_t>(longest_answer(step), 64) * 4;
    if (value.capacity() < longest)
        value.reserve(longest);
    return value;
}

void DemarcheRunner::insert_text(std::string_view text)
{
    if (m_steps.empty())
        return;
    auto const& current = step();
    if (commune_needs_filter(current)) {
        if (m_filter_key != current.key) {
            guichet::wipe(m_filter);
            m_filter_key = current.key;
        }
        if (utf8::is_valid(text) && utf8::length(m_filter) + utf8::length(text) <= 40
            && !(m_filter.empty() && text == " "))
            m_filter.append(text);
        m_error.reset();
        return;
    }
    std::size_t limit = longest_answer(current);
    if (limit == 0 || !utf8::is_valid(text))
        return;
    if (!fits_digit_pad(current.input, text))
        return;
    auto& value = value_for_edit(current);
    if (utf8::length(value) + utf8::length(text) > limit)
        return;
    // Nobody means to start an answer with a space.
    if (value.empty() && text == " ")
        return;
    value.append(text);
    m_error.reset();
    // As after erase_last() and choose(): a later step may depend on this
    // answer, and the review can be reached without next().
    refresh();
}

void DemarcheRunner::erase_last()
{
    if (m_steps.empty())
        return;
    if (commune_needs_filter(step())) {
        if (m_filter_key == step().key)
            utf8::pop_back(m_filter);
        m_error.reset();
        return;
    }
    // A tile's answer is not text: a physical Backspace must not cut "oui".
    if (longest_answer(step()) == 0)
        return;
    auto& value = value_for_edit(step());
    utf8::pop_back(value);
    m_error.reset();
    refresh();
}

void DemarcheRunner::choose(std::string_view option_id)
{
    if (m_steps.empty())
        return;
    auto const& current = step();
    auto offered = options(current);
    bool known = std::any_of(offered.begin(), offered.end(), [&](Option const& o) { return o.id == option_id; });
    switch (current.input) {
    case InputKind::Choice:
    case InputKind::YesNo:
    case InputKind::Commune:
        if (!known)
            return;
        value_for_edit(current) = std::string(option_id);
        break;
    case InputKind::Consent:
        // The box is the only option: touching it again unticks it.
        value_for_edit(current) = answer(current.key).empty() ? "oui" : "";
        break;
    case InputKind::MultiChoice: {
        if (!known)
            return;
        auto chosen = split_ids(answer(current.key));
        std::vector<std::string> ids(chosen.begin(), chosen.end());
        auto it = std::find(ids.begin(), ids.end(), option_id);
        if (it != ids.end()) {
            ids.erase(it);
        } else {
            auto const& field = *current.field;
            if (field.max_selected && ids.size() >= field.max_selected) {
                m_error = replace_count(field.max_selected == 1
                        ? N_("Vous pouvez choisir une seule image. Touchez-la encore pour l'enlever.")
                        : N_("Vous pouvez choisir {n} images au plus. Touchez une image choisie pour "
                             "l'enlever."),
                    field.max_selected);
                return;
            }
            ids.emplace_back(option_id);
        }
        // Stored in the catalogue's order, whatever order they were touched.
        std::string joined;
        for (auto const& choice : current.field->choices) {
            if (std::find(ids.begin(), ids.end(), choice.id) == ids.end())
                continue;
            if (!joined.empty())
                joined += ',';
            joined += choice.id;
        }
        value_for_edit(current) = joined;
        break;
    }
    default:
        return;
    }
    m_error.reset();
    refresh();
}

Advance DemarcheRunner::next()
{
    if (m_steps.empty())
        return Advance::Finished;
    auto current = step();
    m_error = check(current);
    if (m_error)
        return Advance::Refused;
    // A correction made: locked again, as the card's.
    if (current.key == m_card_editing)
        m_card_editing.clear();

    if (current.add_another && utf8::trim(answer(current.key)) == "oui") {
        // One more item: its questions come next, and the question is
        // asked again after them.
        m_items[current.group->id] = items(*current.group) + 1;
        guichet::wipe(m_answers[current.key]);
        refresh();
        auto first = current.group->id + "." + std::to_string(current.item) + ".";
        for (std::size_t i = 0; i < m_steps.size(); ++i) {
            if (m_steps[i].key.rfind(first, 0) == 0) {
                m_index = i;
                return Advance::Moved;
            }
        }
        return Advance::Moved;
    }
    if (current.part == Part::Day) {
        // A time chosen for another day no longer fits.
        auto time_key = sibling_key(current.key, Part::Time);
        auto const& time = answer(time_key);
        if (!time.empty() && time.find("-" + std::string(utf8::trim(answer(current.key))) + "T") == std::string::npos)
            guichet::wipe(m_answers[time_key]);
    }
    if (current.part == Part::Postcode) {
        // A commune chosen for another postcode no longer fits; a postcode
        // that serves one commune only chooses it.
        auto commune_key = sibling_key(current.key, Part::Commune);
        auto postcode = normalized(current).value_or("");
        // A search typed for another postcode's communes starts again.
        if (m_filter_key == commune_key) {
            guichet::wipe(m_filter);
            m_filter_key.clear();
        }
        if (m_communes) {
            auto communes = m_communes->by_postcode(postcode);
            if (!m_communes->find(postcode, utf8::trim(answer(commune_key))))
                guichet::wipe(m_answers[commune_key]);
            if (communes.size() == 1)
                m_answers[commune_key] = communes.front().insee;
        }
    }
    refresh();
    if (m_index + 1 >= m_steps.size())
        return Advance::Finished;
    ++m_index;
    return skip_card_steps();
}

Advance DemarcheRunner::skip_card_steps()
{
    // What the card gave is checked as it is passed (an age limit, an
    // expired card): a refusal stops there, shown read-only.
    while (m_steps[m_index].from_card) {
        m_error = check(m_steps[m_index]);
        if (m_error)
            return Advance::Refused;
        if (m_index + 1 >= m_steps.size())
            return Advance::Finished;
        ++m_index;
    }
    return Advance::Moved;
}

bool DemarcheRunner::back()
{
    m_error.reset();
    lock_card_answers();
    auto index = m_index;
    do {
        if (index == 0)
            return false;
        --index;
    } while (m_steps[index].from_card);
    m_index = index;
    return true;
}

bool DemarcheRunner::offers_card() const
{
    if (m_steps.empty())
        return false;
    auto const& current = step();
    return current.part == Part::Surname && current.field->card && !current.from_card;
}

std::optional<std::string> DemarcheRunner::card_field() const
{
    if (m_steps.empty())
        return std::nullopt;
    auto const& current = step();
    if (current.field->type != FieldType::Identity || !current.field->card)
        return std::nullopt;
    return current.key.substr(0, current.key.rfind('.'));
}

Advance DemarcheRunner::fill_from_card(std::string_view field_key, mrz::Data const& card)
{
    std::string key(field_key);
    auto set = [&](Part part, std::string value) {
        auto& slot = m_answers[key + "." + std::string(to_string(part))];
        guichet::wipe(slot);
        slot = std::move(value);
    };
    set(Part::Surname, card.surname);
    set(Part::GivenNames, card.given_names);
    // As the digit pad would have typed it: JJMMAAAA.
    auto iso = to_iso(card.birth_date);
    set(Part::BirthDate, iso.substr(8, 2) + iso.substr(5, 2) + iso.substr(0, 4));
    // Another card read: what it gives is the card's again.
    m_card_editing.clear();
    for (auto part : { Part::Surname, Part::GivenNames, Part::BirthDate }) {
        auto part_key = key + "." + std::string(to_string(part));
        guichet::wipe(m_card_values[part_key]);
        m_card_values[part_key] = m_answers[part_key];
    }
    m_card_expiry[key] = card.expiry_date;
    refresh();
    auto surname = key + "." + std::string(to_string(Part::Surname));
    auto it = std::find_if(m_steps.begin(), m_steps.end(), [&](Step const& s) { return s.key == surname; });
    if (it == m_steps.end())
        return Advance::Moved;
    m_index = static_cast<std::size_t>(it - m_steps.begin());
    return skip_card_steps();
}

bool DemarcheRunner::correct_card_answer(std::string_view key)
{
    auto it = std::find_if(m_steps.begin(), m_steps.end(), [&](Step const& s) { return s.key == key; });
    if (it == m_steps.end() || !it->from_card)
        return false;
    m_card_editing = std::string(key);
    refresh();
    return true;
}

void DemarcheRunner::lock_card_answers()
{
    if (m_card_editing.empty())
        return;
    m_card_editing.clear();
    refresh();
}

bool DemarcheRunner::card_corrected(std::string const& key) const
{
    auto it = m_card_values.find(key);
    return it != m_card_values.end() && m_card_expiry.contains(key.substr(0, key.rfind('.')))
        && answer(key) != it->second;
}

bool DemarcheRunner::filled_from_card(std::string_view field_key) const
{
    return m_card_expiry.contains(field_key);
}

std::optional<std::string> DemarcheRunner::card_refusal(std::string_view field_key) const
{
    auto it = m_card_expiry.find(field_key);
    if (it == m_card_expiry.end())
        return std::nullopt;
    auto surname = std::string(field_key) + ".surname";
    for (auto const& s : m_steps)
        if (s.key == surname)
            return expired_card_refusal(*s.field, it->second, m_today);
    return std::nullopt;
}

std::optional<std::string> expired_card_refusal(Field const& identity, Date expiry, Date today)
{
    if (!identity.card_expired_max_years)
        return std::nullopt;
    int years = *identity.card_expired_max_years;
    Date limit { expiry.year + years, expiry.month,
        std::min(expiry.day, days_in_month(expiry.year + years, expiry.month)) };
    if (limit >= today)
        return std::nullopt;
    auto when = display_date(to_iso(expiry));
    if (years == 0)
        return fill(
            N_("Votre carte a expiré le {date}. Pour cette démarche, il faut une carte valide."), { { "date", when } });
    return fill(years == 1
            ? N_("Votre carte a expiré le {date}. Pour cette démarche, elle doit avoir expiré depuis moins de {n} an.")
            : N_(
                "Votre carte a expiré le {date}. Pour cette démarche, elle doit avoir expiré depuis moins de {n} ans."),
        { { "date", when }, { "n", std::to_string(years) } });
}

bool DemarcheRunner::go_to(std::string_view key)
{
    if (key != m_card_editing)
        lock_card_answers();
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        if (m_steps[i].key == key && !m_steps[i].from_card) {
            m_index = i;
            m_error.reset();
            return true;
        }
    }
    return false;
}

std::optional<std::size_t> DemarcheRunner::first_invalid_step() const
{
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        if (check(m_steps[i]))
            return i;
    }
    return std::nullopt;
}

bool DemarcheRunner::show_first_invalid()
{
    auto invalid = first_invalid_step();
    if (!invalid)
        return false;
    m_index = *invalid;
    m_error = check(m_steps[m_index]);
    return true;
}

std::vector<std::string> DemarcheRunner::step_keys() const
{
    std::vector<std::string> keys;
    keys.reserve(m_steps.size());
    for (auto const& step : m_steps)
        keys.push_back(step.key);
    return keys;
}

bool DemarcheRunner::go_to_first_new(std::vector<std::string> const& before)
{
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        if (std::find(before.begin(), before.end(), m_steps[i].key) == before.end()) {
            m_index = i;
            m_error.reset();
            return true;
        }
    }
    return false;
}

// [SECTION] What leaves the runner

std::vector<std::string> DemarcheRunner::chosen_slots() const
{
    std::vector<std::string> slots;
    for (auto const& step : m_steps) {
        if (step.part == Part::Time) {
            if (auto slot = normalized(step))
                slots.push_back(*slot);
        }
    }
    return slots;
}

std::vector<std::string> DemarcheRunner::receipt_lines() const
{
    std::vector<std::string> lines;
    for (auto const& step : m_steps) {
        if (step.part != Part::Time)
            continue;
        auto time = normalized(step);
        if (!time)
            continue;
        auto day_key = sibling_key(step.key, Part::Day);
        auto day = parse_iso_date(utf8::trim(answer(day_key)));
        for (auto const& option : options(step)) {
            if (option.id != *time || !day)
                continue;
            lines.push_back(option.hint.empty()
                    ? fill(N_("Votre rendez-vous : {day} à {time}."),
                        { { "day", display_day(*day) }, { "time", option.label } })
                    : fill(N_("Votre rendez-vous : {day} à {time}, {place}."),
                        { { "day", display_day(*day) }, { "time", option.label }, { "place", option.hint } }));
        }
    }
    return lines;
}

std::vector<SummaryLine> DemarcheRunner::summary() const
{
    std::vector<SummaryLine> lines;
    std::string last_item;
    for (auto const& step : m_steps) {
        // Before the first answer of each item past the group's minimum, a
        // line to take the item away.
        if (step.group && !step.add_another && items(*step.group) > step.group->min_items) {
            auto item = step.group->id + "." + std::to_string(step.item);
            if (item != last_item) {
                last_item = item;
                SummaryLine line;
                line.key = item;
                line.section = step.group->label.fr();
                line.label = item_label(*step.group, step.item);
                line.value = N_("Retirer de la demande");
                line.removes_item = true;
                lines.push_back(std::move(line));
            }
        }
        if (step.input == InputKind::Info || step.add_another)
            continue;
        auto texts = this->texts(step);
        SummaryLine line;
        line.key = step.key;
        line.section = texts.section;
        line.label = texts.label;
        line.value = display(step);
        line.personal = step.field->personal;
        line.from_card = step.from_card;
        line.corrected = card_corrected(step.key);
        lines.push_back(std::move(line));
    }
    return lines;
}

nlohmann::ordered_json DemarcheRunner::answers_json() const
{
    nlohmann::ordered_json answers = nlohmann::ordered_json::object();
    for (auto const& step : m_steps) {
        if (step.input == InputKind::Info || step.add_another)
            continue;
        auto value = normalized(step);
        if (!value)
            continue;
        // Where the value goes: the group's list, the item's object, the
        // composite's object.
        nlohmann::ordered_json* target = &answers;
        if (step.group) {
            auto& list = answers[step.group->id];
            if (!list.is_array())
                list = nlohmann::ordered_json::array();
            while (list.size() <= step.item)
                list.push_back(nlohmann::ordered_json::object());
            target = &list[step.item];
        }
        auto const& field = *step.field;
        if (step.part != Part::Whole) {
            auto& object = (*target)[field.id];
            if (!object.is_object())
                object = nlohmann::ordered_json::object();
            if (step.part == Part::Commune && m_communes) {
                auto postcode_key = sibling_key(step.key, Part::Postcode);
                if (auto commune = m_communes->find(utf8::trim(answer(postcode_key)), *value)) {
                    object["commune"] = commune->name;
                    object["insee"] = commune->insee;
                    continue;
                }
            }
            if (step.part == Part::Time) {
                for (auto const& option : options(step)) {
                    if (option.id != *value)
                        continue;
                    object["time"] = value->substr(value->size() - 5);
                    object["slot"] = *value;
                    object["place"] = option.hint;
                }
                continue;
            }
            object[std::string(to_string(step.part))] = *value;
            // The services know which identities a chip vouched for, and
            // which parts of it an agent typed over.
            if (step.from_card || step.key == m_card_editing)
                object["read_from_card"] = true;
            if (card_corrected(step.key))
                object["corrected"].push_back(to_string(step.part));
            continue;
        }
        auto& slot = (*target)[field.id];
        switch (field.type) {
        case FieldType::Number:
            slot = to_number(*value).value_or(0);
            break;
        case FieldType::YesNo:
        case FieldType::Consent:
            slot = *value == "oui";
            break;
        case FieldType::MultiChoice: {
            slot = nlohmann::ordered_json::array();
            for (auto id : split_ids(*value))
                slot.push_back(std::string(id));
            break;
        }
        default:
            slot = *value;
            break;
        }
    }
    return answers;
}

bool DemarcheRunner::remove_item(std::string_view group_id, std::size_t item)
{
    Field const* group = nullptr;
    for (auto const& page : m_demarche.pages) {
        for (auto const& field : page.fields) {
            if (field.type == FieldType::Group && field.id == group_id)
                group = &field;
        }
    }
    if (!group)
        return false;
    std::size_t count = items(*group);
    if (item >= count || count <= group->min_items)
        return false;
    // Answers of the later items move up one place; the last place is wiped.
    auto prefix = [&](std::size_t i) { return std::string(group_id) + "." + std::to_string(i) + "."; };
    for (std::size_t i = item; i < count; ++i) {
        auto from = prefix(i + 1), to = prefix(i);
        for (auto it = m_answers.lower_bound(to); it != m_answers.end() && it->first.rfind(to, 0) == 0; ++it)
            guichet::wipe(it->second);
        for (auto it = m_answers.lower_bound(from); it != m_answers.end() && it->first.rfind(from, 0) == 0; ++it)
            m_answers[to + it->first.substr(from.size())] = it->second;
    }
    for (auto it = m_answers.lower_bound(prefix(count - 1)); it != m_answers.end();) {
        if (it->first.rfind(prefix(count - 1), 0) != 0)
            break;
        guichet::wipe(it->second);
        it = m_answers.erase(it);
    }
    m_items[std::string(group_id)] = count - 1;
    m_error.reset();
    refresh();
    return true;
}

void DemarcheRunner::wipe()
{
    for (auto& [key, value] : m_answers)
        guichet::wipe(value);
    m_answers.clear();
    m_items.clear();
    m_card_expiry.clear();
    for (auto& [key, value] : m_card_values)
        guichet::wipe(value);
    m_card_values.clear();
    m_card_editing.clear();
    guichet::wipe(m_filter);
    m_filter_key.clear();
    m_error.reset();
    m_index = 0;
    refresh();
}

std::string describe_step(Demarche const& demarche, std::string_view key)
{
    if (key == "review")
        return "Vérification"; // verbatim: for the hub's page, which is in French only
    std::vector<std::string_view> segments;
    for (std::size_t at = 0;;) {
        auto dot = key.find('.', at);
        segments.push_back(key.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at));
        if (dot == std::string_view::npos)
            break;
        at = dot + 1;
    }
    auto named = [](Field const& field) {
        auto label = field.label.fr();
        if (label.empty())
            label = field.question.fr();
        return label.empty() ? field.id : label;
    };
    auto in = [](std::vector<Field> const& fields, std::string_view id) -> Field const* {
        for (auto const& field : fields) {
            if (field.id == id)
                return &field;
        }
        return nullptr;
    };
    Field const* field = nullptr;
    for (auto const& page : demarche.pages) {
        if ((field = in(page.fields, segments[0])))
            break;
    }
    if (!field)
        return std::string(key);
    std::string said = named(*field);
    std::size_t next = 1;
    if (field->type == FieldType::Group && next < segments.size()) {
        if (segments[next] == "more" && next + 1 == segments.size())
            return said + " : en ajouter ?";
        auto item = to_number(segments[next]);
        Field const* member = next + 1 < segments.size() ? in(field->fields, segments[next + 1]) : nullptr;
        if (!item || *item < 0 || !member)
            return std::string(key);
        said = named(*member) + " (" + item_label(*field, static_cast<std::size_t>(*item)) + ")";
        field = member;
        next += 2;
    }
    if (next == segments.size())
        return said;
    auto part = next + 1 == segments.size() ? parse_part(field->type, segments[next]) : std::nullopt;
    if (!part)
        return std::string(key);
    return said + " : " + part_texts(*part).question;
}

}
