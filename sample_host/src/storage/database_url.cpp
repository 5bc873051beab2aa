// Parsing --database / SAMPLE_HOST_DATABASE, and opening the database it names.
#include "storage/database_url.hpp"

#include "storage/postgresql_database.hpp"
#include "storage/sqlite_database.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <sys/stat.h>

namespace sample_host {

database_url database_url::sqlite_file(std::filesystem::path file)
{
    database_url out;
    out.engine = database_engine::sqlite;
    out.display = file.string();
    out.file = std::move(file);
    return out;
}

database_url database_url::parse(std::string_view text, std::string_view origin)
{
    const std::string forms = ": use sqlite:PATH (a file) or postgresql://USER@HOST[:PORT]/DATABASE (a server; the "
                              "password in PGPASSWORD or ~/.pgpass rather than in the URL)";
    if (text.starts_with("sqlite:")) {
        std::string_view path = text.substr(7);
        if (path.starts_with("//"))
            path.remove_prefix(2); // sqlite:///abs/path and sqlite://rel are read as paths too
        if (path.empty())
            throw usage_error(std::string(origin) + " names no SQLite file" + forms);
        return sqlite_file(std::filesystem::path(path));
    }
    if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
        auto parsed = boost::urls::parse_uri(text);
        if (!parsed)
            throw usage_error(std::string(origin) + " is not a valid URL (" + parsed.error().message() + ")" + forms);
        boost::urls::url shown(*parsed);
        if (shown.has_password())
            shown.set_password("***");
        // A password may also come as a query parameter.
        auto params = shown.params();
        for (auto it = params.begin(); it != params.end(); ++it)
            if ((*it).key == "password")
                params.replace(it, std::next(it), {{"password", "***"}});
        database_url out;
        out.engine = database_engine::postgresql;
        out.url = std::string(text);
        out.display = std::string(shown.buffer());
        return out;
    }
    // Never echo the text: it may be a URL with a password in an unexpected shape.
    throw usage_error(std::string(origin) + " is neither an sqlite: nor a postgresql:// URL" + forms);
}

std::unique_ptr<database> open_database(const database_url& url)
{
    if (url.engine == database_engine::postgresql)
        return std::make_unique<postgresql_database>(url.url, url.display);
    auto database = std::make_unique<sqlite_database>(url.file);
    ::chmod(url.file.c_str(), 0600); // its folder is private already; the file says so too
    return database;
}

} // namespace sample_host
