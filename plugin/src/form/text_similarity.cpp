#include "form/text_similarity.hpp"

#include <algorithm>
#include <vector>

namespace sage {

namespace {
constexpr char fold(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
} // namespace

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    const std::size_t rows = a.size() + 1;
    const std::size_t columns = b.size() + 1;
    // Three rolling rows are enough: the swap rule looks two rows back.
    std::vector<std::size_t> before_previous(columns), previous(columns), current(columns);
    for (std::size_t j = 0; j < columns; ++j)
        previous[j] = j;
    for (std::size_t i = 1; i < rows; ++i) {
        current[0] = i;
        for (std::size_t j = 1; j < columns; ++j) {
            const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
                current[j] = std::min(current[j], before_previous[j - 2] + 1);
        }
        std::swap(before_previous, previous);
        std::swap(previous, current);
    }
    return previous[columns - 1];
}

std::optional<nearest_word> find_nearest(std::string_view word, std::span<const std::string_view> candidates)
{
    std::optional<nearest_word> best;
    for (std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate);
        if (!best || distance < best->distance)
            best = nearest_word{candidate, distance};
    }
    return best;
}

bool is_plausible_typo(std::string_view word, std::size_t distance) noexcept
{
    return distance <= std::max<std::size_t>(2, word.size() / 3);
}

} // namespace sage
