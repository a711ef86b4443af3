// The printed receipt read back as a resident would: poppler extracts its
// text and measures its pages, zbar scans its QR code. Needs poppler-utils
// and zbar-tools.
#include "drivers/print/receipt_pdf.hpp"
#include "print_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace guichet::print {
namespace {

using testing::sample_receipt;
using testing::ScratchFolder;

constexpr double points_per_mm = 72.0 / 25.4;

struct CommandOutput {
    int status;
    std::string out;
};

std::string shell_word(std::filesystem::path const& path)
{
    return "'" + path.string() + "'";
}

CommandOutput run(std::string const& command)
{
    CommandOutput result { -1, {} };
    FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
    if (!pipe)
        return result;
    char buffer[4096];
    std::size_t read;
    while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        result.out.append(buffer, read);
    result.status = ::pclose(pipe);
    return result;
}

bool have_tool(std::string const& name)
{
    return run("command -v " + name).status == 0;
}

// Runs of white space, line breaks included, become one space: a wrapped
// title reads the same as on one line.
std::string normalised(std::string const& text)
{
    std::string out;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!out.empty() && out.back() != ' ')
                out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string without_spaces(std::string const& text)
{
    std::string out;
    for (char c : text) {
        if (!std::isspace(static_cast<unsigned char>(c)))
            out.push_back(c);
    }
    return out;
}

struct PageSize {
    double width;
    double height;
    int pages;
};

PageSize page_size(std::filesystem::path const& pdf)
{
    std::string const info = run("pdfinfo " + shell_word(pdf)).out;
    PageSize size { 0, 0, 0 };
    std::smatch match;
    if (std::regex_search(info, match, std::regex(R"(Page size:\s+([0-9.]+) x ([0-9.]+) pts)"))) {
        size.width = std::stod(match[1]);
        size.height = std::stod(match[2]);
    }
    if (std::regex_search(info, match, std::regex(R"(Pages:\s+([0-9]+))")))
        size.pages = std::stoi(match[1]);
    return size;
}

struct Word {
    double x_min, y_min, x_max, y_max;
    std::string text;
    double height() const { return y_max - y_min; }
};

// Every word on the first page with its box, from `pdftotext -bbox`.
std::vector<Word> words_of(std::filesystem::path const& pdf)
{
    std::string const html = run("pdftotext -bbox -f 1 -l 1 " + shell_word(pdf) + " -").out;
    std::regex const word_pattern(
        R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
    std::vector<Word> words;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), word_pattern); it != std::sregex_iterator(); ++it) {
        auto const& m = *it;
        words.push_back({ std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), m[5] });
    }
    return words;
}

struct GreyImage {
    int width { 0 };
    int height { 0 };
    std::string pixels;
    bool dark(int x, int y) const { return static_cast<unsigned char>(pixels[std::size_t(y) * width + x]) < 128; }
};

// A binary PGM ("P5", 8 bits), as `pdftoppm -gray` writes it.
GreyImage read_pgm(std::filesystem::path const& file)
{
    std::istringstream in(testing::read_file(file));
    std::string magic;
    int width = 0, height = 0, max_value = 0;
    in >> magic >> width >> height >> max_value;
    in.get();
    GreyImage image;
    if (!in || magic != "P5" || max_value != 255 || width <= 0 || height <= 0)
        return image;
    image.pixels.resize(std::size_t(width) * height);
    if (!in.read(image.pixels.data(), static_cast<std::streamsize>(image.pixels.size())))
        return {};
    image.width = width;
    image.height = height;
    return image;
}

class ReceiptPdf : public ::testing::TestWithParam<PaperLayout> {
protected:
    void SetUp() override
    {
        for (char const* tool : { "pdftotext", "pdfinfo", "pdftoppm", "zbarimg" })
            ASSERT_TRUE(have_tool(tool)) << tool << " is missing: install poppler-utils and zbar-tools";
        // The receipt shows local time; the kiosks are in metropolitan France.
        ::setenv("TZ", "Europe/Paris", 1);
        ::tzset();
    }

    std::filesystem::path render(Receipt const& receipt)
    {
        std::filesystem::path const out = m_scratch.path() / (receipt.code.text() + ".pdf");
        Result<void> result = render_receipt_pdf(receipt, GetParam(), out);
        EXPECT_TRUE(result.ok()) << result.error().code << ": " << result.error().detail;
        return out;
    }

    std::string text_of(std::filesystem::path const& pdf)
    {
        CommandOutput text = run("pdftotext -layout -enc UTF-8 " + shell_word(pdf) + " -");
        EXPECT_EQ(text.status, 0);
        return text.out;
    }

    ScratchFolder m_scratch;
};

TEST_P(ReceiptPdf, SaysEverythingTheResidentNeedsInReadingOrder)
{
    Receipt const receipt = sample_receipt();
    std::string const text = normalised(text_of(render(receipt)));

    std::vector<std::string> const expected_in_order {
        "Maison France Services",
        "Signaler un problème de voirie (nid-de-poule, éclairage, trottoir)",
        "Votre signalement est enregistré",
        "Le 22/11/2026 à 14 h 05",
        "Votre code de suivi",
        "Les services techniques de la mairie examineront votre signalement sous 15 jours. Conservez ce reçu : il "
        "prouve votre démarche.",
        "Une question ? Adressez-vous à l'accueil en montrant ce code.",
    };
    std::size_t previous = 0;
    for (std::string const& line : expected_in_order) {
        std::size_t at = text.find(line, previous);
        EXPECT_NE(at, std::string::npos) << "missing or out of order: " << line << "\nin: " << text;
        if (at != std::string::npos)
            previous = at + line.size();
    }
}

TEST_P(ReceiptPdf, ShowsTheTrackingCodeLargeBetweenItsLabelAndTheNextSteps)
{
    Receipt const receipt = sample_receipt();
    std::filesystem::path const pdf = render(receipt);

    // The letters are spaced out on paper, so pdftotext may split them; in
    // order, without the spaces, they must read as displayed.
    std::string const squeezed = without_spaces(text_of(pdf));
    std::size_t const label = squeezed.find("Votrecodedesuivi");
    std::size_t const code = squeezed.find(receipt.code.display());
    std::size_t const next_steps = squeezed.find("Lesservicestechniques");
    ASSERT_NE(label, std::string::npos);
    ASSERT_NE(code, std::string::npos) << receipt.code.display() << " not in " << squeezed;
    EXPECT_LT(label, code);
    EXPECT_LT(code, next_steps);

    // Large: its letters stand at least twice as tall as the label's.
    std::vector<Word> const words = words_of(pdf);
    double label_height = 0;
    double code_height = 0;
    std::string code_letters;
    for (Word const& word : words) {
        if (word.text == "suivi" && label_height == 0)
            label_height = word.height();
        else if (label_height > 0 && code_letters.size() < receipt.code.display().size()) {
            code_letters += word.text;
            code_height = std::max(code_height, word.height());
        }
    }
    EXPECT_EQ(code_letters, receipt.code.display());
    EXPECT_GE(code_height, 2 * label_height);
}

TEST_P(ReceiptPdf, NoWordRunsOffThePaper)
{
    Receipt receipt = sample_receipt();
    receipt.demarche_title = "Demander l'inscription sur les listes électorales complémentaires municipales et "
                             "européennes";
    receipt.next_steps = "Suivez votre dossier sur https://www.service-public.fr/particuliers/vosdroits/"
                         "demarche-en-ligne/suivi-de-votre-demande-anticonstitutionnellement";
    std::filesystem::path const pdf = render(receipt);
    PageSize const size = page_size(pdf);

    std::vector<Word> const words = words_of(pdf);
    ASSERT_FALSE(words.empty());
    double const margin = 3 * points_per_mm;
    for (Word const& word : words) {
        EXPECT_GE(word.x_min, margin) << word.text;
        EXPECT_LE(word.x_max, size.width - margin) << word.text;
        EXPECT_LE(word.y_max, size.height - margin) << word.text;
    }
    // The long URL is cut, not lost.
    EXPECT_NE(without_spaces(text_of(pdf)).find("suivi-de-votre-demande-anticonstitutionnellement"), std::string::npos);
}

TEST_P(ReceiptPdf, TheQrCodeOpensTheFollowPage)
{
    Receipt const receipt = sample_receipt();
    std::filesystem::path const pdf = render(receipt);
    std::filesystem::path const png = m_scratch.path() / "page";

    ASSERT_EQ(run("pdftoppm -r 200 -png -singlefile " + shell_word(pdf) + " " + shell_word(png)).status, 0);
    CommandOutput scanned = run("zbarimg --raw -q " + shell_word(png.string() + ".png"));

    ASSERT_EQ(scanned.status, 0) << "no QR code found";
    while (!scanned.out.empty() && std::isspace(static_cast<unsigned char>(scanned.out.back())))
        scanned.out.pop_back();
    EXPECT_EQ(scanned.out, receipt.follow_url);
    EXPECT_EQ(receipt.follow_url, "https://suivi.guichet.fr/" + receipt.code.text());
}

TEST_P(ReceiptPdf, TheQrCodeIsAtLeastThirtyMillimetresWide)
{
    Receipt const receipt = sample_receipt();
    std::filesystem::path const pdf = render(receipt);
    std::filesystem::path const pgm = m_scratch.path() / "page";
    int const dpi = 200;
    double const pixels_per_point = dpi / 72.0;
    double const pixels_per_mm = dpi / 25.4;
    ASSERT_EQ(
        run("pdftoppm -r " + std::to_string(dpi) + " -gray -singlefile " + shell_word(pdf) + " " + shell_word(pgm))
            .status,
        0);
    GreyImage const page = read_pgm(pgm.string() + ".pgm");
    ASSERT_GT(page.width, 0);

    // The QR code is the only drawing between the tracking code and the
    // next steps, apart from the dashed rule across the whole column.
    double band_top = 0;
    double band_bottom = 0;
    for (Word const& word : words_of(pdf)) {
        if (receipt.code.display().ends_with(word.text) && band_top == 0)
            band_top = word.y_max;
        if (word.text == "Les" && band_bottom == 0)
            band_bottom = word.y_min;
    }
    ASSERT_GT(band_bottom, band_top);
    int left = page.width, right = -1, top = page.height, bottom = -1;
    for (int y = static_cast<int>(band_top * pixels_per_point) + 1; y < band_bottom * pixels_per_point; ++y) {
        int row_left = page.width, row_right = -1;
        for (int x = 0; x < page.width; ++x) {
            if (page.dark(x, y)) {
                row_left = std::min(row_left, x);
                row_right = std::max(row_right, x);
            }
        }
        if (row_right < 0 || row_right - row_left > 50 * pixels_per_mm)
            continue;
        left = std::min(left, row_left);
        right = std::max(right, row_right);
        top = std::min(top, y);
        bottom = std::max(bottom, y);
    }
    double const width_mm = (right - left + 1) / pixels_per_mm;
    double const height_mm = (bottom - top + 1) / pixels_per_mm;
    EXPECT_GE(width_mm, 30.0);
    EXPECT_NEAR(height_mm, width_mm, 0.5) << "not square";
    // Centred on the page.
    EXPECT_NEAR((left + right) / 2.0, page.width / 2.0, 1 * pixels_per_mm);
}

INSTANTIATE_TEST_SUITE_P(Layouts, ReceiptPdf, ::testing::Values(PaperLayout::Roll80mm, PaperLayout::A4),
    [](auto const& info) { return info.param == PaperLayout::Roll80mm ? std::string("Roll80mm") : std::string("A4"); });

TEST(ReceiptPdfRoll, IsEightyMillimetresWideAndAsLongAsItsContent)
{
    ASSERT_TRUE(have_tool("pdfinfo")) << "pdfinfo is missing: install poppler-utils";
    ScratchFolder scratch;
    Receipt receipt = sample_receipt();
    std::filesystem::path const short_pdf = scratch.path() / "short.pdf";
    ASSERT_TRUE(render_receipt_pdf(receipt, PaperLayout::Roll80mm, short_pdf).ok());
    receipt.next_steps += "\n" + receipt.next_steps + "\n" + receipt.next_steps;
    std::filesystem::path const long_pdf = scratch.path() / "long.pdf";
    ASSERT_TRUE(render_receipt_pdf(receipt, PaperLayout::Roll80mm, long_pdf).ok());

    PageSize const short_size = page_size(short_pdf);
    PageSize const long_size = page_size(long_pdf);
    EXPECT_NEAR(short_size.width / points_per_mm, 80.0, 0.1);
    EXPECT_EQ(short_size.pages, 1);
    EXPECT_EQ(long_size.pages, 1);
    // Fitted to the content: three times the next steps make a longer roll.
    EXPECT_GT(short_size.height, 100 * points_per_mm);
    EXPECT_GT(long_size.height, short_size.height + 20 * points_per_mm);
}

TEST(ReceiptPdfA4, IsOneA4Page)
{
    ASSERT_TRUE(have_tool("pdfinfo")) << "pdfinfo is missing: install poppler-utils";
    ScratchFolder scratch;
    std::filesystem::path const pdf = scratch.path() / "a4.pdf";
    ASSERT_TRUE(render_receipt_pdf(sample_receipt(), PaperLayout::A4, pdf).ok());

    PageSize const size = page_size(pdf);
    EXPECT_NEAR(size.width / points_per_mm, 210.0, 0.1);
    EXPECT_NEAR(size.height / points_per_mm, 297.0, 0.1);
    EXPECT_EQ(size.pages, 1);
}

}
}
