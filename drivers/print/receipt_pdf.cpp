// The receipt's layout, drawn with cairo onto a PDF surface; the QR code is
// made by libqrencode and drawn as filled rectangles, so it stays sharp at
// any resolution the printer or a PDF viewer renders it at.
#include "receipt_pdf.hpp"

#include "kiosk/core/utf8.hpp"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <ctime>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

namespace guichet::print {

namespace {

// [SECTION] Page geometry

constexpr double points_per_mm = 72.0 / 25.4;

constexpr double mm(double millimetres)
{
    return millimetres * points_per_mm;
}

struct PageGeometry {
    double width;
    // Zero for a roll: one page exactly as long as its content.
    double height;
    double column_x;
    double column_width;
    double top_margin;
    double bottom_margin;
    // Every type size and vertical gap is multiplied by this.
    double scale;
    // The printer's dot pitch. QR modules are a whole number of dots wide so
    // that a thermal head draws them all alike; zero when unknown.
    double dot;
};

PageGeometry geometry_for(PaperLayout layout)
{
    switch (layout) {
    case PaperLayout::Roll80mm:
        // Thermal printers print the middle 72 mm of an 80 mm roll, at 203 dpi.
        return { mm(80), 0, mm(4), mm(72), mm(5), mm(6), 1.0, 72.0 / 203.0 };
    case PaperLayout::A4:
        // An office printer has room for larger type; the column stays narrow
        // enough for lines to be read without losing one's place.
        return { mm(210), mm(297), mm(45), mm(120), mm(25), mm(20), 1.25, 0 };
    }
    return geometry_for(PaperLayout::Roll80mm);
}

// [SECTION] Fonts

enum class Weight {
    Regular,
    Bold,
};

struct FontFaces {
    cairo_font_face_t* regular;
    cairo_font_face_t* bold;
};

// DejaVu Sans is loaded from its file rather than looked up through
// fontconfig, so every kiosk draws the same glyphs and the same line breaks
// whatever its font configuration. Without the file, fontconfig's best match
// for the family is used instead.
cairo_font_face_t* load_face(FT_Library library, char const* path, cairo_font_weight_t weight)
{
    FT_Face face = nullptr;
    if (library && FT_New_Face(library, path, 0, &face) == 0) {
        cairo_font_face_t* font = cairo_ft_font_face_create_for_ft_face(face, 0);
        if (cairo_font_face_status(font) == CAIRO_STATUS_SUCCESS)
            return font;
        cairo_font_face_destroy(font);
        FT_Done_Face(face);
    }
    return cairo_toy_font_face_create("DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, weight);
}

FontFaces const& font_faces()
{
    // Loaded once and kept for the life of the process. From then on only
    // cairo touches the FreeType faces, and it locks each face while using
    // it, so receipts may be rendered on several threads at once.
    static FontFaces const faces = [] {
        FT_Library library = nullptr;
        if (FT_Init_FreeType(&library) != 0)
            library = nullptr;
        return FontFaces {
            load_face(library, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", CAIRO_FONT_WEIGHT_NORMAL),
            load_face(library, "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", CAIRO_FONT_WEIGHT_BOLD),
        };
    }();
    return faces;
}

// [SECTION] Words and lines

std::size_t next_code_point(std::string_view text, std::size_t at)
{
    ++at;
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80)
        ++at;
    return at;
}

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

// French sets a space before ? ! : ; and », and after «. A line must not
// start with the former or end with the latter, so they travel with their
// word.
bool binds_to_previous(std::string_view word)
{
    return word == "?" || word == "!" || word == ":" || word == ";" || word == "»";
}

std::vector<std::string> words_of(std::string_view text)
{
    std::vector<std::string> words;
    bool glue_next = false;
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && is_space(text[at]))
            ++at;
        std::size_t end = at;
        while (end < text.size() && !is_space(text[end]))
            ++end;
        if (end == at)
            break;
        std::string_view word = text.substr(at, end - at);
        if (!words.empty() && (glue_next || binds_to_previous(word)))
            words.back().append(" ").append(word);
        else
            words.emplace_back(word);
        glue_next = word == "«";
        at = end;
    }
    return words;
}

double advance_of(cairo_t* cr, std::string const& text)
{
    cairo_text_extents_t extents;
    cairo_text_extents(cr, text.c_str(), &extents);
    return extents.x_advance;
}

// Breaks one paragraph into lines no wider than `width`, with the current
// font. A word wider than a whole line (a long URL) is cut between
// characters rather than left to overflow the paper.
std::vector<std::string> lines_of(cairo_t* cr, std::string_view paragraph, double width)
{
    std::vector<std::string> lines;
    std::string line;
    for (std::string& word : words_of(paragraph)) {
        std::string candidate = line.empty() ? word : line + " " + word;
        if (advance_of(cr, candidate) <= width) {
            line = std::move(candidate);
            continue;
        }
        if (!line.empty())
            lines.push_back(std::move(line));
        line.clear();
        std::size_t at = 0;
        while (at < word.size()) {
            std::size_t next = next_code_point(word, at);
            std::string longer = line + word.substr(at, next - at);
            if (!line.empty() && advance_of(cr, longer) > width) {
                lines.push_back(std::move(line));
                line.clear();
                continue;
            }
            line = std::move(longer);
            at = next;
        }
    }
    if (!line.empty())
        lines.push_back(std::move(line));
    return lines;
}

// [SECTION] Drawing

enum class Align {
    Left,
    Centre,
};

struct QrCodeDeleter {
    void operator()(QRcode* code) const { QRcode_free(code); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeDeleter>;

// Draws blocks down the column, top to bottom. On paged paper a block that
// does not fit below the previous one starts a new page.
class Column {
public:
    Column(cairo_t* cr, PageGeometry const& page)
        : m_cr(cr)
        , m_page(page)
        , m_y(page.top_margin)
    {
    }

    double y() const { return m_y; }

    void skip(double points) { m_y += points * m_page.scale; }

    void paragraphs(std::string_view text, Weight weight, double size, Align align)
    {
        use_font(weight, size);
        cairo_font_extents_t font;
        cairo_font_extents(m_cr, &font);
        double const line_height = (font.ascent + font.descent) * 1.1;
        std::size_t at = 0;
        while (at <= text.size()) {
            std::size_t end = std::min(text.find('\n', at), text.size());
            for (std::string const& line : lines_of(m_cr, text.substr(at, end - at), m_page.column_width)) {
                make_room(line_height);
                double x = m_page.column_x;
                if (align == Align::Centre)
                    x += (m_page.column_width - advance_of(m_cr, line)) / 2;
                cairo_move_to(m_cr, x, m_y + font.ascent);
                cairo_show_text(m_cr, line.c_str());
                m_y += line_height;
            }
            at = end + 1;
        }
    }

    // One centred line with `spacing` ems between characters, shrunk if it
    // would not fit the column. For the tracking code: read aloud at the
    // desk or over the phone, letter by letter, the eye must not lose its
    // place.
    void spaced_line(std::string_view text, Weight weight, double size, double spacing)
    {
        use_font(weight, size);
        std::vector<std::string> characters;
        for (std::size_t at = 0; at < text.size();) {
            std::size_t next = next_code_point(text, at);
            characters.emplace_back(text.substr(at, next - at));
            at = next;
        }
        auto width_at_current_size = [&] {
            double scaled_size = size * m_page.scale;
            double width = spacing * scaled_size * static_cast<double>(characters.size() - 1);
            for (std::string const& character : characters)
                width += advance_of(m_cr, character);
            return width;
        };
        double width = width_at_current_size();
        if (width > m_page.column_width) {
            size *= m_page.column_width / width;
            use_font(weight, size);
            width = width_at_current_size();
        }
        cairo_font_extents_t font;
        cairo_font_extents(m_cr, &font);
        make_room(font.ascent + font.descent);
        double x = m_page.column_x + (m_page.column_width - width) / 2;
        for (std::string const& character : characters) {
            cairo_move_to(m_cr, x, m_y + font.ascent);
            cairo_show_text(m_cr, character.c_str());
            x += advance_of(m_cr, character) + spacing * size * m_page.scale;
        }
        m_y += font.ascent + font.descent;
    }

    // The QR code with its quiet zone of four modules on every side. The
    // symbol is at least `symbol_width` wide so that phone cameras read it
    // at arm's length, unless the column is too narrow for that.
    void qr_code(QRcode const& code, double symbol_width)
    {
        int const quiet_zone = 4;
        double const modules = code.width;
        double module = symbol_width * m_page.scale / modules;
        double const widest = m_page.column_width / (modules + 2 * quiet_zone);
        if (m_page.dot > 0) {
            module = std::ceil(module / m_page.dot) * m_page.dot;
            if (module > widest)
                module = std::max(m_page.dot, std::floor(widest / m_page.dot) * m_page.dot);
        } else {
            module = std::min(module, widest);
        }
        make_room((modules + 2 * quiet_zone) * module);
        double const left = m_page.column_x + (m_page.column_width - modules * module) / 2;
        double const top = m_y + quiet_zone * module;
        // Dark modules are bit 0 of each byte. Runs along a row become one
        // rectangle, so a rasteriser leaves no hairline between neighbours.
        for (int row = 0; row < code.width; ++row) {
            unsigned char const* cells = code.data + static_cast<std::size_t>(row) * code.width;
            for (int column = 0; column < code.width;) {
                if (!(cells[column] & 1)) {
                    ++column;
                    continue;
                }
                int run_end = column;
                while (run_end < code.width && (cells[run_end] & 1))
                    ++run_end;
                cairo_rectangle(m_cr, left + column * module, top + row * module, (run_end - column) * module, module);
                column = run_end;
            }
        }
        cairo_fill(m_cr);
        m_y += (modules + 2 * quiet_zone) * module;
    }

    // A dashed line across the column, between the parts of the receipt.
    void rule()
    {
        double const dash[] = { 3, 3 };
        make_room(1);
        cairo_save(m_cr);
        cairo_set_line_width(m_cr, 0.8);
        cairo_set_dash(m_cr, dash, 2, 0);
        cairo_move_to(m_cr, m_page.column_x, m_y + 0.4);
        cairo_line_to(m_cr, m_page.column_x + m_page.column_width, m_y + 0.4);
        cairo_stroke(m_cr);
        cairo_restore(m_cr);
        m_y += 0.8;
    }

private:
    void use_font(Weight weight, double size)
    {
        FontFaces const& faces = font_faces();
        cairo_set_font_face(m_cr, weight == Weight::Bold ? faces.bold : faces.regular);
        cairo_set_font_size(m_cr, size * m_page.scale);
    }

    void make_room(double height)
    {
        if (m_page.height <= 0 || m_y <= m_page.top_margin)
            return;
        if (m_y + height > m_page.height - m_page.bottom_margin) {
            cairo_show_page(m_cr);
            m_y = m_page.top_margin;
        }
    }

    cairo_t* m_cr;
    PageGeometry m_page;
    double m_y;
};

struct ReceiptText {
    Receipt const& receipt;
    std::string date_line;
    QRcode const* follow_code;
};

// A desk ticket, top to bottom: the number large enough to read from the
// ticket held at arm's length when the agent calls it.
double lay_out_desk_ticket(cairo_t* cr, PageGeometry const& page, ReceiptText const& text)
{
    Receipt const& ticket = text.receipt;
    Column column(cr, page);
    column.paragraphs(ticket.site_name, Weight::Regular, 11, Align::Centre);
    column.skip(8);
    column.paragraphs(ticket.title, Weight::Bold, 16, Align::Centre);
    column.skip(2);
    column.paragraphs(text.date_line, Weight::Regular, 12, Align::Centre);
    column.skip(10);
    column.rule();
    column.skip(14);
    column.spaced_line(ticket.desk_number, Weight::Bold, 44, 0.1);
    column.skip(14);
    column.rule();
    column.skip(10);
    column.paragraphs(ticket.next_steps, Weight::Regular, 12, Align::Left);
    return column.y();
}

// The receipt, top to bottom. Returns where the content ends.
double lay_out(cairo_t* cr, PageGeometry const& page, ReceiptText const& text)
{
    Receipt const& receipt = text.receipt;
    if (!receipt.desk_number.empty())
        return lay_out_desk_ticket(cr, page, text);
    Column column(cr, page);
    column.paragraphs(receipt.site_name, Weight::Regular, 11, Align::Centre);
    column.skip(8);
    column.paragraphs(receipt.demarche_title, Weight::Bold, 16, Align::Centre);
    column.skip(6);
    column.paragraphs(receipt.title, Weight::Regular, 13, Align::Centre);
    column.skip(2);
    column.paragraphs(text.date_line, Weight::Regular, 12, Align::Centre);
    column.skip(10);
    column.rule();
    column.skip(10);
    column.paragraphs("Votre code de suivi", Weight::Regular, 12, Align::Centre);
    column.skip(4);
    column.spaced_line(receipt.code.display(), Weight::Bold, 26, 0.2);
    if (text.follow_code)
        column.qr_code(*text.follow_code, mm(32));
    else
        column.skip(10);
    column.rule();
    column.skip(10);
    column.paragraphs(receipt.next_steps, Weight::Regular, 12, Align::Left);
    column.skip(8);
    column.paragraphs(receipt.help_text, Weight::Regular, 11, Align::Left);
    return column.y();
}

// [SECTION] PDF output

struct SurfaceDeleter {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

struct FileSink {
    int fd;
    int error { 0 };
};

cairo_status_t write_to_file(void* closure, unsigned char const* data, unsigned int length)
{
    auto* sink = static_cast<FileSink*>(closure);
    while (length > 0) {
        ssize_t written = ::write(sink->fd, data, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            sink->error = errno;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        data += written;
        length -= static_cast<unsigned int>(written);
    }
    return CAIRO_STATUS_SUCCESS;
}

cairo_status_t discard(void*, unsigned char const*, unsigned int)
{
    return CAIRO_STATUS_SUCCESS;
}

// Draws the receipt on one PDF surface of the given height. `bottom`
// receives where the content ended.
cairo_status_t draw_pdf(cairo_write_func_t write, void* closure, PageGeometry const& page, double height,
    ReceiptText const& text, double& bottom)
{
    std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
        cairo_pdf_surface_create_for_stream(write, closure, page.width, height));
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, "Reçu");
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Guichet");
    std::unique_ptr<cairo_t, ContextDeleter> cr(cairo_create(surface.get()));
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    bottom = lay_out(cr.get(), page, text);
    cairo_status_t status = cairo_status(cr.get());
    cr.reset();
    cairo_surface_finish(surface.get());
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface.get());
    return status;
}

Error io_error(std::string_view step, int error)
{
    // The path is left out on purpose: it holds the tracking code.
    return Error::make(
        "print.io", std::string(step) + ": " + std::error_code(error, std::generic_category()).message());
}

// A file created beside its destination and renamed onto it once complete;
// removed if abandoned before that.
class TemporaryFile {
public:
    explicit TemporaryFile(std::filesystem::path const& destination)
    {
        std::filesystem::path folder = destination.parent_path();
        if (folder.empty())
            folder = ".";
        m_path = (folder / ("." + destination.filename().string() + ".XXXXXX")).string();
        m_fd = ::mkstemp(m_path.data());
        if (m_fd < 0)
            m_error = errno;
        m_created = m_fd >= 0;
    }
    TemporaryFile(TemporaryFile const&) = delete;
    TemporaryFile& operator=(TemporaryFile const&) = delete;
    ~TemporaryFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (m_created && !m_renamed)
            ::unlink(m_path.c_str());
    }

    int fd() const { return m_fd; }
    int creation_error() const { return m_error; }

    Result<void> rename_onto(std::filesystem::path const& destination)
    {
        // The data reaches the disk before the name does: after a power cut
        // the receipt is either whole or absent, never empty.
        if (::fsync(m_fd) != 0)
            return io_error("fsync", errno);
        int fd = m_fd;
        m_fd = -1;
        if (::close(fd) != 0)
            return io_error("close", errno);
        if (::rename(m_path.c_str(), destination.c_str()) != 0)
            return io_error("rename", errno);
        m_renamed = true;
        return {};
    }

private:
    std::string m_path;
    int m_fd { -1 };
    int m_error { 0 };
    bool m_created { false };
    bool m_renamed { false };
};

cairo_status_t append_to_memory(void* closure, unsigned char const* data, unsigned int length)
{
    auto* bytes = static_cast<std::vector<unsigned char>*>(closure);
    try {
        bytes->insert(bytes->end(), data, data + length);
    } catch (std::bad_alloc const&) {
        return CAIRO_STATUS_NO_MEMORY;
    }
    return CAIRO_STATUS_SUCCESS;
}

// Validates, lays out and draws the receipt into `write`; `size` receives
// the page's size in points.
Result<void> render(
    Receipt const& receipt, PaperLayout layout, cairo_write_func_t write, void* closure, double& width, double& height)
{
    for (std::string const* field : { &receipt.site_name, &receipt.demarche_title, &receipt.title, &receipt.follow_url,
             &receipt.next_steps, &receipt.help_text, &receipt.desk_number }) {
        if (!utf8::is_valid(*field))
            return Error::make("print.render", "receipt text is not valid UTF-8");
    }

    std::time_t const confirmed_at = static_cast<std::time_t>(receipt.confirmed_at);
    std::tm local {};
    if (!localtime_r(&confirmed_at, &local))
        gmtime_r(&confirmed_at, &local);

    QrCodePtr follow_code;
    if (!receipt.follow_url.empty()) {
        errno = 0;
        follow_code.reset(QRcode_encodeString(receipt.follow_url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
        if (!follow_code) {
            return Error::make(
                "print.qr", errno == ERANGE ? "follow URL too long for a QR code" : "QR code could not be encoded");
        }
    }

    ReceiptText const text { receipt, "Le " + format_date_time_fr(local), follow_code.get() };
    PageGeometry const page = geometry_for(layout);
    width = page.width;
    height = page.height;
    double bottom = 0;
    if (height <= 0) {
        // A roll is cut to the content: lay it out once to measure, with the
        // same fonts and metrics as the real pass, then draw it for real.
        cairo_status_t status = draw_pdf(discard, nullptr, page, 1, text, bottom);
        if (status != CAIRO_STATUS_SUCCESS)
            return Error::make("print.render", cairo_status_to_string(status));
        height = std::ceil(bottom + page.bottom_margin);
    }

    cairo_status_t status = draw_pdf(write, closure, page, height, text, bottom);
    if (status != CAIRO_STATUS_SUCCESS)
        return Error::make("print.render", cairo_status_to_string(status));
    return {};
}

Result<void> render_to_file(Receipt const& receipt, PaperLayout layout, std::filesystem::path const& out)
{
    TemporaryFile file(out);
    if (file.fd() < 0)
        return io_error("create temporary file", file.creation_error());
    FileSink sink { file.fd() };
    double width = 0, height = 0;
    auto drawn = render(receipt, layout, write_to_file, &sink, width, height);
    if (sink.error != 0)
        return io_error("write", sink.error);
    if (!drawn)
        return drawn;
    return file.rename_onto(out);
}

Result<RenderedReceipt> render_to_memory(Receipt const& receipt, PaperLayout layout)
{
    RenderedReceipt rendered;
    double width = 0, height = 0;
    GUICHET_TRY(render(receipt, layout, append_to_memory, &rendered.pdf, width, height));
    rendered.width_mm = width / points_per_mm;
    rendered.height_mm = height / points_per_mm;
    return rendered;
}

}

Result<void> render_receipt_pdf(Receipt const& receipt, PaperLayout layout, std::filesystem::path const& out)
{
    // Nothing thrown inside may cross the module boundary.
    try {
        return render_to_file(receipt, layout, out);
    } catch (std::bad_alloc const&) {
        return Error::make("print.render", "out of memory");
    } catch (...) {
        return Error::make("print.render", "unexpected exception");
    }
}

Result<RenderedReceipt> render_receipt_pdf(Receipt const& receipt, PaperLayout layout)
{
    try {
        return render_to_memory(receipt, layout);
    } catch (std::bad_alloc const&) {
        return Error::make("print.render", "out of memory");
    } catch (...) {
        return Error::make("print.render", "unexpected exception");
    }
}

}
