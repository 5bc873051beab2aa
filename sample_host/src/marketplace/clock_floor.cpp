#include "marketplace/clock_floor.hpp"

#include "runtime/host_error.hpp"
#include "security/secret_cipher.hpp"
#include "storage/database.hpp"
#include <connector_support/time_text.hpp>

#include <algorithm>
#include <charconv>

namespace sample_host {
namespace {

using std::chrono::sys_seconds;

// The associated data of the sealed floor: a sealed connection secret moved here never opens.
constexpr std::string_view floor_aad = "sample-host clock floor";
// The floor is moved forward at most once a minute: enough to catch a clock set back by more than
// the skew, without a write on every run.
constexpr std::chrono::seconds floor_write_interval{60};

std::string where(const database& db)
{
    return "the licence clock floor in " + db.location();
}

[[noreturn]] void altered(const database& db, std::string_view how)
{
    throw host_error(where(db) + " " + std::string(how) +
                     ": licences are refused until it is restored, as an altered floor could turn the clock back. "
                     "Restore the database (and the host key) from a backup");
}

// The floor sealed in `db`, or nullopt when none is recorded.
std::optional<sys_seconds> read_floor(database& db, const secret_cipher& cipher)
{
    auto query = db.prepare("SELECT sealed, nonce, key_id FROM clock_floor WHERE id = 1");
    if (!query.step())
        return std::nullopt;
    const sealed_value sealed{query.blob(1), query.blob(0), query.text(2)};
    query.reset(); // done with the row before the cipher is asked (its first use may write)
    if (sealed.nonce.empty() || sealed.ciphertext.empty() || sealed.key_id.empty())
        altered(db, "was altered (its sealed value is missing)");
    std::vector<std::uint8_t> plain;
    try {
        plain = cipher.open(sealed, floor_aad, "the licence clock floor");
    } catch (const secret_error& e) {
        altered(db, e.why() == secret_error::reason::wrong_key
                        ? "was sealed with another host key than " + cipher.key().file().string()
                        : std::string("was altered (it fails its integrity check)"));
    }
    long long seconds = 0;
    const auto* begin = reinterpret_cast<const char*>(plain.data());
    const auto [end, parsed] = std::from_chars(begin, begin + plain.size(), seconds);
    if (parsed != std::errc() || end != begin + plain.size())
        altered(db, "holds no time");
    return sys_seconds(std::chrono::seconds(seconds));
}

// Records `floor` unless another host recorded a later one meanwhile (the floor never moves back).
void write_floor(database& db, const secret_cipher& cipher, sys_seconds floor)
{
    const std::string seconds = std::to_string(floor.time_since_epoch().count());
    const sealed_value sealed =
        cipher.seal({reinterpret_cast<const std::uint8_t*>(seconds.data()), seconds.size()}, floor_aad);
    transaction writing(db);
    const std::optional<sys_seconds> recorded = read_floor(db, cipher);
    if (recorded && *recorded >= floor)
        return;
    db.prepare("INSERT INTO clock_floor (id, sealed, nonce, key_id) VALUES (1, ?1, ?2, ?3) "
               "ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed, nonce = excluded.nonce, "
               "key_id = excluded.key_id")
        .bind_blob(1, sealed.ciphertext)
        .bind_blob(2, sealed.nonce)
        .bind(3, sealed.key_id)
        .run();
    writing.commit();
}

} // namespace

void check_clock_floor(database& db, const secret_cipher& cipher, std::optional<sys_seconds> latest_licence,
                       sys_seconds now)
{
    const std::optional<sys_seconds> sealed = read_floor(db, cipher);
    if (!sealed && latest_licence)
        throw host_error(where(db) +
                         " is missing although licences are held: it was deleted. Licences are refused until it is "
                         "restored, as deleting it must not turn the clock back: restore the database (and the host "
                         "key) from a backup");
    const sys_seconds floor = std::max(sealed.value_or(sys_seconds{}), latest_licence.value_or(sys_seconds{}));
    if (now + clock_floor_skew < floor)
        throw host_error("the clock reads " + connector_support::utc_minute_text(now) + ", earlier than " +
                         connector_support::utc_minute_text(floor) + ", a time this host has already seen (" +
                         where(db) +
                         "): licences are refused while the clock is behind. Set this machine's clock right");
    if (!sealed || now >= *sealed + floor_write_interval)
        write_floor(db, cipher, std::max(now, floor));
}

} // namespace sample_host
