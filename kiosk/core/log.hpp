// Logging, as a port: modules call log(); kiosk/main installs the sink that
// writes it somewhere. The rule for every caller: nothing personal in a log
// line. No field value, no name, no phone number, no tracking code.
#pragma once

#include <functional>
#include <string_view>

namespace guichet {

enum class LogLevel {
    Debug,
    Info,
    Warning,
    Error,
};

std::string_view to_string(LogLevel level);

using LogSink = std::function<void(LogLevel, std::string_view component, std::string_view message)>;

// Replaces the process-wide sink (none by default: lines are dropped).
void set_log_sink(LogSink sink);
void log(LogLevel level, std::string_view component, std::string_view message);

}
