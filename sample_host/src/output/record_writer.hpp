// Where `sample_host read` puts records: standard output or a file, as NDJSON (one record per line,
// exactly as the connector handed it over) or CSV (one column per field, nested values as JSON).
// A file is made durable before any state that covers it is saved, and a resumed read cuts the file
// back to what the saved state covers, so a killed read run again writes every record exactly once.
#pragma once

#include "security/private_file.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

enum class record_format : std::uint8_t { ndjson, csv };

class record_writer {
public:
    // Standard output.
    record_writer(record_format format, std::vector<std::string> csv_columns);
    // `file`, created (mode 0644, as a data export) or, with `resume_at`, cut back to that many bytes
    // and appended to; a device or pipe (/dev/null, a FIFO) is written as it is. Throws host_error
    // naming the file and the remedy.
    record_writer(record_format format, std::vector<std::string> csv_columns, const std::filesystem::path& file,
                  std::optional<std::uint64_t> resume_at);
    ~record_writer();
    record_writer(const record_writer&) = delete;
    record_writer& operator=(const record_writer&) = delete;

    void write_record(std::string_view json_object);
    void write_deletion(std::string_view id);

    // Everything written so far handed to the file or pipe (no fsync).
    void flush();
    // Everything written so far is on disk (or handed to the pipe): the caller may now save a state
    // that covers it. Returns the bytes written to the file so far (0 for standard output).
    std::uint64_t make_durable();

private:
    void write_header();
    void append(std::string_view bytes);
    void flush_buffer();

    record_format format_;
    std::vector<std::string> columns_;
    bool deletions_column_ = false;
    int fd_ = 1;
    std::unique_ptr<file_descriptor> owned_;
    std::filesystem::path file_;
    bool regular_file_ = false;
    std::uint64_t written_ = 0; // bytes in the file (its size)
    std::string buffer_;
};

// The CSV cell of a JSON value: strings as they are, numbers and booleans as JSON writes them, null
// empty, objects and arrays as compact JSON; quoted as RFC 4180 says when needed.
[[nodiscard]] std::string csv_cell(std::string_view text);

} // namespace sample_host
