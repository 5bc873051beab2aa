// Tenants and their users with roles (admin | user), kept in the host database. The sample host
// plays the marketplace: administrators manage users (and later trials and subscriptions).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sample_host {

class database;

enum class role : std::uint8_t { admin, user };

[[nodiscard]] std::string_view to_string(role r) noexcept;
// "admin" | "user"; nullopt otherwise.
[[nodiscard]] std::optional<role> parse_role(std::string_view text) noexcept;

inline constexpr std::string_view default_tenant = "default";
inline constexpr std::string_view default_admin = "admin";

struct user_account {
    std::string name;
    std::string tenant;
    role user_role = role::user;
    std::chrono::sys_seconds created_at{};

    [[nodiscard]] bool is_admin() const noexcept { return user_role == role::admin; }
};

// Throws host_error when `name` is not a usable user name: 1-64 of letters, digits, '.', '_', '-', '@'.
void check_user_name(std::string_view name);
// Throws host_error when `name` is not a usable tenant name: 1-64 of a-z, 0-9, '.', '_', '-', starting
// with a letter or digit (tenant names become folder names under the data folder).
void check_tenant_name(std::string_view name);

class user_directory final {
public:
    explicit user_directory(database& database) noexcept : database_(database) {}

    // On first use: tenant "default" and user "admin" (role admin) in it. Does nothing afterwards.
    void bootstrap(std::chrono::sys_seconds now);

    [[nodiscard]] std::optional<user_account> find(std::string_view name) const;

    // Adds a user on behalf of `actor`. Only administrators may; an administrator adds to their own
    // tenant, and only administrators of the "default" tenant (the host's operators) may add to
    // another tenant, which is created when it does not exist. Throws host_error with the reason.
    user_account add(const user_account& actor, std::string_view name, role user_role,
                     std::optional<std::string_view> tenant, std::chrono::sys_seconds now);

    // The users `actor` may see: their own tenant's, or everyone's for an operator; by tenant, name.
    [[nodiscard]] std::vector<user_account> list(const user_account& actor) const;

    [[nodiscard]] bool tenant_exists(std::string_view tenant) const;

private:
    database& database_;
};

} // namespace sample_host
