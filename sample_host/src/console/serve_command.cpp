#include "console/serve_command.hpp"

#include "commands/host_context.hpp"
#include "console/console_api.hpp"
#include "console/console_router.hpp"
#include "console/console_sessions.hpp"
#include "console/http_server.hpp"
#include "output/host_log.hpp"
#include "runtime/browser_launcher.hpp"
#include "runtime/host_error.hpp"
#include "storage/user_directory.hpp"

#include <CLI/CLI.hpp>
#include <connector_support/ascii_text.hpp>

#include <arpa/inet.h>

#include <charconv>
#include <memory>

namespace sample_host {
namespace {

struct serve_options {
    std::string listen = "127.0.0.1:8080";
    bool open = false;
    std::optional<std::string> tls_certificate;
    std::optional<std::string> tls_key;
    std::vector<std::string> server_names;
    int request_timeout = 30;
};

bool is_loopback(const std::string& address)
{
    unsigned char bytes[16] = {};
    if (::inet_pton(AF_INET, address.c_str(), bytes) == 1)
        return bytes[0] == 127;
    if (::inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
        for (int i = 0; i < 15; ++i)
            if (bytes[i] != 0)
                return false;
        return bytes[15] == 1;
    }
    return false;
}

// The name of the console in its address: the first --server-name, else the address listened on.
std::string url_host(const listen_address& where, const serve_options& options)
{
    if (!options.server_names.empty())
        return connector_support::to_lower(options.server_names.front());
    return where.address.find(':') != std::string::npos ? "[" + where.address + "]" : where.address;
}

// The Host header values browsers send for the console: the address, the names given, and for
// loopback 127.0.0.1, localhost and [::1]; each with the port, and without it on the scheme's default.
std::vector<std::string> accepted_hosts(const listen_address& where, const serve_options& options, std::uint16_t port,
                                        bool tls)
{
    std::vector<std::string> names;
    const bool wildcard = where.address == "0.0.0.0" || where.address == "::";
    if (!wildcard)
        names.push_back(where.address.find(':') != std::string::npos ? "[" + where.address + "]" : where.address);
    if (where.loopback)
        for (const char* name : {"127.0.0.1", "localhost", "[::1]"})
            names.emplace_back(name);
    for (const auto& name : options.server_names)
        names.push_back(connector_support::to_lower(name));
    std::vector<std::string> hosts;
    for (const auto& name : names) {
        hosts.push_back(name + ":" + std::to_string(port));
        if (port == (tls ? 443 : 80))
            hosts.push_back(name);
    }
    return hosts;
}

int run_serve(host_context& ctx, const serve_options& options)
{
    const listen_address where = parse_listen_address(options.listen);
    if (options.tls_certificate.has_value() != options.tls_key.has_value())
        throw usage_error("--tls-cert and --tls-key go together: give both (PEM certificate chain and its key)");
    const bool tls = options.tls_certificate.has_value();
    if (!where.loopback && !tls)
        throw host_error("refusing to serve the console on " + where.address +
                         ", which is not a loopback address, without TLS: sessions and secrets would cross the "
                         "network in clear. Give --tls-cert FILE and --tls-key FILE, or listen on 127.0.0.1");
    if (!where.loopback && (where.address == "0.0.0.0" || where.address == "::") && options.server_names.empty())
        throw usage_error("listening on every address (" + where.address +
                          ") needs --server-name NAME: the name browsers use to reach the console (checked against "
                          "the Host header)");

    // Fail now, not at the first request, when the user or the data folder is wrong.
    ctx.set_interactive(false);
    const user_account user = ctx.acting_user();

    http_server_options server_options;
    server_options.address = where.address;
    server_options.port = where.port;
    server_options.request_timeout = std::chrono::seconds(options.request_timeout);
    if (tls) {
        server_options.tls_certificate = *options.tls_certificate;
        server_options.tls_key = *options.tls_key;
    }
    std::unique_ptr<console_router> router;
    host_log& log = ctx.log();
    const auto write_log = [&log](std::string_view line) { log.write(connector_sdk::log_level::info, "host", line); };
    http_server server(
        server_options, [&router](const http_request& request) { return router->handle(request); },
        [&router](unsigned status, std::string_view category, std::string_view message) {
            return router->refuse(status, category, message);
        },
        write_log);

    const std::string origin =
        std::string(tls ? "https" : "http") + "://" + url_host(where, options) + ":" + std::to_string(server.port());
    console_sessions sessions;
    console_api api(ctx, origin);
    router = std::make_unique<console_router>(
        console_site{origin, accepted_hosts(where, options, server.port(), tls), tls}, sessions, api, write_log);

    const std::string token = sessions.issue_login_token();
    const std::string address = origin + "/?token=" + token;
    ctx.out().line("console: " + address);
    ctx.out().flush();
    ctx.redactor().add(token); // never in a log line from here on
    ctx.out().note("the console serves " + origin + " as " + user.name + " (" + std::string(to_string(user.user_role)) +
                   ", tenant " + user.tenant + "); the address above signs in one browser, once. Stop with Ctrl-C.");
    log.write(connector_sdk::log_level::info, "host",
              "console: serving " + origin + " as " + user.name + " (tenant " + user.tenant + ")");
    if (options.open) {
        const auto launched = open_in_browser(address, ctx.env());
        if (launched)
            ctx.out().note(launched->note);
        else
            ctx.out().warning("no browser opened: " + launched.error().message + "; open the address above yourself");
    }

    server.run(true);
    log.write(connector_sdk::log_level::info, "host", "console: stopped");
    ctx.out().note("console stopped");
    return 0;
}

} // namespace

listen_address parse_listen_address(std::string_view text)
{
    const std::string shape =
        "--listen takes ADDRESS:PORT, e.g. 127.0.0.1:8080, [::1]:8080 or 127.0.0.1:0 (any free port)";
    listen_address out;
    std::string_view host;
    std::string_view port;
    if (text.starts_with("[")) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos)
            throw usage_error(shape);
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || text.substr(0, colon).find(':') != std::string_view::npos)
            throw usage_error(shape);
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number > 65535)
        throw usage_error("--listen " + std::string(text) + ": the port must be a number from 0 to 65535");
    out.port = static_cast<std::uint16_t>(number);
    out.address = connector_support::iequals(host, "localhost") ? std::string("127.0.0.1") : std::string(host);
    unsigned char bytes[16] = {};
    if (::inet_pton(AF_INET, out.address.c_str(), bytes) != 1 && ::inet_pton(AF_INET6, out.address.c_str(), bytes) != 1)
        throw usage_error("--listen " + std::string(text) + ": '" + std::string(host) +
                          "' is not an IP address (or localhost); " + shape);
    out.loopback = is_loopback(out.address);
    return out;
}

void add_serve_command(CLI::App& app, command_action& chosen)
{
    auto options = std::make_shared<serve_options>();
    auto* serve = app.add_subcommand(
        "serve", "Run the web console: the marketplace, connection forms with TEST and CREATE, sign-in with the "
                 "service, saved connections and data previews, in a browser");
    serve
        ->add_option("--listen", options->listen,
                     "Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one). Anything but "
                     "loopback needs --tls-cert and --tls-key")
        ->type_name("ADDR:PORT");
    serve->add_flag("--open", options->open, "Open the login address in the browser (BROWSER, else xdg-open)");
    serve->add_option("--tls-cert", options->tls_certificate, "Serve HTTPS with this PEM certificate (chain)")
        ->type_name("FILE");
    serve->add_option("--tls-key", options->tls_key, "The PEM private key of --tls-cert")->type_name("FILE");
    serve
        ->add_option("--server-name", options->server_names,
                     "A name browsers use to reach the console (repeatable; checked against the Host header; the "
                     "first one is used in the printed address)")
        ->type_name("NAME");
    serve
        ->add_option("--request-timeout", options->request_timeout,
                     "Seconds a client has to send a whole request (and a TLS handshake); slower clients are cut "
                     "off (default 30)")
        ->check(CLI::Range(1, 600))
        ->type_name("SECONDS");
    serve->footer(
        "The first line on standard output is `console: http://127.0.0.1:PORT/?token=TOKEN`: open it to sign in. The "
        "token (256 random bits) signs in one browser, once, within 15 minutes, and becomes a session cookie "
        "(HttpOnly, SameSite=Strict) that ends after 30 minutes without use. Every session acts as the --as user "
        "(default admin); run a second `serve` on the same --data folder to use the console as another user. "
        "Ctrl-C (SIGINT) or SIGTERM stops it, letting requests in flight finish. Routes and JSON API: "
        "docs/console.md. Exit 0 after a stop, 1 when it cannot start, 2 usage error.");
    serve->callback([&chosen, options] { chosen = [options](host_context& ctx) { return run_serve(ctx, *options); }; });
}

} // namespace sample_host
