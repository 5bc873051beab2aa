#include "module_sandbox.hpp"

#include <stdexcept>

namespace test_support {

module_sandbox::module_sandbox() : module_sandbox(sage_sandbox::sandbox_options{}) {}

module_sandbox::module_sandbox(const sage_sandbox::sandbox_options& options)
{
    instance_ = std::make_unique<sage_sandbox::sandbox>(options);
    instance_->start();
}

module_sandbox::~module_sandbox()
{
    instance_.reset();
}

sage_sandbox::sandbox& module_sandbox::get()
{
    if (!instance_)
        throw std::logic_error("no module sandbox: the module lacks BOOST_TEST_GLOBAL_FIXTURE(module_sandbox)");
    return *instance_;
}

} // namespace test_support
