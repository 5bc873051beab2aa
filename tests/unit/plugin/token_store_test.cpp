// The token store (OAuthSettingsLocation): the file form (atomic, private, locked across processes,
// never mistaking or overwriting a file that is not this client's token set) and the memory:// form.
#define BOOST_TEST_MODULE token_store
#include <boost/test/unit_test.hpp>

#include "oauth/token_set.hpp"
#include "oauth/token_store.hpp"

#include <file_mode.hpp>
#include <temp_dir.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

sage::token_set sample_set(const std::string& client_id, const std::string& suffix = "1")
{
    sage::token_set set;
    set.client_id = client_id;
    set.access_token = "access-token-" + suffix;
    set.refresh_token = "refresh-token-" + suffix;
    set.obtained_at = std::chrono::sys_seconds{1'800'000'000s};
    set.expires_at = set.obtained_at + 300s;
    set.refresh_expires_at = set.obtained_at + std::chrono::days{31};
    set.scope = "full_access";
    set.requested_by_id = "user-42";
    return set;
}

// The sentence of a failed result ("" when it succeeded).
template <typename T>
std::string why(const connector_support::result<T>& r)
{
    return r ? std::string() : r.error().message;
}

bool names_no_secret(const std::string& text)
{
    return text.find("access-token-") == std::string::npos && text.find("refresh-token-") == std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(token_set_json)

BOOST_AUTO_TEST_CASE(round_trips_every_field)
{
    const auto set = sample_set("client/one");
    const auto parsed = sage::token_set_from_json(sage::to_json(set));
    BOOST_TEST_REQUIRE(parsed.has_value(), why(parsed));
    const auto& back = *parsed;
    BOOST_TEST(back.client_id == set.client_id);
    BOOST_TEST(back.access_token == set.access_token);
    BOOST_TEST(back.refresh_token == set.refresh_token);
    BOOST_TEST(back.expires_at.time_since_epoch().count() == set.expires_at.time_since_epoch().count());
    BOOST_TEST(back.obtained_at.time_since_epoch().count() == set.obtained_at.time_since_epoch().count());
    BOOST_TEST_REQUIRE(back.refresh_expires_at.has_value());
    BOOST_TEST(back.refresh_expires_at->time_since_epoch().count() ==
               set.refresh_expires_at->time_since_epoch().count());
    BOOST_TEST(back.scope == "full_access");
    BOOST_TEST(back.requested_by_id == "user-42");
}

BOOST_AUTO_TEST_CASE(what_is_not_a_token_set_is_refused_without_quoting_it)
{
    for (const std::string& text :
         {std::string("{ not json"), std::string("[]"), std::string("{\"theme\":\"dark\"}"),
          std::string(R"({"refresh_token":"refresh-token-9","access_token":"access-token-9"})"),
          std::string(R"({"format":"sage-cloud-accounting/token-set/1","access_token":7})")}) {
        const auto parsed = sage::token_set_from_json(text);
        BOOST_TEST_REQUIRE(!parsed.has_value(), text);
        const std::string& reason = parsed.error().message;
        BOOST_TEST(!reason.empty());
        BOOST_TEST(names_no_secret(reason), reason);
    }
}

// Instants and lifetimes that would overflow the clock arithmetic (UBSan found them) are refused or
// ignored, never converted.
BOOST_AUTO_TEST_CASE(instants_and_lifetimes_out_of_range_are_refused)
{
    auto json = sage::to_json(sample_set("client"));
    const auto at = json.find("\"expires_at\":");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    const auto end = json.find_first_of(",}", at);
    json.replace(at, end - at, "\"expires_at\":9223372036854775807");
    BOOST_TEST(!sage::token_set_from_json(json).has_value());

    const auto now = std::chrono::system_clock::now();
    const auto answer = sage::token_set_from_token_response(
        R"({"access_token":"access-token-1","refresh_token":"refresh-token-1","expires_in":300,)"
        R"("refresh_token_expires_in":9223372036854775807,"token_type":"bearer"})",
        "client", now);
    BOOST_TEST_REQUIRE(answer.has_value(), why(answer));
    BOOST_TEST(!answer->refresh_expires_at.has_value());
    for (const char* expires_in : {"9223372036854775807", "-1", "0"}) {
        const auto bad = sage::token_set_from_token_response(
            std::string(R"({"access_token":"access-token-1","refresh_token":"refresh-token-1","expires_in":)") +
                expires_in + "}",
            "client", now);
        BOOST_TEST(!bad.has_value(), expires_in);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(file_store)

BOOST_AUTO_TEST_CASE(nothing_stored_yet_is_not_an_error)
{
    test_support::temp_dir dir{"token-store"};
    auto store = sage::open_file_token_store(dir / "absent" / "books.json");
    const auto r = store->read("client");
    BOOST_TEST_REQUIRE(r.has_value(), why(r));
    BOOST_TEST(!r->has_value());
    BOOST_TEST(!fs::exists(dir / "absent")); // reading creates nothing
}

BOOST_AUTO_TEST_CASE(writes_privately_and_atomically_in_new_private_folders)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "state" / "oauth" / "books.json";
    auto store = sage::open_file_token_store(file);
    auto lock = store->lock(1s);
    BOOST_TEST_REQUIRE(lock.has_value(), why(lock));
    BOOST_TEST(lock->owns());
    BOOST_TEST(store->write(sample_set("client", "1")).has_value());
    BOOST_TEST(store->write(sample_set("client", "2")).has_value());

    BOOST_TEST(test_support::file_mode(file) == 0600u);
    BOOST_TEST(test_support::file_mode(file.parent_path()) == 0700u);
    BOOST_TEST(test_support::file_mode(file.parent_path().parent_path()) == 0700u);
    for (const auto& entry : fs::directory_iterator(file.parent_path())) // no temporary file left behind
        BOOST_TEST((entry.path() == file || entry.path().string() == file.string() + ".lock"), entry.path());

    const auto r = store->read("client");
    BOOST_TEST_REQUIRE((r.has_value() && r->has_value()), why(r));
    BOOST_TEST((*r)->refresh_token == "refresh-token-2");
}

BOOST_AUTO_TEST_CASE(an_existing_folder_keeps_its_mode)
{
    test_support::temp_dir dir{"token-store"};
    fs::create_directories(dir / "shared");
    fs::permissions(dir / "shared", fs::perms(0750));
    auto store = sage::open_file_token_store(dir / "shared" / "books.json");
    BOOST_TEST(store->write(sample_set("client")).has_value());
    BOOST_TEST(test_support::file_mode(dir / "shared") == 0750u);
    BOOST_TEST(test_support::file_mode(dir / "shared" / "books.json") == 0600u);
}

BOOST_AUTO_TEST_CASE(a_corrupt_file_names_its_path_and_is_left_as_it_was)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    test_support::write_file(file,
                             "{\"format\":\"sage-cloud-accounting/token-set/1\",\"refresh_token\":\"refresh-token-");
    auto store = sage::open_file_token_store(file);
    const auto r = store->read("client");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(why(r).find(file.string()) != std::string::npos, why(r));
    BOOST_TEST(why(r).find("OAuthSettingsLocation") != std::string::npos, why(r));
    BOOST_TEST(names_no_secret(why(r)), why(r));
    BOOST_TEST(test_support::read_file(file) ==
               "{\"format\":\"sage-cloud-accounting/token-set/1\",\"refresh_token\":\"refresh-token-");
}

// A token file edited to hold a CR/LF (a header injection) or any other character outside RFC 6750's
// b64token is refused on load, with a clear reason that never quotes the token.
BOOST_AUTO_TEST_CASE(a_tampered_token_is_refused_on_load_without_quoting_it)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    for (const auto& [member, replacement] :
         {std::pair{std::string("access-token-1"), std::string("access-token-1\\r\\nX-Injected: 1")},
          std::pair{std::string("refresh-token-1"), std::string("refresh-token-1 with spaces")},
          std::pair{std::string("access-token-1"), std::string("access-token-1\\u00e9")}}) {
        std::string json = sage::to_json(sample_set("client"));
        json.replace(json.find(member), member.size(), replacement);
        test_support::write_file(file, json);
        auto store = sage::open_file_token_store(file);
        const auto r = store->read("client");
        BOOST_TEST_REQUIRE(!r.has_value(), replacement);
        BOOST_TEST(why(r).find("holds characters a bearer token cannot have") != std::string::npos, why(r));
        BOOST_TEST(why(r).find(file.string()) != std::string::npos, why(r));
        BOOST_TEST(names_no_secret(why(r)), why(r));
        BOOST_TEST(test_support::read_file(file) == json);
    }
}

BOOST_AUTO_TEST_CASE(another_clients_set_is_an_error_not_a_set)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    auto store = sage::open_file_token_store(file);
    BOOST_TEST(store->write(sample_set("client/one")).has_value());
    const auto r = store->read("client/two");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(why(r).find("another OAuth client") != std::string::npos, why(r));
    BOOST_TEST(why(r).find(file.string()) != std::string::npos, why(r));
    BOOST_TEST(names_no_secret(why(r)), why(r));
    const auto own = store->read("client/one");
    BOOST_TEST((own.has_value() && own->has_value()), why(own));
}

BOOST_AUTO_TEST_CASE(an_oversized_file_is_refused)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    test_support::write_file(file, std::string(1024 * 1024, ' '));
    const auto r = sage::open_file_token_store(file)->read("client");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(why(r).find(file.string()) != std::string::npos, why(r));
}

BOOST_AUTO_TEST_CASE(the_lock_excludes_another_store_on_the_same_file)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    auto first = sage::open_file_token_store(file);
    auto second = sage::open_file_token_store(dir / "." / "books.json"); // another spelling, the same file
    auto held = first->lock(1s);
    BOOST_TEST_REQUIRE((held.has_value() && held->owns()), why(held));
    auto refused = second->lock(100ms);
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST(why(refused).find("locked for too long") != std::string::npos, why(refused));

    *held = sage::store_lock{}; // released
    auto taken = second->lock(1s);
    BOOST_TEST((taken.has_value() && taken->owns()), why(taken));
}

BOOST_AUTO_TEST_CASE(the_lock_excludes_another_process)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    auto store = sage::open_file_token_store(file);
    auto held = store->lock(1s);
    BOOST_TEST_REQUIRE((held.has_value() && held->owns()), why(held));

    const pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        // A fresh store object in another process: the flock on the lock file is what excludes it.
        auto attempt = sage::open_file_token_store(file)->lock(200ms);
        ::_exit(attempt.has_value() ? 1 : 0);
    }
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0, "the other process took the lock while it was held");
}

BOOST_AUTO_TEST_CASE(remove_forgets_the_set)
{
    test_support::temp_dir dir{"token-store"};
    auto store = sage::open_file_token_store(dir / "books.json");
    BOOST_TEST(store->write(sample_set("client")).has_value());
    BOOST_TEST(store->remove().has_value());
    const auto r = store->read("client");
    BOOST_TEST_REQUIRE(r.has_value(), why(r));
    BOOST_TEST(!r->has_value());
}

BOOST_AUTO_TEST_CASE(notes_are_private_and_removable)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "oauth" / "books.json";
    auto store = sage::open_file_token_store(file);
    BOOST_TEST(!store->read_note("pending").has_value());
    BOOST_TEST(store->write_note("pending", "verifier-and-state").has_value());
    BOOST_TEST(store->read_note("pending").value_or("") == "verifier-and-state");
    BOOST_TEST(test_support::file_mode(file.string() + ".pending") == 0600u);
    store->remove_note("pending");
    BOOST_TEST(!store->read_note("pending").has_value());
}

// A FIFO (or any other special file) at the location must not hang the connector: only regular
// files are opened, and without waiting for a writer.
BOOST_AUTO_TEST_CASE(a_fifo_is_refused_without_hanging)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    BOOST_TEST_REQUIRE(::mkfifo(file.c_str(), 0600) == 0);
    const pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        ::alarm(5); // a hang ends the child with SIGALRM
        const auto r = sage::open_file_token_store(file)->read("client");
        const bool ok = !r.has_value() && why(r).find("not a regular file") != std::string::npos &&
                        why(r).find(file.string()) != std::string::npos;
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
    BOOST_TEST(!WIFSIGNALED(status), "reading a FIFO hung");
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0), "a FIFO was not refused as not a regular file");
}

BOOST_AUTO_TEST_CASE(a_symbolic_link_is_not_followed)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path target = dir / "elsewhere.json";
    auto real = sage::open_file_token_store(target);
    BOOST_TEST_REQUIRE(real->write(sample_set("client")).has_value());
    fs::create_symlink(target, dir / "books.json");
    const auto r = sage::open_file_token_store(dir / "books.json")->read("client");
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(why(r).find("symbolic link") != std::string::npos, why(r));
}

// `oauth authorize` wrote its token set over an unrelated file: a write must refuse to replace a file
// that is not a token set, and one that holds another client's set.
BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_token_set_is_never_overwritten)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "notes.txt";
    test_support::write_file(file, "my unrelated notes\n");
    auto store = sage::open_file_token_store(file);
    auto lock = store->lock(1s);
    BOOST_TEST_REQUIRE(lock.has_value(), why(lock));
    const auto written = store->write(sample_set("client"));
    BOOST_TEST_REQUIRE(!written.has_value());
    BOOST_TEST(why(written).find(file.string()) != std::string::npos, why(written));
    BOOST_TEST(why(written).find("OAuthSettingsLocation") != std::string::npos, why(written));
    BOOST_TEST(test_support::read_file(file) == "my unrelated notes\n");
    BOOST_TEST(!store->remove().has_value());
    BOOST_TEST(fs::exists(file));
}

BOOST_AUTO_TEST_CASE(another_clients_set_is_never_overwritten)
{
    test_support::temp_dir dir{"token-store"};
    const fs::path file = dir / "books.json";
    auto store = sage::open_file_token_store(file);
    BOOST_TEST_REQUIRE(store->write(sample_set("client/one")).has_value());
    const auto written = store->write(sample_set("client/two", "2"));
    BOOST_TEST_REQUIRE(!written.has_value());
    BOOST_TEST(why(written).find("another OAuth client") != std::string::npos, why(written));
    const auto own = store->read("client/one");
    BOOST_TEST((own.has_value() && own->has_value() && (*own)->refresh_token == "refresh-token-1"), why(own));
}

BOOST_AUTO_TEST_SUITE_END()

// OAuthSettingsLocation may name a file only inside the tenant's state folder (after links), unless
// the host allows more: one tenant used another tenant's token file and connected as its Sage user.
BOOST_AUTO_TEST_SUITE(confinement)

sage::token_store_scope scope_in(const fs::path& state, std::vector<fs::path> allowed = {})
{
    return sage::token_store_scope{"tenant-a", state, "Books", std::nullopt, std::move(allowed)};
}

connector_support::result<std::unique_ptr<sage::token_store>> open_at(const std::string& text,
                                                                      const sage::token_store_scope& scope)
{
    const auto location = sage::parse_oauth_settings_location(text);
    BOOST_TEST_REQUIRE(location.has_value(), why(location));
    return sage::open_token_store(*location, scope);
}

BOOST_AUTO_TEST_CASE(files_inside_the_state_folder_and_the_default_are_allowed)
{
    test_support::temp_dir dir{"token-store"};
    fs::create_directories(dir / "state");
    BOOST_TEST(open_at((dir / "state" / "oauth" / "books.json").string(), scope_in(dir / "state")).has_value());
    const auto by_default = sage::open_token_store(sage::oauth_settings_location{}, scope_in(dir / "state"));
    BOOST_TEST_REQUIRE(by_default.has_value(), why(by_default));
    BOOST_TEST((*by_default)->describe().find((dir / "state").string()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(files_outside_the_state_folder_are_refused_with_the_remedy)
{
    test_support::temp_dir dir{"token-store"};
    fs::create_directories(dir / "state" / "tenant-a");
    fs::create_directories(dir / "state" / "tenant-b" / "oauth");
    const auto scope = scope_in(dir / "state" / "tenant-a");
    for (const fs::path& outside : {dir / "state" / "tenant-b" / "oauth" / "books.json",
                                    dir / "state" / "tenant-a" / ".." / "tenant-b" / "x.json", fs::path("/etc/passwd"),
                                    dir / "state" / "tenant-a-evil" / "x.json"}) {
        const auto r = open_at(outside.string(), scope);
        BOOST_TEST_REQUIRE(!r.has_value(), outside);
        BOOST_TEST(why(r).find("outside this connection's state folder") != std::string::npos, why(r));
        BOOST_TEST(why(r).find(sage::allowed_token_folders_variable) != std::string::npos, why(r));
    }
}

BOOST_AUTO_TEST_CASE(a_link_out_of_the_state_folder_is_followed_and_refused)
{
    test_support::temp_dir dir{"token-store"};
    fs::create_directories(dir / "state");
    fs::create_directories(dir / "other");
    fs::create_directory_symlink(dir / "other", dir / "state" / "oauth");
    const auto r = open_at((dir / "state" / "oauth" / "books.json").string(), scope_in(dir / "state"));
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(why(r).find("once links are followed") != std::string::npos, why(r));
}

BOOST_AUTO_TEST_CASE(the_host_may_allow_more_folders)
{
    test_support::temp_dir dir{"token-store"};
    fs::create_directories(dir / "state");
    fs::create_directories(dir / "shared");
    BOOST_TEST(
        open_at((dir / "shared" / "books.json").string(), scope_in(dir / "state", {dir / "shared"})).has_value());

    ::setenv(sage::allowed_token_folders_variable, ("relative:" + (dir / "shared").string()).c_str(), 1);
    const auto listed = sage::host_allowed_token_folders();
    ::unsetenv(sage::allowed_token_folders_variable);
    BOOST_TEST_REQUIRE(listed.size() == 1u);
    BOOST_TEST(listed.front() == dir / "shared");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(memory_store)

BOOST_AUTO_TEST_CASE(stores_with_one_id_share_their_set_and_others_do_not)
{
    auto books = sage::open_memory_token_store("tenant-a", "token-store-test-books");
    auto same = sage::open_memory_token_store("tenant-a", "token-store-test-books");
    auto other = sage::open_memory_token_store("tenant-a", "token-store-test-other");
    BOOST_TEST(books->describe() == "memory://token-store-test-books");

    {
        auto lock = books->lock(1s);
        BOOST_TEST_REQUIRE((lock.has_value() && lock->owns()), why(lock));
        BOOST_TEST(books->write(sample_set("client")).has_value());
    }
    const auto shared = same->read("client");
    BOOST_TEST_REQUIRE((shared.has_value() && shared->has_value()), why(shared));
    BOOST_TEST((*shared)->refresh_token == "refresh-token-1");
    const auto others = other->read("client");
    BOOST_TEST((others.has_value() && !others->has_value()), why(others));
    BOOST_TEST(why(same->read("another")).find("another OAuth client") != std::string::npos);
}

// memory:// ids were one registry for the whole process: a tenant naming another tenant's id read
// that tenant's tokens. Ids are per tenant now.
BOOST_AUTO_TEST_CASE(one_id_of_two_tenants_names_two_stores)
{
    auto mine = sage::open_token_store(*sage::parse_oauth_settings_location("memory://tenant-test-books"),
                                       sage::token_store_scope{"tenant-a", "/state/a", "Books", std::nullopt, {}});
    auto theirs = sage::open_token_store(*sage::parse_oauth_settings_location("memory://tenant-test-books"),
                                         sage::token_store_scope{"tenant-b", "/state/b", "Books", std::nullopt, {}});
    BOOST_TEST_REQUIRE(mine.has_value(), why(mine));
    BOOST_TEST_REQUIRE(theirs.has_value(), why(theirs));
    BOOST_TEST((*mine)->write(sample_set("client")).has_value());
    const auto seen = (*theirs)->read("client");
    BOOST_TEST_REQUIRE(seen.has_value(), why(seen));
    BOOST_TEST(!seen->has_value(), "tenant-b read tenant-a's memory:// tokens");
}

BOOST_AUTO_TEST_CASE(the_lock_is_shared_by_stores_with_one_id)
{
    auto a = sage::open_memory_token_store("tenant-a", "token-store-test-lock");
    auto b = sage::open_memory_token_store("tenant-a", "token-store-test-lock");
    auto held = a->lock(1s);
    BOOST_TEST_REQUIRE((held.has_value() && held->owns()), why(held));
    auto refused = b->lock(50ms);
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST(!why(refused).empty());
}

BOOST_AUTO_TEST_SUITE_END()
