// The sandbox's control API under /_sandbox/ (JSON in, JSON out): the HTTP face of
// sandbox_service's control methods, so black-box tests and other processes can drive the sandbox.
// Routes are listed in README.md.
#pragma once

#include "http_message.hpp"

namespace sage_sandbox {

class sandbox_service;

http_response handle_control(const http_request& request, sandbox_service& service);

} // namespace sage_sandbox
