#include "sandbox.hpp"

#include "connect_proxy.hpp"
#include "https_server.hpp"
#include "random_ids.hpp"
#include "sandbox_pki.hpp"

#include <boost/json/array.hpp>

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace sage_sandbox {
namespace {

std::filesystem::path make_temp_dir()
{
    std::string pattern = (std::filesystem::temp_directory_path() / "sage-sandbox-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    return pattern;
}

std::string https(std::uint16_t port)
{
    return "https://127.0.0.1:" + std::to_string(port);
}

} // namespace

struct sandbox::runtime {
    std::unique_ptr<https_server> server;
    std::unique_ptr<connect_proxy> proxy;
};

boost::json::object sandbox_info::to_json() const
{
    boost::json::array client_list;
    for (const auto& client : clients) {
        boost::json::array uris;
        for (const auto& uri : client.redirect_uris)
            uris.emplace_back(uri);
        client_list.push_back(boost::json::object{{"client_id", client.client_id},
                                                  {"client_secret", client.client_secret},
                                                  {"redirect_uris", std::move(uris)}});
    }
    return {
        {"base_url", base_url},
        {"api_base_url", api_base_url},
        {"authorize_url", authorize_url},
        {"token_url", token_url},
        {"revoke_url", revoke_url},
        {"control_url", control_url},
        {"plain_url", plain_url},
        {"wrong_host_url", wrong_host_url},
        {"expired_url", expired_url},
        {"unknown_ca_url", unknown_ca_url},
        {"mtls_url", mtls_url},
        {"proxy_url", proxy_url.empty() ? boost::json::value(nullptr) : boost::json::value(proxy_url)},
        {"state_dir", state_dir.string()},
        {"ca_file", ca_file.string()},
        {"ca_p12_file", ca_p12_file.string()},
        {"client_ca_file", client_ca_file.string()},
        {"client_cert_file", client_cert_file.string()},
        {"client_key_file", client_key_file.string()},
        {"client_p12_file", client_p12_file.string()},
        {"client_p12_password", client_p12_password},
        {"clients", std::move(client_list)},
        {"port", port},
    };
}

sandbox::sandbox(sandbox_options options)
    : options_(std::move(options)),
      service_(std::make_unique<sandbox_service>(service_options{options_.records, options_.other_business_records,
                                                                 options_.contacts, options_.seed, options_.latency}))
{
}

sandbox::~sandbox()
{
    stop();
}

const sandbox_info& sandbox::start()
{
    if (runtime_)
        throw std::logic_error("sandbox already started");

    clients_ = options_.clients;
    std::vector<oauth_client>& clients = clients_;
    if (clients.empty())
        clients.push_back(
            oauth_client{make_client_id(), random_hex(24), {"http://localhost:3333", "http://127.0.0.1:3333"}});
    for (const auto& client : clients)
        service_->register_client(client);

    if (options_.state_dir.empty()) {
        info_.state_dir = make_temp_dir();
        owns_state_dir_ = true;
    } else {
        info_.state_dir = options_.state_dir;
    }
    try {
        start_serving();
    } catch (...) {
        // Leave nothing behind: a half-started sandbox is stopped and its temporary folder removed.
        runtime_.reset();
        if (owns_state_dir_) {
            std::error_code ignored;
            std::filesystem::remove_all(info_.state_dir, ignored);
            owns_state_dir_ = false;
        }
        throw;
    }
    return info_;
}

void sandbox::start_serving()
{
    const sandbox_pki pki = make_sandbox_pki();
    const state_files files = write_state_files(pki, info_.state_dir);

    auto rt = std::make_unique<runtime>();
    server_limits limits;
    limits.threads = options_.io_threads;
    sandbox_service* service = service_.get();
    rt->server = std::make_unique<https_server>([service](const http_request& r) { return service->handle(r); }, limits,
                                                [service] { service->count(counter::connections); });
    auto listen_tls = [&](std::string name, const test_pki::identity& id, std::uint16_t port,
                          std::optional<std::string> client_ca = std::nullopt) {
        return rt->server->listen(
            listener_spec{std::move(name), true, id.cert_pem, id.key_pem, std::move(client_ca), port});
    };
    info_.port = listen_tls("main", pki.server, options_.port);
    const std::uint16_t plain_port = rt->server->listen(listener_spec{"plain", false, {}, {}, std::nullopt, 0});
    const std::uint16_t wrong_host_port = listen_tls("wrong_host", pki.wrong_host, 0);
    const std::uint16_t expired_port = listen_tls("expired", pki.expired, 0);
    const std::uint16_t unknown_ca_port = listen_tls("unknown_ca", pki.untrusted, 0);
    const std::uint16_t mtls_port = listen_tls("mtls", pki.server, 0, pki.client_ca.cert_pem);

    if (options_.proxy) {
        proxy_options proxy;
        proxy.username = options_.proxy_username;
        proxy.password = options_.proxy_password;
        rt->proxy = std::make_unique<connect_proxy>(proxy);
        rt->proxy->on_tunnel([service] { service->count(counter::proxy_tunnels); });
        info_.proxy_url = rt->proxy->url();
    }

    info_.base_url = https(info_.port);
    info_.api_base_url = info_.base_url + "/v3.1";
    info_.authorize_url = info_.base_url + "/oauth2/auth/central?filter=apiv3.1";
    info_.token_url = info_.base_url + "/token";
    info_.revoke_url = info_.base_url + "/revoke";
    info_.control_url = info_.base_url + "/_sandbox";
    info_.plain_url = "http://127.0.0.1:" + std::to_string(plain_port);
    info_.wrong_host_url = https(wrong_host_port);
    info_.expired_url = https(expired_port);
    info_.unknown_ca_url = https(unknown_ca_port);
    info_.mtls_url = https(mtls_port);
    info_.ca_file = files.ca_file;
    info_.ca_p12_file = files.trust_p12_file;
    info_.client_ca_file = files.client_ca_file;
    info_.client_cert_file = files.client_cert_file;
    info_.client_key_file = files.client_key_file;
    info_.client_p12_file = files.client_p12_file;
    info_.client_p12_password = pki.client_p12_password;
    info_.clients = clients_;
    service_->set_info(info_.to_json());

    rt->server->start();
    if (rt->proxy)
        rt->proxy->start();
    runtime_ = std::move(rt);
}

void sandbox::stop()
{
    if (!runtime_)
        return;
    if (runtime_->proxy)
        runtime_->proxy->stop();
    runtime_->server->stop();
    runtime_.reset();
    if (owns_state_dir_) {
        std::error_code ignored;
        std::filesystem::remove_all(info_.state_dir, ignored);
        owns_state_dir_ = false;
    }
}

} // namespace sage_sandbox
