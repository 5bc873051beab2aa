// The loader against real files: the real plugin through a real dlopen, and every kind of broken
// plugin, each refused with its own status and reason, without the test process ever crashing.
#define BOOST_TEST_MODULE plugin_loader
#include <boost/test/unit_test.hpp>

#include "fake_host_services.hpp"
#include "temp_dir.hpp"

#include <connector_sdk/loader.hpp>

#include <openssl/evp.h>

#include <dlfcn.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using connector_sdk::load_status;

namespace connector_sdk { // found by argument-dependent lookup from connector_sdk::v1 (an inline namespace)
// Lets Boost.Test print a status in a failed assertion.
inline std::ostream& boost_test_print_type(std::ostream& out, load_status status)
{
    return out << to_string(status);
}
} // namespace connector_sdk

namespace {

std::string sha256_hex(const std::string& bytes)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    BOOST_REQUIRE(EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) == 1);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        static constexpr char digits[] = "0123456789abcdef";
        hex += digits[digest[i] >> 4];
        hex += digits[digest[i] & 15];
    }
    return hex;
}

std::string manifest_text(const std::string& id, const std::string& library, const std::string& sha256,
                          const std::string& sdk_abi = "1.0")
{
    std::string text = R"({"id":")" + id +
                       R"(","name":"Test","vendor":"Tests","version":"1.0.0",)"
                       R"("description":"A plugin made by a test.","tier":"free","sdk_abi":")" +
                       sdk_abi + R"(","library":")" + library + R"(",)";
    if (!sha256.empty())
        text += R"("sha256":")" + sha256 + R"(",)";
    text += R"("allowed_hosts":["example.com"],"documentation_url":"https://example.com/"})";
    return text;
}

// Lays out <dir>/<id>/ with `library_bytes` as the library and a manifest stamped with their digest.
fs::path make_plugin(const fs::path& dir, const std::string& id, const std::string& library_bytes,
                     const std::string& sha_override = "use-real", const std::string& sdk_abi = "1.0")
{
    const fs::path folder = dir / id;
    test_support::write_file(folder / "plugin.so", library_bytes);
    const std::string sha = sha_override == "use-real" ? sha256_hex(library_bytes) : sha_override;
    test_support::write_file(folder / "manifest.json", manifest_text(id, "plugin.so", sha, sdk_abi));
    return folder;
}

connector_sdk::discovered_plugin find(const std::vector<connector_sdk::discovered_plugin>& all, const std::string& id)
{
    for (const auto& p : all)
        if (p.folder.filename() == id)
            return p;
    BOOST_FAIL("plugin folder " + id + " not discovered");
    return {};
}

struct loader_fixture {
    connector_sdk::plugin_loader loader;
    test_support::fake_host_services services;
    test_support::temp_dir dir{"loader-test"};

    connector_sdk::load_result load_made(const std::string& id)
    {
        return loader.load(find(loader.discover(dir.path()), id), services);
    }
};

bool library_is_loaded(const fs::path& path)
{
    void* handle = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr)
        return false;
    ::dlclose(handle);
    return true;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(real_plugin, loader_fixture)

BOOST_AUTO_TEST_CASE(discovers_inspects_and_loads_the_sage_connector)
{
    const auto all = loader.discover(CONNECTOR_TEST_PLUGIN_DIR);
    const auto plugin = find(all, "sage-cloud-accounting");
    BOOST_REQUIRE(plugin.manifest.value.has_value());
    const auto& m = *plugin.manifest.value;
    BOOST_TEST(m.name == "Sage Cloud Accounting");
    BOOST_TEST(m.tier == "premium");
    BOOST_TEST(m.trial_days == 30);
    BOOST_TEST(m.sha256.size() == 64u);

    const auto inspected = loader.inspect(plugin);
    BOOST_TEST(inspected.status == load_status::loaded, inspected.reason);
    BOOST_TEST(!inspected.instance); // inspect loads no code

    auto result = loader.load(plugin, services);
    BOOST_REQUIRE_MESSAGE(result.ok(), result.reason);
    BOOST_TEST(result.reason.empty());
    BOOST_REQUIRE(result.descriptor.has_value());
    BOOST_TEST(connector_sdk::connector_id_of(*result.descriptor) == "sage-cloud-accounting");
    BOOST_TEST(connector_sdk::check_compatibility(*result.descriptor).compatible);
    BOOST_TEST(result.instance->info().id == "sage-cloud-accounting");
}

BOOST_AUTO_TEST_CASE(a_connector_keeps_its_library_loaded_until_it_is_destroyed)
{
    const fs::path library = REAL_PLUGIN_LIBRARY;
    connector_sdk::connector_handle handle;
    {
        connector_sdk::plugin_loader scoped_loader;
        auto result = scoped_loader.load(
            find(scoped_loader.discover(CONNECTOR_TEST_PLUGIN_DIR), "sage-cloud-accounting"), services);
        BOOST_REQUIRE_MESSAGE(result.ok(), result.reason);
        handle = std::move(result.instance);
    } // the loader and the load result are gone; only the handle remains
    BOOST_TEST(handle.get_deleter().library() != nullptr);
    BOOST_TEST(library_is_loaded(library));
    BOOST_TEST(handle->info().name == "Sage Cloud Accounting"); // code still callable
    handle.reset();
    BOOST_TEST(!library_is_loaded(library), "the library is unloaded once its last object is destroyed");
}

BOOST_AUTO_TEST_CASE(two_connectors_from_one_library_share_it)
{
    const auto plugin = find(loader.discover(CONNECTOR_TEST_PLUGIN_DIR), "sage-cloud-accounting");
    auto first = loader.load(plugin, services);
    auto second = loader.load(plugin, services);
    BOOST_REQUIRE(first.ok() && second.ok());
    first.instance.reset();
    BOOST_TEST(second.instance->info().id == "sage-cloud-accounting");
}

BOOST_AUTO_TEST_CASE(a_missing_plugin_folder_yields_nothing)
{
    BOOST_TEST(loader.discover(dir / "does-not-exist").empty());
    BOOST_TEST(loader.discover(dir.path()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(built_broken_plugins, loader_fixture)

struct broken_case {
    const char* id;
    load_status status;
    const char* reason_fragment;
};

const broken_case broken_cases[] = {
    {"broken-wrong-major", load_status::incompatible_abi, "major versions must be equal"},
    {"broken-wrong-minor", load_status::incompatible_abi, "upgrade the host"},
    {"broken-wrong-stdlib", load_status::incompatible_abi, "standard-library ABI 'libc++/abi1'"},
    {"broken-no-factory", load_status::factory_missing, "exports no connector_sdk_factory"},
    {"broken-no-descriptor", load_status::descriptor_missing, "exports no connector_sdk_abi_descriptor"},
    {"broken-throwing-factory", load_status::factory_failed, "the factory of this test plugin always fails"},
    {"broken-null-factory", load_status::factory_failed, "returned no connector"},
    {"broken-id-mismatch", load_status::identity_mismatch, "\"someone-else\""},
    {"broken-wrong-magic", load_status::incompatible_abi, "wrong magic"},
};

BOOST_AUTO_TEST_CASE(every_built_broken_plugin_is_refused_with_its_reason)
{
    const auto all = loader.discover(BROKEN_PLUGIN_DIR);
    BOOST_TEST(all.size() == std::size(broken_cases));
    for (const auto& c : broken_cases) {
        BOOST_TEST_CONTEXT(c.id)
        {
            const auto result = loader.load(find(all, c.id), services);
            BOOST_TEST(!result.ok());
            BOOST_TEST(!result.instance);
            BOOST_TEST(connector_sdk::to_string(result.status) == connector_sdk::to_string(c.status));
            BOOST_TEST(result.reason.find(c.reason_fragment) != std::string::npos, result.reason);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_plugin_without_the_sdk_aliases_is_refused_before_its_code_runs)
{
    const auto plugin = find(loader.discover(BROKEN_PLUGIN_DIR), "broken-no-factory");
    const auto inspected = loader.inspect(plugin);
    BOOST_TEST(inspected.status == load_status::factory_missing);
    BOOST_TEST(!library_is_loaded(plugin.folder / plugin.manifest.value->library));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(files_made_at_run_time, loader_fixture)

// The built plugin's bytes (tens of megabytes in debug and sanitizer builds), read once.
const std::string& real_library_bytes()
{
    static const std::string bytes = test_support::read_file(REAL_PLUGIN_LIBRARY);
    return bytes;
}

BOOST_AUTO_TEST_CASE(a_copied_real_plugin_loads)
{
    make_plugin(dir.path(), "sage-cloud-accounting", real_library_bytes());
    const auto result = load_made("sage-cloud-accounting");
    BOOST_TEST(result.ok(), result.reason);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_a_library)
{
    make_plugin(dir.path(), "not-elf", "#!/bin/sh\necho this is a shell script, not a library\n");
    const auto result = load_made("not-elf");
    BOOST_TEST(result.status == load_status::not_a_library);
    BOOST_TEST(result.reason.find("not a shared library") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_truncated_library)
{
    const std::string bytes = real_library_bytes();
    make_plugin(dir.path(), "truncated", bytes.substr(0, bytes.size() / 2));
    const auto result = load_made("truncated");
    BOOST_TEST(!result.ok());
    BOOST_TEST((result.status == load_status::not_a_library || result.status == load_status::load_failed));
    BOOST_TEST(result.reason.find("truncated") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_library_cut_inside_its_elf_header)
{
    make_plugin(dir.path(), "header-only", real_library_bytes().substr(0, 20));
    const auto result = load_made("header-only");
    BOOST_TEST(result.status == load_status::not_a_library);
    BOOST_TEST(result.reason.find("truncated") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_library_whose_digest_differs_from_the_manifest)
{
    make_plugin(dir.path(), "altered", real_library_bytes(), std::string(64, 'a'));
    const auto result = load_made("altered");
    BOOST_TEST(result.status == load_status::digest_mismatch);
    BOOST_TEST(result.reason.find("differs from manifest.json") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_manifest_without_a_digest)
{
    make_plugin(dir.path(), "unstamped", real_library_bytes(), "");
    const auto result = load_made("unstamped");
    BOOST_TEST(result.status == load_status::digest_mismatch);
    BOOST_TEST(result.reason.find("carries no sha256") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_missing_library)
{
    const auto folder = make_plugin(dir.path(), "no-library", "x");
    fs::remove(folder / "plugin.so");
    const auto result = load_made("no-library");
    BOOST_TEST(result.status == load_status::library_missing);
    BOOST_TEST(result.reason.find("plugin.so named by manifest.json is not in") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(an_empty_library)
{
    make_plugin(dir.path(), "empty", "");
    const auto result = load_made("empty");
    BOOST_TEST(result.status == load_status::not_a_library);
    BOOST_TEST(result.reason.find("is empty") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_library_that_is_a_symbolic_link)
{
    const auto folder = make_plugin(dir.path(), "symlinked", "x");
    fs::remove(folder / "plugin.so");
    fs::create_symlink(REAL_PLUGIN_LIBRARY, folder / "plugin.so");
    const auto result = load_made("symlinked");
    BOOST_TEST(result.status == load_status::not_a_library);
    BOOST_TEST(result.reason.find("symbolic link") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_folder_without_a_manifest)
{
    test_support::write_file(dir / "no-manifest" / "plugin.so", real_library_bytes());
    const auto result = load_made("no-manifest");
    BOOST_TEST(result.status == load_status::manifest_missing);
    BOOST_TEST(result.reason.find("no manifest.json") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_manifest_that_is_not_json)
{
    test_support::write_file(dir / "bad-json" / "manifest.json", "{ this is not json");
    const auto result = load_made("bad-json");
    BOOST_TEST(result.status == load_status::manifest_invalid);
    BOOST_TEST(result.reason.find("not valid JSON") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(a_manifest_declaring_another_sdk_major)
{
    make_plugin(dir.path(), "future-sdk", real_library_bytes(), "use-real", "2.0");
    const auto result = load_made("future-sdk");
    BOOST_TEST(result.status == load_status::incompatible_abi);
    BOOST_TEST(result.reason.find("declares sdk_abi 2.0") != std::string::npos, result.reason);
    BOOST_TEST(!result.instance);
}

BOOST_AUTO_TEST_CASE(a_library_too_large_for_the_host)
{
    connector_sdk::plugin_loader strict({.max_library_size = 1000});
    make_plugin(dir.path(), "large", real_library_bytes());
    const auto result = strict.load(find(strict.discover(dir.path()), "large"), services);
    BOOST_TEST(result.status == load_status::not_a_library);
    BOOST_TEST(result.reason.find("more than this host accepts") != std::string::npos, result.reason);
}

BOOST_AUTO_TEST_CASE(the_real_plugin_under_another_id_is_an_identity_mismatch)
{
    make_plugin(dir.path(), "impostor", real_library_bytes());
    const auto result = load_made("impostor");
    BOOST_TEST(result.status == load_status::identity_mismatch);
    BOOST_TEST(result.reason.find("\"sage-cloud-accounting\"") != std::string::npos, result.reason);
}

// The library is hashed and loaded from one open file: replacing it (rename over it) between the
// digest check and dlopen must never load code other than the bytes whose digest was checked. Every
// attempt either loads the real connector or is refused for its digest; nothing else.
BOOST_AUTO_TEST_CASE(a_library_swapped_during_loading_is_never_loaded)
{
    const fs::path folder = make_plugin(dir.path(), "sage-cloud-accounting", real_library_bytes());
    const fs::path genuine = dir / "genuine.so";
    const fs::path intruder = dir / "intruder.so";
    fs::copy_file(folder / "plugin.so", genuine);
    fs::copy_file(fs::path(BROKEN_PLUGIN_DIR) / "broken-id-mismatch" / "broken_id_mismatch.so", intruder);

    std::atomic<bool> stop{false};
    std::thread swapper([&] {
        for (unsigned i = 0; !stop; ++i) {
            const fs::path staged = dir / "staged.so";
            std::error_code ec;
            fs::remove(staged, ec);
            fs::create_hard_link(i % 2 ? genuine : intruder, staged, ec);
            if (!ec)
                fs::rename(staged, folder / "plugin.so", ec);
            std::this_thread::sleep_for(std::chrono::microseconds(300));
        }
    });
    int loaded = 0;
    int refused_for_digest = 0;
    std::vector<std::string> other_outcomes;
    for (int attempt = 0; attempt < 40; ++attempt) {
        const auto result = load_made("sage-cloud-accounting");
        if (result.ok())
            ++loaded;
        else if (result.status == load_status::digest_mismatch)
            ++refused_for_digest;
        else
            other_outcomes.push_back(std::string(connector_sdk::to_string(result.status)) + ": " + result.reason);
    }
    stop = true;
    swapper.join();
    BOOST_TEST_MESSAGE("loaded " << loaded << ", refused for the digest " << refused_for_digest);
    BOOST_TEST(other_outcomes.empty(), (other_outcomes.empty() ? std::string() : other_outcomes.front()));
    BOOST_TEST(loaded + refused_for_digest == 40);
}

BOOST_AUTO_TEST_CASE(discovery_is_sorted_and_reports_every_folder)
{
    make_plugin(dir.path(), "b-plugin", "x");
    make_plugin(dir.path(), "a-plugin", "x");
    fs::create_directories(dir / "c-empty");
    test_support::write_file(dir / "stray-file.txt", "not a folder");
    const auto all = loader.discover(dir.path());
    BOOST_REQUIRE_EQUAL(all.size(), 3u);
    BOOST_TEST(all[0].folder.filename() == "a-plugin");
    BOOST_TEST(all[1].folder.filename() == "b-plugin");
    BOOST_TEST(all[2].folder.filename() == "c-empty");
    BOOST_TEST(loader.inspect(all[2]).status == load_status::manifest_missing);
}

BOOST_AUTO_TEST_SUITE_END()
