#include "base64url.hpp"

#include <openssl/evp.h>

#include <vector>

namespace connector_sdk::host_detail {

std::string base64url_encode(std::string_view bytes)
{
    std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    std::string text(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
    while (!text.empty() && text.back() == '=')
        text.pop_back();
    for (char& c : text) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    return text;
}

std::optional<std::string> base64url_decode(std::string_view text)
{
    if (text.size() % 4 == 1)
        return std::nullopt;
    std::string standard;
    standard.reserve(text.size() + 3);
    for (char c : text) {
        const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum)
            standard.push_back(c);
        else if (c == '-')
            standard.push_back('+');
        else if (c == '_')
            standard.push_back('/');
        else
            return std::nullopt;
    }
    const std::size_t padding = (4 - standard.size() % 4) % 4;
    standard.append(padding, '=');
    std::vector<unsigned char> out(standard.size() / 4 * 3 + 1);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(standard.data()),
                                  static_cast<int>(standard.size()));
    if (n < 0 || static_cast<std::size_t>(n) < padding)
        return std::nullopt;
    std::string bytes(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n) - padding);
    // Refuse encodings with stray low bits in the last character: only the canonical one is accepted.
    if (base64url_encode(bytes) != text)
        return std::nullopt;
    return bytes;
}

} // namespace connector_sdk::host_detail
