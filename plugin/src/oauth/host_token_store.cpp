#include "oauth/host_token_store.hpp"

#include "oauth/pkce.hpp"

#include <algorithm>
#include <thread>

namespace sage {

namespace {

using connector_sdk::credential_write_outcome;
using connector_sdk::error_category;
using connector_sdk::lease_outcome;
using connector_support::fail;
using connector_support::failure;
using connector_support::result;

// How often lock() asks for a lease another owner holds; and how many times a write is tried when
// another writer got in first (only possible when a lease expired under its holder).
constexpr std::chrono::milliseconds lease_poll{100};
constexpr int write_attempts = 5;

} // namespace

failure store_failure(const host_token_store& store, error_category category, const std::string& message)
{
    return fail(category == error_category::none ? error_category::internal : category,
                message.empty() ? store.describe() + " did not answer: try again" : message);
}

host_credentials::host_credentials(connector_sdk::credential_store* store) : store_(store), owner_(make_state()) {}

std::shared_ptr<std::mutex> host_credentials::mutex_for(const std::string& connection)
{
    std::lock_guard lock(registry_mutex_);
    auto& slot = mutexes_[connection];
    if (!slot)
        slot = std::make_shared<std::mutex>();
    return slot;
}

host_token_store::host_token_store(host_credentials& credentials, std::string connection,
                                   std::chrono::milliseconds lease_ttl, std::unique_ptr<token_store> notes)
    : store_(*credentials.store()), owner_(credentials.owner()), connection_(std::move(connection)),
      lease_ttl_(lease_ttl), mutex_(credentials.mutex_for(connection_)), notes_(std::move(notes))
{
}

std::string host_token_store::describe() const
{
    return "the host's credential store (" + store_.location() + ")";
}

result<versioned_token_set> host_token_store::read_versioned(const std::string& client_id)
{
    const auto answer = store_.read(connection_);
    if (!answer.ok())
        return store_failure(*this, answer.category, answer.message);
    versioned_token_set out;
    if (!answer.credential)
        return out; // nothing stored yet
    out.version = answer.credential->version;
    auto parsed = token_set_from_json(answer.credential->value);
    if (!parsed)
        return fail(error_category::config, describe() + " holds something for the connection '" + connection_ +
                                                "' that is not a token set (" + parsed.error().message +
                                                "): sign in again to replace it");
    if (parsed->client_id != client_id)
        return fail(error_category::config, describe() +
                                                " holds the tokens of another OAuth client for the "
                                                "connection '" +
                                                connection_ + "' (Client ID " + parsed->client_id + ", not " +
                                                client_id + "): sign in again to replace them");
    out.set = std::move(*parsed);
    return out;
}

result<std::optional<token_set>> host_token_store::read(const std::string& client_id)
{
    auto versioned = read_versioned(client_id);
    if (!versioned)
        return versioned.error();
    return std::move(versioned->set);
}

connector_sdk::credential_write_result host_token_store::compare_and_set(std::uint64_t expected_version,
                                                                         const token_set& set)
{
    return store_.compare_and_set(connection_, expected_version, to_json(set));
}

connector_sdk::lease_result host_token_store::acquire_lease(std::chrono::milliseconds ttl)
{
    return store_.acquire_lease(connection_, owner_, ttl);
}

void host_token_store::release_lease()
{
    store_.release_lease(connection_, owner_);
}

failure lease_wait_failure(const host_token_store& store, std::chrono::milliseconds waited)
{
    return fail(error_category::network,
                "another process (of this host or another host sharing " + store.describe() +
                    ") kept the connection '" + store.connection() + "' busy refreshing its tokens for " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(waited).count()) +
                    " seconds: try again; if this persists, check that process's access to Sage");
}

result<store_lock> host_token_store::lock(std::chrono::milliseconds patience)
{
    const auto started = std::chrono::steady_clock::now();
    auto in_instance = lock_within(*mutex_, patience);
    if (!in_instance.owns_lock())
        return fail(error_category::config, "another request of this connector kept the connection '" + connection_ +
                                                "' busy for too long; try again");
    const auto deadline = started + patience;
    for (;;) {
        const auto lease = acquire_lease(lease_ttl_);
        if (lease.outcome == lease_outcome::acquired)
            return store_lock(std::move(in_instance), [this] { release_lease(); });
        if (lease.outcome == lease_outcome::failed)
            return store_failure(*this, lease.category, lease.message);
        if (std::chrono::steady_clock::now() >= deadline)
            return lease_wait_failure(*this, patience);
        std::this_thread::sleep_for(lease_poll);
    }
}

result<void> host_token_store::write(const token_set& set)
{
    for (int attempt = 0; attempt < write_attempts; ++attempt) {
        const auto current = store_.read(connection_);
        if (!current.ok())
            return store_failure(*this, current.category, current.message);
        const auto written = compare_and_set(current.credential ? current.credential->version : 0, set);
        if (written.outcome == credential_write_outcome::stored)
            return {};
        if (written.outcome == credential_write_outcome::failed)
            return store_failure(*this, written.category, written.message);
    }
    return fail(error_category::config, describe() + " kept changing the tokens of the connection '" + connection_ +
                                            "' while they were being saved: try again");
}

result<void> host_token_store::reserve(std::size_t)
{
    return {};
}

result<std::filesystem::path> host_token_store::keep_for_recovery(const token_set&)
{
    return fail(error_category::internal, describe() + " keeps no recovery copy: a copy elsewhere would leave the "
                                                       "tokens in plain text");
}

result<void> host_token_store::remove()
{
    for (int attempt = 0; attempt < write_attempts; ++attempt) {
        const auto current = store_.read(connection_);
        if (!current.ok())
            return store_failure(*this, current.category, current.message);
        if (!current.credential)
            return {};
        const auto removed = store_.remove(connection_, current.credential->version);
        if (removed.outcome == credential_write_outcome::stored)
            return {};
        if (removed.outcome == credential_write_outcome::failed)
            return store_failure(*this, removed.category, removed.message);
    }
    return fail(error_category::config, describe() + " kept changing the tokens of the connection '" + connection_ +
                                            "' while they were being removed: try again");
}

std::optional<std::string> host_token_store::read_note(const std::string& name)
{
    return notes_->read_note(name);
}

result<void> host_token_store::write_note(const std::string& name, const std::string& text)
{
    return notes_->write_note(name, text);
}

void host_token_store::remove_note(const std::string& name)
{
    notes_->remove_note(name);
}

} // namespace sage
