// Which database a host keeps everything in: --database URL, else SAMPLE_HOST_DATABASE, else the SQLite
// file in the data folder. `sqlite:PATH` or `postgresql://[user[:password]@]host[:port]/name[?...]`.
#pragma once

#include "storage/database.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace sample_host {

struct database_url {
    database_engine engine = database_engine::sqlite;
    std::filesystem::path file; // sqlite
    std::string url;            // postgresql: the URL as given (it may carry a password)
    std::string display;        // for messages and logs: the URL without its password

    // Parses `text`; throws usage_error naming the accepted forms. `origin` ("--database",
    // "SAMPLE_HOST_DATABASE") goes into the message.
    [[nodiscard]] static database_url parse(std::string_view text, std::string_view origin);
    [[nodiscard]] static database_url sqlite_file(std::filesystem::path file);
};

// Connects to (SQLite: opens, creating when missing, mode 0600) the database `url` names.
[[nodiscard]] std::unique_ptr<database> open_database(const database_url& url);

} // namespace sample_host
