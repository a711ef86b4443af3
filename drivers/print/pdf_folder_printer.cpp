// The receipt printer simulator: receipts become PDF files in a folder.
#include "receipt_device.hpp"

#include "kiosk/core/log.hpp"

#include <cctype>
#include <string>
#include <system_error>
#include <utility>

namespace guichet::print {

namespace {

// Past this many copies of one receipt, something is looping.
constexpr int max_copies = 99;

// "KXTBPDQM.pdf" for a receipt, "accueil-A017.pdf" for a desk ticket.
std::filesystem::path file_for(std::filesystem::path const& folder, Receipt const& receipt, int copy)
{
    std::string name = receipt.code.text();
    if (!receipt.desk_number.empty()) {
        name = "accueil-";
        for (char c : receipt.desk_number) {
            if (std::isalnum(static_cast<unsigned char>(c)))
                name += c;
        }
    }
    if (copy == 1)
        return folder / (name + ".pdf");
    return folder / (name + "-" + std::to_string(copy) + ".pdf");
}

}

PdfFolderPrinter::PdfFolderPrinter(std::filesystem::path folder, PaperLayout layout)
    : m_folder(std::move(folder))
    , m_layout(layout)
{
}

void PdfFolderPrinter::interrupt()
{
    std::lock_guard lock(m_mutex);
    m_interrupted = true;
    m_changed.notify_all();
}

void PdfFolderPrinter::set_problems(std::vector<PrinterProblem> problems)
{
    std::lock_guard lock(m_mutex);
    m_state = printer_state_of(std::move(problems));
    m_changed.notify_all();
}

bool PdfFolderPrinter::cancel()
{
    std::lock_guard lock(m_mutex);
    if (!m_waiting)
        return false;
    m_cancelled = true;
    m_changed.notify_all();
    return true;
}

PrinterState PdfFolderPrinter::state() const
{
    std::lock_guard lock(m_mutex);
    return m_state;
}

PrintOutcome PdfFolderPrinter::print(Receipt const& receipt)
{
    {
        std::unique_lock lock(m_mutex);
        m_waiting = true;
        m_changed.wait(lock, [this] { return m_interrupted || m_cancelled || m_state.can_print(); });
        m_waiting = false;
        if (m_interrupted)
            return PrintOutcome::Failed;
        if (m_cancelled) {
            m_cancelled = false;
            m_last_error = Error::make("print.canceled", "the job was canceled while the printer was stopped");
            log(LogLevel::Warning, "print", "PDF printer: the waiting job was canceled");
            return PrintOutcome::Failed;
        }
    }
    auto outcome = write_receipt(receipt);
    // The resident is told on screen; the technician needs the reason.
    if (outcome != PrintOutcome::Printed)
        log(LogLevel::Warning, "print", "PDF printer: " + m_last_error.code + ": " + m_last_error.detail);
    return outcome;
}

PrintOutcome PdfFolderPrinter::write_receipt(Receipt const& receipt)
{
    try {
        std::error_code error;
        std::filesystem::create_directories(m_folder, error);
        if (error) {
            m_last_error = Error::make("print.io", "create folder: " + error.message());
            return PrintOutcome::Failed;
        }
        // Only this printer writes into its folder, one job at a time, so
        // the free name found here is still free when the file is renamed.
        for (int copy = 1; copy <= max_copies; ++copy) {
            std::filesystem::path file = file_for(m_folder, receipt, copy);
            bool const taken = std::filesystem::exists(file, error);
            if (error) {
                m_last_error = Error::make("print.io", "look for a free name: " + error.message());
                return PrintOutcome::Failed;
            }
            if (taken)
                continue;
            Result<void> written = render_receipt_pdf(receipt, m_layout, file);
            if (!written) {
                m_last_error = written.release_error();
                return PrintOutcome::Failed;
            }
            m_last_file = std::move(file);
            m_last_error = {};
            return PrintOutcome::Printed;
        }
        m_last_error = Error::make("print.io", "too many copies of one receipt");
        return PrintOutcome::Failed;
    } catch (...) {
        // Path arithmetic may throw std::bad_alloc; a simulator that cannot
        // print must say Failed like any printer, not crash the kiosk.
        m_last_error = Error::make("print.io", "unexpected exception");
        return PrintOutcome::Failed;
    }
}

}
