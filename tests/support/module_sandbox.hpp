// One in-process Sage sandbox for a whole Boost.Test module: started by a global fixture before the
// first test and stopped after the last one (not at process exit, where OpenSSL's own clean-up may
// already have run); the module's fixtures reach it through module_sandbox::get().
#pragma once

#include "sandbox.hpp"

#include <memory>

namespace test_support {

// `using test_support::module_sandbox; BOOST_TEST_GLOBAL_FIXTURE(module_sandbox);` for the default
// options; a module that needs others derives a fixture whose constructor passes them.
class module_sandbox {
public:
    module_sandbox();
    explicit module_sandbox(const sage_sandbox::sandbox_options& options);
    ~module_sandbox();
    module_sandbox(const module_sandbox&) = delete;
    module_sandbox& operator=(const module_sandbox&) = delete;

    // The running sandbox, from the global fixture's start to its end.
    static sage_sandbox::sandbox& get();

private:
    static inline std::unique_ptr<sage_sandbox::sandbox> instance_;
};

} // namespace test_support
