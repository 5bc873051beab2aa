// The Sage sandbox as one object for tests and for the sage_sandbox executable: makes its
// certificates, writes the CA and the test client identity to its state folder, serves the main
// HTTPS listener plus the plain-HTTP, TLS-fault and mutual-TLS listeners (and optionally a CONNECT
// proxy) on 127.0.0.1 in background threads, and exposes every control operation as a method.
//
//   sage_sandbox::sandbox sage({.records = 45});
//   sage.start();
//   curl --cacert sage.info().ca_file sage.info().api_base_url + "/user" ...
//   sage.service().arm_fault({.endpoint = "token", .kind = fault_kind::rate_limited, .count = 1});
#pragma once

#include "client_registry.hpp"
#include "sandbox_service.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sage_sandbox {

struct sandbox_options {
    std::uint16_t port = 0;                    // main HTTPS listener; 0: any free port
    std::filesystem::path state_dir;           // empty: a fresh temporary folder, removed by stop()
    std::size_t records = 50;                  // generated records of every entity of the lead business
    std::optional<std::size_t> contacts;       // contacts of the lead business, when not `records`
    std::size_t other_business_records = 3;    // generated records of every entity of the other business
    std::uint64_t seed = 20240501;             // the same seed and counts give the same data
    std::chrono::milliseconds latency{0};      // added to every API response (settable later too)
    std::vector<oauth_client> clients;         // empty: one generated client (see info().clients)
    bool proxy = false;                        // also run a CONNECT proxy
    std::optional<std::string> proxy_username; // proxy demands Basic credentials when set
    std::string proxy_password;
    unsigned io_threads = 2;
};

// Where everything is; also the start-up JSON line of the executable (to_json()).
struct sandbox_info {
    std::string base_url;       // https://127.0.0.1:PORT (main listener)
    std::string api_base_url;   // base_url + "/v3.1"
    std::string authorize_url;  // base_url + "/oauth2/auth/central?filter=apiv3.1"
    std::string token_url;      // base_url + "/token"
    std::string revoke_url;     // base_url + "/revoke"
    std::string control_url;    // base_url + "/_sandbox"
    std::string plain_url;      // http://127.0.0.1:PORT: the same service without TLS
    std::string wrong_host_url; // certificate issued by the CA for another host name
    std::string expired_url;    // certificate issued by the CA, expired
    std::string unknown_ca_url; // certificate issued by a CA nobody trusts
    std::string mtls_url;       // requires a client certificate issued by the client CA
    std::string proxy_url;      // "" when no proxy runs
    std::filesystem::path state_dir;
    std::filesystem::path ca_file;     // trust this
    std::filesystem::path ca_p12_file; // the CA as a PKCS#12 trust store (password below)
    std::filesystem::path client_ca_file;
    std::filesystem::path client_cert_file; // the mTLS client identity, PEM
    std::filesystem::path client_key_file;
    std::filesystem::path client_p12_file; // the same identity + the CA, PKCS#12
    std::string client_p12_password;
    std::vector<oauth_client> clients; // registered at start-up
    std::uint16_t port = 0;

    [[nodiscard]] boost::json::object to_json() const;
};

class sandbox {
public:
    explicit sandbox(sandbox_options options = {});
    ~sandbox(); // stops
    sandbox(const sandbox&) = delete;
    sandbox& operator=(const sandbox&) = delete;

    // Makes the certificates, binds every listener, serves in the background; returns info().
    const sandbox_info& start();
    // Stops serving and joins the threads; removes the state folder when the sandbox created it.
    void stop();

    [[nodiscard]] const sandbox_info& info() const noexcept { return info_; }
    // The first registered client (the generated one when none was given).
    [[nodiscard]] const oauth_client& client() const { return info_.clients.at(0); }

    // All control operations (faults, modes, clock, lifetimes, counters, clients, tokens).
    [[nodiscard]] sandbox_service& service() noexcept { return *service_; }

    // Counters, including the proxy's tunnels.
    [[nodiscard]] counter_snapshot counters() const { return service_->counters(); }

private:
    struct runtime;
    void start_serving();

    sandbox_options options_;
    std::vector<oauth_client> clients_; // registered at start
    std::unique_ptr<sandbox_service> service_;
    std::unique_ptr<runtime> runtime_;
    sandbox_info info_;
    bool owns_state_dir_ = false;
};

} // namespace sage_sandbox
