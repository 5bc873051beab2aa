#include "oauth/token_store.hpp"

#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>
#include <utility>

namespace sage {
namespace {

namespace fs = std::filesystem;

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

std::string foreign_set_error(const std::string& where, const token_set& set, const std::string& client_id)
{
    return where + " holds the tokens of another OAuth client (Client ID " + set.client_id + ", not " + client_id +
           "): set OAuthSettingsLocation to another location, or delete it to authorise this client again";
}

class file_token_store final : public token_store {
public:
    explicit file_token_store(fs::path file)
        : file_(std::move(file)), lock_file_(file_.string() + ".lock"),
          mutex_(process_mutex_for(fs::weakly_canonical(file_).string()))
    {
    }

    std::string describe() const override { return "the file " + file_.string(); }

    store_read read(const std::string& client_id) override
    {
        store_read result;
        std::error_code ec;
        const auto text = read_small_file(file_, ec, 64 * 1024);
        if (ec) {
            result.error = "cannot read " + describe() + " (" + ec.message() +
                           "): check its permissions, or set OAuthSettingsLocation to a file you can read";
            return result;
        }
        if (!text)
            return result; // nothing stored yet
        auto parsed = token_set_from_json(*text);
        if (auto* why = std::get_if<std::string>(&parsed)) {
            result.error = describe() + " is not a usable token set (" + *why +
                           "); it was left untouched: move it away, or set OAuthSettingsLocation to another file";
            return result;
        }
        auto& set = std::get<token_set>(parsed);
        if (set.client_id != client_id) {
            result.error = foreign_set_error(describe(), set, client_id);
            return result;
        }
        result.set = std::move(set);
        return result;
    }

    store_lock lock(std::chrono::milliseconds patience, std::string& error) override
    {
        const auto started = std::chrono::steady_clock::now();
        auto in_process = lock_within(*mutex_, patience);
        if (!in_process.owns_lock()) {
            error = "another request of this program kept " + describe() + " locked for too long; try again";
            return {};
        }
        if (auto ec = create_missing_folders(file_.parent_path())) {
            error = "cannot create the folder of " + describe() + " (" + ec.message() +
                    "): set OAuthSettingsLocation to a writable location";
            return {};
        }
        const int fd = ::open(lock_file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
            error = "cannot open the lock file " + lock_file_.string() + " (" + std::strerror(errno) +
                    "): set OAuthSettingsLocation to a writable location";
            return {};
        }
        const auto deadline = started + patience;
        while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                error = "cannot lock " + lock_file_.string() + ": " + std::strerror(errno);
                ::close(fd);
                return {};
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                error = "another program kept " + describe() + " locked for too long; try again";
                ::close(fd);
                return {};
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return store_lock(std::move(in_process), fd);
    }

    std::string write(const token_set& set) override
    {
        if (auto ec = create_missing_folders(file_.parent_path()))
            return "cannot create the folder of " + describe() + " (" + ec.message() + ")";
        if (auto ec = write_file_atomically(file_, to_json(set), 0600))
            return "cannot save the token set to " + describe() + " (" + ec.message() + ")";
        return {};
    }

    std::string remove() override
    {
        std::error_code ec;
        fs::remove(file_, ec);
        return ec ? "cannot remove " + describe() + " (" + ec.message() + ")" : std::string();
    }

    std::optional<std::string> read_note(const std::string& name) override
    {
        std::error_code ec;
        return read_small_file(note_path(name), ec, 64 * 1024);
    }

    std::string write_note(const std::string& name, const std::string& text) override
    {
        if (auto ec = create_missing_folders(file_.parent_path()))
            return "cannot create the folder of " + describe() + " (" + ec.message() + ")";
        if (auto ec = write_file_atomically(note_path(name), text, 0600))
            return "cannot write " + note_path(name).string() + " (" + ec.message() + ")";
        return {};
    }

    void remove_note(const std::string& name) override
    {
        std::error_code ignored;
        fs::remove(note_path(name), ignored);
    }

private:
    fs::path note_path(const std::string& name) const { return file_.string() + "." + name; }

    fs::path file_;
    fs::path lock_file_;
    std::shared_ptr<std::mutex> mutex_;
};

struct memory_slot {
    std::mutex lock_mutex; // the store lock
    std::mutex data_mutex; // guards `set` and `notes` for lock-free readers
    std::optional<token_set> set;
    std::map<std::string, std::string> notes;
};

std::shared_ptr<memory_slot> memory_slot_for(const std::string& id)
{
    static std::mutex registry_mutex;
    static std::map<std::string, std::shared_ptr<memory_slot>> registry;
    std::lock_guard lock(registry_mutex);
    auto& slot = registry[id];
    if (!slot)
        slot = std::make_shared<memory_slot>();
    return slot;
}

class memory_token_store final : public token_store {
public:
    explicit memory_token_store(std::string id) : id_(std::move(id)), slot_(memory_slot_for(id_)) {}

    std::string describe() const override { return "memory://" + id_; }

    store_read read(const std::string& client_id) override
    {
        std::lock_guard lock(slot_->data_mutex);
        store_read result;
        if (slot_->set && slot_->set->client_id != client_id)
            result.error = foreign_set_error(describe(), *slot_->set, client_id);
        else
            result.set = slot_->set;
        return result;
    }

    store_lock lock(std::chrono::milliseconds patience, std::string& error) override
    {
        auto in_process = lock_within(slot_->lock_mutex, patience);
        if (!in_process.owns_lock()) {
            error = "another request kept " + describe() + " locked for too long; try again";
            return {};
        }
        return store_lock(std::move(in_process), -1);
    }

    std::string write(const token_set& set) override
    {
        std::lock_guard lock(slot_->data_mutex);
        slot_->set = set;
        return {};
    }

    std::string remove() override
    {
        std::lock_guard lock(slot_->data_mutex);
        slot_->set.reset();
        return {};
    }

    std::optional<std::string> read_note(const std::string& name) override
    {
        std::lock_guard lock(slot_->data_mutex);
        auto it = slot_->notes.find(name);
        return it == slot_->notes.end() ? std::nullopt : std::optional<std::string>(it->second);
    }

    std::string write_note(const std::string& name, const std::string& text) override
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

store_lock::store_lock(std::unique_lock<std::mutex> in_process, int file_descriptor) noexcept
    : in_process_(std::move(in_process)), fd_(file_descriptor)
{
}

store_lock::store_lock(store_lock&& other) noexcept
    : in_process_(std::move(other.in_process_)), fd_(std::exchange(other.fd_, -1))
{
}

store_lock& store_lock::operator=(store_lock&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
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
}

std::unique_ptr<token_store> open_file_token_store(const std::filesystem::path& file)
{
    return std::make_unique<file_token_store>(file);
}

std::unique_ptr<token_store> open_memory_token_store(const std::string& id)
{
    return std::make_unique<memory_token_store>(id);
}

} // namespace sage
