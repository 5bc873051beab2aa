// The state of a data read, as the opaque text hosts keep between reads: per business, the cursors
// the next read starts from, the records already delivered at the cursor's instant (so an inclusive
// cursor delivers nothing twice), and, while a read is under way, where it resumes. JSON inside,
// versioned, size-bounded; a state from another entity or an unknown version is refused.
#pragma once

#include <connector_support/result.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sage {

inline constexpr std::size_t max_state_size = std::size_t{1024} * 1024;
inline constexpr std::size_t max_seen_records = 2000; // per business
inline constexpr std::size_t max_state_businesses = 1000;

// A record delivered at or after the cursor, with the version delivered (for a deletion: when it
// was deleted).
struct seen_record {
    std::string id;
    std::chrono::sys_seconds updated_at{};
};

enum class read_phase : std::uint8_t { records, deletions };

// Where an interrupted read of one business resumes.
struct run_progress {
    std::chrono::sys_seconds started{};           // Sage's clock when the read began
    std::optional<std::chrono::sys_seconds> from; // the cursor the read began with
    read_phase phase = read_phase::records;
    std::uint64_t next_page = 1;                    // the first page not yet delivered
    std::optional<std::chrono::sys_seconds> anchor; // ordered reads: updated_or_created_since of the next request
    std::vector<std::string> anchor_ids;            // ordered reads: ids delivered at the anchor instant
    std::uint64_t anchor_page_size = 0;             // ordered reads: items_per_page at this anchor (0: the page size)
    bool shrank = false;                            // the collection lost records while being read
};

struct business_state {
    std::optional<std::chrono::sys_seconds> cursor;         // the next read's updated_or_created_since
    std::optional<std::chrono::sys_seconds> deleted_cursor; // the next read's deleted_since
    std::vector<seen_record> seen;                          // delivered records at or after `cursor`
    std::vector<seen_record> seen_deleted; // deletions delivered at or after `deleted_cursor` (when deleted)
    std::optional<run_progress> run;       // present while a read is under way
    bool finished = false;                 // done within the current read of several businesses
};

struct read_state {
    std::string entity;
    bool in_progress = false;                                      // a read of several businesses was interrupted
    std::map<std::string, business_state, std::less<>> businesses; // by business id
};

[[nodiscard]] std::string encode_read_state(const read_state& state);

// Reads a state text given back by a host. Empty text is a fresh state. `entity` must match.
[[nodiscard]] connector_support::result<read_state> decode_read_state(std::string_view text, std::string_view entity);

} // namespace sage
