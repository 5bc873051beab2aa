#include "output/record_writer.hpp"

#include "runtime/host_error.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <charconv>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sample_host {
namespace {

constexpr std::size_t buffer_limit = 256 * 1024;

std::string number_text(double value)
{
    char buffer[64];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return error == std::errc() ? std::string(buffer, end) : std::string();
}

std::string value_text(const boost::json::value& value)
{
    switch (value.kind()) {
    case boost::json::kind::string: return std::string(value.get_string());
    case boost::json::kind::int64: return std::to_string(value.get_int64());
    case boost::json::kind::uint64: return std::to_string(value.get_uint64());
    case boost::json::kind::double_: return number_text(value.get_double());
    case boost::json::kind::bool_: return value.get_bool() ? "true" : "false";
    case boost::json::kind::null: return {};
    default: return boost::json::serialize(value);
    }
}

} // namespace

std::string csv_cell(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

record_writer::record_writer(record_format format, std::vector<std::string> csv_columns)
    : format_(format), columns_(std::move(csv_columns))
{
    struct stat info {};
    regular_file_ = ::fstat(fd_, &info) == 0 && S_ISREG(info.st_mode);
    write_header();
}

record_writer::record_writer(record_format format, std::vector<std::string> csv_columns,
                             const std::filesystem::path& file, std::optional<std::uint64_t> resume_at)
    : format_(format), columns_(std::move(csv_columns)), file_(file)
{
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (resume_at ? 0 : O_TRUNC);
    const int fd = ::open(file.c_str(), flags, 0644);
    if (fd < 0)
        throw host_error("cannot write the records to " + file.string() + ": " + errno_text(errno) +
                         ": choose a file in a folder you can write to");
    owned_ = std::make_unique<file_descriptor>(fd);
    fd_ = fd;
    struct stat info {};
    if (::fstat(fd_, &info) != 0 || S_ISDIR(info.st_mode))
        throw host_error(file.string() + " is a folder: give --out a file name");
    // A device or a pipe (/dev/null, a FIFO) takes the records as they come: nothing to cut back.
    regular_file_ = S_ISREG(info.st_mode);
    if (resume_at && regular_file_) {
        if (static_cast<std::uint64_t>(info.st_size) < *resume_at)
            throw host_error(file.string() + " is shorter (" + std::to_string(info.st_size) +
                             " bytes) than the saved state says it was (" + std::to_string(*resume_at) +
                             " bytes): it was changed since; start again without --state, or restore the file");
        // What came after the last saved state is written again by this read: cut it off first.
        if (::ftruncate(fd_, static_cast<off_t>(*resume_at)) != 0 ||
            ::lseek(fd_, static_cast<off_t>(*resume_at), SEEK_SET) < 0)
            throw host_error("cannot cut " + file.string() + " back to the saved state: " + errno_text(errno));
        written_ = *resume_at;
    }
    if (written_ == 0)
        write_header();
}

record_writer::~record_writer()
{
    try {
        flush_buffer();
    } catch (...) { // the destructor of an unwinding read: the state saved last still holds
    }
}

void record_writer::write_header()
{
    if (format_ != record_format::csv)
        return;
    std::string line;
    for (const auto& column : columns_)
        line += (line.empty() ? "" : ",") + csv_cell(column);
    append(line + "\n");
}

void record_writer::write_record(std::string_view json_object)
{
    if (format_ == record_format::ndjson) {
        append(json_object);
        append("\n");
        return;
    }
    boost::system::error_code ec;
    const boost::json::value record = boost::json::parse(json_object, ec);
    const auto* fields = ec ? nullptr : record.if_object();
    std::string line;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i)
            line += ',';
        if (fields == nullptr)
            continue;
        if (const auto* value = fields->if_contains(columns_[i]))
            line += csv_cell(value_text(*value));
    }
    append(line + "\n");
}

void record_writer::write_deletion(std::string_view id)
{
    if (format_ == record_format::ndjson) {
        append(boost::json::serialize(boost::json::object{{"id", id}, {"_deleted", true}}));
        append("\n");
        return;
    }
    std::string line;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i)
            line += ',';
        if (columns_[i] == "id")
            line += csv_cell(id);
        else if (columns_[i] == "_deleted")
            line += "true";
    }
    append(line + "\n");
}

void record_writer::append(std::string_view bytes)
{
    buffer_.append(bytes);
    if (buffer_.size() >= buffer_limit)
        flush_buffer();
}

void record_writer::flush_buffer()
{
    std::string_view rest = buffer_;
    while (!rest.empty()) {
        const ssize_t n = ::write(fd_, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw host_error("cannot write the records" + (file_.empty() ? std::string() : " to " + file_.string()) +
                             ": " + errno_text(errno) +
                             (errno == ENOSPC ? ": free some disk space and run the read again with the same --state"
                                              : std::string()));
        rest.remove_prefix(static_cast<std::size_t>(n));
        written_ += static_cast<std::uint64_t>(n);
    }
    buffer_.clear();
}

void record_writer::flush()
{
    flush_buffer();
}

std::uint64_t record_writer::make_durable()
{
    flush_buffer();
    if (regular_file_ && ::fsync(fd_) != 0)
        throw host_error("cannot make the records durable" + (file_.empty() ? std::string() : " in " + file_.string()) +
                         ": " + errno_text(errno));
    return file_.empty() ? 0 : written_;
}

} // namespace sample_host
