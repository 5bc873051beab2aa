// Generated Sage records, computed on demand from (seed, business, entity, index) and never stored:
// a million contacts cost nothing until a page of them is asked for. Field names and types follow
// the definitions of Sage's OpenAPI description (Contact, SalesInvoice with invoice_lines, ...);
// references between records are real (an invoice's contact is a generated contact of the same
// business). Deterministic: the same seed and counts give the same records, byte for byte.
#pragma once

#include "entity_catalog.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage_sandbox {

// Unix seconds of a record's timestamps, cheap to compute for filtering and sorting.
struct record_stamps {
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

class record_generator {
public:
    // `counts[b]` is the number of records of every entity of business b; `contacts[b]` overrides it
    // for contacts when set.
    record_generator(std::uint64_t seed, std::vector<std::string> business_ids, std::vector<std::size_t> counts,
                     std::vector<std::optional<std::size_t>> contacts);

    [[nodiscard]] std::size_t business_count() const noexcept { return business_ids_.size(); }
    [[nodiscard]] const std::string& business_id(std::size_t business) const { return business_ids_.at(business); }
    [[nodiscard]] std::size_t count(std::size_t business, const entity_kind& entity) const;

    // The 32-hex id of generated record `index`, and the index an id names (nullopt when it names none).
    [[nodiscard]] std::string id(std::size_t business, const entity_kind& entity, std::size_t index) const;
    [[nodiscard]] std::optional<std::size_t> index_of(std::size_t business, const entity_kind& entity,
                                                      std::string_view id) const;

    [[nodiscard]] record_stamps stamps(std::size_t business, const entity_kind& entity, std::size_t index) const;
    // The document date ("date" field) as days since the Unix epoch: the day of created_at or up to
    // two days before it (documents are often entered late).
    [[nodiscard]] std::int64_t date_day(std::size_t business, const entity_kind& entity, std::size_t index) const;

    // Its displayed_as, without building the record.
    [[nodiscard]] std::string displayed_as(std::size_t business, const entity_kind& entity, std::size_t index) const;
    // The whole record, as GET /{entity}/{id} returns it.
    [[nodiscard]] boost::json::object record(std::size_t business, const entity_kind& entity, std::size_t index) const;

private:
    [[nodiscard]] std::uint64_t key(std::size_t business, const entity_kind& entity, std::size_t index) const;
    // A link {id, displayed_as, $path} to generated record `pick % count` of `entity`, or null when
    // the business has none.
    [[nodiscard]] boost::json::value reference(std::size_t business, std::string_view entity, std::uint64_t pick) const;

    std::uint64_t seed_;
    std::vector<std::string> business_ids_;
    std::vector<std::size_t> counts_;
    std::vector<std::optional<std::size_t>> contacts_;
};

// 64-bit mixing (splitmix64's finaliser): the generator's only source of variety.
std::uint64_t mix64(std::uint64_t x) noexcept;

} // namespace sage_sandbox
