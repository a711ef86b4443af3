#include "ui/scenario.hpp"

#include <charconv>

namespace guichet::ui {

namespace {

Error line_error(int line, std::string const& what)
{
    return Error::make("scenario.syntax", "line " + std::to_string(line) + ": " + what);
}

// Reads a quoted string ("..." with \" and \\ escapes) or a bare word, and
// what follows it. Text after the argument is an error unless `tail` takes
// it (up to a comment).
Result<std::string> read_argument(std::string_view& rest, int line, std::string_view* tail = nullptr)
{
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    if (rest.empty())
        return line_error(line, "an argument is missing");
    std::string value;
    if (rest.front() == '"') {
        rest.remove_prefix(1);
        while (true) {
            if (rest.empty())
                return line_error(line, "a closing quote is missing");
            char c = rest.front();
            rest.remove_prefix(1);
            if (c == '"')
                break;
            if (c == '\\' && !rest.empty()) {
                value.push_back(rest.front());
                rest.remove_prefix(1);
                continue;
            }
            value.push_back(c);
        }
    } else {
        while (!rest.empty() && rest.front() != ' ' && rest.front() != '#') {
            value.push_back(rest.front());
            rest.remove_prefix(1);
        }
    }
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    if (tail) {
        *tail = rest.substr(0, rest.find('#'));
        while (!tail->empty() && tail->back() == ' ')
            tail->remove_suffix(1);
        return value;
    }
    if (!rest.empty() && rest.front() != '#')
        return line_error(line, "unexpected text after the argument: " + std::string(rest));
    return value;
}

Result<Millis> parse_duration(std::string const& text, int line)
{
    std::int64_t amount = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
    std::string_view unit(end, text.data() + text.size() - end);
    if (error != std::errc() || amount < 0)
        return line_error(line, "a duration is a number and a unit, like 31s or 500ms");
    std::int64_t unit_ms = 0;
    if (unit == "ms")
        unit_ms = 1;
    else if (unit == "s")
        unit_ms = 1000;
    else if (unit == "min")
        unit_ms = 60'000;
    else
        return line_error(line, "unknown duration unit '" + std::string(unit) + "' (ms, s or min)");
    // A day is more than any scenario needs, and far from overflowing.
    constexpr std::int64_t day_ms = 86'400'000;
    if (amount > day_ms / unit_ms)
        return line_error(line, "a duration of more than a day");
    return Millis(amount * unit_ms);
}

}

Result<std::vector<Action>> parse_scenario(std::string_view text)
{
    std::vector<Action> actions;
    int line_number = 0;
    while (!text.empty()) {
        auto newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view {} : text.substr(newline + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#')
            continue;

        auto space = line.find(' ');
        std::string_view command = line.substr(0, space);
        std::string_view rest = space == std::string_view::npos ? std::string_view {} : line.substr(space);

        Action action { ActionKind::Tap, {}, false, Millis(0), line_number, {} };
        if (command == "tap")
            action.kind = ActionKind::Tap;
        else if (command == "double-tap")
            action.kind = ActionKind::DoubleTap;
        else if (command == "type")
            action.kind = ActionKind::Type;
        else if (command == "expect")
            action.kind = ActionKind::Expect;
        else if (command == "expect-not")
            action.kind = ActionKind::ExpectNot;
        else if (command == "expect-screen")
            action.kind = ActionKind::ExpectScreen;
        else if (command == "wait")
            action.kind = ActionKind::Wait;
        else if (command == "screenshot")
            action.kind = ActionKind::Screenshot;
        else if (command == "card")
            action.kind = ActionKind::Card;
        else if (command == "printer")
            action.kind = ActionKind::Printer;
        else if (command == "scan")
            action.kind = ActionKind::Scan;
        else if (command == "expect-sound")
            action.kind = ActionKind::ExpectSound;
        else if (command == "expect-said")
            action.kind = ActionKind::ExpectSaid;
        else if (command == "expect-not-said")
            action.kind = ActionKind::ExpectNotSaid;
        else if (command == "hold-corner")
            action.kind = ActionKind::HoldCorner;
        else
            return line_error(line_number, "unknown action '" + std::string(command) + "'");

        if (action.kind == ActionKind::Card) {
            // Bare words: "insert cni", "remove", "unplug", "plug".
            auto words = std::string(rest.substr(0, rest.find('#')));
            std::string verb, name;
            std::size_t at = words.find_first_not_of(' ');
            if (at != std::string::npos) {
                auto end = words.find(' ', at);
                verb = words.substr(at, end - at);
                if (end != std::string::npos && words.find_first_not_of(' ', end) != std::string::npos) {
                    auto start = words.find_first_not_of(' ', end);
                    name = words.substr(start, words.find(' ', start) - start);
                }
            }
            if (verb != "insert" && verb != "remove" && verb != "unplug" && verb != "plug")
                return line_error(line_number, "card insert NAME, card remove, card unplug or card plug");
            if ((verb == "insert") != !name.empty())
                return line_error(line_number, "card insert takes a specimen name; the others none");
            action.argument = verb;
            action.detail = name;
            actions.push_back(std::move(action));
            continue;
        }
        if (action.kind == ActionKind::Printer) {
            // One bare word: what the simulated printer now suffers from.
            std::string word(rest.substr(0, rest.find('#')));
            auto start = word.find_first_not_of(' ');
            word = start == std::string::npos ? "" : word.substr(start, word.find_last_not_of(' ') - start + 1);
            if (word != "out-of-paper" && word != "jam" && word != "offline" && word != "paper-low" && word != "ready"
                && word != "cancel")
                return line_error(line_number, "printer out-of-paper, jam, offline, paper-low, ready or cancel");
            action.argument = "printer";
            action.detail = word;
            actions.push_back(std::move(action));
            continue;
        }
        bool taps = action.kind == ActionKind::Tap || action.kind == ActionKind::DoubleTap;
        bool bare_id
            = taps && rest.find_first_not_of(' ') != std::string_view::npos && rest[rest.find_first_not_of(' ')] == '#';
        if (bare_id) {
            rest.remove_prefix(rest.find_first_not_of(' ') + 1);
            action.by_id = true;
        }
        std::string_view tail;
        auto argument = read_argument(rest, line_number, action.kind == ActionKind::Expect ? &tail : nullptr);
        if (!argument)
            return argument.release_error();
        action.argument = argument.release_value();
        if (action.argument.empty())
            return line_error(line_number, "an empty argument matches everything: say what to look for");
        if (!tail.empty()) {
            // expect "text" within 30s: for what another program does (a
            // mediator in a browser), longer than the usual 5 s.
            constexpr std::string_view within = "within ";
            if (tail.substr(0, within.size()) != within)
                return line_error(line_number, "unexpected text after the argument: " + std::string(tail));
            auto duration = parse_duration(std::string(tail.substr(within.size())), line_number);
            if (!duration)
                return duration.release_error();
            if (duration.value() <= Millis(0))
                return line_error(line_number, "within needs a duration above zero");
            action.duration = duration.value();
        }
        if (action.kind == ActionKind::Wait || action.kind == ActionKind::HoldCorner) {
            auto duration = parse_duration(action.argument, line_number);
            if (!duration)
                return duration.release_error();
            action.duration = duration.value();
        }
        actions.push_back(std::move(action));
    }
    return actions;
}

}
