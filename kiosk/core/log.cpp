#include "log.hpp"

#include <mutex>

namespace guichet {

namespace {

std::mutex& sink_mutex()
{
    static std::mutex mutex;
    return mutex;
}

LogSink& sink()
{
    static LogSink instance;
    return instance;
}

}

std::string_view to_string(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Error:
        return "error";
    }
    return "info";
}

void set_log_sink(LogSink new_sink)
{
    std::lock_guard lock(sink_mutex());
    sink() = std::move(new_sink);
}

void log(LogLevel level, std::string_view component, std::string_view message)
{
    // Print jobs end on a worker thread: the sink is called under a lock.
    std::lock_guard lock(sink_mutex());
    if (sink())
        sink()(level, component, message);
}

}
