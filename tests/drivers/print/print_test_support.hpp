// What the print tests share: a sample receipt and a scratch folder that
// cleans up after itself.
#pragma once

#include "kiosk/core/receipt.hpp"
#include "kiosk/core/tracking_code.hpp"
#include "tests/lib/scratch_folder.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace guichet::print::testing {

// 22/11/2026 at 14:05 in Paris (13:05 UTC).
constexpr std::int64_t sample_confirmed_at = 1795352700;

inline TrackingCode sample_code(std::uint64_t serial = 42)
{
    return TrackingCode::from_serial(serial, 0x5EC4E7);
}

inline Receipt sample_receipt(std::uint64_t serial = 42)
{
    return make_receipt(ReceiptSettings {}, "Signaler un problème de voirie (nid-de-poule, éclairage, trottoir)",
        "Votre signalement est enregistré",
        "Les services techniques de la mairie examineront votre signalement sous 15 jours. Conservez ce reçu : "
        "il prouve votre démarche.",
        sample_code(serial), sample_confirmed_at);
}

// The print tests' scratch folders are named after them.
class ScratchFolder : public guichet::test_support::ScratchFolder {
public:
    ScratchFolder()
        : guichet::test_support::ScratchFolder("guichet-print")
    {
    }
};

inline std::string read_file(std::filesystem::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

}
