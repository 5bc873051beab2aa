// How alike two words are, so a mistyped key can be answered with "did you mean 'Timeout'?".
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace sage {

// The optimal-string-alignment distance between `a` and `b`, ignoring ASCII case: the fewest
// insertions, deletions, substitutions and swaps of two neighbouring characters that turn one into
// the other ("Timout" -> "Timeout" is 1, "Tiemout" -> "Timeout" is 1).
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

struct nearest_word {
    std::string_view word; // one of the candidates
    std::size_t distance = 0;
};

// The candidate nearest to `word` (the first of equals, in candidate order); nothing when there are
// no candidates.
[[nodiscard]] std::optional<nearest_word> find_nearest(std::string_view word,
                                                       std::span<const std::string_view> candidates);

// Whether a suggestion at `distance` from `word` is close enough to offer as "did you mean": a
// third of the word's length, at least 2, so short typos and dropped prefixes both qualify.
[[nodiscard]] bool is_plausible_typo(std::string_view word, std::size_t distance) noexcept;

} // namespace sage
