// The FORM options shared by every command that takes a form (validate, test, create, oauth ...):
// --connection, --form, --set, --config, --file, --secret-env.
#pragma once

#include "form_builder.hpp"

namespace CLI {
class App;
}

namespace sample_host {

// Adds the FORM options to `command`, writing into `sources` (which must outlive the parse).
void add_form_options(CLI::App& command, form_sources& sources);

// The help text describing a FORM, for command footers.
[[nodiscard]] const char* form_help_footer() noexcept;

} // namespace sample_host
