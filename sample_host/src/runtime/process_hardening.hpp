// What the host process does about itself before anything else: it holds the host key and decrypted
// secrets, so it never writes a core dump and cannot be read through ptrace or /proc by its peers.
#pragma once

#include <connector_support/result.hpp>

namespace sample_host {

// Sets RLIMIT_CORE to 0 (soft and hard) and marks the process not dumpable (PR_SET_DUMPABLE 0), which
// also keeps other processes of the same user from attaching to it or reading its memory. Children
// inherit the core limit. Fails with the reason when either cannot be set.
[[nodiscard]] connector_support::result<void> forbid_core_dumps();

} // namespace sample_host
