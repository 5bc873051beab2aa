#define BOOST_TEST_MODULE endpoint
#include <boost/test/unit_test.hpp>

#include "transport/endpoint.hpp"

#include <string>

BOOST_AUTO_TEST_CASE(parses_sage_default_endpoints)
{
    const auto authorize = sage::parse_endpoint("https://www.sageone.com/oauth2/auth/central?filter=apiv3.1");
    BOOST_REQUIRE(authorize.value.has_value());
    BOOST_TEST(authorize.value->scheme == "https");
    BOOST_TEST(authorize.value->host == "www.sageone.com");
    BOOST_TEST(authorize.value->port == 443);
    BOOST_TEST(!authorize.value->explicit_port);
    BOOST_TEST(authorize.value->target == "/oauth2/auth/central?filter=apiv3.1");
    BOOST_TEST(!authorize.value->loopback);
    BOOST_TEST(authorize.value->https());

    const auto api = sage::parse_endpoint("  https://API.Accounting.Sage.com/v3.1  ");
    BOOST_REQUIRE(api.value.has_value());
    BOOST_TEST(api.value->host == "api.accounting.sage.com");             // lower-cased
    BOOST_TEST(api.value->url == "https://API.Accounting.Sage.com/v3.1"); // trimmed, otherwise as given
    BOOST_TEST(api.value->target == "/v3.1");
}

BOOST_AUTO_TEST_CASE(ports_and_empty_paths)
{
    const auto e = sage::parse_endpoint("http://localhost:3333");
    BOOST_REQUIRE(e.value.has_value());
    BOOST_TEST(e.value->port == 3333);
    BOOST_TEST(e.value->explicit_port);
    BOOST_TEST(e.value->target == "/");
    BOOST_TEST(e.value->http());

    const auto plain = sage::parse_endpoint("http://127.0.0.1/x");
    BOOST_REQUIRE(plain.value.has_value());
    BOOST_TEST(plain.value->port == 80);
}

BOOST_AUTO_TEST_CASE(recognises_loopback_hosts)
{
    for (const char* url : {"http://localhost:1/", "http://LOCALHOST:1/", "http://127.0.0.1:1/",
                            "http://127.10.20.30:1/", "http://[::1]:1/", "https://[0:0:0:0:0:0:0:1]/"}) {
        const auto e = sage::parse_endpoint(url);
        BOOST_REQUIRE_MESSAGE(e.value.has_value(), url);
        BOOST_TEST(e.value->loopback, url);
    }
    for (const char* url : {"http://128.0.0.1/", "http://localhost.evil.com/", "http://[::2]/", "http://10.0.0.1/",
                            "http://mylocalhost/"}) {
        const auto e = sage::parse_endpoint(url);
        BOOST_REQUIRE_MESSAGE(e.value.has_value(), url);
        BOOST_TEST(!e.value->loopback, url);
    }
    const auto v6 = sage::parse_endpoint("http://[::1]:8080/cb");
    BOOST_REQUIRE(v6.value.has_value());
    BOOST_TEST(v6.value->host == "::1"); // without brackets
}

BOOST_AUTO_TEST_CASE(flags_credentials_and_fragments)
{
    const auto with_user = sage::parse_endpoint("https://user:pass@www.sageone.com/");
    BOOST_REQUIRE(with_user.value.has_value());
    BOOST_TEST(with_user.value->has_userinfo);
    BOOST_TEST(with_user.value->host == "www.sageone.com");

    const auto with_fragment = sage::parse_endpoint("https://www.sageone.com/#x");
    BOOST_REQUIRE(with_fragment.value.has_value());
    BOOST_TEST(with_fragment.value->has_fragment);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_an_absolute_url_with_a_host)
{
    struct row {
        const char* text;
        const char* fragment;
    };
    for (const row& r : {row{"", "is empty"}, row{"   ", "is empty"}, row{"not-a-url", "not a valid absolute URL"},
                         row{"/relative/path", "not a valid absolute URL"}, row{"https:///token", "no host"},
                         row{"mailto:someone@example.com", "no host"}, row{"https://exa mple.com/", "space"},
                         row{"https://host:99999/", "port"}, row{"https://host:/", "empty port"},
                         row{"https://www%2Esageone.com/", "percent-encoded"}}) {
        const auto e = sage::parse_endpoint(r.text);
        BOOST_TEST(!e.value.has_value(), r.text);
        BOOST_TEST(e.error.find(r.fragment) != std::string::npos, "'" << r.text << "' gave: " << e.error);
    }
}

BOOST_AUTO_TEST_CASE(known_endpoint_throws_only_on_a_defect)
{
    BOOST_TEST(sage::known_endpoint("https://oauth.accounting.sage.com/token").host == "oauth.accounting.sage.com");
    BOOST_CHECK_THROW((void)sage::known_endpoint("nonsense"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(is_loopback_host_on_bare_hosts)
{
    BOOST_TEST(sage::is_loopback_host("localhost"));
    BOOST_TEST(sage::is_loopback_host("127.0.0.1"));
    BOOST_TEST(sage::is_loopback_host("::1"));
    BOOST_TEST(!sage::is_loopback_host("api.accounting.sage.com"));
    BOOST_TEST(!sage::is_loopback_host(""));
}
