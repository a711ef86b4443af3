#include "card_service.hpp"

#include "kiosk/core/log.hpp"

namespace guichet::card {

CardService::CardService(Connect connect, std::function<Date()> today, Callbacks callbacks)
    : m_connect(std::move(connect))
    , m_today(std::move(today))
    , m_callbacks(std::move(callbacks))
    , m_worker([this] { run(); })
{
}

CardService::~CardService()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (auto& job : m_queue)
            job.access.wipe();
        m_queue.clear();
    }
    m_wake.notify_all();
    m_worker.join();
}

void CardService::read(mrz::AccessKey const& access, CardReadId id)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Job { JobKind::Document, id, access });
    }
    m_wake.notify_one();
}

void CardService::read_badge(CardReadId id)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Job { JobKind::Badge, id, {} });
    }
    m_wake.notify_one();
}

void CardService::run()
{
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        switch (job.kind) {
        case JobKind::Document:
            read_document(job);
            break;
        case JobKind::Badge:
            read_badge_now(job.id);
            break;
        }
    }
}

void CardService::read_document(Job& job)
{
    auto id = job.id;
    auto result = [&]() -> Result<EmrtdRead> {
        auto channel = m_connect();
        if (!channel.ok())
            return channel.release_error();
        ReadOptions options;
        options.on_stage = [&](ReadStage stage) {
            if (m_callbacks.stage)
                m_callbacks.stage(id, stage);
        };
        return read_emrtd(*channel.value(), job.access, m_today(), options);
    }();
    job.access.wipe();
    m_callbacks.finished(id, std::move(result));
}

void CardService::read_badge_now(CardReadId id)
{
    auto uid = [&]() -> Result<std::string> {
        auto channel = m_connect();
        if (!channel.ok())
            return channel.release_error();
        return read_badge_uid(*channel.value());
    }();
    std::string badge;
    if (uid.ok()) {
        badge = uid.release_value();
    } else {
        // An ID card or a bank card laid where a badge was asked for is
        // the card saying no (card.sw.*), not a fault; the rest is the
        // reader's or the card's leaving. The code and the status word
        // only: the UID, when there is one, is an agent's identifier.
        auto const& error = uid.error();
        log(error.code.starts_with("card.sw.") ? LogLevel::Info : LogLevel::Warning, "card",
            "no badge: " + error.code + " (" + error.detail + ")");
    }
    if (m_callbacks.badge)
        m_callbacks.badge(id, std::move(badge));
}

namespace {

// A channel that fails once the card it was opened on has left.
class SlotChannel final : public CardChannel {
public:
    SlotChannel(std::unique_ptr<CardChannel> card, std::shared_ptr<std::atomic<std::uint64_t>> generation)
        : m_card(std::move(card))
        , m_generation(std::move(generation))
        , m_opened(m_generation->load())
    {
    }
    Result<ResponseApdu> transmit(CommandApdu const& command) override
    {
        if (m_generation->load() != m_opened)
            return Error::make("card.removed", "the simulated card was taken off the reader");
        auto response = m_card->transmit(command);
        // Pulled out while the chip was answering: the answer is lost.
        if (m_generation->load() != m_opened)
            return Error::make("card.removed", "the simulated card was taken off the reader");
        return response;
    }

private:
    std::unique_ptr<CardChannel> m_card;
    std::shared_ptr<std::atomic<std::uint64_t>> m_generation;
    std::uint64_t m_opened;
};

}

SimulatedReader::SimulatedReader(std::function<void(ReaderState const&)> on_change)
    : m_on_change(std::move(on_change))
    , m_generation(std::make_shared<std::atomic<std::uint64_t>>(0))
{
}

bool SimulatedReader::insert(std::string_view name)
{
    if (name.starts_with(badge_prefix)) {
        auto uid = parse_badge_uid(name.substr(badge_prefix.size()));
        if (!uid)
            return false;
        insert_badge(std::move(*uid));
        return true;
    }
    auto const* specimen = find_specimen(name);
    if (!specimen)
        return false;
    insert_mrz(specimen->mrz, specimen->faults);
    return true;
}

void SimulatedReader::insert_mrz(std::string mrz, SimulatedCard::Faults faults)
{
    lay(LaidDocument { std::move(mrz), faults });
}

void SimulatedReader::insert_badge(Bytes uid)
{
    lay(LaidBadge { std::move(uid) });
}

void SimulatedReader::lay(LaidCard card)
{
    {
        std::lock_guard lock(m_mutex);
        ++*m_generation;
        m_card.emplace(std::move(card));
    }
    publish();
}

void SimulatedReader::remove()
{
    {
        std::lock_guard lock(m_mutex);
        ++*m_generation;
        m_card.reset();
    }
    publish();
}

void SimulatedReader::set_plugged(bool plugged)
{
    {
        std::lock_guard lock(m_mutex);
        ++*m_generation;
        m_plugged = plugged;
    }
    publish();
}

ReaderState SimulatedReader::state() const
{
    std::lock_guard lock(m_mutex);
    ReaderState state;
    if (m_plugged)
        state.reader = "Guichet simulated reader";
    state.card_present = m_plugged && m_card.has_value();
    return state;
}

void SimulatedReader::publish()
{
    if (m_on_change)
        m_on_change(state());
}

Result<std::unique_ptr<CardChannel>> SimulatedReader::connect()
{
    std::lock_guard lock(m_mutex);
    if (!m_plugged)
        return Error::make("card.reader_gone", "the simulated reader is unplugged");
    if (!m_card)
        return Error::make("card.removed", "no card on the simulated reader");
    auto card = std::visit(
        [](auto const& laid) -> std::unique_ptr<CardChannel> {
            if constexpr (std::is_same_v<std::decay_t<decltype(laid)>, LaidBadge>)
                return std::make_unique<SimulatedBadge>(laid.uid);
            else
                return std::make_unique<SimulatedCard>(laid.mrz, laid.faults);
        },
        *m_card);
    return std::unique_ptr<CardChannel>(std::make_unique<SlotChannel>(std::move(card), m_generation));
}

}
