// The FORM options shared by every command that takes a form (validate, test, create, oauth ...):
// --connection, --form, --set, --config, --file, --secret-env.
#pragma once

#include "connectors/form_builder.hpp"

#include <string>

namespace CLI {
class App;
}

namespace sample_host {

// Adds the FORM options to `command`, writing into `sources` (which must outlive the parse).
void add_form_options(CLI::App& command, form_sources& sources);

// Adds the subcommand `name` of `parent` that takes "CONNECTOR [FORM]": the connector id into
// `connector_id`, the FORM options into `sources`.
CLI::App* add_connector_form_subcommand(CLI::App& parent, const char* name, const char* description,
                                        std::string& connector_id, form_sources& sources);

// The help text describing a FORM, for command footers.
[[nodiscard]] const char* form_help_footer() noexcept;

} // namespace sample_host
