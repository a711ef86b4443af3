// The CUPS receipt printer: submit, follow, and read the queue's state, all
// over IPP with libcups. Each call opens its own connection to cupsd (a
// local socket: cheap), so that print() on the printer's worker thread and
// query() on the printer watch's thread never share one.
#include "cups_printer.hpp"

#include "kiosk/core/log.hpp"

#include <cups/cups.h>

#include <array>
#include <cmath>
#include <memory>
#include <string_view>
#include <thread>

namespace guichet::print {

namespace {

using Clock = std::chrono::steady_clock;

struct HttpCloser {
    void operator()(http_t* http) const { httpClose(http); }
};
using Http = std::unique_ptr<http_t, HttpCloser>;

struct IppDeleter {
    void operator()(ipp_t* ipp) const { ippDelete(ipp); }
};
using Ipp = std::unique_ptr<ipp_t, IppDeleter>;

// cupsd: the configured server, else CUPS_SERVER, client.conf, else the
// local socket. libcups keeps its default server per thread once read, so a
// configured one is passed here rather than through the environment.
Http connect(std::string const& server)
{
    char const* host = server.empty() ? cupsServer() : server.c_str();
    return Http(httpConnect2(host, ippPort(), nullptr, AF_UNSPEC, cupsEncryption(), 1, 5000, nullptr));
}

// The configured queue, or the default destination's name; empty when
// there is none.
std::string queue_name(http_t* http, std::string const& configured)
{
    if (!configured.empty())
        return configured;
    char const* name = cupsGetDefault2(http);
    return name ? name : "";
}

std::string printer_uri(std::string const& queue)
{
    std::array<char, HTTP_MAX_URI> uri {};
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri.data(), int(uri.size()), "ipp", nullptr, "localhost", ippPort(),
        "/printers/%s", queue.c_str());
    return uri.data();
}

bool failed(ipp_t* response)
{
    return !response || ippGetStatusCode(response) > IPP_STATUS_OK_CONFLICTING;
}

// The connection to cupsd broke, or cupsd is going away: not the queue's
// fault.
bool unreachable(ipp_status_t status)
{
    return status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL;
}

double millis_since(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The paper the job needs, as the two options CUPS understands: `media`
// (IPP, driverless printers) and `PageSize` (PPD queues, most thermal
// printers' drivers). Given `media` alone, CUPS rounds a custom size to
// whole points for the PPD, and an 80 mm roll becomes 79.7 mm.
struct Media {
    std::string media;
    std::string page_size;
};

Media media_for(RenderedReceipt const& rendered, PaperLayout layout)
{
    if (layout == PaperLayout::A4)
        return { "iso_a4_210x297mm", "A4" };
    // Whole millimetres, rounded up: the roll is cut just below the content.
    auto size = "Custom." + std::to_string(int(std::lround(rendered.width_mm))) + "x"
        + std::to_string(int(std::ceil(rendered.height_mm))) + "mm";
    return { size, size };
}

struct ReasonRule {
    std::string_view keyword;
    std::optional<PrinterProblem> problem; // nothing: informational
};

// printer-state-reasons keywords (RFC 8011 and PWG 5100.9, as CUPS reports
// them), without their -error/-warning/-report suffix.
constexpr std::array<ReasonRule, 22> reason_rules { {
    { "media-empty", PrinterProblem::OutOfPaper },
    { "media-needed", PrinterProblem::OutOfPaper },
    { "media-low", PrinterProblem::PaperLow },
    { "media-jam", PrinterProblem::Jammed },
    { "cover-open", PrinterProblem::CoverOpen },
    { "door-open", PrinterProblem::CoverOpen },
    { "interlock-open", PrinterProblem::CoverOpen },
    { "offline", PrinterProblem::Offline },
    { "shutdown", PrinterProblem::Offline },
    { "timed-out", PrinterProblem::Offline },
    { "paused", PrinterProblem::Paused },
    { "toner-low", PrinterProblem::SupplyLow },
    { "marker-supply-low", PrinterProblem::SupplyLow },
    { "marker-waste-almost-full", PrinterProblem::SupplyLow },
    { "toner-empty", PrinterProblem::Other },
    { "marker-supply-empty", PrinterProblem::Other },
    { "marker-waste-full", PrinterProblem::Other },
    { "spool-area-full", PrinterProblem::Other },
    { "connecting-to-device", std::nullopt },
    { "moving-to-paused", std::nullopt },
    { "cups-waiting-for-job-completed", std::nullopt },
    { "other", std::nullopt },
} };

}

std::vector<PrinterProblem> problems_of(QueueReport const& report)
{
    if (!report.reachable)
        return { PrinterProblem::Unreachable };
    if (!report.exists)
        return { PrinterProblem::NoQueue };
    std::vector<PrinterProblem> problems;
    for (std::string_view reason : report.reasons) {
        bool is_error = false;
        for (std::string_view suffix : { "-error", "-warning", "-report" }) {
            if (reason.size() > suffix.size() && reason.ends_with(suffix)) {
                is_error = suffix == "-error";
                reason.remove_suffix(suffix.size());
                break;
            }
        }
        auto rule = std::find_if(
            reason_rules.begin(), reason_rules.end(), [&](ReasonRule const& r) { return r.keyword == reason; });
        if (rule != reason_rules.end()) {
            if (rule->problem)
                problems.push_back(*rule->problem);
        } else if (is_error || reason.starts_with("cups-missing-filter") || reason.starts_with("cups-insecure")) {
            problems.push_back(PrinterProblem::Other);
        }
    }
    if (report.state == IPP_PSTATE_STOPPED)
        problems.push_back(PrinterProblem::Paused);
    if (!report.accepting)
        problems.push_back(PrinterProblem::NotAccepting);
    return problems;
}

CupsPrinter::CupsPrinter(CupsSettings settings)
    : m_settings(std::move(settings))
{
}

QueueReport CupsPrinter::query() const
{
    QueueReport report;
    Http http = connect(m_settings.server);
    if (!http)
        return report;
    report.queue = queue_name(http.get(), m_settings.queue);
    if (report.queue.empty()) {
        // No default destination: cupsGetDefault2 failing to talk to cupsd
        // looks the same, so ask whether cupsd answers at all.
        report.reachable = !unreachable(cupsLastError());
        return report;
    }
    ipp_t* request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, printer_uri(report.queue).c_str());
    static char const* const wanted[] = { "printer-state", "printer-state-reasons", "printer-is-accepting-jobs" };
    ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 3, nullptr, wanted);
    Ipp response(cupsDoRequest(http.get(), request, "/"));
    if (failed(response.get())) {
        // No answer at all, or cupsd going away: unreachable; any other
        // refusal (client-error-not-found) means no such queue.
        report.reachable = response && !unreachable(ippGetStatusCode(response.get()));
        return report;
    }
    report.reachable = true;
    report.exists = true;
    if (ipp_attribute_t* state = ippFindAttribute(response.get(), "printer-state", IPP_TAG_ENUM))
        report.state = ippGetInteger(state, 0);
    if (ipp_attribute_t* accepting = ippFindAttribute(response.get(), "printer-is-accepting-jobs", IPP_TAG_BOOLEAN))
        report.accepting = ippGetBoolean(accepting, 0) != 0;
    if (ipp_attribute_t* reasons = ippFindAttribute(response.get(), "printer-state-reasons", IPP_TAG_KEYWORD)) {
        for (int i = 0; i < ippGetCount(reasons); ++i) {
            char const* reason = ippGetString(reasons, i, nullptr);
            if (reason && std::string_view(reason) != "none")
                report.reasons.emplace_back(reason);
        }
    }
    return report;
}

Result<CupsPrinter::Submitted> CupsPrinter::submit(Receipt const& receipt) const
{
    auto start = Clock::now();
    auto rendered = GUICHET_TRY(render_receipt_pdf(receipt, m_settings.layout));
    double render_ms = millis_since(start);
    auto submitted = GUICHET_TRY(submit_document(rendered));
    submitted.render_ms = render_ms;
    return submitted;
}

Result<CupsPrinter::Submitted> CupsPrinter::submit_document(RenderedReceipt const& rendered) const
{
    auto start = Clock::now();
    Http http = connect(m_settings.server);
    if (!http)
        return Error::make("print.unreachable",
            "cupsd does not answer at " + (m_settings.server.empty() ? std::string(cupsServer()) : m_settings.server));
    Submitted submitted;
    submitted.queue = queue_name(http.get(), m_settings.queue);
    if (submitted.queue.empty())
        return Error::make("print.no_queue", "no queue configured and no default destination");

    auto media = media_for(rendered, m_settings.layout);
    cups_option_t* options = nullptr;
    int option_count = cupsAddOption("media", media.media.c_str(), 0, &options);
    option_count = cupsAddOption("PageSize", media.page_size.c_str(), option_count, &options);
    // The job's name is in CUPS's logs and lpstat: no tracking code there.
    // ASCII, as some backends make file names of it.
    submitted.job = cupsCreateJob(http.get(), submitted.queue.c_str(), "Recu Guichet", option_count, options);
    cupsFreeOptions(option_count, options);
    if (submitted.job == 0) {
        ipp_status_t status = cupsLastError();
        std::string detail = submitted.queue + ": " + cupsLastErrorString();
        if (status == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS)
            return Error::make("print.not_accepting", detail);
        // libcups looks the queue up before it asks cupsd, and says
        // "internal error, no such file" for a queue that does not exist:
        // ask cupsd what it knows of the queue.
        auto report = query();
        if (!report.reachable)
            return Error::make("print.unreachable", detail);
        if (!report.exists)
            return Error::make("print.no_queue", detail);
        if (!report.accepting)
            return Error::make("print.not_accepting", detail);
        return Error::make(unreachable(status) ? "print.unreachable" : "print.refused", detail);
    }
    auto refuse = [&](std::string step) {
        std::string detail = submitted.queue + ": " + step + ": " + cupsLastErrorString();
        // A job created and never completed would sit held in the queue.
        cupsCancelJob2(http.get(), submitted.queue.c_str(), submitted.job, 0);
        return Error::make(unreachable(cupsLastError()) ? "print.unreachable" : "print.refused", detail);
    };
    if (cupsStartDocument(http.get(), submitted.queue.c_str(), submitted.job, "recu.pdf", CUPS_FORMAT_PDF, 1)
        != HTTP_STATUS_CONTINUE)
        return refuse("start document");
    if (cupsWriteRequestData(http.get(), reinterpret_cast<char const*>(rendered.pdf.data()), rendered.pdf.size())
        != HTTP_STATUS_CONTINUE)
        return refuse("send document");
    if (cupsFinishDocument(http.get(), submitted.queue.c_str()) != IPP_STATUS_OK)
        return refuse("finish document");
    submitted.submit_ms = millis_since(start);
    return submitted;
}

int CupsPrinter::job_state(int job) const
{
    Http http = connect(m_settings.server);
    if (!http)
        return -1;
    std::array<char, HTTP_MAX_URI> uri {};
    httpAssembleURIf(
        HTTP_URI_CODING_ALL, uri.data(), int(uri.size()), "ipp", nullptr, "localhost", ippPort(), "/jobs/%d", job);
    ipp_t* request = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nullptr, uri.data());
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
    static char const* const wanted[] = { "job-state" };
    ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 1, nullptr, wanted);
    Ipp response(cupsDoRequest(http.get(), request, "/"));
    if (failed(response.get())) {
        ipp_status_t status = response ? ippGetStatusCode(response.get()) : cupsLastError();
        return unreachable(status) || !response ? -1 : 0;
    }
    ipp_attribute_t* state = ippFindAttribute(response.get(), "job-state", IPP_TAG_ENUM);
    return state ? ippGetInteger(state, 0) : 0;
}

void CupsPrinter::interrupt()
{
    m_interrupted = true;
}

bool CupsPrinter::wait(std::chrono::milliseconds duration) const
{
    auto until = Clock::now() + duration;
    while (!m_interrupted) {
        auto left = until - Clock::now();
        if (left <= Clock::duration::zero())
            return true;
        std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(50)));
    }
    return false;
}

PrintOutcome CupsPrinter::print(Receipt const& receipt)
{
    auto rendered = render_receipt_pdf(receipt, m_settings.layout);
    if (!rendered) {
        log(LogLevel::Error, "print",
            "receipt not rendered: " + rendered.error().code + ": " + rendered.error().detail);
        return PrintOutcome::Failed;
    }

    // Until CUPS takes the job. A queue that refuses jobs, is missing or
    // whose cupsd is down may come back: the job waits for it, and the
    // printer's state tells the resident meanwhile.
    std::optional<Submitted> submitted;
    std::string waiting_for;
    while (!submitted) {
        auto result = submit_document(rendered.value());
        if (result) {
            submitted = result.release_value();
            break;
        }
        auto const& error = result.error();
        if (error.code == "print.refused") {
            log(LogLevel::Error, "print", "CUPS refused the receipt: " + error.detail);
            return PrintOutcome::Failed;
        }
        if (error.code != waiting_for) {
            log(LogLevel::Warning, "print", "receipt waits for the printer: " + error.code + ": " + error.detail);
            waiting_for = error.code;
        }
        if (!wait(std::chrono::seconds(1)))
            return PrintOutcome::Failed;
    }
    m_last_job = submitted->job;
    if (m_settings.on_accepted)
        m_settings.on_accepted(submitted->job);
    log(LogLevel::Info, "print",
        "job " + std::to_string(submitted->job) + " accepted by " + submitted->queue + " in "
            + std::to_string(int(submitted->submit_ms)) + " ms");

    // Until CUPS says how it ended. Stopped queues keep their jobs: the
    // receipt prints when the printer is back.
    int lost = 0;
    for (;;) {
        if (!wait(m_settings.poll)) {
            // Left in CUPS's queue, which prints it when it can.
            return PrintOutcome::Failed;
        }
        int state = job_state(submitted->job);
        switch (state) {
        case IPP_JSTATE_COMPLETED:
            return PrintOutcome::Printed;
        case IPP_JSTATE_CANCELED:
        case IPP_JSTATE_ABORTED:
            log(LogLevel::Warning, "print",
                "job " + std::to_string(submitted->job) + (state == IPP_JSTATE_CANCELED ? " canceled" : " aborted"));
            return PrintOutcome::Failed;
        case 0:
            // cupsd answers but no longer knows the job (purged, or cupsd
            // restarted without its spool): it will never print.
            if (++lost >= 3) {
                log(LogLevel::Warning, "print", "job " + std::to_string(submitted->job) + " vanished from CUPS");
                return PrintOutcome::Failed;
            }
            break;
        default:
            lost = 0;
            break;
        }
    }
}

}
