#include "marketplace/clock_floor.hpp"

#include "runtime/host_error.hpp"
#include "security/private_file.hpp"
#include "security/secret_cipher.hpp"
#include <connector_support/time_text.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>

namespace sample_host {
namespace {

namespace json = boost::json;
using std::chrono::sys_seconds;

constexpr std::string_view floor_format = "sample-host/clock-floor/1";
// The associated data of the sealed floor: a sealed connection secret moved here never opens.
constexpr std::string_view floor_aad = "sample-host clock floor";
// The floor is moved forward at most once a minute: enough to catch a clock set back by more than
// the skew, without a write on every run.
constexpr std::chrono::seconds floor_write_interval{60};

std::string hex(const std::vector<std::uint8_t>& bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const std::uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text)
{
    if (text.size() % 2 != 0)
        return std::nullopt;
    std::vector<std::uint8_t> out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto [end, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, out[i], 16);
        if (ec != std::errc() || end != text.data() + 2 * i + 2)
            return std::nullopt;
    }
    return out;
}

[[noreturn]] void altered(const std::filesystem::path& file, std::string_view how)
{
    throw host_error("the licence clock floor " + file.string() + " " + std::string(how) +
                     ": licences are refused until it is restored, as an altered floor could turn the clock back. "
                     "Restore it (and host.key) from a backup");
}

// The floor sealed in `file`, or nullopt when there is no file.
std::optional<sys_seconds> read_floor(const std::filesystem::path& file, const secret_cipher& cipher)
{
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(file, ec);
    if (ec || !std::filesystem::exists(status))
        return std::nullopt;
    if (!std::filesystem::is_regular_file(status))
        altered(file, "is not a regular file");
    std::ifstream in(file, std::ios::binary);
    std::string text(4096, '\0'); // a floor is about 200 bytes: more is not one
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    boost::system::error_code parse_error;
    const json::value doc = json::parse(text, parse_error);
    const json::object* o = parse_error ? nullptr : doc.if_object();
    const auto member = [&](std::string_view key) -> std::string_view {
        const json::value* v = o == nullptr ? nullptr : o->if_contains(key);
        return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
    };
    if (member("format") != floor_format)
        altered(file, "is not a clock floor of this host");
    const auto nonce = from_hex(member("nonce"));
    const auto sealed = from_hex(member("sealed"));
    if (!nonce || !sealed || nonce->empty() || sealed->empty() || member("key_id").empty())
        altered(file, "was altered (its sealed value is missing or not hexadecimal)");
    std::vector<std::uint8_t> plain;
    try {
        plain = cipher.open({*nonce, *sealed, std::string(member("key_id"))}, floor_aad, "the licence clock floor");
    } catch (const secret_error& e) {
        altered(file, e.why() == secret_error::reason::wrong_key
                          ? "was sealed with another host key than " + cipher.key().file().string()
                          : std::string("was altered (it fails its integrity check)"));
    }
    long long seconds = 0;
    const auto* begin = reinterpret_cast<const char*>(plain.data());
    const auto [end, parsed] = std::from_chars(begin, begin + plain.size(), seconds);
    if (parsed != std::errc() || end != begin + plain.size())
        altered(file, "holds no time");
    return sys_seconds(std::chrono::seconds(seconds));
}

void write_floor(const std::filesystem::path& file, const secret_cipher& cipher, sys_seconds floor)
{
    const std::string seconds = std::to_string(floor.time_since_epoch().count());
    const sealed_value sealed =
        cipher.seal({reinterpret_cast<const std::uint8_t*>(seconds.data()), seconds.size()}, floor_aad);
    const json::object doc{{"format", floor_format},
                           {"floor", connector_support::utc_iso_text(floor)}, // for people; the sealed value counts
                           {"key_id", sealed.key_id},
                           {"nonce", hex(sealed.nonce)},
                           {"sealed", hex(sealed.ciphertext)}};
    const std::string text = json::serialize(doc) + "\n";
    publish_private_file(file, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, publish_mode::replace,
                         "the licence clock floor");
}

} // namespace

void check_clock_floor(const std::filesystem::path& file, const secret_cipher& cipher,
                       std::optional<sys_seconds> latest_licence, sys_seconds now)
{
    const std::optional<sys_seconds> sealed = read_floor(file, cipher);
    if (!sealed && latest_licence)
        throw host_error("the licence clock floor " + file.string() +
                         " is missing although this host holds licences: it was deleted. Licences are refused "
                         "until it is restored, as deleting it must not turn the clock back: restore it (and "
                         "host.key) from a backup");
    const sys_seconds floor = std::max(sealed.value_or(sys_seconds{}), latest_licence.value_or(sys_seconds{}));
    if (now + clock_floor_skew < floor)
        throw host_error("the clock reads " + connector_support::utc_minute_text(now) + ", earlier than " +
                         connector_support::utc_minute_text(floor) +
                         ", a time this host has already seen (its licence clock floor, " + file.string() +
                         "): licences are refused while the clock is behind. Set this machine's clock right");
    if (!sealed || now >= *sealed + floor_write_interval)
        write_floor(file, cipher, std::max(now, floor));
}

} // namespace sample_host
