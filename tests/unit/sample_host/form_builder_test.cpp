// form_builder: every FORM source, the order in which they override each other, the command line laid
// over a saved connection, typed conversion from descriptors, and bad inputs refused with messages that
// never repeat a value.
#define BOOST_TEST_MODULE form_builder
#include <boost/test/unit_test.hpp>

#include "connectors/form_builder.hpp"
#include "fake_environment.hpp"
#include "runtime/host_error.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <map>

using namespace sample_host;
using connector_sdk::file_value;
using connector_sdk::key_value_pairs;

using test_support::fake_env;

namespace {

const environment_lookup no_env = fake_env({});

// The usage_error message build_form throws for `sources`; fails the test when it does not throw.
std::string refusal(const form_sources& sources, const environment_lookup& env = no_env)
{
    try {
        (void)build_form(sources, env);
    } catch (const usage_error& e) {
        return e.what();
    }
    BOOST_FAIL("build_form accepted a bad form");
    return {};
}

std::string text_of(const built_form& form, std::string_view key)
{
    const auto* text = form.values.get_if<std::string>(key);
    BOOST_REQUIRE_MESSAGE(text != nullptr, std::string(key) + " is not text");
    return *text;
}

key_value_pairs configuration_of(const built_form& form)
{
    const auto* pairs = form.values.get_if<key_value_pairs>(additional_configuration_key);
    BOOST_REQUIRE(pairs != nullptr);
    return *pairs;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sources)

BOOST_AUTO_TEST_CASE(set_gives_text_values_split_at_the_first_equals_sign)
{
    form_sources s;
    s.sets = {"ConnectionName=My Books", "Scope=a=b", " ClientId =abc", "Empty="};
    const auto form = build_form(s, no_env);
    BOOST_TEST(text_of(form, "ConnectionName") == "My Books");
    BOOST_TEST(text_of(form, "Scope") == "a=b");
    BOOST_TEST(text_of(form, "ClientId") == "abc");
    BOOST_TEST(text_of(form, "Empty") == "");
    BOOST_TEST(form.argv_keys.size() == 4u);
}

BOOST_AUTO_TEST_CASE(config_fills_additional_configuration_in_order)
{
    form_sources s;
    s.configs = {"Timeout=30", "Country=gb", "timeout=45"};
    const auto pairs = configuration_of(build_form(s, no_env));
    BOOST_REQUIRE(pairs.size() == 2u);
    BOOST_TEST(pairs[0].key == "Timeout");
    BOOST_TEST(pairs[0].value == "45"); // keys match case-insensitively: the later use wins
    BOOST_TEST(pairs[1].key == "Country");
    BOOST_TEST(pairs[1].value == "gb");
}

BOOST_AUTO_TEST_CASE(file_reads_name_and_bytes)
{
    test_support::temp_dir dir;
    test_support::write_file(dir / "bundle.pem", std::string("-----BEGIN\0CERT", 15));
    form_sources s;
    s.files = {"KeystoreFile=" + (dir / "bundle.pem").string()};
    const auto form = build_form(s, no_env);
    const auto* file = form.values.get_if<file_value>("KeystoreFile");
    BOOST_REQUIRE(file != nullptr);
    BOOST_TEST(file->file_name == "bundle.pem");
    BOOST_TEST(file->content.size() == 15u);
    BOOST_TEST(file->content[10] == 0u);
}

BOOST_AUTO_TEST_CASE(secret_env_reads_the_variable_and_remembers_the_value)
{
    form_sources s;
    s.secret_envs = {"ClientSecret=SAGE_SECRET"};
    const auto form = build_form(s, fake_env({{"SAGE_SECRET", "s3cr3t-value"}}));
    BOOST_TEST(text_of(form, "ClientSecret") == "s3cr3t-value");
    BOOST_REQUIRE(form.env_secrets.size() == 1u);
    BOOST_TEST(form.env_secrets[0] == "s3cr3t-value");
    BOOST_TEST(form.argv_keys.empty()); // nothing was typed on the command line
}

BOOST_AUTO_TEST_CASE(form_file_reads_every_value_type)
{
    test_support::temp_dir dir;
    test_support::write_file(dir / "certs" / "ca.pem", "PEM");
    test_support::write_file(dir / "form.json", R"({
        "ConnectionName": "Books",
        "EnableSSL": false,
        "Timeout": 30,
        "KeystoreFile": {"path": "certs/ca.pem"},
        "AdditionalConfiguration": {"Country": "gb", "Verbose": true, "Retries": 3}
    })");
    form_sources s;
    s.form_file = dir / "form.json";
    const auto form = build_form(s, no_env);
    BOOST_TEST(text_of(form, "ConnectionName") == "Books");
    BOOST_REQUIRE(form.values.get_if<bool>("EnableSSL") != nullptr);
    BOOST_TEST(*form.values.get_if<bool>("EnableSSL") == false);
    BOOST_REQUIRE(form.values.get_if<std::int64_t>("Timeout") != nullptr);
    BOOST_TEST(*form.values.get_if<std::int64_t>("Timeout") == 30);
    const auto* file = form.values.get_if<file_value>("KeystoreFile");
    BOOST_REQUIRE(file != nullptr); // relative to the form file's folder
    BOOST_TEST(file->file_name == "ca.pem");
    const auto pairs = configuration_of(form);
    BOOST_REQUIRE(pairs.size() == 3u);
    BOOST_TEST(pairs[0].key == "Country");
    BOOST_TEST(pairs[1].value == "true");
    BOOST_TEST(pairs[2].value == "3");
}

BOOST_AUTO_TEST_CASE(form_file_accepts_additional_configuration_as_an_array)
{
    test_support::temp_dir dir;
    test_support::write_file(
        dir / "form.json",
        R"({"AdditionalConfiguration": [{"key": "Scope", "value": "readonly"}, {"key": "Timeout", "value": 5}]})");
    form_sources s;
    s.form_file = dir / "form.json";
    const auto pairs = configuration_of(build_form(s, no_env));
    BOOST_REQUIRE(pairs.size() == 2u);
    BOOST_TEST(pairs[0].key == "Scope");
    BOOST_TEST(pairs[0].value == "readonly");
    BOOST_TEST(pairs[1].value == "5");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(overriding_order)

BOOST_AUTO_TEST_CASE(form_file_then_set_then_config_then_file_then_secret_env)
{
    test_support::temp_dir dir;
    test_support::write_file(dir / "key.p12", "P12");
    test_support::write_file(dir / "form.json", R"({
        "A": "from-form", "B": "from-form", "C": "from-form", "D": "from-form",
        "AdditionalConfiguration": {"Timeout": "10", "Scope": "readonly"}
    })");
    form_sources s;
    s.form_file = dir / "form.json";
    s.sets = {"B=from-set", "C=from-set", "D=from-set", "B=from-set-again"};
    s.configs = {"Timeout=20"};
    s.files = {"C=" + (dir / "key.p12").string(), "D=" + (dir / "key.p12").string()};
    s.secret_envs = {"D=ENV_D"};
    const auto form = build_form(s, fake_env({{"ENV_D", "from-env"}}));
    BOOST_TEST(text_of(form, "A") == "from-form");
    BOOST_TEST(text_of(form, "B") == "from-set-again");
    BOOST_TEST(form.values.get_if<file_value>("C") != nullptr);
    BOOST_TEST(text_of(form, "D") == "from-env");
    const auto pairs = configuration_of(form);
    BOOST_REQUIRE(pairs.size() == 2u);
    BOOST_TEST(pairs[0].key == "Timeout");
    BOOST_TEST(pairs[0].value == "20"); // --config replaces the form file's entry
    BOOST_TEST(pairs[1].key == "Scope");
    BOOST_TEST(pairs[1].value == "readonly"); // and keeps the others
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(saved_connection_overlay)

namespace {

connector_sdk::form_values saved_connection()
{
    connector_sdk::form_values saved;
    saved.set("ConnectionName", std::string("Books"));
    saved.set("ClientSecret", std::string("saved-secret"));
    saved.set("EnableSSL", true);
    saved.set("KeystoreFile", file_value{"ca.pem", {'P', 'E', 'M'}});
    saved.set("AdditionalConfiguration", key_value_pairs{{"Timeout", "30"}, {"Scope", "readonly"}});
    return saved;
}

} // namespace

BOOST_AUTO_TEST_CASE(nothing_given_leaves_the_saved_values)
{
    auto form = saved_connection();
    overlay_form(form, {});
    BOOST_TEST(form.size() == 5u);
    BOOST_TEST(*form.get_if<std::string>("ClientSecret") == "saved-secret");
}

BOOST_AUTO_TEST_CASE(a_key_given_again_replaces_the_saved_one_ignoring_case)
{
    auto form = saved_connection();
    connector_sdk::form_values overrides;
    overrides.set("clientsecret", std::string("new-secret"));
    overrides.set("EnableSSL", std::string("false")); // typed later by apply_property_types
    overrides.set("OAuthVerifier", std::string("code"));
    overlay_form(form, overrides);
    BOOST_TEST(!form.contains("clientsecret"));
    BOOST_TEST(*form.get_if<std::string>("ClientSecret") == "new-secret"); // the saved spelling
    BOOST_TEST(*form.get_if<std::string>("EnableSSL") == "false");
    BOOST_TEST(*form.get_if<std::string>("OAuthVerifier") == "code");
    BOOST_TEST(form.get_if<file_value>("KeystoreFile") != nullptr); // untouched
    BOOST_TEST(form.size() == 6u);
}

BOOST_AUTO_TEST_CASE(configuration_entries_merge_into_the_saved_list)
{
    auto form = saved_connection();
    connector_sdk::form_values overrides;
    overrides.set("AdditionalConfiguration", key_value_pairs{{"timeout", "90"}, {"ProxyServer", "proxy.local"}});
    overlay_form(form, overrides);
    const auto* pairs = form.get_if<key_value_pairs>("AdditionalConfiguration");
    BOOST_REQUIRE(pairs != nullptr);
    BOOST_REQUIRE(pairs->size() == 3u);
    BOOST_TEST((*pairs)[0].key == "Timeout");
    BOOST_TEST((*pairs)[0].value == "90");
    BOOST_TEST((*pairs)[1].key == "Scope");
    BOOST_TEST((*pairs)[1].value == "readonly");
    BOOST_TEST((*pairs)[2].key == "ProxyServer");
}

BOOST_AUTO_TEST_CASE(a_configuration_given_as_text_replaces_the_saved_list)
{
    auto form = saved_connection();
    connector_sdk::form_values overrides;
    overrides.set("AdditionalConfiguration", std::string("Timeout=5"));
    overlay_form(form, overrides);
    BOOST_TEST(*form.get_if<std::string>("AdditionalConfiguration") == "Timeout=5");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_inputs)

BOOST_AUTO_TEST_CASE(an_assignment_without_equals_is_refused_without_repeating_it)
{
    form_sources s;
    s.sets = {"A=1", "my-secret-value"};
    const std::string why = refusal(s);
    BOOST_TEST(why.find("--set (use #2) has no '='") != std::string::npos, why);
    BOOST_TEST(why.find("my-secret-value") == std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(an_empty_key_is_refused)
{
    form_sources s;
    s.configs = {"=value"};
    BOOST_TEST(refusal(s).find("nothing before '='") != std::string::npos);
    form_sources spaced;
    spaced.sets = {"Client Id=x"};
    BOOST_TEST(refusal(spaced).find("spaces") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_file_a_folder_and_an_empty_path_are_refused)
{
    test_support::temp_dir dir;
    form_sources missing;
    missing.files = {"KeystoreFile=" + (dir / "nope.pem").string()};
    BOOST_TEST(refusal(missing).find("does not exist") != std::string::npos);
    form_sources folder;
    folder.files = {"KeystoreFile=" + dir.path().string()};
    BOOST_TEST(refusal(folder).find("not a regular file") != std::string::npos);
    form_sources empty;
    empty.files = {"KeystoreFile="};
    BOOST_TEST(refusal(empty).find("has no path") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_file_over_10_mib_is_refused)
{
    test_support::temp_dir dir;
    const auto big = dir / "big.p12";
    test_support::write_file(big, "");
    std::filesystem::resize_file(big, max_form_file_bytes + 1); // sparse: no 10 MiB written
    form_sources s;
    s.files = {"KeystoreFile=" + big.string()};
    const std::string why = refusal(s);
    BOOST_TEST(why.find("10 MiB") != std::string::npos, why);

    std::filesystem::resize_file(big, max_form_file_bytes); // exactly the limit is fine
    BOOST_TEST(build_form(s, no_env).values.get_if<file_value>("KeystoreFile")->content.size() == max_form_file_bytes);
}

BOOST_AUTO_TEST_CASE(a_missing_environment_variable_is_refused_by_name)
{
    form_sources s;
    s.secret_envs = {"ClientSecret=NOT_SET_ANYWHERE"};
    const std::string why = refusal(s);
    BOOST_TEST(why.find("NOT_SET_ANYWHERE is not set") != std::string::npos, why);
    form_sources blank;
    blank.secret_envs = {"ClientSecret= "};
    BOOST_TEST(refusal(blank).find("names no environment variable") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_form_documents_are_refused_with_the_member_at_fault)
{
    test_support::temp_dir dir;
    const std::pair<std::string, std::string> cases[] = {
        {"{\"A\": ", "not valid JSON"},
        {"[1, 2]", "must be a JSON object"},
        {R"({"A": null})", "member \"A\" is null"},
        {R"({"Timeout": 1.5})", "not a whole number"},
        {R"({"Timeout": 18446744073709551615})", "too large"},
        {R"({"A": ["x"]})", "arrays are only for AdditionalConfiguration"},
        {R"({"K": {"file": "x"}})", "{\"path\": \"FILE\"}"},
        {R"({"K": {"path": "missing.pem"}})", "does not exist"},
        {R"({"AdditionalConfiguration": "Timeout=5"})", "must be an object of KEY: VALUE"},
        {R"({"AdditionalConfiguration": [{"key": "Timeout"}]})", "{\"key\": \"...\", \"value\": \"...\"}"},
        {R"({"AdditionalConfiguration": {"Timeout": [1]}})", "must be a string, a boolean or a whole number"},
    };
    for (const auto& [document, expected] : cases) {
        test_support::write_file(dir / "form.json", document);
        form_sources s;
        s.form_file = dir / "form.json";
        const std::string why = refusal(s);
        BOOST_TEST(why.find(expected) != std::string::npos, document << " -> " << why);
        BOOST_TEST(why.find("--form ") == 0u, why);
    }
    form_sources missing;
    missing.form_file = dir / "absent.json";
    BOOST_TEST(refusal(missing).find("does not exist") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(config_after_a_plain_additional_configuration_value_is_refused)
{
    form_sources s;
    s.sets = {"AdditionalConfiguration=Timeout=5"};
    s.configs = {"Scope=readonly"};
    BOOST_TEST(refusal(s).find("already given as a single value") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(descriptors)

std::vector<connector_sdk::property_descriptor> sample_properties()
{
    using connector_sdk::property_type;
    std::vector<connector_sdk::property_descriptor> p(5);
    p[0].key = "EnableSSL";
    p[0].type = property_type::boolean;
    p[1].key = "Timeout";
    p[1].type = property_type::integer;
    p[2].key = "ClientSecret";
    p[2].secret = true;
    p[3].key = "ProxyPassword";
    p[3].secret = true;
    p[4].key = "ClientId";
    return p;
}

BOOST_AUTO_TEST_CASE(text_for_booleans_and_integers_becomes_typed_when_it_reads_as_such)
{
    connector_sdk::form_values form;
    form.set("EnableSSL", std::string("No"));
    form.set("Timeout", std::string(" 45 "));
    form.set("ClientId", std::string("1"));
    apply_property_types(form, sample_properties());
    BOOST_REQUIRE(form.get_if<bool>("EnableSSL") != nullptr);
    BOOST_TEST(*form.get_if<bool>("EnableSSL") == false);
    BOOST_REQUIRE(form.get_if<std::int64_t>("Timeout") != nullptr);
    BOOST_TEST(*form.get_if<std::int64_t>("Timeout") == 45);
    BOOST_TEST(form.get_if<std::string>("ClientId") != nullptr); // a string property stays text

    form.set("EnableSSL", std::string("maybe"));
    form.set("Timeout", std::string("60s"));
    apply_property_types(form, sample_properties());
    BOOST_TEST(*form.get_if<std::string>("EnableSSL") == "maybe"); // left for the connector to judge
    BOOST_TEST(*form.get_if<std::string>("Timeout") == "60s");
}

BOOST_AUTO_TEST_CASE(secret_texts_finds_secrets_at_the_top_level_and_in_additional_configuration)
{
    connector_sdk::form_values form;
    form.set("ClientSecret", std::string("top-secret"));
    form.set("ClientId", std::string("public-id"));
    form.set(std::string(additional_configuration_key),
             key_value_pairs{{"proxypassword", "proxy-secret"}, {"Timeout", "5"}});
    const auto secrets = secret_texts(form, sample_properties());
    BOOST_REQUIRE(secrets.size() == 2u);
    BOOST_TEST((std::find(secrets.begin(), secrets.end(), "top-secret") != secrets.end()));
    BOOST_TEST((std::find(secrets.begin(), secrets.end(), "proxy-secret") != secrets.end()));
}

BOOST_AUTO_TEST_SUITE_END()
