// Since SDK 1.1: a connector with sensible defaults, so a free connector writes only info(),
// describe_properties() and test(): validate() checks the form against the descriptors, create()
// validates, tests and returns the normalised record, check_license() says no licence is required,
// and no extension is provided. Override any of them; a premium connector overrides check_license().
#pragma once

#include <connector_sdk/connector.hpp>
#include <connector_sdk/form_conversion.hpp>
#include <connector_sdk/property.hpp>
#include <connector_sdk/results.hpp>
#include <connector_sdk/version.hpp>

#include <exception>
#include <string>
#include <string_view>
#include <utility>

CONNECTOR_SDK_BEGIN_NAMESPACE

class connector_base : public connector {
public:
    // check_form() against describe_properties(): unknown keys, required fields, types, enumeration
    // values and integer bounds, each reported with its cause and remedy.
    [[nodiscard]] validation_result validate(const form_values& form) const noexcept override
    {
        try {
            return {check_form(describe_properties(), form).errors};
        } catch (...) {
            return {{{"", internal_failure("validating the form")}}};
        }
    }

    // Validates; refuses when the licence does not permit use; runs test() unless told not to and
    // refuses an unavailable connection; then returns the record: the trimmed ConnectionName and the
    // normalised value of every property given, secret ones marked.
    [[nodiscard]] create_result create(const form_values& form, const create_options& options) noexcept override
    {
        create_result result;
        try {
            checked_form checked = check_form(describe_properties(), form);
            if (!checked.ok()) {
                result.category = error_category::config;
                result.message = summary_of(checked.errors);
                result.field_errors = std::move(checked.errors);
                return result;
            }
            if (const license_status license = check_license(); !license.permits_use()) {
                result.category = error_category::license;
                result.message = license.user_message.empty() ? license.reason : license.user_message;
                return result;
            }
            if (options.run_test) {
                result.test = test(form);
                if (!result.test->available) {
                    result.category = result.test->category;
                    result.message = "not created: " + result.test->message;
                    result.field_errors = result.test->field_errors;
                    return result;
                }
            }
            result.record.connector_id = info().id;
            if (const auto* name = checked.find(connection_name_key))
                if (const auto* text = std::get_if<std::string>(name))
                    result.record.name = *text;
            result.record.fields = std::move(checked.values);
            result.created = true;
            result.category = error_category::none;
            result.message = "the connection '" + result.record.name + "' is ready to be saved" +
                             (options.run_test ? std::string() : std::string(" (not tested)"));
        } catch (...) {
            result = {};
            result.category = error_category::internal;
            result.message = internal_failure("creating the connection");
        }
        return result;
    }

    // A free connector: usable by every tenant, no licence token read.
    [[nodiscard]] license_status check_license() noexcept override
    {
        license_status status;
        status.state = license_state::not_required;
        try {
            status.reason = "a free connector: no licence is required";
        } catch (...) {
        }
        return status;
    }

    // No extension.
    [[nodiscard]] void* query_extension(std::string_view) noexcept override { return nullptr; }

protected:
    // "<first problem>" or "<first problem> (and 2 more problems)".
    [[nodiscard]] static std::string summary_of(const std::vector<field_error>& errors)
    {
        if (errors.empty())
            return {};
        std::string text = errors.front().message;
        if (errors.size() > 1)
            text +=
                " (and " + std::to_string(errors.size() - 1) + " more problem" + (errors.size() > 2 ? "s" : "") + ")";
        return text;
    }

private:
    // "internal error while <doing>: <what>": a defect report, never a secret (exception texts of
    // the standard library carry none).
    [[nodiscard]] static std::string internal_failure(std::string_view doing) noexcept
    {
        try {
            std::string what = "unknown exception";
            try {
                throw;
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            return "internal error while " + std::string(doing) + ": " + what;
        } catch (...) {
            return {};
        }
    }
};

CONNECTOR_SDK_END_NAMESPACE
