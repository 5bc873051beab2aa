// The SDK's value types and rules: the compatibility rule, the descriptor, the wire names, the seed's
// TEST messages, form values, and the order in which a connector and its library are released.
#define BOOST_TEST_MODULE sdk_types
#include <boost/test/unit_test.hpp>

#include <connector_sdk/loader.hpp>
#include <connector_sdk/sdk.hpp>

#include <cstring>
#include <vector>

using namespace connector_sdk;

BOOST_AUTO_TEST_SUITE(abi_rules)

BOOST_AUTO_TEST_CASE(the_descriptor_describes_the_code_being_compiled)
{
    constexpr abi_descriptor d = make_abi_descriptor("my-connector");
    static_assert(d.magic == abi_descriptor_magic);
    static_assert(d.sdk_major == CONNECTOR_SDK_VERSION_MAJOR);
    BOOST_TEST(d.descriptor_size == sizeof(abi_descriptor));
    BOOST_TEST(connector_id_of(d) == "my-connector");
    BOOST_TEST(stdlib_abi_of(d) == CONNECTOR_SDK_STDLIB_ABI);
    BOOST_TEST(stdlib_abi_of(d).starts_with("libstdc++/"));
    BOOST_TEST(!compiler_of(d).empty());
}

BOOST_AUTO_TEST_CASE(long_ids_are_cut_and_terminated)
{
    const abi_descriptor d = make_abi_descriptor(std::string(200, 'x'));
    BOOST_TEST(connector_id_of(d).size() == sizeof(d.connector_id) - 1);
    BOOST_TEST(d.connector_id[sizeof(d.connector_id) - 1] == '\0');
}

BOOST_AUTO_TEST_CASE(same_major_and_an_older_or_equal_minor_are_compatible)
{
    abi_descriptor host = make_abi_descriptor("h");
    host.sdk_minor = 3;
    abi_descriptor plugin = make_abi_descriptor("p");
    for (int minor : {0, 1, 2, 3}) {
        plugin.sdk_minor = static_cast<std::uint16_t>(minor);
        BOOST_TEST(check_compatibility(plugin, host).compatible, "minor " << minor);
    }
}

BOOST_AUTO_TEST_CASE(this_host_loads_plugins_built_for_sdk_1_0)
{
    BOOST_TEST(CONNECTOR_SDK_VERSION_MINOR >= 1);
    abi_descriptor plugin = make_abi_descriptor("built-for-1.0");
    plugin.sdk_minor = 0;
    const compatibility c = check_compatibility(plugin);
    BOOST_TEST(c.compatible, c.reason);
    BOOST_TEST(check_manifest_sdk_abi(1, 0).compatible);
}

BOOST_AUTO_TEST_CASE(each_incompatibility_has_its_own_reason)
{
    const abi_descriptor host = make_abi_descriptor("h");
    abi_descriptor plugin = make_abi_descriptor("p");

    plugin.sdk_major = static_cast<std::uint16_t>(host.sdk_major + 1);
    auto c = check_compatibility(plugin, host);
    BOOST_TEST(!c.compatible);
    BOOST_TEST(c.reason.find("major versions must be equal") != std::string::npos, c.reason);

    plugin = make_abi_descriptor("p");
    plugin.sdk_minor = static_cast<std::uint16_t>(host.sdk_minor + 1);
    c = check_compatibility(plugin, host);
    BOOST_TEST(!c.compatible);
    BOOST_TEST(c.reason.find("upgrade the host or install an older plugin") != std::string::npos, c.reason);

    plugin = make_abi_descriptor("p");
    detail::copy_text(plugin.stdlib_abi, sizeof plugin.stdlib_abi, "libstdc++/cow");
    c = check_compatibility(plugin, host);
    BOOST_TEST(!c.compatible);
    BOOST_TEST(c.reason.find("'libstdc++/cow'") != std::string::npos, c.reason);

    plugin = make_abi_descriptor("p");
    plugin.magic = 0;
    BOOST_TEST(!check_compatibility(plugin, host).compatible);

    plugin = make_abi_descriptor("p");
    plugin.descriptor_size = 8;
    BOOST_TEST(!check_compatibility(plugin, host).compatible);
}

BOOST_AUTO_TEST_CASE(the_manifest_rule_is_the_same_rule)
{
    BOOST_TEST(check_manifest_sdk_abi(CONNECTOR_SDK_VERSION_MAJOR, CONNECTOR_SDK_VERSION_MINOR).compatible);
    BOOST_TEST(!check_manifest_sdk_abi(CONNECTOR_SDK_VERSION_MAJOR + 1, 0).compatible);
    BOOST_TEST(!check_manifest_sdk_abi(CONNECTOR_SDK_VERSION_MAJOR, CONNECTOR_SDK_VERSION_MINOR + 1).compatible);
}

BOOST_AUTO_TEST_CASE(alias_names_never_change)
{
    BOOST_TEST(std::string(abi_descriptor_alias) == "connector_sdk_abi_descriptor");
    BOOST_TEST(std::string(factory_alias) == "connector_sdk_factory");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wire_names)

BOOST_AUTO_TEST_CASE(property_types)
{
    BOOST_TEST(to_string(property_type::string) == "string");
    BOOST_TEST(to_string(property_type::boolean) == "boolean");
    BOOST_TEST(to_string(property_type::integer) == "integer");
    BOOST_TEST(to_string(property_type::enumeration) == "enum");
    BOOST_TEST(to_string(property_type::file) == "file");
    BOOST_TEST(to_string(property_type::key_value_list) == "key_value_list");
}

BOOST_AUTO_TEST_CASE(error_categories_are_the_design_vocabulary)
{
    const std::vector<std::pair<error_category, std::string_view>> expected = {
        {error_category::none, "none"},     {error_category::config, "config"},
        {error_category::auth, "auth"},     {error_category::license, "license"},
        {error_category::tls, "tls"},       {error_category::network, "network"},
        {error_category::remote, "remote"}, {error_category::internal, "internal"}};
    for (const auto& [category, name] : expected)
        BOOST_TEST(to_string(category) == name);
}

BOOST_AUTO_TEST_CASE(license_states_and_load_statuses)
{
    BOOST_TEST(to_string(license_state::trial_active) == "trial_active");
    BOOST_TEST(to_string(license_state::grace) == "grace");
    BOOST_TEST(to_string(license_state::not_required) == "not_required"); // since SDK 1.1, appended
    BOOST_TEST(static_cast<int>(license_state::not_required) == 6);
    BOOST_TEST(to_string(load_status::digest_mismatch) == "digest_mismatch");
    BOOST_TEST(to_string(load_status::factory_failed) == "factory_failed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(results)

BOOST_AUTO_TEST_CASE(test_headlines_use_the_marketplace_wording)
{
    test_result ok;
    ok.available = true;
    ok.message = "connected as Jo";
    BOOST_TEST(ok.headline() == "connection available");

    test_result failed;
    failed.category = error_category::auth;
    failed.message = "Sage rejected the Client ID or Client Secret";
    BOOST_TEST(failed.headline() == "Connection unavailable: Sage rejected the Client ID or Client Secret");

    test_result bare;
    BOOST_TEST(bare.headline() == "Connection unavailable");
}

BOOST_AUTO_TEST_CASE(only_live_licences_permit_use)
{
    license_status s;
    for (auto [state, permitted] :
         std::vector<std::pair<license_state, bool>>{{license_state::none, false},
                                                     {license_state::trial_active, true},
                                                     {license_state::subscription_active, true},
                                                     {license_state::grace, true},
                                                     {license_state::expired, false},
                                                     {license_state::invalid, false},
                                                     {license_state::not_required, true}}) {
        s.state = state;
        BOOST_TEST(s.permits_use() == permitted, to_string(state));
    }
}

BOOST_AUTO_TEST_CASE(validation_is_ok_only_without_errors)
{
    validation_result v;
    BOOST_TEST(v.ok());
    v.errors.push_back({"ClientId", "Client ID is required"});
    BOOST_TEST(!v.ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(form_values_hold_every_kind_of_value)
{
    form_values form;
    form.set("ConnectionName", std::string("Books"));
    form.set("EnableSSL", true);
    form.set("Timeout", std::int64_t{30});
    form.set("KeystoreFile", file_value{"ca.pem", {'-', '-'}});
    form.set("AdditionalConfiguration", key_value_pairs{{"Scope", "readonly"}});
    BOOST_TEST(form.size() == 5u);
    BOOST_TEST(*form.get_if<std::string>("ConnectionName") == "Books");
    BOOST_TEST(*form.get_if<bool>("EnableSSL"));
    BOOST_TEST(*form.get_if<std::int64_t>("Timeout") == 30);
    BOOST_TEST(form.get_if<file_value>("KeystoreFile")->file_name == "ca.pem");
    BOOST_TEST(form.get_if<key_value_pairs>("AdditionalConfiguration")->at(0).value == "readonly");
    BOOST_TEST(form.get_if<bool>("ConnectionName") == nullptr); // wrong type
    BOOST_TEST(form.find("Missing") == nullptr);
    form.set("ConnectionName", std::string("Ledger")); // replaces
    BOOST_TEST(*form.get_if<std::string>("ConnectionName") == "Ledger");
    form.erase("ConnectionName");
    BOOST_TEST(!form.contains("ConnectionName"));
    BOOST_TEST(form.begin()->first == "AdditionalConfiguration"); // ordered
}

namespace {
std::vector<std::string> events;

class recording_connector final : public connector {
public:
    ~recording_connector() override { events.push_back("connector destroyed"); }
    connector_info info() const noexcept override { return {"rec", "Recording", "1.0.0"}; }
    std::vector<property_descriptor> describe_properties() const noexcept override { return {}; }
    validation_result validate(const form_values&) const noexcept override { return {}; }
    test_result test(const form_values&) noexcept override { return {}; }
    create_result create(const form_values&, const create_options&) noexcept override { return {}; }
    license_status check_license() noexcept override { return {}; }
    void* query_extension(std::string_view) noexcept override { return nullptr; }
};
} // namespace

BOOST_AUTO_TEST_CASE(the_library_is_released_only_after_the_connector_is_destroyed)
{
    events.clear();
    {
        std::shared_ptr<const void> library(new int(0), [](const void* p) {
            events.push_back("library released");
            delete static_cast<const int*>(p);
        });
        connector_handle handle(new recording_connector, library_holding_deleter(library));
        library.reset(); // the handle is now the only owner
        BOOST_TEST(events.empty());
    }
    const std::vector<std::string> expected = {"connector destroyed", "library released"};
    BOOST_TEST(events == expected, boost::test_tools::per_element());
}
