// The connection form that points the Sage connector at an in-process Sage sandbox: an app the
// sandbox knows, its CA uploaded as the KeystoreFile, and Sage's endpoints on one of its listeners.
#pragma once

#include "sandbox.hpp"

#include <connector_sdk/form.hpp>

#include <filesystem>
#include <string>

namespace test_support {

// A file as a form carries it: the file's name and its bytes. Throws when it cannot be read.
connector_sdk::file_value form_file(const std::filesystem::path& path);

// ClientId and ClientSecret of `client`, the sandbox's CA as KeystoreFile, and AuthorizeURL, TokenURL
// and ApiBaseURL on `base_url` (empty: the sandbox's main listener).
connector_sdk::form_values sandbox_form(const sage_sandbox::sandbox& sage, const sage_sandbox::oauth_client& client,
                                        const std::string& base_url = {});

// The connection "Books" of the sandbox's first app, signed in with `refresh_token`
// (InitiateOAuth=REFRESH), its tokens kept in `token_file`: sandbox_form and those four fields.
connector_sdk::form_values refresh_form(const sage_sandbox::sandbox& sage, const std::string& refresh_token,
                                        const std::filesystem::path& token_file, const std::string& base_url = {});

} // namespace test_support
