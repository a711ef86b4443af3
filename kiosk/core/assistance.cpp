#include "assistance.hpp"
#include "kiosk/core/i18n.hpp"

#include "utf8.hpp"

namespace guichet {

namespace {

constexpr std::size_t messages_kept = 3;

}

bool Assistance::ask(HelpRequest const& request)
{
    if (!m_line)
        return false;
    reset();
    m_state = State::Waiting;
    m_line->request(request);
    return true;
}

void Assistance::stop()
{
    if (m_line && live())
        m_line->end();
    reset();
}

bool Assistance::hear(HelpNews const& news, std::int64_t now)
{
    using Kind = HelpNews::Kind;
    // News of a help that was stopped meanwhile is old news.
    if (!live())
        return false;
    switch (news.kind) {
    case Kind::Waiting:
        if (m_state == State::Waiting && !news.text.empty())
            m_help_id = news.text;
        if (m_state != State::Waiting || m_position == news.position)
            return false;
        m_position = news.position;
        return true;
    case Kind::Unavailable:
        reset();
        m_unavailable = true;
        return true;
    case Kind::Accepted:
        m_state = State::Connected;
        m_mediator = news.text;
        if (!m_record) {
            m_record = m_records.size();
            m_records.push_back(HelpRecord { m_help_id, news.text, now, false, false, 0 });
        }
        return true;
    case Kind::Message:
        if (m_state != State::Connected || news.text.empty())
            return false;
        m_messages.push_back(news.text);
        ++m_message_count;
        if (m_messages.size() > messages_kept)
            m_messages.erase(m_messages.begin());
        return true;
    case Kind::Point:
        if (m_state != State::Connected)
            return false;
        m_pointed = news.text;
        return true;
    case Kind::ControlRequested:
        if (m_state != State::Connected || m_control == Control::Granted)
            return false;
        m_control = Control::Asked;
        return true;
    case Kind::Tap:
    case Kind::Type:
        // The hub refuses these without consent; the kiosk refuses them too.
        if (m_state != State::Connected || m_control != Control::Granted)
            return false;
        m_actions.push_back(news);
        return true;
    case Kind::Ended: {
        auto reason = news.text;
        reset();
        m_state = State::Ended;
        m_end_reason = reason;
        return true;
    }
    }
    return false;
}

void Assistance::grant_control(bool show_personal)
{
    if (m_state != State::Connected)
        return;
    m_control = Control::Granted;
    m_personal_shared = show_personal;
    if (m_record) {
        m_records[*m_record].control_granted = true;
        m_records[*m_record].personal_shared = m_records[*m_record].personal_shared || show_personal;
    }
    if (m_line)
        m_line->consent(ConsentAnswer::Granted, show_personal);
}

void Assistance::refuse_control()
{
    if (m_state != State::Connected)
        return;
    auto answer = m_control == Control::Granted ? ConsentAnswer::Revoked : ConsentAnswer::Refused;
    m_control = Control::Refused;
    m_personal_shared = false;
    m_actions.clear();
    if (m_line)
        m_line->consent(answer, false);
}

void Assistance::take_back_control()
{
    if (m_state != State::Connected || m_control != Control::Granted)
        return;
    refuse_control();
}

void Assistance::dismiss()
{
    if (m_state == State::Ended || m_unavailable)
        reset();
}

std::vector<HelpNews> Assistance::take_actions()
{
    if (m_control != Control::Granted) {
        m_actions.clear();
        return {};
    }
    std::vector<HelpNews> taken;
    taken.swap(m_actions);
    if (m_record)
        m_records[*m_record].actions += static_cast<int>(taken.size());
    return taken;
}

void Assistance::reset()
{
    m_state = State::Idle;
    m_control = Control::None;
    m_personal_shared = false;
    m_unavailable = false;
    m_position = 0;
    m_mediator.clear();
    m_messages.clear();
    m_message_count = 0;
    m_pointed.clear();
    m_end_reason.clear();
    m_actions.clear();
    wipe(m_help_id);
    m_record.reset();
}

void Assistance::forget()
{
    stop();
    for (auto& record : m_records) {
        wipe(record.help_id);
        wipe(record.mediator);
    }
    m_records.clear();
}

std::string_view help_end_sentence(std::string_view reason)
{
    if (reason == "mediator")
        return N_("Le conseiller a terminé l'aide. Vos réponses sont toujours là.");
    if (reason == "resident")
        return N_("Vous avez arrêté l'aide. Vos réponses sont toujours là.");
    if (reason == "mediator_lost")
        return N_("Le conseiller a été déconnecté. Vous pouvez demander de l'aide à nouveau.");
    return N_("L'aide à distance s'est arrêtée. Vous pouvez la demander à nouveau, ou aller voir un agent de "
              "l'accueil.");
}

}
