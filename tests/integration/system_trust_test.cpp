// The system trust store as an administrator sets it: an SSL_CERT_FILE naming another bundle than the
// platform's is read as given (the HTTPS client's lazy use of the hashed system folder applies only to
// the platform's own file and folder). A process of its own: the choice is made once per process.
#define BOOST_TEST_MODULE system_trust
#include <boost/test/unit_test.hpp>

#include "connector/sage_connector.hpp"
#include "sandbox.hpp"

#include <fake_host_services.hpp>
#include <sandbox_form.hpp>
#include <temp_dir.hpp>
#include <test_marketplace.hpp>

#include <cstdlib>
#include <fstream>

using connector_sdk::form_values;

BOOST_AUTO_TEST_CASE(an_ssl_cert_file_of_the_administrators_choice_is_trusted)
{
    sage_sandbox::sandbox sage{sage_sandbox::sandbox_options{}};
    sage.start();
    test_support::temp_dir state{"system-trust"};

    // The administrator's bundle: the platform's authorities (when present) plus the sandbox CA.
    const auto bundle = state.path() / "admin-bundle.pem";
    {
        std::ofstream out(bundle, std::ios::binary);
        std::ifstream platform("/etc/ssl/certs/ca-certificates.crt", std::ios::binary);
        out << platform.rdbuf() << "\n";
        std::ifstream ca(sage.info().ca_file, std::ios::binary);
        out << ca.rdbuf();
    }
    BOOST_REQUIRE(::setenv("SSL_CERT_FILE", bundle.c_str(), 1) == 0); // before the first HTTPS client

    test_support::fake_host_services services{state.path()};
    services.set_license_token(test_support::test_license(services.now()));
    auto connector = sage::sage_connector::make(services, test_support::test_marketplace_keys());
    const auto minted = sage.service().mint_tokens(sage.client().client_id);
    form_values f = test_support::refresh_form(sage, minted.refresh_token, state.path() / "oauth" / "books.json");
    f.set("Timeout", std::string("5"));

    // No KeystoreFile: the sandbox CA is trusted only through SSL_CERT_FILE.
    f.erase("KeystoreFile");
    const auto result = connector->test(f);
    BOOST_TEST(result.available, result.message);
}
