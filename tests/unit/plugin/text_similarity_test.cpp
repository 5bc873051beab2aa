#define BOOST_TEST_MODULE text_similarity
#include <boost/test/unit_test.hpp>

#include "form/text_similarity.hpp"

#include <array>
#include <string_view>

using namespace std::string_view_literals;

BOOST_AUTO_TEST_CASE(edit_distance_counts_single_edits)
{
    BOOST_TEST(sage::edit_distance("Timeout", "Timeout") == 0u);
    BOOST_TEST(sage::edit_distance("Timout", "Timeout") == 1u);   // deletion
    BOOST_TEST(sage::edit_distance("Timeoutt", "Timeout") == 1u); // insertion
    BOOST_TEST(sage::edit_distance("Timeaut", "Timeout") == 1u);  // substitution
    BOOST_TEST(sage::edit_distance("Tiemout", "Timeout") == 1u);  // swap of neighbours
    BOOST_TEST(sage::edit_distance("kitten", "sitting") == 3u);
    BOOST_TEST(sage::edit_distance("", "abc") == 3u);
    BOOST_TEST(sage::edit_distance("abc", "") == 3u);
}

BOOST_AUTO_TEST_CASE(edit_distance_ignores_ascii_case)
{
    BOOST_TEST(sage::edit_distance("TIMEOUT", "timeout") == 0u);
    BOOST_TEST(sage::edit_distance("initiateoauth", "InitiateOAuth") == 0u);
    BOOST_TEST(sage::edit_distance("CALLBACKURL", "CallbackUrl") == 0u);
}

BOOST_AUTO_TEST_CASE(edit_distance_is_symmetric)
{
    for (auto [a, b] : std::array{std::pair{"Scope"sv, "Scop"sv}, std::pair{"ProxyPort"sv, "PortProxy"sv},
                                  std::pair{"ApiBaseURL"sv, "APIBaseUrl"sv}})
        BOOST_TEST(sage::edit_distance(a, b) == sage::edit_distance(b, a));
}

BOOST_AUTO_TEST_CASE(find_nearest_picks_the_closest_candidate)
{
    constexpr std::array candidates = {"Scope"sv, "Timeout"sv, "TokenURL"sv, "Locale"sv};
    const auto nearest = sage::find_nearest("Timout", candidates);
    BOOST_REQUIRE(nearest.has_value());
    BOOST_TEST(nearest->word == "Timeout");
    BOOST_TEST(nearest->distance == 1u);

    const auto token = sage::find_nearest("tokenurl", candidates);
    BOOST_REQUIRE(token.has_value());
    BOOST_TEST(token->word == "TokenURL");
    BOOST_TEST(token->distance == 0u);
}

BOOST_AUTO_TEST_CASE(find_nearest_prefers_the_first_of_equals_and_handles_no_candidates)
{
    constexpr std::array candidates = {"ab"sv, "ba"sv};
    const auto nearest = sage::find_nearest("aa", candidates);
    BOOST_REQUIRE(nearest.has_value());
    BOOST_TEST(nearest->word == "ab");
    BOOST_TEST(!sage::find_nearest("anything", std::span<const std::string_view>{}).has_value());
}

BOOST_AUTO_TEST_CASE(plausible_typos_scale_with_length)
{
    BOOST_TEST(sage::is_plausible_typo("Scop", 1));
    BOOST_TEST(sage::is_plausible_typo("Scop", 2));
    BOOST_TEST(!sage::is_plausible_typo("Scop", 3));
    BOOST_TEST(sage::is_plausible_typo("OAuthSettingLocation", 6));
    BOOST_TEST(!sage::is_plausible_typo("OAuthSettingLocation", 7));
}
