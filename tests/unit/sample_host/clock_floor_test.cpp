// The licence clock floor: a clock set back, an edited floor, a floor sealed with another key and a
// floor deleted while licences are held all fail closed with a message naming the file and the
// remedy; a deleted floor with no licence held simply starts again.
#define BOOST_TEST_MODULE clock_floor
#include <boost/test/unit_test.hpp>

#include "marketplace/clock_floor.hpp"
#include "runtime/host_error.hpp"
#include "security/host_key.hpp"
#include "security/secret_cipher.hpp"
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

// The message check_clock_floor throws with, or "" when it accepts the clock.
std::string refusal(const std::filesystem::path& file, const secret_cipher& cipher,
                    std::optional<sys_seconds> latest_licence, sys_seconds now)
{
    try {
        check_clock_floor(file, cipher, latest_licence, now);
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
    test_support::temp_dir dir{"clock-floor"};
    const auto file = dir / "clock-floor";
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0) == "");
    BOOST_TEST(std::filesystem::exists(file));
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0 + std::chrono::days(40)) == "");
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0 + std::chrono::days(40) - 4min) == ""); // within the skew
    const std::string back = refusal(file, cipher, std::nullopt, t0 + std::chrono::days(24));
    BOOST_TEST(contains(back, "the clock reads 2027-02-24 00:00 UTC, earlier than 2027-03-12 00:00 UTC, a time this "
                              "host has already seen"),
               back);
    BOOST_TEST(contains(back, file.string()), back);
    BOOST_TEST(contains(back, "Set this machine's clock right"), back);
}

// Deleting the floor used to reset the guard (a trial past its end had "16 days left" again).
BOOST_AUTO_TEST_CASE(a_deleted_floor_fails_closed_while_licences_are_held)
{
    test_support::temp_dir dir{"clock-floor"};
    const auto file = dir / "clock-floor";
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0) == ""); // the first run, before any licence
    BOOST_TEST(refusal(file, cipher, t0, t0 + std::chrono::days(40)) == "");
    std::filesystem::remove(file);
    const std::string missing = refusal(file, cipher, t0, t0 + std::chrono::days(14));
    BOOST_TEST(contains(missing, "is missing although this host holds licences"), missing);
    BOOST_TEST(contains(missing, "restore it (and host.key) from a backup"), missing);
    // Still refused later on: nothing was recreated behind the user's back.
    BOOST_TEST(!std::filesystem::exists(file));
    BOOST_TEST(refusal(file, cipher, t0, t0 + std::chrono::days(50)) != "");
    // With no licence held there is nothing to protect: the floor starts again.
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0) == "");
}

BOOST_AUTO_TEST_CASE(an_edited_or_foreign_floor_fails_closed)
{
    test_support::temp_dir dir{"clock-floor"};
    const auto file = dir / "clock-floor";
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0) == "");
    BOOST_TEST_REQUIRE(refusal(file, cipher, t0, t0 + std::chrono::days(40)) == "");
    std::string text;
    {
        std::ifstream in(file);
        std::getline(in, text);
    }
    // Flip one hex digit of the sealed value.
    BOOST_TEST_REQUIRE(text.find("\"sealed\":\"") != std::string::npos);
    const auto at = text.find("\"sealed\":\"") + 10;
    text[at] = text[at] == '0' ? '1' : '0';
    {
        std::ofstream out(file, std::ios::trunc);
        out << text << '\n';
    }
    const std::string edited = refusal(file, cipher, t0, t0 + std::chrono::days(40));
    BOOST_TEST(contains(edited, "was altered (it fails its integrity check)"), edited);

    {
        std::ofstream out(file, std::ios::trunc);
        out << R"({"format":"sample-host/clock-floor/1","floor":"2027-01-01T00:00:00Z"})" << '\n';
    }
    BOOST_TEST(contains(refusal(file, cipher, t0, t0 + std::chrono::days(40)), "was altered"));

    std::filesystem::remove(file);
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0) == "");
    const std::string foreign = refusal(file, cipher_filled_with(2), std::nullopt, t0);
    BOOST_TEST(contains(foreign, "was sealed with another host key than /data/host.key"), foreign);
}

// The newest licence stored is a floor of its own: a clock before it fails even with a fresh file.
BOOST_AUTO_TEST_CASE(the_newest_licence_is_a_floor_too)
{
    test_support::temp_dir dir{"clock-floor"};
    const auto file = dir / "clock-floor";
    const auto cipher = cipher_filled_with(1);
    BOOST_TEST(refusal(file, cipher, std::nullopt, t0) == "");
    const std::string before = refusal(file, cipher, t0 + std::chrono::days(3), t0 + 30s);
    BOOST_TEST(contains(before, "earlier than 2027-02-03 00:00 UTC"), before);
}
