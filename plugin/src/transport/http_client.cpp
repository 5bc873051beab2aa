// Boost.Beast + OpenSSL behind http_client. Each connection owns a small io_context; a blocking send()
// runs one attempt as a coroutine on it, with the request's deadline set before every asynchronous
// step (synchronous Beast calls never time out). The only translation unit of the connector that
// includes Beast or Asio.
#include "transport/http_client.hpp"

#include "transport/header_text.hpp"
#include "transport/keystore.hpp"
#include <connector_support/phase_timer.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <netdb.h>
#include <sys/socket.h>

namespace sage {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using error_code = boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Connections idle longer than this are not reused at all: servers close idle keep-alive connections
// after a while, and a request sent on a half-closed one is lost.
constexpr std::chrono::seconds max_idle_age{30};

struct attempt_outcome {
    std::optional<http_response> response;
    transport_failure failure = transport_failure::none;
    std::string message;
    bool keep_alive = false;
    bool nothing_received = false; // failed before any byte of a response arrived
};

attempt_outcome failed(transport_failure failure, std::string message, bool nothing_received = false)
{
    attempt_outcome o;
    o.failure = failure;
    o.message = std::move(message);
    o.nothing_received = nothing_received;
    return o;
}

std::string host_port(const std::string& host, std::uint16_t port)
{
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool is_ip_literal(const std::string& host)
{
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

std::string base64(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// The most precise statement OpenSSL can make about a failed handshake.
// The server's TLS alert says it refused our client certificate, or wants one.
bool refuses_client_certificate(const error_code& ec)
{
    if (ec.category() != asio::error::get_ssl_category())
        return false;
    const int reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
    return reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED || reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
           reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA || reason == SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN;
}

std::pair<transport_failure, std::string> client_certificate_refused(const error_code& ec, const std::string& host)
{
    return {transport_failure::tls_client_certificate,
            host + " refused the connection's client certificate, or requires one (" + ec.message() + ")"};
}

std::pair<transport_failure, std::string> classify_tls(SSL* ssl, const error_code& ec, const std::string& host)
{
    const long verify = SSL_get_verify_result(ssl);
    const std::string detail = X509_verify_cert_error_string(verify);
    switch (verify) {
    case X509_V_OK: break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return {transport_failure::tls_wrong_host,
                "the certificate presented by " + host + " is for another host name"};
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return {transport_failure::tls_expired, "the certificate presented by " + host + " has expired"};
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return {transport_failure::tls_expired, "the certificate presented by " + host + " is not valid yet"};
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return {transport_failure::tls_untrusted,
                "the certificate presented by " + host + " is not signed by a trusted authority (" + detail + ")"};
    default:
        return {transport_failure::tls_untrusted, "the certificate presented by " + host + " was rejected: " + detail};
    }
    if (refuses_client_certificate(ec))
        return client_certificate_refused(ec, host);
    if (ec == beast::error::timeout)
        return {transport_failure::timeout, "the TLS handshake with " + host + " did not finish in time"};
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == ssl::error::stream_truncated)
        return {transport_failure::reset, host + " closed the connection during the TLS handshake"};
    return {transport_failure::tls_handshake, "the TLS handshake with " + host + " failed: " + ec.message()};
}

std::pair<transport_failure, std::string> classify_io(const error_code& ec, const std::string& host, const char* step)
{
    if (ec == beast::error::timeout)
        return {transport_failure::timeout, host + " did not answer in time (" + step + ")"};
    if (ec == http::error::body_limit)
        return {transport_failure::body_too_large,
                "the response from " + host + " was larger than the connector accepts"};
    if (ec == http::error::header_limit)
        return {transport_failure::body_too_large, "the response headers from " + host + " were too large"};
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
        ec == ssl::error::stream_truncated || ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == asio::error::connection_aborted)
        return {transport_failure::reset,
                host + " closed the connection before the whole response arrived (" + step + ")"};
    // With TLS 1.3 a server rejects a client certificate after the handshake, on the first read.
    if (refuses_client_certificate(ec))
        return client_certificate_refused(ec, host);
    if (ec.category() == asio::error::get_ssl_category())
        return {transport_failure::tls_handshake, "TLS error with " + host + ": " + ec.message()};
    if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return {transport_failure::protocol,
                host + " sent something that is not a valid HTTP response (" + ec.message() + ")"};
    return {transport_failure::reset, "the connection to " + host + " failed (" + step + "): " + ec.message()};
}

// Retry-After as seconds, or as an HTTP date; nothing when absent or unreadable.
std::optional<std::chrono::seconds> retry_after(const http_response& response)
{
    const auto value = response.header("Retry-After");
    if (!value)
        return std::nullopt;
    const std::string text(*value);
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 10)
        return std::chrono::seconds(std::stoll(text));
    std::tm tm{};
    if (::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr) {
        const auto at = std::chrono::system_clock::from_time_t(::timegm(&tm));
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(at - std::chrono::system_clock::now());
        return std::max(left, std::chrono::seconds(0));
    }
    return std::nullopt;
}

// Whether `folder` holds OpenSSL's hashed names ("5ad8a5d6.0"): then OpenSSL can find an issuer there
// by its subject hash, reading only the certificates a verification needs.
bool has_hashed_certificates(const char* folder)
{
    std::error_code ec;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const auto dot = name.find('.');
        if (dot == 8 && name.size() > 9 && name.find_first_not_of("0123456789abcdef") == 8 &&
            name.find_first_not_of("0123456789", 9) == std::string::npos)
            return true;
    }
    return false;
}

// The place `env` names (SSL_CERT_FILE, SSL_CERT_DIR) or else OpenSSL's default, symbolic links
// resolved; empty when it does not exist.
std::filesystem::path resolved_trust_location(const char* env, const char* fallback)
{
    // The process never changes these variables while connectors run (nothing here calls setenv).
    const char* named = std::getenv(env); // NOLINT(concurrency-mt-unsafe)
    std::error_code ec;
    auto path = std::filesystem::canonical(named != nullptr && *named != '\0' ? named : fallback, ec);
    return ec ? std::filesystem::path() : path;
}

// The system trust store, the same authorities as SSL_CTX_set_default_verify_paths() but loaded
// lazily where the platform allows it. Reading the whole bundle (cert.pem, ~140 certificates) costs
// OpenSSL 3 tens of milliseconds per context; the hashed folder next to it (Debian and Ubuntu keep
// both in step through update-ca-certificates) gives the same authorities on demand, read by subject
// hash when a chain is verified. Taken only when the file and folder in effect (SSL_CERT_FILE and
// SSL_CERT_DIR, else OpenSSL's defaults) are the platform's own; any other setting, or a folder
// without hashed names, gets OpenSSL's default loading of both.
bool use_system_trust(ssl::context& context, error_code& ec)
{
    static const bool lazy = [] {
        const auto file = resolved_trust_location(X509_get_default_cert_file_env(), X509_get_default_cert_file());
        const auto folder = resolved_trust_location(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
        std::error_code ignored;
        return !file.empty() && !folder.empty() &&
               file == std::filesystem::canonical(X509_get_default_cert_file(), ignored) &&
               folder == std::filesystem::canonical(X509_get_default_cert_dir(), ignored) &&
               has_hashed_certificates(folder.c_str());
    }();
    if (!lazy) {
        context.set_default_verify_paths(ec);
        return !ec;
    }
    context.add_verify_path(X509_get_default_cert_dir(), ec);
    return !ec;
}

struct pooled_connection;

// Where the TLS session of a connection is remembered, for resumption by the next connection to the
// same place. Reached from OpenSSL's new-session callback through our own SSL ex-data slot (Asio
// keeps its engine in the SSL's app data, so that one is taken).
// getaddrinfo, as an http_resolver.
std::vector<std::string> system_resolve(const std::string& host, std::string& error)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
        error = ::gai_strerror(rc);
        return {};
    }
    std::vector<std::string> addresses;
    for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
        char text[NI_MAXHOST];
        if (::getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0)
            addresses.emplace_back(text);
    }
    ::freeaddrinfo(list);
    if (addresses.empty())
        error = "no address found";
    return addresses;
}

// A resolution that may outlive its caller: getaddrinfo cannot be cancelled, so it runs on a
// detached thread and whoever waits stops waiting at the deadline. The shared state keeps what the
// thread writes alive until both are done with it.
struct pending_resolution {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::vector<std::string> addresses;
    std::string error;
};

// Addresses for `host`, or nothing with `timed_out` or `error` set.
std::vector<std::string> resolve_before(const http_resolver& resolver, const std::string& host,
                                        clock_type::time_point deadline, bool& timed_out, std::string& error)
{
    auto state = std::make_shared<pending_resolution>();
    std::thread([state, resolver, host] {
        std::string why;
        std::vector<std::string> found;
        try {
            found = resolver ? resolver(host, why) : system_resolve(host, why);
        } catch (const std::exception& e) {
            why = e.what();
        }
        const std::lock_guard lock(state->mutex);
        state->addresses = std::move(found);
        state->error = std::move(why);
        state->done = true;
        state->finished.notify_all();
    }).detach();
    std::unique_lock lock(state->mutex);
    if (!state->finished.wait_until(lock, deadline, [&] { return state->done; })) {
        timed_out = true;
        return {};
    }
    error = state->error;
    return state->addresses;
}

struct session_slot {
    http_client::impl* owner = nullptr;
    std::string key;
};

int session_slot_index()
{
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// The room a connection's read buffer keeps, so each read can take a whole TLS record and more.
constexpr std::size_t read_buffer_size = 64 * 1024;

struct pooled_connection {
    asio::io_context ioc{1};
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    clock_type::time_point idle_since = clock_type::now();
    session_slot slot;

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

} // namespace

class http_client::impl {
public:
    explicit impl(http_client_options options) : options_(std::move(options)), context_(ssl::context::tls_client) {}

    ~impl()
    {
        for (auto& [key, session] : sessions_)
            SSL_SESSION_free(session);
    }

    bool configure(std::string& error)
    {
        if (!configure(context_, true, error))
            return false;
        if (options_.trust && !options_.trust->ca_certificates().empty() && !options_.system_trust_only_hosts.empty()) {
            system_context_.emplace(ssl::context::tls_client);
            return configure(*system_context_, false, error);
        }
        return true;
    }

    // One TLS context: system trust, the keystore's CAs when `with_keystore_cas`, its client identity.
    bool configure(ssl::context& context, bool with_keystore_cas, std::string& error)
    {
        context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        context.set_verify_mode(ssl::verify_peer);
        error_code ec;
        if (!use_system_trust(context, ec)) {
            error = "cannot read the system's trusted certificates: " + ec.message();
            return false;
        }
        SSL_CTX* ctx = context.native_handle();
        if (options_.trust && with_keystore_cas) {
            X509_STORE* store = SSL_CTX_get_cert_store(ctx);
            for (const auto& ca : options_.trust->ca_certificates()) {
                if (X509_STORE_add_cert(store, ca.get()) != 1) {
                    // A certificate that is already in the store is not an error.
                    const unsigned long code = ERR_peek_last_error();
                    if (ERR_GET_REASON(code) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                        ERR_clear_error();
                        error = "a certificate of the keystore cannot be trusted by OpenSSL";
                        return false;
                    }
                    ERR_clear_error();
                }
            }
        }
        if (options_.trust) {
            if (options_.trust->has_client_identity()) {
                if (SSL_CTX_use_certificate(ctx, options_.trust->client_certificate()) != 1 ||
                    SSL_CTX_use_PrivateKey(ctx, options_.trust->client_key()) != 1 ||
                    SSL_CTX_check_private_key(ctx) != 1) {
                    ERR_clear_error();
                    error = "the keystore's client certificate and key cannot be used by OpenSSL";
                    return false;
                }
            }
        }
        // Resumption: OpenSSL hands us each new session (TLS 1.3 sends them after the handshake);
        // we keep the latest per host and offer it on the next connection.
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_sess_set_new_cb(ctx, &impl::on_new_session);
        return true;
    }

    http_result send(const http_request& request)
    {
        http_result result;
        const auto& url = request.url;
        if (!url.https() && !url.http()) {
            result.failure = transport_failure::protocol;
            result.message = "only http and https URLs can be requested";
            return result;
        }
        // The hop matters, not only the target: through a proxy, plain HTTP leaves this machine.
        if (url.http() && (options_.enable_ssl || !url.loopback || options_.proxy)) {
            // Defence in depth: validation refuses these forms before they get here.
            result.failure = transport_failure::plain_http_refused;
            result.message = "plain HTTP to " + url.host +
                             (options_.proxy && url.loopback ? " through a proxy" : std::string()) +
                             " is refused: tokens never travel unencrypted off this machine";
            return result;
        }
        for (const auto& h : request.headers) {
            if (!is_header_name(h.name) || !is_header_value(h.value)) {
                result.failure = transport_failure::invalid_request;
                result.message =
                    "the request to " + url.host + " was not sent: the " +
                    (is_header_name(h.name) ? "value of the header " + h.name : std::string("name of a header")) +
                    " contains a line break or another character a header cannot carry";
                return result;
            }
        }
        // One deadline for the whole operation: every attempt and every wait between attempts.
        const auto deadline = clock_type::now() + options_.timeout;
        const int max_attempts = request.idempotent ? std::max(1, options_.max_attempts) : 1;
        for (int attempt = 1;; ++attempt) {
            result.attempts = attempt;
            attempt_outcome outcome = attempt_once(request, deadline);
            const bool retryable_status =
                outcome.response && (outcome.response->status == 429 || outcome.response->status >= 500);
            const bool retryable_failure = outcome.failure == transport_failure::reset;
            if ((!retryable_status && !retryable_failure) || attempt >= max_attempts) {
                result.response = std::move(outcome.response);
                result.failure = outcome.failure;
                result.message = std::move(outcome.message);
                return result;
            }
            std::chrono::milliseconds delay = backoff(attempt);
            if (outcome.response) {
                if (auto wait = retry_after(*outcome.response)) {
                    if (*wait > options_.max_retry_after) {
                        // Waiting that long would exceed any sensible bound: report it now.
                        result.response = std::move(outcome.response);
                        return result;
                    }
                    delay = std::max<std::chrono::milliseconds>(delay, *wait);
                }
            }
            if (clock_type::now() + delay >= deadline) {
                // The wait would outlast the Timeout: report what the last attempt brought.
                result.response = std::move(outcome.response);
                result.failure = outcome.failure;
                result.message = std::move(outcome.message);
                return result;
            }
            ++statistics_.retries;
            log("retrying " + request.method + " " + url.host + " in " + std::to_string(delay.count()) + " ms");
            std::this_thread::sleep_for(delay);
        }
    }

    http_client_statistics statistics() const noexcept
    {
        http_client_statistics s;
        s.requests = statistics_.requests;
        s.connections_opened = statistics_.connections_opened;
        s.connections_reused = statistics_.connections_reused;
        s.tls_handshakes = statistics_.tls_handshakes;
        s.tls_sessions_resumed = statistics_.tls_sessions_resumed;
        s.retries = statistics_.retries;
        return s;
    }

    const http_client_options& options() const noexcept { return options_; }

private:
    struct counters {
        std::atomic<std::uint64_t> requests{0}, connections_opened{0}, connections_reused{0}, tls_handshakes{0},
            tls_sessions_resumed{0}, retries{0};
    };

    static int on_new_session(SSL* ssl, SSL_SESSION* session)
    {
        auto* slot = static_cast<session_slot*>(SSL_get_ex_data(ssl, session_slot_index()));
        if (slot == nullptr || slot->owner == nullptr)
            return 0;
        slot->owner->remember_session(slot->key, session);
        return 1; // we own the reference now
    }

    void remember_session(const std::string& key, SSL_SESSION* session)
    {
        std::lock_guard lock(mutex_);
        auto& stored = sessions_[key];
        if (stored != nullptr)
            SSL_SESSION_free(stored);
        stored = session;
    }

    // A new reference to the session remembered for `key`, or null.
    SSL_SESSION* session_for(const std::string& key)
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(key);
        if (it == sessions_.end() || SSL_SESSION_is_resumable(it->second) != 1)
            return nullptr;
        SSL_SESSION_up_ref(it->second);
        return it->second;
    }

    std::chrono::milliseconds backoff(int attempt)
    {
        static thread_local std::mt19937_64 random{std::random_device{}()};
        const auto exponential = options_.backoff_base * (1LL << std::min(attempt - 1, 16));
        const auto capped = std::min<std::chrono::milliseconds>(exponential, options_.backoff_cap);
        // "Equal jitter": half fixed, half random, so clients that failed together spread out.
        std::uniform_int_distribution<long long> half(0, std::max<long long>(capped.count() / 2, 1));
        return std::chrono::milliseconds(capped.count() / 2 + half(random));
    }

    void log(const std::string& line) const
    {
        if (options_.log)
            options_.log(line);
    }

    // A phase_timer's line (CONNECTOR_PHASE_TIMINGS set), through the same log.
    void log_phase(const connector_support::phase_timer& timer, std::string_view detail = {}) const
    {
        if (connector_support::phase_timings_enabled())
            log(timer.finish(detail));
    }

    static std::string pool_key(const endpoint& url) { return url.scheme + "://" + host_port(url.host, url.port); }

    std::unique_ptr<pooled_connection> take_idle(const std::string& key, bool idempotent)
    {
        std::lock_guard lock(mutex_);
        auto it = idle_.find(key);
        if (it == idle_.end())
            return nullptr;
        auto& list = it->second;
        const auto now = clock_type::now();
        while (!list.empty()) {
            std::unique_ptr<pooled_connection> c = std::move(list.back());
            list.pop_back();
            const auto age = now - c->idle_since;
            if (age > max_idle_age)
                continue; // dropped: too old to trust
            if (!idempotent && age > options_.reuse_idle_limit)
                continue; // a request that must not be lost gets a fresh connection
            return c;
        }
        return nullptr;
    }

    void give_back(const std::string& key, std::unique_ptr<pooled_connection> c)
    {
        c->idle_since = clock_type::now();
        std::lock_guard lock(mutex_);
        auto& list = idle_[key];
        if (list.size() < 8)
            list.push_back(std::move(c));
    }

    attempt_outcome attempt_once(const http_request& request, clock_type::time_point deadline)
    {
        const std::string key = pool_key(request.url);
        const auto started = clock_type::now();
        ++statistics_.requests;

        std::unique_ptr<pooled_connection> connection = take_idle(key, request.idempotent);
        const bool reused = connection != nullptr;
        attempt_outcome outcome;
        if (reused) {
            ++statistics_.connections_reused;
            outcome = run(*connection, exchange(*connection, request, deadline));
            // A kept-alive connection the server had already closed: nothing was received, so the
            // request was not processed. Only idempotent requests come here on old connections.
            if (outcome.failure == transport_failure::reset && outcome.nothing_received && request.idempotent) {
                connection.reset();
                outcome = {};
            }
        }
        if (!connection) {
            connection = std::make_unique<pooled_connection>();
            connection->slot = {this, key};
            ++statistics_.connections_opened;
            outcome = run(*connection, open_and_exchange(*connection, request, deadline));
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
        if (outcome.response) {
            log(request.method + " " + request.url.scheme + "://" + host_port(request.url.host, request.url.port) +
                request.url.target + " -> " + std::to_string(outcome.response->status) + " (" +
                std::to_string(elapsed.count()) + " ms" + (reused ? ", reused connection" : "") + ")");
            if (outcome.keep_alive)
                give_back(key, std::move(connection));
        } else {
            log(request.method + " " + request.url.scheme + "://" + host_port(request.url.host, request.url.port) +
                request.url.target + " failed: " + outcome.message);
        }
        return outcome;
    }

    attempt_outcome run(pooled_connection& c, asio::awaitable<attempt_outcome> work)
    {
        std::optional<attempt_outcome> outcome;
        std::exception_ptr failure;
        asio::co_spawn(c.ioc, std::move(work), [&](std::exception_ptr e, attempt_outcome o) {
            failure = std::move(e);
            outcome = std::move(o);
        });
        c.ioc.restart();
        c.ioc.run();
        if (failure) {
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                return failed(transport_failure::protocol, std::string("unexpected failure: ") + e.what());
            }
        }
        if (!outcome)
            return failed(transport_failure::protocol, "the request did not complete");
        return std::move(*outcome);
    }

    asio::awaitable<attempt_outcome> open_and_exchange(pooled_connection& c, const http_request& request,
                                                       clock_type::time_point deadline)
    {
        attempt_outcome opened = co_await open(c, request.url, deadline);
        if (opened.failure != transport_failure::none)
            co_return opened;
        co_return co_await exchange(c, request, deadline);
    }

    asio::awaitable<attempt_outcome> open(pooled_connection& c, const endpoint& url, clock_type::time_point deadline)
    {
        const bool via_proxy = options_.proxy.has_value();
        const std::string connect_host = via_proxy ? options_.proxy->host : url.host;
        const std::uint16_t connect_port = via_proxy ? options_.proxy->port : url.port;
        const std::string where = via_proxy ? "the proxy " + host_port(connect_host, connect_port) : url.host;

        connector_support::phase_timer timer("resolve");
        std::vector<tcp::endpoint> addresses;
        error_code not_literal;
        const auto literal = asio::ip::make_address(connect_host, not_literal);
        if (!not_literal) {
            addresses.emplace_back(literal, connect_port); // an address needs no resolver (nor its thread)
        } else {
            // getaddrinfo has no timeout and cannot be cancelled (Asio's resolver waits for it
            // too): wait for it only until the deadline. This connection's io_context runs nothing
            // else meanwhile, so blocking it here delays no one.
            bool resolve_timed_out = false;
            std::string resolve_error;
            const auto found =
                resolve_before(options_.resolver, connect_host, deadline, resolve_timed_out, resolve_error);
            if (resolve_timed_out)
                co_return failed(transport_failure::timeout, "resolving " + where + " did not finish in time");
            for (const auto& text : found) {
                error_code bad;
                const auto address = asio::ip::make_address(text, bad);
                if (!bad)
                    addresses.emplace_back(address, connect_port);
            }
            if (addresses.empty())
                co_return failed(transport_failure::dns, "cannot resolve " + where + " (" +
                                                             (resolve_error.empty() ? "no address" : resolve_error) +
                                                             ")");
        }
        log_phase(timer);

        timer = connector_support::phase_timer("connect");
        beast::tcp_stream stream(c.ioc);
        stream.expires_at(deadline);
        auto [connect_error, connected] = co_await stream.async_connect(addresses, use_tuple);
        (void)connected;
        if (connect_error) {
            if (connect_error == beast::error::timeout)
                co_return failed(transport_failure::timeout, "connecting to " + where + " did not finish in time");
            co_return failed(transport_failure::refused,
                             "cannot connect to " + where + " (" + connect_error.message() + ")");
        }
        stream.socket().set_option(tcp::no_delay(true));
        log_phase(timer);

        if (via_proxy) {
            attempt_outcome tunnel = co_await open_tunnel(stream, url, deadline);
            if (tunnel.failure != transport_failure::none)
                co_return tunnel;
        }

        if (!url.https()) {
            c.plain.emplace(std::move(stream));
            co_return attempt_outcome{};
        }

        timer = connector_support::phase_timer("tls_handshake");
        c.secure.emplace(std::move(stream), context_for(url.host));
        SSL* ssl = c.secure->native_handle();
        if (is_ip_literal(url.host)) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
        } else {
            // SNI, and OpenSSL's own host check so a mismatch is reported as exactly that.
            // SSL_set_tlsext_host_name() spelt out: the macro hides an old-style cast.
            SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(url.host.c_str()));
            SSL_set1_host(ssl, url.host.c_str());
        }
        c.secure->set_verify_callback(ssl::host_name_verification(url.host));
        SSL_set_ex_data(ssl, session_slot_index(), &c.slot);
        if (SSL_SESSION* session = session_for(c.slot.key)) {
            SSL_set_session(ssl, session);
            SSL_SESSION_free(session); // SSL_set_session took its own reference
        }
        beast::get_lowest_layer(*c.secure).expires_at(deadline);
        auto [handshake_error] = co_await c.secure->async_handshake(ssl::stream_base::client, use_tuple);
        ++statistics_.tls_handshakes;
        if (handshake_error) {
            auto [failure, message] = classify_tls(ssl, handshake_error, url.host);
            ERR_clear_error();
            co_return failed(failure, message);
        }
        if (SSL_session_reused(ssl) == 1)
            ++statistics_.tls_sessions_resumed;
        log_phase(timer, SSL_session_reused(ssl) == 1 ? "(session resumed)" : "");
        co_return attempt_outcome{};
    }

    asio::awaitable<attempt_outcome> open_tunnel(beast::tcp_stream& stream, const endpoint& url,
                                                 clock_type::time_point deadline)
    {
        const std::string authority = host_port(url.host, url.port);
        const std::string proxy_name = "the proxy " + host_port(options_.proxy->host, options_.proxy->port);
        http::request<http::empty_body> connect{http::verb::connect, authority, 11};
        connect.set(http::field::host, authority);
        connect.set(http::field::user_agent, options_.user_agent);
        if (options_.proxy->user)
            connect.set(http::field::proxy_authorization,
                        "Basic " + base64(*options_.proxy->user + ":" + options_.proxy->password.value_or("")));
        stream.expires_at(deadline);
        auto [write_error, written] = co_await http::async_write(stream, connect, use_tuple);
        (void)written;
        if (write_error) {
            auto [failure, message] = classify_io(write_error, proxy_name, "sending CONNECT");
            co_return failed(failure == transport_failure::reset ? transport_failure::proxy_failed : failure, message);
        }
        beast::flat_buffer buffer;
        http::response_parser<http::empty_body> parser;
        parser.skip(true); // a CONNECT answer has no body; what follows belongs to the tunnel
        stream.expires_at(deadline);
        auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
        (void)read;
        if (read_error) {
            auto [failure, message] = classify_io(read_error, proxy_name, "waiting for the CONNECT answer");
            co_return failed(failure == transport_failure::reset ? transport_failure::proxy_failed : failure, message);
        }
        const unsigned status = parser.get().result_int();
        // 407 is the standard answer; some proxies (tinyproxy) answer a wrong password with 401.
        if (status == 407 || status == 401)
            co_return failed(transport_failure::proxy_auth,
                             proxy_name +
                                 (options_.proxy->user ? " refused the proxy credentials (HTTP "
                                                       : " requires authentication (HTTP ") +
                                 std::to_string(status) + "): check ProxyUser and ProxyPassword");
        if (status / 100 != 2)
            co_return failed(transport_failure::proxy_failed, proxy_name + " refused the tunnel to " + authority +
                                                                  " (HTTP " + std::to_string(status) + ")");
        if (buffer.size() != 0)
            co_return failed(transport_failure::proxy_failed, proxy_name + " sent data before the tunnel was open");
        co_return attempt_outcome{};
    }

    asio::awaitable<attempt_outcome> exchange(pooled_connection& c, const http_request& request,
                                              clock_type::time_point deadline)
    {
        const endpoint& url = request.url;
        const connector_support::phase_timer timer("request");
        http::request<http::string_body> message;
        const http::verb verb = http::string_to_verb(request.method);
        if (verb == http::verb::unknown)
            message.method_string(request.method);
        else
            message.method(verb);
        message.target(url.target.empty() ? "/" : url.target);
        message.version(11);
        const bool default_port = (url.https() && url.port == 443) || (url.http() && url.port == 80);
        message.set(http::field::host, default_port
                                           ? (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host)
                                           : host_port(url.host, url.port));
        message.set(http::field::user_agent, options_.user_agent);
        for (const auto& h : request.headers)
            message.set(h.name, h.value);
        message.body() = request.body;
        message.keep_alive(true);
        message.prepare_payload();

        c.lowest().expires_at(deadline);
        error_code write_error;
        if (c.secure)
            std::tie(write_error, std::ignore) = co_await http::async_write(*c.secure, message, use_tuple);
        else
            std::tie(write_error, std::ignore) = co_await http::async_write(*c.plain, message, use_tuple);
        if (write_error) {
            auto [failure, text] = classify_io(write_error, url.host, "sending the request");
            co_return failed(failure, text, true);
        }

        http::response_parser<http::string_body> parser;
        parser.body_limit(options_.body_limit);
        parser.header_limit(64 * 1024);
        // Beast reads at most the buffer's free capacity (512 bytes when it is full): with room for
        // whole TLS records, a 300 KB page takes about twenty reads instead of six hundred.
        c.buffer.reserve(read_buffer_size);
        c.lowest().expires_at(deadline);
        error_code read_error;
        if (c.secure)
            std::tie(read_error, std::ignore) = co_await http::async_read(*c.secure, c.buffer, parser, use_tuple);
        else
            std::tie(read_error, std::ignore) = co_await http::async_read(*c.plain, c.buffer, parser, use_tuple);
        if (read_error) {
            auto [failure, text] = classify_io(read_error, url.host, "reading the response");
            co_return failed(failure, text, !parser.got_some() && c.buffer.size() == 0);
        }
        auto& received = parser.get();
        attempt_outcome o;
        http_response response;
        response.status = received.result_int();
        for (const auto& field : received)
            response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
        response.body = std::move(received.body());
        o.keep_alive = received.keep_alive();
        o.response = std::move(response);
        if (connector_support::phase_timings_enabled()) // the path only: a query may carry anything
            log_phase(timer, request.method + " " + url.target.substr(0, url.target.find('?')));
        co_return o;
    }

    // The keystore's CAs are trusted for every host but those listed as system-trust-only.
    ssl::context& context_for(const std::string& host)
    {
        if (system_context_ &&
            std::find(options_.system_trust_only_hosts.begin(), options_.system_trust_only_hosts.end(), host) !=
                options_.system_trust_only_hosts.end())
            return *system_context_;
        return context_;
    }

    http_client_options options_;
    ssl::context context_;
    std::optional<ssl::context> system_context_; // system trust only (with the client identity)
    std::mutex mutex_;                           // guards idle_ and sessions_
    std::map<std::string, std::vector<std::unique_ptr<pooled_connection>>> idle_;
    std::map<std::string, SSL_SESSION*> sessions_;
    counters statistics_;
};

std::string_view to_string(transport_failure failure) noexcept
{
    switch (failure) {
    case transport_failure::none: return "none";
    case transport_failure::plain_http_refused: return "plain_http_refused";
    case transport_failure::invalid_request: return "invalid_request";
    case transport_failure::dns: return "dns";
    case transport_failure::refused: return "refused";
    case transport_failure::timeout: return "timeout";
    case transport_failure::reset: return "reset";
    case transport_failure::tls_untrusted: return "tls_untrusted";
    case transport_failure::tls_wrong_host: return "tls_wrong_host";
    case transport_failure::tls_expired: return "tls_expired";
    case transport_failure::tls_client_certificate: return "tls_client_certificate";
    case transport_failure::tls_handshake: return "tls_handshake";
    case transport_failure::proxy_auth: return "proxy_auth";
    case transport_failure::proxy_failed: return "proxy_failed";
    case transport_failure::body_too_large: return "body_too_large";
    case transport_failure::protocol: return "protocol";
    }
    return "protocol";
}

std::optional<std::string_view> http_response::header(std::string_view name) const noexcept
{
    for (const auto& h : headers) {
        if (h.name.size() != name.size())
            continue;
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i)
            same = std::tolower(static_cast<unsigned char>(h.name[i])) ==
                   std::tolower(static_cast<unsigned char>(name[i]));
        if (same)
            return std::string_view(h.value);
    }
    return std::nullopt;
}

std::shared_ptr<http_client> http_client::create(http_client_options options, std::string& error)
{
    try {
        const connector_support::phase_timer timer("tls_context");
        auto log = options.log;
        auto implementation = std::make_unique<impl>(std::move(options));
        if (!implementation->configure(error))
            return nullptr;
        if (connector_support::phase_timings_enabled() && log)
            log(timer.finish("(context and system trust store)"));
        return std::shared_ptr<http_client>(new http_client(std::move(implementation)));
    } catch (const std::exception& e) {
        error = std::string("the HTTPS client could not be set up: ") + e.what();
        return nullptr;
    }
}

http_client::http_client(std::unique_ptr<impl> implementation) noexcept : impl_(std::move(implementation)) {}

http_client::~http_client() = default;

http_result http_client::send(const http_request& request) noexcept
{
    try {
        return impl_->send(request);
    } catch (const std::exception& e) {
        http_result r;
        r.failure = transport_failure::protocol;
        r.message = std::string("the request could not be made: ") + e.what();
        return r;
    } catch (...) {
        http_result r;
        r.failure = transport_failure::protocol;
        r.message = "the request could not be made";
        return r;
    }
}

http_client_statistics http_client::statistics() const noexcept
{
    return impl_->statistics();
}

const http_client_options& http_client::options() const noexcept
{
    return impl_->options();
}

} // namespace sage
