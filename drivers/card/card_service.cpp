#include "card_service.hpp"

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
        for (auto& [id, access] : m_queue)
            access.wipe();
        m_queue.clear();
    }
    m_wake.notify_all();
    m_worker.join();
}

void CardService::read(mrz::AccessKey const& access, CardReadId id)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.emplace_back(id, access);
    }
    m_wake.notify_one();
}

void CardService::run()
{
    for (;;) {
        std::pair<CardReadId, mrz::AccessKey> job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        auto id = job.first;
        auto result = [&]() -> Result<EmrtdRead> {
            auto channel = m_connect();
            if (!channel.ok())
                return channel.release_error();
            ReadOptions options;
            options.on_stage = [&](ReadStage stage) {
                if (m_callbacks.stage)
                    m_callbacks.stage(id, stage);
            };
            return read_emrtd(*channel.value(), job.second, m_today(), options);
        }();
        job.second.wipe();
        m_callbacks.finished(id, std::move(result));
    }
}

namespace {

// A channel that fails once the card it was opened on has left.
class SlotChannel final : public CardChannel {
public:
    SlotChannel(std::string mrz, SimulatedCard::Faults faults, std::shared_ptr<std::atomic<std::uint64_t>> generation)
        : m_card(std::move(mrz), faults)
        , m_generation(std::move(generation))
        , m_opened(m_generation->load())
    {
    }
    Result<ResponseApdu> transmit(CommandApdu const& command) override
    {
        if (m_generation->load() != m_opened)
            return Error::make("card.removed", "the simulated card was taken off the reader");
        auto response = m_card.transmit(command);
        // Pulled out while the chip was answering: the answer is lost.
        if (m_generation->load() != m_opened)
            return Error::make("card.removed", "the simulated card was taken off the reader");
        return response;
    }

private:
    SimulatedCard m_card;
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
    auto const* specimen = find_specimen(name);
    if (!specimen)
        return false;
    insert_mrz(specimen->mrz, specimen->faults);
    return true;
}

void SimulatedReader::insert_mrz(std::string mrz, SimulatedCard::Faults faults)
{
    {
        std::lock_guard lock(m_mutex);
        ++*m_generation;
        m_card.emplace(std::move(mrz), faults);
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
    return std::unique_ptr<CardChannel>(std::make_unique<SlotChannel>(m_card->first, m_card->second, m_generation));
}

}
