#include "security/secret_redactor.hpp"

#include <algorithm>

namespace sample_host {

void secret_redactor::add(std::string_view secret)
{
    if (secret.size() < minimum_length)
        return;
    std::lock_guard lock(mutex_);
    if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end())
        return;
    secrets_.emplace_back(secret);
    std::stable_sort(secrets_.begin(), secrets_.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string secret_redactor::redact(std::string_view text) const
{
    std::string out(text);
    std::lock_guard lock(mutex_);
    for (const auto& secret : secrets_) {
        for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + secret_mask.size()))
            out.replace(pos, secret.size(), secret_mask);
    }
    return out;
}

} // namespace sample_host
