// A rotation Sage performs cannot be undone, so a full disk must not cost the connection: the space
// for the new set is reserved before Sage is asked to rotate (a reservation that fails leaves Sage
// untouched and the stored set working), and a save that still fails after the rotation keeps the new
// set in a recovery file in the state folder, whose path the failure names. The failures are injected
// into a real file store; Sage is the sandbox, over real TLS.
#define BOOST_TEST_MODULE token_rotation
#include <boost/test/unit_test.hpp>

#include "oauth/oauth_client.hpp"
#include "oauth/token_manager.hpp"
#include "oauth/token_store.hpp"
#include "sandbox.hpp"
#include "transport/http_client.hpp"
#include "transport/keystore.hpp"

#include <temp_dir.hpp>

#include <filesystem>

using sage_sandbox::counter;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A real file store whose reserve() or write() can be made to fail, as on a full disk.
class failing_store final : public sage::token_store {
public:
    explicit failing_store(std::unique_ptr<sage::token_store> real) : real_(std::move(real)) {}
    bool fail_reserve = false;
    bool fail_write = false;

    std::string describe() const override { return real_->describe(); }
    connector_support::result<std::optional<sage::token_set>> read(const std::string& id) override
    {
        return real_->read(id);
    }
    connector_support::result<sage::store_lock> lock(std::chrono::milliseconds patience) override
    {
        return real_->lock(patience);
    }
    connector_support::result<void> write(const sage::token_set& set) override
    {
        if (fail_write)
            return connector_support::fail(connector_sdk::error_category::config,
                                           "cannot write " + describe() + " (No space left on device)");
        return real_->write(set);
    }
    connector_support::result<void> reserve(std::size_t bytes) override
    {
        if (fail_reserve)
            return connector_support::fail(connector_sdk::error_category::config,
                                           "cannot reserve space beside " + describe() + " (No space left on device)");
        return real_->reserve(bytes);
    }
    connector_support::result<fs::path> keep_for_recovery(const sage::token_set& set) override
    {
        return real_->keep_for_recovery(set);
    }
    connector_support::result<void> remove() override { return real_->remove(); }
    std::optional<std::string> read_note(const std::string& name) override { return real_->read_note(name); }
    connector_support::result<void> write_note(const std::string& name, const std::string& text) override
    {
        return real_->write_note(name, text);
    }
    void remove_note(const std::string& name) override { real_->remove_note(name); }

private:
    std::unique_ptr<sage::token_store> real_;
};

struct fixture {
    sage_sandbox::sandbox sage{sage_sandbox::sandbox_options{}};
    test_support::temp_dir state{"token-rotation"};
    fs::path token_file = state / "oauth" / "books.json";
    std::shared_ptr<sage::http_client> http;
    std::unique_ptr<sage::oauth_client> oauth;
    std::unique_ptr<failing_store> store;
    sage_sandbox::token_set minted;

    fixture()
    {
        sage.start();
        minted = sage.service().mint_tokens(sage.client().client_id);
        const std::string pem = test_support::read_file(sage.info().ca_file);
        auto trust = sage::load_keystore(std::span(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()),
                                         "ca.pem", std::nullopt, std::chrono::system_clock::now(),
                                         sage::keystore_labels{"Keystore", "Keystore Password"});
        BOOST_TEST_REQUIRE(trust.has_value());
        sage::http_client_options options;
        options.trust = std::make_shared<const sage::keystore>(std::move(*trust));
        std::string error;
        http = sage::http_client::create(options, error);
        BOOST_TEST_REQUIRE(http != nullptr, error);
        const auto token_url = sage::parse_endpoint(sage.info().base_url + "/token");
        const auto revoke_url = sage::parse_endpoint(sage.info().base_url + "/revoke");
        BOOST_TEST_REQUIRE(token_url.value.has_value());
        oauth = std::make_unique<sage::oauth_client>(
            *http,
            sage::oauth_app{sage.client().client_id, sage.client().client_secret, *token_url.value, *revoke_url.value});
        store = std::make_unique<failing_store>(sage::open_file_token_store(token_file, state.path()));

        // The stored set: the minted tokens, with an access token already expired.
        sage::token_set set;
        set.client_id = sage.client().client_id;
        set.access_token = minted.access_token;
        set.refresh_token = minted.refresh_token;
        set.obtained_at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) - 600s;
        set.expires_at = set.obtained_at + 300s;
        set.scope = "full_access";
        auto lock = store->lock(1s);
        BOOST_TEST_REQUIRE(store->write(set).has_value());
    }

    sage::token_manager manager()
    {
        return sage::token_manager(*store, *oauth, [] { return std::chrono::system_clock::now(); }, {});
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(no_room_for_the_new_set_means_no_rotation, fixture)
{
    store->fail_reserve = true;
    const auto issued_before = sage.counters()[counter::tokens_issued];
    auto m = manager();
    const auto r = m.fresh();
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("No space left") != std::string::npos, r.error().message);
    BOOST_TEST(sage.counters()[counter::tokens_issued] == issued_before, "Sage was asked to rotate anyway");
    BOOST_TEST((sage.service().inspect_token(minted.refresh_token).status == sage_sandbox::token_status::active));

    store->fail_reserve = false; // space again: the stored set still works
    const auto later = m.fresh();
    BOOST_TEST_REQUIRE(later.has_value(), later.error().message);
    BOOST_TEST(later->has_value());
}

BOOST_FIXTURE_TEST_CASE(a_save_that_fails_after_the_rotation_keeps_the_new_set_for_recovery, fixture)
{
    store->fail_write = true;
    auto m = manager();
    const auto r = m.fresh();
    BOOST_TEST_REQUIRE(!r.has_value());
    const std::string& why = r.error().message;
    const auto at = why.find((state / "recovered-tokens").string());
    BOOST_TEST_REQUIRE(at != std::string::npos, why);
    // The recovery file named in the sentence holds the new set, which Sage accepts.
    const auto end = why.find(':', at);
    const fs::path recovery = why.substr(at, end - at);
    const auto kept = sage::token_set_from_json(test_support::read_file(recovery));
    BOOST_TEST_REQUIRE(kept.has_value(), recovery);
    BOOST_TEST(kept->refresh_token != minted.refresh_token);
    BOOST_TEST((sage.service().inspect_token(kept->refresh_token).status == sage_sandbox::token_status::active));
    BOOST_TEST(why.find(kept->refresh_token) == std::string::npos); // never a secret in a sentence
    BOOST_TEST(why.find("move that file to") != std::string::npos, why);
}
