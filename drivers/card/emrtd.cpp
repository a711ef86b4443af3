#include "emrtd.hpp"

#include "bac.hpp"
#include "crypto.hpp"
#include "tlv.hpp"

#include <algorithm>

namespace guichet::card {

namespace command {

CommandApdu select_emrtd_application()
{
    // P2 0C: no answer data, which saves bytes and is what ICAO asks.
    return CommandApdu { 0x00, 0xA4, 0x04, 0x0C, Bytes(std::begin(emrtd_aid), std::end(emrtd_aid)), {} };
}

CommandApdu get_challenge()
{
    return CommandApdu { 0x00, 0x84, 0x00, 0x00, {}, 8 };
}

CommandApdu external_authenticate(ByteView data)
{
    return CommandApdu { 0x00, 0x82, 0x00, 0x00, Bytes(data.begin(), data.end()), 40 };
}

CommandApdu read_binary_sfi(std::uint8_t sfi, std::size_t le)
{
    return CommandApdu { 0x00, 0xB0, static_cast<std::uint8_t>(0x80 | sfi), 0x00, {}, le };
}

CommandApdu read_binary(std::size_t offset, std::size_t le)
{
    return CommandApdu { 0x00, 0xB0, static_cast<std::uint8_t>(offset >> 8 & 0x7F), static_cast<std::uint8_t>(offset),
        {}, le };
}

}

namespace {

// The most a protected READ BINARY asks for after the first: its answer
// (DO87 with padding, DO99, DO8E) still fits in a short response.
constexpr std::size_t chunk = 0xDF;
// No LDS file the kiosk reads is anywhere near this: a longer announced
// size is a broken or hostile card.
constexpr std::size_t largest_file = 4096;
// A chip that knows the keys could still announce a large file and answer
// a byte at a time, keeping the resident waiting for minutes: a read takes
// five commands, a long DG1 a few more, never this many.
constexpr std::uint32_t most_commands = 24;

Error because(std::string code, std::string_view step, Error const& cause)
{
    return Error::make(std::move(code),
        std::string(step) + ": " + cause.code + (cause.detail.empty() ? "" : " (" + cause.detail + ")"));
}

// Channel failures keep their own code: the card was removed, the reader
// went away.
Error passed_on(std::string_view step, Error const& cause)
{
    return Error::make(cause.code, std::string(step) + ": " + cause.detail);
}

class Reader {
public:
    Reader(CardChannel& channel)
        : m_channel(channel)
    {
    }

    Result<ResponseApdu> send(CommandApdu const& command, std::string_view step)
    {
        if (m_apdus >= most_commands)
            return Error::make("card.protocol", std::string(step) + ": the chip needs too many commands");
        ++m_apdus;
        auto response = m_channel.transmit(command);
        if (!response.ok())
            return passed_on(step, response.error());
        return response.release_value();
    }

    Result<ResponseApdu> send_protected(bac::TerminalChannel& sm, CommandApdu const& plain, std::string_view step)
    {
        auto response = GUICHET_TRY(send(sm.protect(plain), step));
        auto clear = sm.unprotect(response);
        if (!clear.ok())
            return because("card.protocol", step, clear.error());
        return clear.release_value();
    }

    // The whole file with this short identifier: one command when it fits
    // in the first answer, more otherwise.
    Result<Bytes> read_file(bac::TerminalChannel& sm, std::uint8_t sfi, std::string_view step)
    {
        auto first = GUICHET_TRY(send_protected(sm, command::read_binary_sfi(sfi, 256), step));
        if ((first.sw & 0xFF00) == 0x6C00) // "wrong Le, ask for this many"
            first = GUICHET_TRY(send_protected(sm, command::read_binary_sfi(sfi, first.sw2()), step));
        if (first.sw == 0x6A82)
            return because("card.not_emrtd", step, status_error(first.sw));
        if (!first.ok() && first.sw != 0x6282)
            return because("card.protocol", step, status_error(first.sw));
        Bytes file = std::move(first.data);
        auto size = announced_size(file);
        if (!size.ok())
            return because("card.data", step, size.error());
        if (size.value() > largest_file)
            return Error::make("card.data", std::string(step) + ": the file announces an unlikely size");
        while (file.size() < size.value()) {
            auto want = std::min(chunk, size.value() - file.size());
            auto next = GUICHET_TRY(send_protected(sm, command::read_binary(file.size(), want), step));
            if (!next.ok() && next.sw != 0x6282)
                return because("card.protocol", step, status_error(next.sw));
            if (next.data.empty())
                return Error::make("card.data", std::string(step) + ": the file ends before its announced size");
            file.insert(file.end(), next.data.begin(), next.data.end());
            wipe(next.data);
        }
        file.resize(size.value());
        return file;
    }

    std::uint32_t apdus() const { return m_apdus; }

private:
    CardChannel& m_channel;
    std::uint32_t m_apdus { 0 };
};

Result<Bytes> random_of(ReadOptions const& options, std::size_t count)
{
    if (options.random)
        return options.random(count);
    return crypto::random_bytes(count);
}

}

Result<EmrtdRead> read_emrtd(CardChannel& channel, mrz::AccessKey const& access, Date today, ReadOptions const& options)
{
    auto started = std::chrono::steady_clock::now();
    auto stage = [&](ReadStage s) {
        if (options.on_stage)
            options.on_stage(s);
    };
    Reader reader(channel);

    stage(ReadStage::Selecting);
    auto selected = GUICHET_TRY(reader.send(command::select_emrtd_application(), "select"));
    if (!selected.ok())
        return because("card.not_emrtd", "select", status_error(selected.sw));

    stage(ReadStage::Authenticating);
    auto challenge = GUICHET_TRY(reader.send(command::get_challenge(), "get challenge"));
    if (!challenge.ok())
        return because("card.protocol", "get challenge", status_error(challenge.sw));
    if (challenge.data.size() != 8)
        return Error::make("card.protocol", "get challenge: the challenge is not 8 bytes");
    auto keys = bac::document_keys(access);
    auto rnd_ifd = GUICHET_TRY(random_of(options, 8));
    SecretBytes k_ifd(GUICHET_TRY(random_of(options, 16)));
    auto data = bac::authentication_data(keys, challenge.data, rnd_ifd, k_ifd.view());
    auto answer = GUICHET_TRY(reader.send(command::external_authenticate(data), "external authenticate"));
    if (answer.sw == 0x6300 || answer.sw == 0x6982 || (answer.sw & 0xFFF0) == 0x63C0)
        return because("card.access_denied", "external authenticate", status_error(answer.sw));
    if (!answer.ok())
        return because("card.protocol", "external authenticate", status_error(answer.sw));
    auto session = bac::finish_authentication(keys, challenge.data, rnd_ifd, k_ifd.view(), answer.data);
    if (!session.ok()) {
        // A chip that accepted our cryptogram but whose answer we cannot
        // check used other keys: for the resident, the same as a refusal.
        auto code = session.error().code == "card.bac.mac" ? "card.access_denied" : "card.protocol";
        return because(code, "external authenticate", session.error());
    }
    bac::TerminalChannel sm(session.release_value());

    stage(ReadStage::ReadingCom);
    Bytes com = GUICHET_TRY(reader.read_file(sm, sfi_com, "EF.COM"));
    auto com_object = read_tlv(com);
    if (!com_object.ok() || com_object.value().tag != 0x60)
        return Error::make("card.data", "EF.COM: not an EF.COM (tag 60)");
    auto tag_list = find_tlv(com_object.value().value, 0x5C);
    if (!tag_list.ok() || !tag_list.value()
        || std::ranges::find(tag_list.value()->value, std::uint8_t { 0x61 }) == tag_list.value()->value.end())
        return Error::make("card.not_emrtd", "EF.COM: the document lists no DG1");

    stage(ReadStage::ReadingDg1);
    Bytes dg1 = GUICHET_TRY(reader.read_file(sm, sfi_dg1, "DG1"));
    auto parsed = [&]() -> Result<mrz::Data> {
        auto outer = read_tlv(dg1);
        if (!outer.ok())
            return because("card.data", "DG1", outer.error());
        if (outer.value().tag != 0x61)
            return Error::make("card.data", "DG1: not a DG1 (tag 61)");
        auto inner = find_tlv(outer.value().value, 0x5F1F);
        if (!inner.ok())
            return because("card.data", "DG1", inner.error());
        if (!inner.value())
            return Error::make("card.data", "DG1: no MRZ (5F1F)");
        auto value = inner.value()->value;
        std::string text(value.begin(), value.end());
        auto data = mrz::parse(text, today);
        wipe(text);
        if (!data.ok())
            return because("card.data", "DG1", data.error());
        return data.release_value();
    }();
    wipe(dg1);
    wipe(com);
    if (!parsed.ok())
        return parsed.release_error();

    EmrtdRead read;
    read.data = parsed.release_value();
    read.apdus = reader.apdus();
    read.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    return read;
}

}
