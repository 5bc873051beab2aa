// The connector's "data_access.v1" extension: the catalogue of Sage's collections (generated from
// Sage's OpenAPI descriptions), the JSON Schema of each, and reads of one entity for one business or
// all of them, resumable from any checkpoint. Each read validates the form and the request, checks
// the licence like TEST, then hands the work to the collection reader.
#pragma once

#include "connector/http_client_cache.hpp"
#include "connector/license_gate.hpp"
#include "oauth/host_token_store.hpp"

#include <connector_sdk/data_access.hpp>
#include <connector_sdk/host_services.hpp>

namespace sage {

class sage_data_access final : public connector_sdk::data_access {
public:
    sage_data_access(connector_sdk::host_services& services, license_gate& license, http_client_cache& clients,
                     host_credentials& credentials) noexcept;
    ~sage_data_access() = default;

    sage_data_access(const sage_data_access&) = delete;
    sage_data_access& operator=(const sage_data_access&) = delete;

    [[nodiscard]] connector_sdk::entity_list_result
    list_entities(const connector_sdk::form_values& form) noexcept override;
    [[nodiscard]] connector_sdk::entity_schema_result describe_entity(const connector_sdk::form_values& form,
                                                                      std::string_view entity) noexcept override;
    [[nodiscard]] connector_sdk::read_result read(const connector_sdk::form_values& form,
                                                  const connector_sdk::read_request& request,
                                                  connector_sdk::read_sink& sink) noexcept override;

private:
    [[nodiscard]] connector_sdk::read_result licensed_read(const connector_sdk::form_values& form,
                                                           const connector_sdk::read_request& request,
                                                           connector_sdk::read_sink& sink);

    connector_sdk::host_services& services_;
    license_gate& license_;
    http_client_cache& clients_;
    host_credentials& credentials_;
};

} // namespace sage
