#include "pcsc.hpp"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace guichet::card {

namespace {

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string hex_code(LONG rv)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08lX", static_cast<unsigned long>(rv));
    return buffer;
}

Error pcsc_error(LONG rv, std::string_view what)
{
    std::string detail = std::string(what) + ": " + pcsc_stringify_error(rv) + " (" + hex_code(rv) + ")";
    switch (rv) {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
        return Error::make("card.no_service", detail);
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_NO_READERS_AVAILABLE:
        return Error::make("card.reader_gone", detail);
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_RESET_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNRESPONSIVE_CARD:
        return Error::make("card.removed", detail);
    default:
        return Error::make("card.io", detail);
    }
}

std::vector<std::string> split_multistring(char const* list, DWORD size)
{
    std::vector<std::string> out;
    for (DWORD at = 0; at < size && list[at] != '\0';) {
        std::string name(list + at);
        at += static_cast<DWORD>(name.size()) + 1;
        out.push_back(std::move(name));
    }
    return out;
}

Result<std::vector<std::string>> readers_of(SCARDCONTEXT context)
{
    DWORD size = 0;
    LONG rv = SCardListReaders(context, nullptr, nullptr, &size);
    if (rv == SCARD_E_NO_READERS_AVAILABLE)
        return std::vector<std::string> {};
    if (rv != SCARD_S_SUCCESS)
        return pcsc_error(rv, "SCardListReaders");
    std::string buffer(size, '\0');
    rv = SCardListReaders(context, nullptr, buffer.data(), &size);
    if (rv == SCARD_E_NO_READERS_AVAILABLE)
        return std::vector<std::string> {};
    if (rv != SCARD_S_SUCCESS)
        return pcsc_error(rv, "SCardListReaders");
    return split_multistring(buffer.data(), size);
}

constexpr char pnp_reader[] = "\\\\?PnP?\\Notification";

}

bool is_virtual_reader(std::string_view name)
{
    auto n = lower(name);
    return n.find("virtual") != std::string::npos || n.find("vpcd") != std::string::npos;
}

bool reader_allowed(std::string_view name, ReaderPolicy const& policy)
{
    if (is_virtual_reader(name) && !policy.allow_virtual)
        return false;
    return policy.pattern.empty() || lower(name).find(lower(policy.pattern)) != std::string::npos;
}

std::optional<std::string> choose_reader(std::vector<std::string> const& readers, ReaderPolicy const& policy)
{
    for (auto const& name : readers)
        if (reader_allowed(name, policy))
            return name;
    return std::nullopt;
}

Result<std::vector<std::string>> list_readers()
{
    SCARDCONTEXT context = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
    if (rv != SCARD_S_SUCCESS)
        return pcsc_error(rv, "SCardEstablishContext");
    auto readers = readers_of(context);
    SCardReleaseContext(context);
    return readers;
}

Result<std::unique_ptr<PcscChannel>> PcscChannel::connect(std::string const& reader)
{
    std::unique_ptr<PcscChannel> channel(new PcscChannel());
    SCARDCONTEXT context = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
    if (rv != SCARD_S_SUCCESS)
        return pcsc_error(rv, "SCardEstablishContext");
    channel->m_context = context;
    SCARDHANDLE card = 0;
    DWORD protocol = 0;
    rv = SCardConnect(
        context, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
    if (rv != SCARD_S_SUCCESS)
        return pcsc_error(rv, "SCardConnect");
    channel->m_card = card;
    channel->m_protocol = protocol;
    return channel;
}

PcscChannel::~PcscChannel()
{
    if (m_card)
        SCardDisconnect(m_card, SCARD_LEAVE_CARD);
    if (m_context)
        SCardReleaseContext(m_context);
}

Result<ResponseApdu> PcscChannel::transmit(CommandApdu const& command)
{
    Bytes sent = command.encode();
    Bytes received(65538);
    DWORD size = static_cast<DWORD>(received.size());
    SCARD_IO_REQUEST const* pci = m_protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    LONG rv = SCardTransmit(m_card, pci, sent.data(), static_cast<DWORD>(sent.size()), nullptr, received.data(), &size);
    wipe(sent);
    if (rv != SCARD_S_SUCCESS) {
        wipe(received);
        return pcsc_error(rv, "SCardTransmit");
    }
    // No status word at all: the card went away between the command and its
    // answer (vsmartcard's reader reports a vanished card so; real readers
    // answer SCARD_W_REMOVED_CARD). Ask the reader which it is.
    if (size < 2) {
        wipe(received);
        DWORD state = 0, protocol = 0, atr_size = 0, name_size = 0;
        LONG status = SCardStatus(m_card, nullptr, &name_size, &state, &protocol, nullptr, &atr_size);
        if (status != SCARD_S_SUCCESS)
            return pcsc_error(status, "SCardStatus after an empty answer");
        if (!(state & SCARD_PRESENT))
            return Error::make("card.removed", "SCardTransmit: an empty answer, and no card in the reader");
        return Error::make("card.removed", "SCardTransmit: an empty answer: the card stopped answering");
    }
    auto response = ResponseApdu::decode(ByteView(received.data(), size));
    wipe(received);
    // T=0 cards say "61xx: that many bytes are waiting": fetch them.
    if (response.ok() && response.value().sw1() == 0x61) {
        CommandApdu get_response { 0x00, 0xC0, 0x00, 0x00, {},
            response.value().sw2() == 0 ? 256 : response.value().sw2() };
        return transmit(get_response);
    }
    return response;
}

PcscMonitor::PcscMonitor(ReaderPolicy policy, std::function<void(ReaderState const&)> on_change)
    : m_policy(std::move(policy))
    , m_on_change(std::move(on_change))
    , m_thread([this] { run(); })
{
}

PcscMonitor::~PcscMonitor()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        if (auto context = m_context.load())
            SCardCancel(context);
    }
    m_wake.notify_all();
    m_thread.join();
}

ReaderState PcscMonitor::state() const
{
    std::lock_guard lock(m_mutex);
    return m_state;
}

void PcscMonitor::publish(ReaderState state)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_published && state == m_state)
            return;
        m_state = state;
        m_published = true;
    }
    m_on_change(state);
}

void PcscMonitor::run()
{
    while (!m_stopping) {
        SCARDCONTEXT context = 0;
        LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
        if (rv == SCARD_S_SUCCESS) {
            std::lock_guard lock(m_mutex);
            m_context = context;
            if (m_stopping)
                SCardCancel(context);
        } else {
            publish(ReaderState { std::nullopt, false, false });
        }
        while (rv == SCARD_S_SUCCESS && !m_stopping) {
            auto readers = readers_of(context);
            if (!readers.ok())
                break;
            auto chosen = choose_reader(readers.value(), m_policy);
            std::vector<SCARD_READERSTATE> states(chosen ? 2 : 1);
            states[0].szReader = pnp_reader;
            states[0].dwCurrentState = static_cast<DWORD>(readers.value().size() << 16);
            if (chosen) {
                states[1].szReader = chosen->c_str();
                states[1].dwCurrentState = SCARD_STATE_UNAWARE;
                // Learn the reader's state now, without waiting.
                rv = SCardGetStatusChange(context, 0, &states[1], 1);
                if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
                    break;
                states[1].dwCurrentState = states[1].dwEventState & ~SCARD_STATE_CHANGED;
            }
            auto publish_now = [&] {
                bool present = chosen && (states[1].dwCurrentState & SCARD_STATE_PRESENT)
                    && !(states[1].dwCurrentState & SCARD_STATE_MUTE);
                publish(ReaderState { chosen, present, true });
            };
            publish_now();
            // Wait for a card to come or go, or the list of readers to change.
            while (!m_stopping) {
                // A second at most: SCardCancel() from the destructor only
                // interrupts a wait already under way, and the thread may be
                // just before this call when it comes.
                rv = SCardGetStatusChange(context, 1000, states.data(), static_cast<DWORD>(states.size()));
                if (rv == SCARD_E_TIMEOUT)
                    continue;
                if (rv != SCARD_S_SUCCESS)
                    break;
                if (states[0].dwEventState & SCARD_STATE_CHANGED) {
                    states[0].dwCurrentState = states[0].dwEventState & ~SCARD_STATE_CHANGED;
                    break; // readers came or went: list them again
                }
                if (chosen) {
                    if (states[1].dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE))
                        break;
                    states[1].dwCurrentState = states[1].dwEventState & ~SCARD_STATE_CHANGED;
                    publish_now();
                }
            }
            if (rv == SCARD_E_CANCELLED || m_stopping)
                break;
            if (rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED || rv == SCARD_E_INVALID_HANDLE)
                break;
            rv = SCARD_S_SUCCESS; // reader list changed, or a reader vanished: list again
        }
        if (context) {
            std::lock_guard lock(m_mutex);
            m_context = 0;
            SCardReleaseContext(context);
        }
        if (m_stopping)
            break;
        publish(ReaderState { std::nullopt, false, rv != SCARD_E_NO_SERVICE && rv != SCARD_E_SERVICE_STOPPED });
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, std::chrono::seconds(2), [this] { return m_stopping.load(); });
    }
}

}
