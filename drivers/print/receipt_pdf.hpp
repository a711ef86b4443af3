// Renders a receipt as a PDF: what the simulator leaves in its folder, and
// the document a real printer backend will hand to its spooler. The layout
// is made for a reader with poor eyesight: large type, the tracking code
// spaced out for reading aloud, and a QR code that opens the follow page.
#pragma once

#include "kiosk/core/receipt.hpp"
#include "kiosk/core/result.hpp"

#include <filesystem>
#include <vector>

namespace guichet::print {

enum class PaperLayout {
    // A thermal roll: 80 mm wide (72 mm printable), as long as the content.
    Roll80mm,
    // An office printer: the same content in a column centred on A4 pages.
    A4,
};

// Writes the receipt to `out`. The PDF is written to a temporary file in the
// same folder and renamed into place, so a half-written receipt never
// appears under its final name; an existing file at `out` is replaced.
// Error codes: "print.io" (the folder cannot be written, the disk is full),
// "print.qr" (the follow URL does not fit in a QR code), "print.render"
// (cairo failed). Error details never contain the receipt's content.
Result<void> render_receipt_pdf(Receipt const& receipt, PaperLayout layout, std::filesystem::path const& out);

// The same document in memory, for a spooler, with its page size: a roll's
// length depends on the content, and the print job asks for that media.
struct RenderedReceipt {
    std::vector<unsigned char> pdf;
    double width_mm { 0 };
    double height_mm { 0 };
};
Result<RenderedReceipt> render_receipt_pdf(Receipt const& receipt, PaperLayout layout);

}
