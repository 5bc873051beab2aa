// `sample_host plugins` and connector lookup as a process: the Sage connector listed as premium with a
// 30-day trial and loaded; missing, empty and mixed plugin folders; refused and unknown connectors.
#define BOOST_TEST_MODULE e2e_plugins
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"

#include <boost/json.hpp>

using namespace e2e;
namespace json = boost::json;

namespace {

const json::object* find_plugin(const json::value& doc, std::string_view id)
{
    for (const auto& p : doc.at("plugins").as_array())
        if (p.at("id").as_string() == id)
            return &p.as_object();
    return nullptr;
}

// A plugin folder holding a copy of the fixture connector and a folder whose manifest is broken.
void make_mixed_folder(const std::filesystem::path& folder)
{
    std::filesystem::create_directories(folder);
    std::filesystem::copy(std::filesystem::path(E2E_PLUGIN_DIR) / fixture_id, folder / fixture_id,
                          std::filesystem::copy_options::recursive);
    test_support::write_file(folder / "broken" / "manifest.json", "{ not json");
    test_support::write_file(folder / "no-manifest" / "library.so", "x");
}

} // namespace

BOOST_AUTO_TEST_CASE(the_sage_connector_is_listed_as_premium_with_a_30_day_trial_and_loaded)
{
    sample_host_runner host;
    const auto doc = host.run_json({"plugins"});
    const json::object* sage = find_plugin(doc, sage_id);
    BOOST_REQUIRE_MESSAGE(sage != nullptr, json::serialize(doc));
    BOOST_TEST(sage->at("name").as_string() == "Sage Cloud Accounting");
    BOOST_TEST(sage->at("tier").as_string() == "premium");
    BOOST_TEST(sage->at("trial_days").as_int64() == 30);
    BOOST_TEST(sage->at("status").as_string() == "loaded");
    BOOST_TEST(sage->at("loaded").as_bool());
    BOOST_TEST(!sage->at("version").as_string().empty());
    BOOST_TEST(!sage->at("vendor").as_string().empty());
    BOOST_TEST(sage->at("license").is_object());
    BOOST_TEST(sage->at("license").at("state").is_string());
    BOOST_TEST(doc.at("tenant").as_string() == "default");

    const auto text = host.run({"plugins"});
    BOOST_TEST(text.exit_code == 0, describe(text));
    for (const char* word : {sage_id, "Sage Cloud Accounting", "premium", "30 days", "loaded"})
        BOOST_TEST(contains(text.out, word), word << "\n" << text.out);
}

BOOST_AUTO_TEST_CASE(a_missing_plugin_folder_is_refused_naming_it_and_the_remedy)
{
    test_support::temp_dir parent;
    sample_host_runner host(parent / "does-not-exist");
    const auto r = host.run({"plugins"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.err, (parent / "does-not-exist").string()), describe(r));
    BOOST_TEST(contains(r.err, "--plugins"), describe(r));
    BOOST_TEST(contains(r.err, "SAMPLE_HOST_PLUGINS"), describe(r));
    const auto doc = host.run_json({"plugins"}, 1);
    BOOST_TEST(doc.at("exit_code").as_int64() == 1);
    BOOST_TEST(contains(std::string(doc.at("error").as_string()), "does not exist"));
}

BOOST_AUTO_TEST_CASE(an_empty_plugin_folder_lists_nothing)
{
    test_support::temp_dir empty;
    sample_host_runner host(empty.path());
    const auto r = host.run({"plugins"});
    BOOST_TEST(r.exit_code == 0, describe(r));
    BOOST_TEST(contains(r.out, "no connectors found"), describe(r));
    const auto doc = host.run_json({"plugins"});
    BOOST_TEST(doc.at("plugins").as_array().empty());
}

BOOST_AUTO_TEST_CASE(bad_plugins_are_listed_with_their_reason_and_the_good_one_still_loads)
{
    test_support::temp_dir folder;
    make_mixed_folder(folder.path());
    sample_host_runner host(folder.path());
    const auto doc = host.run_json({"plugins"});
    BOOST_REQUIRE(doc.at("plugins").as_array().size() == 3u);
    BOOST_TEST(find_plugin(doc, fixture_id)->at("status").as_string() == "loaded");
    BOOST_TEST(find_plugin(doc, "broken")->at("status").as_string() == "manifest_invalid");
    BOOST_TEST(find_plugin(doc, "no-manifest")->at("status").as_string() == "manifest_missing");
    BOOST_TEST(!find_plugin(doc, "broken")->at("reason").as_string().empty());

    const auto text = host.run({"plugins"});
    BOOST_TEST(text.exit_code == 0, describe(text));
    BOOST_TEST(contains(text.out, "broken: refused (manifest_invalid)"), text.out);
}

BOOST_AUTO_TEST_CASE(commands_on_a_refused_or_unknown_connector_say_why)
{
    test_support::temp_dir folder;
    make_mixed_folder(folder.path());
    sample_host_runner host(folder.path());
    const auto refused = host.run({"describe", "broken"});
    BOOST_TEST(refused.exit_code == 1, describe(refused));
    BOOST_TEST(contains(refused.err, "was refused (manifest_invalid)"), describe(refused));

    const auto unknown = host.run({"validate", "nope", "--set", "A=1"});
    BOOST_TEST(unknown.exit_code == 1, describe(unknown));
    BOOST_TEST(contains(unknown.err, "no connector 'nope'"), describe(unknown));
    BOOST_TEST(contains(unknown.err, fixture_id), describe(unknown)); // names what was found

    // A library whose bytes no longer match the manifest is refused, not loaded.
    test_support::write_file(folder / fixture_id / "e2e_fixture_connector.so", "tampered");
    const auto tampered = host.run({"describe", fixture_id});
    BOOST_TEST(tampered.exit_code == 1, describe(tampered));
    BOOST_TEST(contains(tampered.err, "digest_mismatch"), describe(tampered));
}
