// The engine-independent part of statements: typed binding and reading on top of the backends.
#include "storage/database.hpp"

namespace sample_host {

statement& statement::bind(int index, std::string_view text)
{
    backend_->bind_text(index, text);
    return *this;
}

statement& statement::bind(int index, std::int64_t value)
{
    backend_->bind_integer(index, value);
    return *this;
}

statement& statement::bind_blob(int index, std::span<const std::uint8_t> bytes)
{
    backend_->bind_blob(index, bytes);
    return *this;
}

statement& statement::bind_null(int index)
{
    backend_->bind_null(index);
    return *this;
}

statement& statement::bind(int index, std::chrono::sys_seconds instant)
{
    return bind(index, static_cast<std::int64_t>(instant.time_since_epoch().count()));
}

statement& statement::bind(int index, const std::optional<std::chrono::sys_seconds>& instant)
{
    return instant ? bind(index, *instant) : bind_null(index);
}

void statement::run()
{
    while (step()) {
    }
}

std::chrono::sys_seconds statement::instant(int column) const
{
    return std::chrono::sys_seconds(std::chrono::seconds(integer(column)));
}

std::optional<std::chrono::sys_seconds> statement::optional_instant(int column) const
{
    if (is_null(column))
        return std::nullopt;
    return instant(column);
}

} // namespace sample_host
