// The licence clock floor: a clock set back, an edited floor, a floor sealed with another key and a
// floor deleted while licences are held all fail closed with a message naming the database and the
// remedy; a deleted floor with no licence held simply starts again; two hosts never move it back.
#define BOOST_TEST_MODULE clock_floor
#include <boost/test/unit_test.hpp>

#include "marketplace/clock_floor.hpp"
#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
#include "storage/schema_migrations.hpp"
#include "storage/sqlite_database.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

using namespace sample_host;
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

namespace {

const sys_seconds t0{std::chrono::sys_days{std::chrono::year{2027} / 1 / 31}.time_since_epoch()};

secret_cipher cipher_filled_with(std::uint8_t fill)
{
    host_key::bytes material{};
    material.fill(fill);
    return secret_cipher(host_key(material, "/data/host.key"));
}

// A host database of its own, migrated.
struct floor_database {
    test_support::temp_dir dir{"clock-floor"};
    sqlite_database db{dir / "host.db"};
    floor_database() { migrate(db, host_migrations()); }
    bool has_floor()
    {
        auto q = db.prepare("SELECT COUNT(*) FROM clock_floor");
        return q.step() && q.integer(0) == 1;
    }
};

// The message check_clock_floor throws with, or "" when it accepts the clock.
std::string refusal(database& db, const secret_cipher& cipher, std::optional<sys_seconds> latest_licence,
                    sys_seconds now)
{
    try {
        check_clock_floor(db, cipher, latest_licence, now);
    } catch (const host_error& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_clock_may_move_forward_and_jitter_but_not_go_back)
{
    floor_database store;
    auto& db = store.db;
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0) == "");
    BOOST_TEST(store.has_floor());
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0 + std::chrono::days(40)) == "");
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0 + std::chrono::days(40) - 4min) == ""); // within the skew
    const std::string back = refusal(db, cipher, std::nullopt, t0 + std::chrono::days(24));
    BOOST_TEST(contains(back, "the clock reads 2027-02-24 00:00 UTC, earlier than 2027-03-12 00:00 UTC, a time this "
                              "host has already seen"),
               back);
    BOOST_TEST(contains(back, "the licence clock floor in " + db.location()), back);
    BOOST_TEST(contains(back, "Set this machine's clock right"), back);
}

// Deleting the floor used to reset the guard (a trial past its end had "16 days left" again).
BOOST_AUTO_TEST_CASE(a_deleted_floor_fails_closed_while_licences_are_held)
{
    floor_database store;
    auto& db = store.db;
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0) == ""); // the first run, before any licence
    BOOST_TEST(refusal(db, cipher, t0, t0 + std::chrono::days(40)) == "");
    db.execute("DELETE FROM clock_floor");
    const std::string missing = refusal(db, cipher, t0, t0 + std::chrono::days(14));
    BOOST_TEST(contains(missing, "is missing although licences are held"), missing);
    BOOST_TEST(contains(missing, "restore the database (and the host key) from a backup"), missing);
    // Still refused later on: nothing was recreated behind the user's back.
    BOOST_TEST(!store.has_floor());
    BOOST_TEST(refusal(db, cipher, t0, t0 + std::chrono::days(50)) != "");
    // With no licence held there is nothing to protect: the floor starts again.
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0) == "");
}

BOOST_AUTO_TEST_CASE(an_edited_or_foreign_floor_fails_closed)
{
    floor_database store;
    auto& db = store.db;
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0) == "");
    BOOST_TEST_REQUIRE(refusal(db, cipher, t0, t0 + std::chrono::days(40)) == "");
    // Flip one byte of the sealed value.
    {
        auto q = db.prepare("SELECT sealed FROM clock_floor WHERE id = 1");
        BOOST_TEST_REQUIRE(q.step());
        auto sealed = q.blob(0);
        q.reset();
        sealed.at(0) ^= 0x01;
        db.prepare("UPDATE clock_floor SET sealed = ?1 WHERE id = 1").bind_blob(1, sealed).run();
    }
    const std::string edited = refusal(db, cipher, t0, t0 + std::chrono::days(40));
    BOOST_TEST(contains(edited, "was altered (it fails its integrity check)"), edited);

    db.execute("UPDATE clock_floor SET nonce = X''");
    BOOST_TEST(contains(refusal(db, cipher, t0, t0 + std::chrono::days(40)), "was altered"));

    db.execute("DELETE FROM clock_floor");
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0) == "");
    const std::string foreign = refusal(db, cipher_filled_with(2), std::nullopt, t0);
    BOOST_TEST(contains(foreign, "was sealed with another host key than /data/host.key"), foreign);
}

// The newest licence stored is a floor of its own: a clock before it fails even with a fresh floor.
BOOST_AUTO_TEST_CASE(the_newest_licence_is_a_floor_too)
{
    floor_database store;
    auto& db = store.db;
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(db, cipher, std::nullopt, t0) == "");
    const std::string before = refusal(db, cipher, t0 + std::chrono::days(3), t0 + 30s);
    BOOST_TEST(contains(before, "earlier than 2027-02-03 00:00 UTC"), before);
}

// Two hosts of a fleet share the floor: a host whose clock is a little behind (within the skew) is
// accepted and never moves the floor back.
BOOST_AUTO_TEST_CASE(a_host_a_little_behind_never_moves_the_shared_floor_back)
{
    floor_database store;
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(store.db, cipher, std::nullopt, t0 + 10min) == "");
    BOOST_TEST(refusal(store.db, cipher, std::nullopt, t0 + 6min) == ""); // the other host, 4 minutes behind
    const std::string back = refusal(store.db, cipher, std::nullopt, t0 + 4min);
    BOOST_TEST(contains(back, "earlier than 2027-01-31 00:10 UTC"), back);
}
