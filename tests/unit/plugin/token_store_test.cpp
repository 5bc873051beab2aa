// The token store (OAuthSettingsLocation): the file form (atomic, private, locked across processes,
// never mistaking or overwriting a file that is not this client's token set) and the memory:// form.
#define BOOST_TEST_MODULE token_store
#include <boost/test/unit_test.hpp>

#include "oauth/token_set.hpp"
#include "oauth/token_store.hpp"

#include <temp_dir.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

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

unsigned mode_of(const fs::path& path)
{
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
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

    BOOST_TEST(mode_of(file) == 0600u);
    BOOST_TEST(mode_of(file.parent_path()) == 0700u);
    BOOST_TEST(mode_of(file.parent_path().parent_path()) == 0700u);
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
    BOOST_TEST(mode_of(dir / "shared") == 0750u);
    BOOST_TEST(mode_of(dir / "shared" / "books.json") == 0600u);
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
    BOOST_TEST(mode_of(file.string() + ".pending") == 0600u);
    store->remove_note("pending");
    BOOST_TEST(!store->read_note("pending").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(memory_store)

BOOST_AUTO_TEST_CASE(stores_with_one_id_share_their_set_and_others_do_not)
{
    auto books = sage::open_memory_token_store("token-store-test-books");
    auto same = sage::open_memory_token_store("token-store-test-books");
    auto other = sage::open_memory_token_store("token-store-test-other");
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

BOOST_AUTO_TEST_CASE(the_lock_is_shared_by_stores_with_one_id)
{
    auto a = sage::open_memory_token_store("token-store-test-lock");
    auto b = sage::open_memory_token_store("token-store-test-lock");
    auto held = a->lock(1s);
    BOOST_TEST_REQUIRE((held.has_value() && held->owns()), why(held));
    auto refused = b->lock(50ms);
    BOOST_TEST_REQUIRE(!refused.has_value());
    BOOST_TEST(!why(refused).empty());
}

BOOST_AUTO_TEST_SUITE_END()
