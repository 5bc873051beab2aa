// sage_sandbox: runs the Sage sandbox until SIGINT/SIGTERM, after printing one JSON line that says
// where everything is. See --help and README.md.
#include "sandbox.hpp"

#include <boost/json/serialize.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <pthread.h>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view usage = R"(Usage: sage_sandbox [options]

A local HTTPS test double of Sage Business Cloud Accounting (OAuth 2.0 + API v3.1) with fault
injection, listening on 127.0.0.1 only. On start it prints ONE JSON line to stdout:
  base_url, api_base_url, authorize_url, token_url, revoke_url, control_url   (main HTTPS listener)
  plain_url        the same service over plain HTTP (EnableSSL=false tests)
  wrong_host_url   TLS with a certificate for another host name
  expired_url      TLS with an expired certificate
  unknown_ca_url   TLS with a certificate from a CA nobody trusts
  mtls_url         TLS that requires the client identity below
  proxy_url        the CONNECT proxy (null without --proxy)
  state_dir, ca_file, ca_p12_file, client_ca_file, client_cert_file, client_key_file,
  client_p12_file, client_p12_password, clients [{client_id, client_secret, redirect_uris}], port
then serves until SIGINT or SIGTERM and exits 0.

Options:
  --port N                 main HTTPS port (default 0: any free port)
  --state-dir DIR          where ca.pem and the client identity are written
                           (default: a fresh temporary folder, removed on exit)
  --records N              generated records of every entity of the lead business (default 50;
                           up to 1000000: records are computed on demand, not stored)
  --contacts N             generated contacts of the lead business (default: --records)
  --other-records N        generated records of every entity of the second business (default 3)
  --seed S                 seed of the generated data (default 20240501): same seed, same data
  --latency-ms MS          added to every API (/v3.1) response (default 0; see /_sandbox/latency)
  --client-id ID           register an OAuth client (repeatable; each starts a new client)
  --client-secret S        the secret of the last --client-id
  --redirect-uri URI       a callback URL of the last --client-id (repeatable; exact match)
                           Without --client-id one client is generated (uuid/uuid id) with
                           redirect URIs http://localhost:3333 and http://127.0.0.1:3333.
  --access-token-lifetime S  access-token lifetime in seconds (default 300)
  --proxy                  also run an HTTP CONNECT proxy (loopback targets only)
  --proxy-user U           the proxy demands Basic credentials U ...
  --proxy-password P       ... and P (407 without them)
  --threads N              I/O threads (default 2)
  --help                   this text

Control API (JSON) under <base_url>/_sandbox/: info, counters, counters/reset, faults,
faults/clear, faults/ID, modes, lifetimes, clock, clock/advance, clients, tokens,
tokens/inspect, records (ground truth), records/create, records/update, records/delete,
latency, reset. Fault kinds: rate_limited, server_error, service_unavailable, delay,
close_mid_response, drop_connection, malformed_json, oversize_body. Endpoint names: authorize,
token, revoke, user, businesses, business, each entity's collection and record (contacts,
contact, sales_invoices, sales_invoice, sales_credit_notes, purchase_invoices,
contact_payments, contact_allocations, ledger_accounts, ledger_entries, transactions,
journals, bank_accounts, bank_transfers, products, services, tax_rates, and their
singulars), or "*".
)";

[[noreturn]] void bad_usage(const std::string& message)
{
    std::cerr << "sage_sandbox: " << message << "\nTry 'sage_sandbox --help'.\n";
    std::exit(2);
}

unsigned long number(const std::string& flag, const std::string& text, unsigned long max)
{
    try {
        std::size_t end = 0;
        const unsigned long n = std::stoul(text, &end);
        if (end != text.size() || n > max || text.front() == '-')
            throw std::out_of_range(flag);
        return n;
    } catch (const std::exception&) {
        bad_usage(flag + " needs a whole number up to " + std::to_string(max));
    }
}

} // namespace

int main(int argc, char** argv)
{
    sage_sandbox::sandbox_options options;
    std::optional<unsigned long> access_token_lifetime;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size())
                bad_usage(flag + " needs a value");
            return args[++i];
        };
        auto last_client = [&]() -> sage_sandbox::oauth_client& {
            if (options.clients.empty())
                bad_usage(flag + " must follow --client-id");
            return options.clients.back();
        };
        if (flag == "--help" || flag == "-h") {
            std::cout << usage;
            return 0;
        } else if (flag == "--port") {
            options.port = static_cast<std::uint16_t>(number(flag, value(), 65535));
        } else if (flag == "--state-dir") {
            options.state_dir = value();
        } else if (flag == "--records") {
            options.records = number(flag, value(), 1000000);
        } else if (flag == "--contacts") {
            options.contacts = number(flag, value(), 1000000);
        } else if (flag == "--other-records") {
            options.other_business_records = number(flag, value(), 1000000);
        } else if (flag == "--seed") {
            options.seed = number(flag, value(), ~0UL);
        } else if (flag == "--latency-ms") {
            options.latency = std::chrono::milliseconds(number(flag, value(), 600000));
        } else if (flag == "--client-id") {
            options.clients.push_back(sage_sandbox::oauth_client{value(), {}, {}});
        } else if (flag == "--client-secret") {
            const std::string& secret = value();
            last_client().client_secret = secret;
        } else if (flag == "--redirect-uri") {
            const std::string& uri = value();
            last_client().redirect_uris.push_back(uri);
        } else if (flag == "--access-token-lifetime") {
            access_token_lifetime = number(flag, value(), 31u * 24 * 3600);
        } else if (flag == "--proxy") {
            options.proxy = true;
        } else if (flag == "--proxy-user") {
            options.proxy_username = value();
        } else if (flag == "--proxy-password") {
            options.proxy_password = value();
        } else if (flag == "--threads") {
            options.io_threads = static_cast<unsigned>(number(flag, value(), 64));
        } else {
            bad_usage("unknown option " + flag);
        }
    }
    for (const auto& client : options.clients)
        if (client.client_secret.empty())
            bad_usage("--client-id " + client.client_id + " has no --client-secret");
    if (options.proxy_username && !options.proxy)
        bad_usage("--proxy-user needs --proxy");

    // Block the stop signals in every thread (the I/O threads inherit this mask), then wait for
    // them synchronously here: no async-signal-safety concerns, and a clean shutdown path.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        sage_sandbox::sandbox sandbox(options);
        if (access_token_lifetime)
            sandbox.service().set_access_token_lifetime(std::chrono::seconds(*access_token_lifetime));
        const auto& info = sandbox.start();
        std::cout << boost::json::serialize(info.to_json()) << std::endl; // endl: flush, the caller waits for it
        int received = 0;
        sigwait(&stop_signals, &received);
        sandbox.stop();
    } catch (const std::exception& e) {
        std::cerr << "sage_sandbox: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
