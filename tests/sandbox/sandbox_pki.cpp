#include "sandbox_pki.hpp"

#include "random_ids.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>

namespace sage_sandbox {
namespace {

test_pki::certificate_options for_localhost()
{
    test_pki::certificate_options options;
    options.common_name = "localhost";
    options.dns_names = {"localhost"};
    options.ip_addresses = {"127.0.0.1", "::1"};
    return options;
}

void write_file(const std::filesystem::path& path, std::string_view content, ::mode_t mode)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "open " + path.string());
    ::fchmod(fd, mode); // an existing file keeps its old mode otherwise
    std::size_t done = 0;
    while (done < content.size()) {
        const ::ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            throw std::system_error(error, std::generic_category(), "write " + path.string());
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

} // namespace

sandbox_pki make_sandbox_pki()
{
    using namespace std::chrono_literals;
    sandbox_pki pki;
    pki.ca = test_pki::make_ca("Sage sandbox CA");
    pki.server = test_pki::make_certificate(pki.ca, for_localhost());

    test_pki::certificate_options wrong = for_localhost();
    wrong.common_name = "wrong-host.invalid";
    wrong.dns_names = {"wrong-host.invalid"};
    wrong.ip_addresses.clear();
    pki.wrong_host = test_pki::make_certificate(pki.ca, wrong);

    test_pki::certificate_options expired = for_localhost();
    expired.not_before = -std::chrono::duration_cast<std::chrono::seconds>(48h);
    expired.not_after = -std::chrono::duration_cast<std::chrono::seconds>(24h);
    pki.expired = test_pki::make_certificate(pki.ca, expired);

    pki.unknown_ca = test_pki::make_ca("Sage sandbox unknown CA");
    pki.untrusted = test_pki::make_certificate(pki.unknown_ca, for_localhost());

    pki.client_ca = test_pki::make_ca("Sage sandbox client CA");
    test_pki::certificate_options client;
    client.common_name = "sage-sandbox-test-client";
    client.server = false;
    pki.client = test_pki::make_certificate(pki.client_ca, client);
    pki.client_p12_password = random_hex(12);
    return pki;
}

state_files write_state_files(const sandbox_pki& pki, const std::filesystem::path& dir)
{
    std::filesystem::create_directories(dir);
    state_files files;
    files.ca_file = dir / "ca.pem";
    files.client_ca_file = dir / "client-ca.pem";
    files.client_cert_file = dir / "client.pem";
    files.client_key_file = dir / "client-key.pem";
    files.client_p12_file = dir / "client.p12";
    files.trust_p12_file = dir / "ca.p12";
    write_file(files.ca_file, pki.ca.cert_pem, 0644);
    write_file(files.client_ca_file, pki.client_ca.cert_pem, 0644);
    write_file(files.client_cert_file, pki.client.cert_pem, 0644);
    write_file(files.client_key_file, pki.client.key_pem, 0600);
    write_file(files.client_p12_file, test_pki::make_pkcs12(&pki.client, {pki.ca.cert_pem}, pki.client_p12_password),
               0600);
    write_file(files.trust_p12_file, test_pki::make_pkcs12(nullptr, {pki.ca.cert_pem}, pki.client_p12_password), 0644);
    return files;
}

} // namespace sage_sandbox
