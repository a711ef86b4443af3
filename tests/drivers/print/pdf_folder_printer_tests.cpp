// The PDF-folder simulator and the PDF writer's failure paths: a receipt
// lands under its tracking code, a reprint never overwrites it, and a folder
// that cannot be written is a failed print, not a crash nor a stray file.
#include "drivers/print/receipt_device.hpp"
#include "drivers/print/receipt_pdf.hpp"
#include "print_test_support.hpp"

#include <gtest/gtest.h>

#include <sched.h>
#include <sys/mount.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace guichet::print {
namespace {

using test_support::names_in;
using testing::read_file;
using testing::sample_receipt;
using testing::ScratchFolder;

bool is_pdf(std::filesystem::path const& file)
{
    std::string const content = read_file(file);
    return content.starts_with("%PDF-") && content.find("%%EOF") != std::string::npos;
}

TEST(PdfFolderPrinter, WritesOnePdfNamedAfterTheTrackingCode)
{
    ScratchFolder scratch;
    Receipt const receipt = sample_receipt();
    PdfFolderPrinter printer(scratch.path());

    ASSERT_EQ(printer.print(receipt), PrintOutcome::Printed) << printer.last_error().detail;

    std::filesystem::path const expected = scratch.path() / (receipt.code.text() + ".pdf");
    EXPECT_EQ(printer.last_file(), expected);
    EXPECT_TRUE(is_pdf(expected));
    // Nothing else is left behind, no temporary file in particular.
    EXPECT_EQ(names_in(scratch.path()), std::vector { receipt.code.text() + ".pdf" });
    EXPECT_TRUE(printer.last_error().code.empty());
}

TEST(PdfFolderPrinter, ACanceledJobFailsAndOnlyTheOneWaiting)
{
    ScratchFolder scratch;
    PdfFolderPrinter printer(scratch.path());
    EXPECT_FALSE(printer.cancel()) << "nothing waits: the next job must not be canceled in advance";
    printer.set_problems({ PrinterProblem::OutOfPaper });
    auto waiting = std::async(std::launch::async, [&] { return printer.print(sample_receipt(1)); });
    while (!printer.cancel())
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(waiting.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_EQ(waiting.get(), PrintOutcome::Failed);
    EXPECT_EQ(printer.last_error().code, "print.canceled");
    EXPECT_TRUE(names_in(scratch.path()).empty());

    printer.set_problems({});
    EXPECT_EQ(printer.print(sample_receipt(2)), PrintOutcome::Printed) << "the next job is not canceled";
}

TEST(PdfFolderPrinter, AReprintGetsTheNextFreeNameAndKeepsTheFirst)
{
    ScratchFolder scratch;
    Receipt const receipt = sample_receipt();
    std::string const code = receipt.code.text();
    PdfFolderPrinter printer(scratch.path());

    ASSERT_EQ(printer.print(receipt), PrintOutcome::Printed);
    std::string const first = read_file(scratch.path() / (code + ".pdf"));
    ASSERT_EQ(printer.print(receipt), PrintOutcome::Printed);
    EXPECT_EQ(printer.last_file(), scratch.path() / (code + "-2.pdf"));
    ASSERT_EQ(printer.print(receipt), PrintOutcome::Printed);
    EXPECT_EQ(printer.last_file(), scratch.path() / (code + "-3.pdf"));

    EXPECT_EQ(names_in(scratch.path()), (std::vector { code + "-2.pdf", code + "-3.pdf", code + ".pdf" }));
    EXPECT_EQ(read_file(scratch.path() / (code + ".pdf")), first);
    EXPECT_TRUE(is_pdf(scratch.path() / (code + "-3.pdf")));
}

TEST(PdfFolderPrinter, CreatesItsFolderWhenMissing)
{
    ScratchFolder scratch;
    std::filesystem::path const folder = scratch.path() / "demo" / "recus";
    PdfFolderPrinter printer(folder, PaperLayout::A4);

    ASSERT_EQ(printer.print(sample_receipt()), PrintOutcome::Printed) << printer.last_error().detail;
    EXPECT_TRUE(is_pdf(printer.last_file()));
    EXPECT_EQ(printer.last_file().parent_path(), folder);
}

TEST(PdfFolderPrinter, AFolderThatCannotBeCreatedIsAFailedPrint)
{
    ScratchFolder scratch;
    // A regular file where a folder should be: fails for root too.
    std::ofstream(scratch.path() / "not-a-folder") << "x";
    PdfFolderPrinter printer(scratch.path() / "not-a-folder" / "recus");

    EXPECT_EQ(printer.print(sample_receipt()), PrintOutcome::Failed);
    EXPECT_EQ(printer.last_error().code, "print.io");
    EXPECT_TRUE(printer.last_file().empty());
}

// Root ignores permission bits, but not a read-only mount: as root (CI),
// the folder becomes a read-only tmpfs in this process's own mount
// namespace (each ctest entry runs in a process of its own).
bool make_read_only_as_root(std::filesystem::path const& folder)
{
    return ::unshare(CLONE_NEWNS) == 0 && ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0
        && ::mount("tmpfs", folder.c_str(), "tmpfs", MS_RDONLY, "size=64k") == 0;
}

TEST(PdfFolderPrinter, AReadOnlyFolderIsAFailedPrintAndLeavesNothing)
{
    ScratchFolder scratch;
    std::filesystem::path const folder = scratch.path() / "recus";
    std::filesystem::create_directory(folder);
    bool const as_root = ::geteuid() == 0;
    if (as_root) {
        if (!make_read_only_as_root(folder))
            GTEST_SKIP() << "root, and no private mount namespace to make a read-only folder";
    } else {
        ::chmod(folder.c_str(), 0555);
    }
    PdfFolderPrinter printer(folder);

    EXPECT_EQ(printer.print(sample_receipt()), PrintOutcome::Failed);
    EXPECT_EQ(printer.last_error().code, "print.io");
    EXPECT_TRUE(names_in(folder).empty());
    if (as_root)
        ::umount(folder.c_str());
    else
        ::chmod(folder.c_str(), 0755);
}

TEST(PdfFolderPrinter, AFailureAfterASuccessKeepsTheLastFileAndReportsTheError)
{
    ScratchFolder scratch;
    PdfFolderPrinter printer(scratch.path());
    ASSERT_EQ(printer.print(sample_receipt()), PrintOutcome::Printed);
    std::filesystem::path const printed = printer.last_file();

    Receipt broken = sample_receipt(7);
    broken.next_steps = "\xC3\x28"; // not UTF-8
    EXPECT_EQ(printer.print(broken), PrintOutcome::Failed);
    EXPECT_EQ(printer.last_error().code, "print.render");
    EXPECT_EQ(printer.last_file(), printed);
    EXPECT_EQ(names_in(scratch.path()).size(), 1u);
}

TEST(RenderReceiptPdf, AMissingFolderIsAnIoErrorWithoutTheCode)
{
    ScratchFolder scratch;
    Receipt const receipt = sample_receipt();
    Result<void> result = render_receipt_pdf(
        receipt, PaperLayout::Roll80mm, scratch.path() / "absent" / (receipt.code.text() + ".pdf"));

    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "print.io");
    EXPECT_EQ(result.error().detail.find(receipt.code.text()), std::string::npos) << result.error().detail;
}

TEST(RenderReceiptPdf, AFailedRenderLeavesTheExistingFileUntouched)
{
    ScratchFolder scratch;
    std::filesystem::path const out = scratch.path() / "receipt.pdf";
    std::ofstream(out) << "previous receipt";
    Receipt receipt = sample_receipt();
    // Far beyond what a QR code holds at level M.
    receipt.follow_url = "https://suivi.guichet.fr/" + std::string(4000, 'x');

    Result<void> result = render_receipt_pdf(receipt, PaperLayout::Roll80mm, out);

    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, "print.qr");
    EXPECT_EQ(read_file(out), "previous receipt");
    EXPECT_EQ(names_in(scratch.path()), std::vector<std::string> { "receipt.pdf" });
}

TEST(RenderReceiptPdf, ReplacesAnExistingFileWhole)
{
    ScratchFolder scratch;
    std::filesystem::path const out = scratch.path() / "receipt.pdf";
    std::ofstream(out) << "previous receipt";

    Result<void> result = render_receipt_pdf(sample_receipt(), PaperLayout::A4, out);

    ASSERT_TRUE(result.ok()) << result.error().detail;
    EXPECT_TRUE(is_pdf(out));
    EXPECT_EQ(names_in(scratch.path()), std::vector<std::string> { "receipt.pdf" });
}

TEST(RenderReceiptPdf, AReceiptWithoutAFollowUrlStillPrints)
{
    ScratchFolder scratch;
    Receipt receipt = sample_receipt();
    receipt.follow_url.clear();
    std::filesystem::path const out = scratch.path() / "receipt.pdf";

    Result<void> result = render_receipt_pdf(receipt, PaperLayout::Roll80mm, out);

    ASSERT_TRUE(result.ok()) << result.error().detail;
    EXPECT_TRUE(is_pdf(out));
}

}
}
