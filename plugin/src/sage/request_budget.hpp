// How many requests may be in flight at once for one OAuth application, across every read the
// connector runs in this process: Sage allows 150 concurrent requests per application in total.
// Reads take a slot per request and give it back when the answer is in.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>

namespace sage {

inline constexpr std::size_t sage_concurrent_requests_per_app = 150;

class request_budget {
public:
    explicit request_budget(std::size_t slots) noexcept : free_(slots) {}

    // The budget shared by everything that uses the application `client_id` in this process.
    static std::shared_ptr<request_budget> for_app(std::string_view client_id);

    // Holds one slot while it lives.
    class slot {
    public:
        explicit slot(request_budget& budget) : budget_(&budget) { budget_->acquire(); }
        slot(const slot&) = delete;
        slot& operator=(const slot&) = delete;
        ~slot() { budget_->release(); }

    private:
        request_budget* budget_;
    };

    [[nodiscard]] std::size_t available() const;

private:
    void acquire();
    void release() noexcept;

    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::size_t free_;
};

} // namespace sage
