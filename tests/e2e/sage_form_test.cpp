// The Sage connector through sample_host as a process: `describe` (every key of the connection form
// with its type and secret flag, table and JSON), `validate` with bad forms, and `test` answering
// "Connection unavailable" when it cannot connect.
#define BOOST_TEST_MODULE e2e_sage_form
#include <boost/test/unit_test.hpp>

#include "e2e_support.hpp"

#include <boost/json.hpp>

using namespace e2e;
namespace json = boost::json;

namespace {

struct expected_property {
    const char* key;
    const char* type; // nullptr: not pinned by the issue
    int secret;       // 1 secret, 0 not secret, -1 not pinned
    bool advanced;
};

// Issue 2 §4: the form's keys, with the types and secret flags it names.
const expected_property sage_form[] = {
    {"ConnectionName", "string", 0, false},
    {"ClientId", "string", 0, false},
    {"ClientSecret", "string", 1, false},
    {"AccessToken", "string", 1, false},
    {"RefreshToken", "string", 1, false},
    {"EnableSSL", "boolean", 0, false},
    {"KeystoreFile", "file", 0, false},
    {"KeystorePassword", "string", 1, false},
    {"AdditionalConfiguration", "key_value_list", 0, false},
    {"InitiateOAuth", "enum", 0, true},
    {"OAuthSettingsLocation", "string", 0, true},
    {"CallbackURL", "string", 0, true},
    {"Scope", "enum", 0, true},
    {"Country", nullptr, 0, true},
    {"Locale", nullptr, 0, true},
    {"BusinessId", "string", 0, true},
    {"Timeout", "integer", 0, true},
    {"OAuthExpiresIn", nullptr, 0, true},
    {"OAuthTokenTimestamp", nullptr, 0, true},
    {"OAuthVerifier", nullptr, -1, true},
    {"ProxyServer", "string", 0, true},
    {"ProxyPort", nullptr, 0, true},
    {"ProxyUser", "string", 0, true},
    {"ProxyPassword", "string", 1, true},
    {"AuthorizeURL", "string", 0, true},
    {"TokenURL", "string", 0, true},
    {"ApiBaseURL", "string", 0, true},
};

const json::object* find_property(const json::value& doc, std::string_view key)
{
    for (const auto& p : doc.at("properties").as_array())
        if (p.at("key").as_string() == key)
            return &p.as_object();
    return nullptr;
}

std::vector<std::string> values_of(const json::value& array)
{
    std::vector<std::string> out;
    for (const auto& v : array.as_array())
        out.emplace_back(v.as_string());
    return out;
}

const std::map<std::string, std::string> secrets_env{{"E2E_CLIENT_SECRET", "e2e-client-secret-value"}};

} // namespace

BOOST_AUTO_TEST_SUITE(describe_command)

BOOST_AUTO_TEST_CASE(describe_json_names_the_connector)
{
    sample_host_runner host;
    const auto doc = host.run_json({"describe", sage_id});
    const auto& connector = doc.at("connector");
    BOOST_TEST(connector.at("id").as_string() == sage_id);
    BOOST_TEST(connector.at("name").as_string() == "Sage Cloud Accounting");
    BOOST_TEST(connector.at("tier").as_string() == "premium");
    BOOST_TEST(connector.at("trial_days").as_int64() == 30);
    BOOST_TEST(connector.at("description").as_string() ==
               "Sage Cloud Accounting is a cloud-based accounting software providing flexibility and accessibility "
               "for businesses.");
    for (const char* member : {"version", "vendor"})
        BOOST_TEST(!connector.at(member).as_string().empty(), member);
}

BOOST_AUTO_TEST_CASE(describe_json_lists_every_key_of_the_form_with_type_and_secret_flag)
{
    sample_host_runner host;
    const auto doc = host.run_json({"describe", sage_id});
    for (const auto& expected : sage_form) {
        const json::object* p = find_property(doc, expected.key);
        BOOST_TEST_REQUIRE(p != nullptr, "describe lacks " << expected.key << " (has the form landed?)");
        for (const char* member : {"key", "label", "description", "type", "secret", "required", "advanced", "default",
                                   "allowed_values", "group", "order", "minimum", "maximum", "visible_when"})
            BOOST_TEST(p->contains(member), expected.key << " lacks " << member);
        if (expected.type != nullptr)
            BOOST_TEST(p->at("type").as_string() == expected.type, expected.key);
        if (expected.secret >= 0)
            BOOST_TEST(p->at("secret").as_bool() == (expected.secret == 1), expected.key);
        BOOST_TEST(p->at("advanced").as_bool() == expected.advanced, expected.key);
    }

    const auto& name = *find_property(doc, "ConnectionName");
    BOOST_TEST(name.at("label").as_string() == "Connection Name");
    BOOST_TEST(name.at("required").as_bool());
    BOOST_TEST(find_property(doc, "ClientId")->at("label").as_string() == "Client ID");
    BOOST_TEST(find_property(doc, "KeystoreFile")->at("label").as_string() == "Upload Keystore File");
    BOOST_TEST(find_property(doc, "AdditionalConfiguration")->at("label").as_string() == "Add Configuration");
    BOOST_TEST(find_property(doc, "EnableSSL")->at("default").as_string() == "true");
    BOOST_TEST(find_property(doc, "Timeout")->at("default").as_string() == "60");
    BOOST_TEST(find_property(doc, "CallbackURL")->at("default").as_string() == "http://localhost:3333");

    const auto& initiate = *find_property(doc, "InitiateOAuth");
    BOOST_TEST(initiate.at("default").as_string() == "GETANDREFRESH");
    BOOST_TEST(
        (values_of(initiate.at("allowed_values")) == std::vector<std::string>{"OFF", "GETANDREFRESH", "REFRESH"}));
    const auto scope = values_of(find_property(doc, "Scope")->at("allowed_values"));
    BOOST_TEST((std::find(scope.begin(), scope.end(), "full_access") != scope.end()));
    BOOST_TEST((std::find(scope.begin(), scope.end(), "readonly") != scope.end()));

    const auto& password = *find_property(doc, "KeystorePassword");
    BOOST_TEST_REQUIRE(password.at("visible_when").is_object());
    BOOST_TEST(password.at("visible_when").at("key").as_string() == "KeystoreFile");
}

BOOST_AUTO_TEST_CASE(describe_table_shows_every_key)
{
    sample_host_runner host;
    const auto r = host.run({"describe", sage_id});
    BOOST_TEST(r.exit_code == 0, describe(r));
    for (const char* header : {"KEY", "LABEL", "TYPE", "REQUIRED", "SECRET", "DEFAULT", "ADVANCED", "ALLOWED VALUES"})
        BOOST_TEST(contains(r.out, header), header);
    for (const auto& expected : sage_form)
        BOOST_TEST(contains(r.out, std::string("\n") + expected.key + " "), expected.key << " missing from\n" << r.out);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(validate_command)

BOOST_AUTO_TEST_CASE(a_bad_form_exits_1_listing_each_field_error_by_label)
{
    sample_host_runner host;
    const auto r = host.run({"validate", sage_id, "--set", "EnableSSL=perhaps", "--config", "Timeout=0"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.out, "problem(s)"), describe(r));
    for (const char* word : {"Connection Name", "ConnectionName", "Enable SSL", "Timeout"})
        BOOST_TEST(contains(r.out, word), word << "\n" << describe(r));

    const auto doc = host.run_json({"validate", sage_id, "--set", "EnableSSL=perhaps"}, 1);
    BOOST_TEST(!doc.at("valid").as_bool());
    const auto& errors = doc.at("errors").as_array();
    BOOST_TEST(errors.size() >= 2u);
    bool names_connection = false;
    for (const auto& e : errors) {
        BOOST_TEST(!e.at("message").as_string().empty());
        names_connection = names_connection || e.at("label").as_string() == "Connection Name";
    }
    BOOST_TEST(names_connection, json::serialize(doc));
}

// Bytes that are not UTF-8 in any text value (a field, a secret, Add Configuration, an unknown key)
// are refused naming the field, a secret's bytes never shown; the --json document stays valid JSON
// (it used to carry the raw bytes, which no JSON parser accepts).
BOOST_AUTO_TEST_CASE(text_that_is_not_utf8_is_refused_by_field_and_json_stays_valid)
{
    sample_host_runner host;
    const std::map<std::string, std::string> environment{{"E2E_CLIENT_SECRET", "s3cr\xe9t-latin1"}};
    const std::vector<std::string> args{"validate",     sage_id,
                                        "--set",        "ConnectionName=Bo\xffoks",
                                        "--set",        "ClientId=e2e-client",
                                        "--secret-env", "ClientSecret=E2E_CLIENT_SECRET",
                                        "--set",        "AdditionalConfiguration=Timeout=\xc0\xaf",
                                        "--set",        "Un\xfeknown=1"};
    const auto doc = host.run_json(args, 1, environment);
    BOOST_TEST(!doc.at("valid").as_bool());
    std::map<std::string, std::string> by_label;
    for (const auto& e : doc.at("errors").as_array())
        by_label[std::string(e.at("label").as_string())] += std::string(e.at("message").as_string());
    for (const char* label : {"Connection Name", "Client Secret", "Add Configuration"}) {
        BOOST_TEST(contains(by_label[label], "is not valid UTF-8 text (byte "), label << ": " << json::serialize(doc));
    }
    BOOST_TEST(contains(json::serialize(doc), "is not a property of this connector"), json::serialize(doc));
    const auto r = host.run(args, environment);
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(contains(r.out, "Connection Name is not valid UTF-8 text (byte 3 "), describe(r));
    BOOST_TEST(!contains(host.transcript(), "s3cr"), describe(r));
    BOOST_TEST(!contains(host.transcript(), "latin1"), describe(r));
}

BOOST_AUTO_TEST_CASE(a_complete_form_is_valid)
{
    sample_host_runner host;
    const auto r = host.run({"validate", sage_id, "--set", "ConnectionName=Books", "--set", "ClientId=e2e-client",
                             "--secret-env", "ClientSecret=E2E_CLIENT_SECRET"},
                            secrets_env);
    BOOST_TEST(r.exit_code == 0, describe(r));
    BOOST_TEST(contains(r.out, "the form is valid"), describe(r));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(test_command)

BOOST_AUTO_TEST_CASE(an_invalid_form_is_connection_unavailable)
{
    sample_host_runner host;
    const auto r = host.run({"test", sage_id, "--set", "ClientId=x"});
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(first_line(r.out).rfind("Connection unavailable", 0) == 0u, describe(r));

    const auto doc = host.run_json({"test", sage_id, "--set", "ClientId=x"}, 1);
    BOOST_TEST(!doc.at("available").as_bool());
    BOOST_TEST(std::string(doc.at("headline").as_string()).rfind("Connection unavailable", 0) == 0u);
    BOOST_TEST(doc.at("category").is_string());
}

BOOST_AUTO_TEST_CASE(a_valid_form_that_cannot_connect_is_connection_unavailable)
{
    sample_host_runner host;
    const auto r = host.run({"test", sage_id, "--set", "ConnectionName=Books", "--set", "ClientId=e2e-client",
                             "--secret-env", "ClientSecret=E2E_CLIENT_SECRET", "--config", "Timeout=5"},
                            secrets_env);
    BOOST_TEST(r.exit_code == 1, describe(r));
    BOOST_TEST(first_line(r.out).rfind("Connection unavailable: ", 0) == 0u, describe(r));
    BOOST_TEST(!contains(host.transcript(), "e2e-client-secret-value"));
}

BOOST_AUTO_TEST_SUITE_END()
