// The browser of an OAuth sign-in, played with curl: it follows an authorization URL to the Sage
// sandbox's consent page (which consents at once), reports where Sage sends it back, and can deliver
// that redirect to a loopback callback listener or forge the state it carries.
#pragma once

#include <filesystem>
#include <string>

namespace test_support {

// Where Sage's consent page sent the browser.
struct browser_visit {
    int status = 0;       // 302 when Sage redirects back
    std::string location; // the redirect to the CallbackURL (or the host's callback page)
};

// GETs `url`, trusting `ca`, without following the redirect (30 s at most).
browser_visit visit_sage(const std::string& url, const std::filesystem::path& ca);

// GETs `callback` (a loopback listener's address; 30 s at most); the HTTP status it answered.
int deliver(const std::string& callback);

// `url` with its state parameter replaced by `state`.
std::string replace_state(const std::string& url, const std::string& state);

} // namespace test_support
