// The sandbox's certificates, made at start-up with test_pki: a CA and a server certificate for
// localhost/127.0.0.1/::1, the broken certificates of the TLS-fault listeners, and a client CA with a
// client identity for the mutual-TLS listener. Only public material and the test client identity are
// written to the state folder; nothing is ever committed.
#pragma once

#include "test_pki.hpp"

#include <filesystem>
#include <string>

namespace sage_sandbox {

struct sandbox_pki {
    test_pki::identity ca;         // the CA clients trust (ca.pem)
    test_pki::identity server;     // localhost, 127.0.0.1, ::1 — issued by ca
    test_pki::identity wrong_host; // issued by ca for wrong-host.invalid only
    test_pki::identity expired;    // localhost, 127.0.0.1 — issued by ca, expired a day ago
    test_pki::identity unknown_ca; // a CA nobody is told about
    test_pki::identity untrusted;  // localhost, 127.0.0.1 — issued by unknown_ca
    test_pki::identity client_ca;  // issues the client certificates the mTLS listener accepts
    test_pki::identity client;     // a client identity issued by client_ca
    std::string client_p12_password;
};

sandbox_pki make_sandbox_pki();

struct state_files {
    std::filesystem::path ca_file;          // ca.pem: trust this to talk to the sandbox
    std::filesystem::path client_ca_file;   // client-ca.pem
    std::filesystem::path client_cert_file; // client.pem
    std::filesystem::path client_key_file;  // client-key.pem (mode 0600)
    std::filesystem::path client_p12_file;  // client.p12: client key + certificate + ca.pem (mode 0600)
    std::filesystem::path trust_p12_file;   // ca.p12: ca.pem only, same password as client.p12
};

// Writes the files above into `dir` (created when missing); throws on failure.
state_files write_state_files(const sandbox_pki& pki, const std::filesystem::path& dir);

} // namespace sage_sandbox
