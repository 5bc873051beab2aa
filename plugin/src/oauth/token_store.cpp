#include "oauth/token_store.hpp"

#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <thread>
#include <utility>
#include <vector>

namespace sage {
namespace {

namespace fs = std::filesystem;
using connector_sdk::error_category;
using connector_support::fail;
using connector_support::result;

// One mutex per store identity in this process: threads queue here before they queue on the file
// lock, which only arbitrates between processes.
std::shared_ptr<std::mutex> process_mutex_for(const std::string& identity)
{
    static std::mutex registry_mutex;
    static std::map<std::string, std::shared_ptr<std::mutex>> registry;
    std::lock_guard lock(registry_mutex);
    auto& slot = registry[identity];
    if (!slot)
        slot = std::make_shared<std::mutex>();
    return slot;
}

// Creates the missing folders of `folder` with mode 0700, leaving existing ones as they are (a user
// may well choose a file in a shared folder; only folders we create are ours to restrict).
std::error_code create_missing_folders(const fs::path& folder)
{
    std::error_code ec;
    if (folder.empty() || fs::exists(folder, ec))
        return ec;
    if (const auto parent = folder.parent_path(); parent != folder)
        if (auto parent_error = create_missing_folders(parent))
            return parent_error;
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST)
        return {errno, std::generic_category()};
    return {};
}

connector_support::failure foreign_set_error(const std::string& where, const token_set& set,
                                             const std::string& client_id)
{
    return fail(error_category::config,
                where + " holds the tokens of another OAuth client (Client ID " + set.client_id + ", not " + client_id +
                    "): set OAuthSettingsLocation to another location, or delete it to authorise this "
                    "client again");
}

// A symbolic link, FIFO, device, socket or folder at a store's path is refused before anything is
// opened (the opens themselves use O_NOFOLLOW|O_NONBLOCK and fstat, should it change meanwhile).
result<void> refuse_special_file(const fs::path& path)
{
    const auto kind = inspect_file(path);
    if (!kind)
        return fail(error_category::config,
                    kind.error().message + ": set OAuthSettingsLocation to a file in a folder you can write");
    if (*kind == file_kind::symbolic_link)
        return symbolic_link_refused(path);
    if (*kind == file_kind::other)
        return not_a_regular_file(path);
    return {};
}

class file_token_store final : public token_store {
public:
    file_token_store(fs::path file, fs::path recovery_folder)
        : file_(std::move(file)), lock_file_(file_.string() + ".lock"),
          recovery_folder_(recovery_folder.empty() ? file_.parent_path() : std::move(recovery_folder)),
          mutex_(process_mutex_for(fs::weakly_canonical(file_).string()))
    {
    }

    std::string describe() const override { return "the file " + file_.string(); }

    result<std::optional<token_set>> read(const std::string& client_id) override
    {
        if (auto refused = refuse_special_file(file_); !refused)
            return refused.error();
        const auto text = read_small_file(file_, 64 * 1024);
        if (!text)
            return fail(error_category::config,
                        text.error().message +
                            ": check its permissions, or set OAuthSettingsLocation to a file you can read");
        if (!*text)
            return std::optional<token_set>(); // nothing stored yet
        auto parsed = token_set_from_json(**text);
        if (!parsed)
            return fail(error_category::config,
                        describe() + " is not a usable token set (" + parsed.error().message +
                            "); it was left untouched: move it away, or set OAuthSettingsLocation to another file");
        if (parsed->client_id != client_id)
            return foreign_set_error(describe(), *parsed, client_id);
        return std::optional<token_set>(std::move(*parsed));
    }

    result<store_lock> lock(std::chrono::milliseconds patience) override
    {
        const auto started = std::chrono::steady_clock::now();
        auto in_process = lock_within(*mutex_, patience);
        if (!in_process.owns_lock())
            return fail(error_category::config,
                        "another request of this program kept " + describe() + " locked for too long; try again");
        if (auto ec = create_missing_folders(file_.parent_path()))
            return fail(error_category::config, "cannot create the folder of " + describe() + " (" + ec.message() +
                                                    "): set OAuthSettingsLocation to a writable location");
        const int fd = ::open(lock_file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
        if (fd < 0)
            return fail(error_category::config, "cannot open the lock file " + lock_file_.string() + " (" +
                                                    std::strerror(errno) +
                                                    "): set OAuthSettingsLocation to a writable location");
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            return not_a_regular_file(lock_file_);
        }
        const auto deadline = started + patience;
        while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                const std::string why = std::strerror(errno);
                ::close(fd);
                return fail(error_category::config, "cannot lock " + lock_file_.string() + ": " + why);
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                ::close(fd);
                return fail(error_category::config,
                            "another program kept " + describe() + " locked for too long; try again");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return store_lock(std::move(in_process), fd);
    }

    result<void> write(const token_set& set) override
    {
        if (auto replaceable = check_replaceable(set.client_id); !replaceable)
            return replaceable.error();
        if (auto ec = create_missing_folders(file_.parent_path()))
            return fail(error_category::config,
                        "cannot create the folder of " + describe() + " (" + ec.message() + ")");
        const std::string json = to_json(set);
        if (reserved_.capacity() >= json.size()) {
            reserved_write reserved = std::move(reserved_);
            if (auto written = reserved.commit(json); !written)
                return fail(error_category::config, "cannot save the token set: " + written.error().message);
            return {};
        }
        if (auto written = write_file_atomically(file_, json, 0600); !written)
            return fail(error_category::config, "cannot save the token set: " + written.error().message);
        return {};
    }

    result<void> reserve(std::size_t bytes) override
    {
        if (auto replaceable = refuse_special_file(file_); !replaceable)
            return replaceable;
        if (auto ec = create_missing_folders(file_.parent_path()))
            return fail(error_category::config,
                        "cannot create the folder of " + describe() + " (" + ec.message() + ")");
        auto reserved = reserved_write::reserve(file_, bytes, 0600);
        if (!reserved)
            return fail(error_category::config,
                        reserved.error().message +
                            ": the token set could not be saved there, so the refresh was not attempted and the "
                            "stored tokens still work; free some space or fix the folder's permissions");
        reserved_ = std::move(*reserved);
        return {};
    }

    result<fs::path> keep_for_recovery(const token_set& set) override
    {
        const fs::path folder = recovery_folder_ / "recovered-tokens";
        if (auto ec = create_missing_folders(folder))
            return fail(error_category::config, "cannot create " + folder.string() + " (" + ec.message() + ")");
        const auto stamp =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        const fs::path file = folder / (file_.filename().string() + "." + std::to_string(stamp));
        if (auto written = write_file_atomically(file, to_json(set), 0600); !written)
            return written.error();
        return file;
    }

    result<void> remove() override
    {
        if (auto replaceable = check_replaceable(std::nullopt); !replaceable)
            return replaceable.error();
        std::error_code ec;
        fs::remove(file_, ec);
        if (ec)
            return fail(error_category::config, "cannot remove " + describe() + " (" + ec.message() + ")");
        return {};
    }

    std::optional<std::string> read_note(const std::string& name) override
    {
        auto text = read_small_file(note_path(name), 64 * 1024);
        return text ? std::move(*text) : std::nullopt; // an unreadable note is as good as none
    }

    result<void> write_note(const std::string& name, const std::string& text) override
    {
        if (auto ec = create_missing_folders(file_.parent_path()))
            return fail(error_category::config,
                        "cannot create the folder of " + describe() + " (" + ec.message() + ")");
        if (auto refused = refuse_special_file(note_path(name)); !refused)
            return refused.error();
        return write_file_atomically(note_path(name), text, 0600);
    }

    void remove_note(const std::string& name) override
    {
        std::error_code ignored;
        fs::remove(note_path(name), ignored);
    }

private:
    fs::path note_path(const std::string& name) const { return file_.string() + "." + name; }

    // Whatever stands at the location may be replaced (or removed) only if it is a token set, and, when
    // `client_id` is given, one of that client: a user's unrelated file, or another client's tokens,
    // are never overwritten.
    result<void> check_replaceable(const std::optional<std::string>& client_id) const
    {
        if (auto refused = refuse_special_file(file_); !refused)
            return refused;
        const auto text = read_small_file(file_, 64 * 1024);
        if (!text)
            return fail(error_category::config, text.error().message + ": it was left untouched; move it away, or set "
                                                                       "OAuthSettingsLocation to another file");
        if (!*text)
            return {}; // nothing there yet
        const auto existing = token_set_from_json(**text);
        if (!existing)
            return fail(error_category::config,
                        describe() + " is not a token set (" + existing.error().message +
                            ") and is never overwritten: move it away, or set OAuthSettingsLocation to another file");
        if (client_id && existing->client_id != *client_id)
            return foreign_set_error(describe(), *existing, *client_id);
        return {};
    }

    fs::path file_;
    fs::path lock_file_;
    fs::path recovery_folder_;
    std::shared_ptr<std::mutex> mutex_;
    reserved_write reserved_; // space for the next write, once reserve() made it
};

struct memory_slot {
    std::mutex lock_mutex; // the store lock
    std::mutex data_mutex; // guards `set` and `notes` for lock-free readers
    std::optional<token_set> set;
    std::map<std::string, std::string> notes;
};

// Slots are keyed by tenant and id: memory://books of one tenant is not memory://books of another.
std::shared_ptr<memory_slot> memory_slot_for(const std::string& tenant, const std::string& id)
{
    static std::mutex registry_mutex;
    static std::map<std::pair<std::string, std::string>, std::shared_ptr<memory_slot>> registry;
    std::lock_guard lock(registry_mutex);
    auto& slot = registry[{tenant, id}];
    if (!slot)
        slot = std::make_shared<memory_slot>();
    return slot;
}

class memory_token_store final : public token_store {
public:
    memory_token_store(const std::string& tenant, std::string id)
        : id_(std::move(id)), slot_(memory_slot_for(tenant, id_))
    {
    }

    std::string describe() const override { return "memory://" + id_; }

    result<std::optional<token_set>> read(const std::string& client_id) override
    {
        std::lock_guard lock(slot_->data_mutex);
        if (slot_->set && slot_->set->client_id != client_id)
            return foreign_set_error(describe(), *slot_->set, client_id);
        return slot_->set;
    }

    result<store_lock> lock(std::chrono::milliseconds patience) override
    {
        auto in_process = lock_within(slot_->lock_mutex, patience);
        if (!in_process.owns_lock())
            return fail(error_category::config,
                        "another request kept " + describe() + " locked for too long; try again");
        return store_lock(std::move(in_process), -1);
    }

    result<void> write(const token_set& set) override
    {
        std::lock_guard lock(slot_->data_mutex);
        slot_->set = set;
        return {};
    }

    result<void> remove() override
    {
        std::lock_guard lock(slot_->data_mutex);
        slot_->set.reset();
        return {};
    }

    result<void> reserve(std::size_t) override { return {}; } // memory: the write cannot run short

    result<fs::path> keep_for_recovery(const token_set&) override
    {
        return fail(error_category::internal, "a memory:// store keeps no recovery file");
    }

    std::optional<std::string> read_note(const std::string& name) override
    {
        std::lock_guard lock(slot_->data_mutex);
        auto it = slot_->notes.find(name);
        return it == slot_->notes.end() ? std::nullopt : std::optional<std::string>(it->second);
    }

    result<void> write_note(const std::string& name, const std::string& text) override
    {
        std::lock_guard lock(slot_->data_mutex);
        slot_->notes[name] = text;
        return {};
    }

    void remove_note(const std::string& name) override
    {
        std::lock_guard lock(slot_->data_mutex);
        slot_->notes.erase(name);
    }

private:
    std::string id_;
    std::shared_ptr<memory_slot> slot_;
};

} // namespace

std::unique_lock<std::mutex> lock_within(std::mutex& mutex, std::chrono::milliseconds patience)
{
    std::unique_lock<std::mutex> lock(mutex, std::defer_lock);
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (!lock.try_lock()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return lock;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return lock;
}

store_lock::store_lock(std::unique_lock<std::mutex> in_process, int file_descriptor) noexcept
    : in_process_(std::move(in_process)), fd_(file_descriptor)
{
}

store_lock::store_lock(std::unique_lock<std::mutex> in_process, std::function<void()> release) noexcept
    : in_process_(std::move(in_process)), release_(std::move(release))
{
}

store_lock::store_lock(store_lock&& other) noexcept
    : in_process_(std::move(other.in_process_)), fd_(std::exchange(other.fd_, -1)),
      release_(std::exchange(other.release_, {}))
{
}

store_lock& store_lock::operator=(store_lock&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        if (release_)
            release_();
        fd_ = std::exchange(other.fd_, -1);
        release_ = std::exchange(other.release_, {});
        in_process_ = std::move(other.in_process_);
    }
    return *this;
}

store_lock::~store_lock()
{
    // Closing the descriptor releases the flock; the file lock goes before the thread lock so a
    // waiting thread of this process finds the file free.
    if (fd_ >= 0)
        ::close(fd_);
    if (release_)
        release_();
}

std::unique_ptr<token_store> open_file_token_store(const std::filesystem::path& file,
                                                   const std::filesystem::path& recovery_folder)
{
    return std::make_unique<file_token_store>(file, recovery_folder);
}

std::unique_ptr<token_store> open_memory_token_store(const std::string& tenant, const std::string& id)
{
    return std::make_unique<memory_token_store>(tenant, id);
}

std::vector<std::filesystem::path> host_allowed_token_folders()
{
    std::vector<fs::path> folders;
    const char* listed = std::getenv(allowed_token_folders_variable); // NOLINT(concurrency-mt-unsafe): read only
    if (!listed)
        return folders;
    std::string_view rest(listed);
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const fs::path folder(std::string(rest.substr(0, colon)));
        if (folder.is_absolute())
            folders.push_back(folder);
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
    return folders;
}

namespace {

// `path` with every existing component's symbolic links resolved, `..` and `.` removed.
std::optional<fs::path> resolved(const fs::path& path)
{
    std::error_code ec;
    fs::path r = fs::weakly_canonical(path, ec);
    if (ec)
        return std::nullopt;
    return r;
}

bool is_within(const fs::path& path, const fs::path& folder)
{
    const auto mismatch = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
    return mismatch.first == folder.end() ||
           (std::next(mismatch.first) == folder.end() && mismatch.first->empty()); // a trailing "/"
}

} // namespace

result<std::unique_ptr<token_store>> open_token_store(const oauth_settings_location& location,
                                                      const token_store_scope& scope)
{
    if (location.where == oauth_settings_location::kind::memory)
        return open_memory_token_store(scope.tenant, location.memory_id);
    const auto file = location.token_file(scope.state_directory, scope.connection_name, scope.home);
    if (!file)
        return fail(error_category::config,
                    "OAuthSettingsLocation starts with ~/ but this user has no home folder: give an absolute path");
    const auto state = resolved(scope.state_directory);
    const auto target = resolved(*file);
    if (!target || !state || scope.state_directory.empty())
        return fail(error_category::config, "cannot resolve OAuthSettingsLocation " + file->string() +
                                                ": leave OAuthSettingsLocation empty to keep the tokens in the "
                                                "host's state folder");
    bool allowed = is_within(*target, *state) && *target != *state;
    for (const auto& folder : scope.allowed_folders)
        if (const auto extra = resolved(folder); !allowed && extra && is_within(*target, *extra) && *target != *extra)
            allowed = true;
    if (!allowed)
        return fail(error_category::config,
                    "OAuthSettingsLocation " + file->string() +
                        (target->string() != file->string() ? " (" + target->string() + " once links are followed)"
                                                            : std::string()) +
                        " is outside this connection's state folder " + state->string() +
                        ": leave it empty (the host keeps the tokens there), give a file inside that folder, or ask "
                        "the host's administrator to allow the folder (" +
                        allowed_token_folders_variable + ")");
    return open_file_token_store(*file, scope.state_directory);
}

} // namespace sage
