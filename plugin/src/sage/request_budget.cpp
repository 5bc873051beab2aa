#include "sage/request_budget.hpp"

#include <map>
#include <string>

namespace sage {

std::shared_ptr<request_budget> request_budget::for_app(std::string_view client_id)
{
    static std::mutex registry_mutex;
    static std::map<std::string, std::weak_ptr<request_budget>, std::less<>> registry;
    const std::lock_guard lock(registry_mutex);
    auto it = registry.find(client_id);
    if (it != registry.end())
        if (auto budget = it->second.lock())
            return budget;
    auto budget = std::make_shared<request_budget>(sage_concurrent_requests_per_app);
    registry.insert_or_assign(std::string(client_id), budget);
    return budget;
}

std::size_t request_budget::available() const
{
    const std::lock_guard lock(mutex_);
    return free_;
}

void request_budget::acquire()
{
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [this] { return free_ > 0; });
    --free_;
}

void request_budget::release() noexcept
{
    {
        const std::lock_guard lock(mutex_);
        ++free_;
    }
    freed_.notify_one();
}

} // namespace sage
