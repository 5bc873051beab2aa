#include "random_ids.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace sage_sandbox {
namespace {

std::vector<unsigned char> random_bytes(std::size_t n)
{
    std::vector<unsigned char> bytes(n);
    if (n != 0 && RAND_bytes(bytes.data(), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return bytes;
}

std::string hex(const std::vector<unsigned char>& bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const unsigned char b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

// A byte as an unsigned int: shifts on it stay unsigned (no promotion to int).
unsigned byte(char c)
{
    return static_cast<unsigned char>(c);
}

} // namespace

std::string base64url(std::string_view data)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const unsigned v = (byte(data[i]) << 16) | (byte(data[i + 1]) << 8) | byte(data[i + 2]);
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        out.push_back(alphabet[v & 63]);
    }
    const std::size_t rest = data.size() - i;
    if (rest == 1) {
        const unsigned v = byte(data[i]) << 16;
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
    } else if (rest == 2) {
        const unsigned v = (byte(data[i]) << 16) | (byte(data[i + 1]) << 8);
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
    }
    return out;
}

std::string random_base64url(std::size_t bytes)
{
    const auto data = random_bytes(bytes);
    return base64url(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

std::string random_hex(std::size_t bytes)
{
    return hex(random_bytes(bytes));
}

std::string random_uuid()
{
    auto bytes = random_bytes(16);
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    const std::string h = hex(bytes);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

} // namespace sage_sandbox
