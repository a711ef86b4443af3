// Result<T>: the error-carrying return type used across module boundaries.
//
// Exceptions never cross a module boundary in Guichet. A function that can
// fail returns Result<T>, which holds either a value or an Error. TRY()
// unwraps a result or returns its error from the enclosing function, as
// Ladybird's ErrorOr<T> does. It relies on GNU statement expressions, which
// both GCC and Clang support.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace guichet {

// What went wrong, for the log and the technician. Resident-facing messages
// are chosen elsewhere, from the code, never from `detail`.
struct Error {
    std::string code; // stable, machine-readable: "store.disk_full"
    std::string detail; // for logs; must never contain personal data

    static Error make(std::string code, std::string detail = {})
    {
        return Error { std::move(code), std::move(detail) };
    }
};

template<typename T> class [[nodiscard]] Result {
public:
    Result(T value)
        : m_state(std::move(value))
    {
    }
    Result(Error error)
        : m_state(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    T const& value() const& { return std::get<T>(m_state); }
    // By value: `for (auto& x : f().value())` must not read a destroyed temporary.
    T value() && { return std::get<T>(std::move(m_state)); }
    T release_value() { return std::get<T>(std::move(m_state)); }

    Error const& error() const { return std::get<Error>(m_state); }
    Error release_error() { return std::get<Error>(std::move(m_state)); }

private:
    std::variant<T, Error> m_state;
};

struct Unit { };

template<> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_failed(true)
    {
    }

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    Error const& error() const { return m_error; }
    Error release_error() { return std::move(m_error); }
    void release_value() { }

private:
    Error m_error;
    bool m_failed { false };
};

}

#define GUICHET_TRY(expression)                                                                                        \
    ({                                                                                                                 \
        auto _guichet_result = (expression);                                                                           \
        if (!_guichet_result.ok())                                                                                     \
            return _guichet_result.release_error();                                                                    \
        _guichet_result.release_value();                                                                               \
    })
