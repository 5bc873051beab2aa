// The property names of the Sage record definitions the sandbox generates, copied from Sage's OpenAPI
// description (accounts-v3.1.swagger.json, "definitions"), so the tests can prove that every field a
// generated record carries is one Sage declares.
#pragma once

#include <map>
#include <string>

namespace sage_sandbox::testing {

inline const std::map<std::string, std::string>& openapi_properties()
{
    static const std::map<std::string, std::string> properties{
        {"Contact",
         "id displayed_as $path created_at updated_at links deleted_at balance contact_types name reference "
         "default_sales_ledger_account default_sales_tax_rate default_purchase_ledger_account tax_number notes "
         "locale main_address delivery_address main_contact_person bank_account_details credit_limit "
         "credit_days credit_terms_and_conditions product_sales_price_type source_guid currency aux_reference "
         "registered_number deletable tax_treatment email tax_calculation auxiliary_account gdpr_obfuscated "
         "system has_unfinished_recurring_invoices cis_registered ni_based cis_settings"},
        {"SalesInvoice",
         "id displayed_as $path created_at updated_at links editable tax_calculation_method transaction "
         "transaction_type deleted_at is_cis cis_applicable_amount base_currency_cis_applicable_amount "
         "total_after_cis_deduction base_currency_total_after_cis_deduction has_cis_labour has_cis_materials "
         "contact recurring_invoice invoice_number_prefix invoice_number contact_name contact_reference date "
         "due_date reference main_address_free_form main_address delivery_address_free_form delivery_address "
         "notes terms_and_conditions shipping_net_amount shipping_tax_rate shipping_tax_amount "
         "shipping_tax_breakdown shipping_total_amount net_amount tax_amount total_amount "
         "payments_allocations_total_amount payments_allocations_total_discount total_paid outstanding_amount "
         "currency exchange_rate inverse_exchange_rate base_currency_shipping_net_amount "
         "base_currency_shipping_tax_amount base_currency_shipping_tax_breakdown "
         "base_currency_shipping_total_amount total_quantity total_discount_amount "
         "base_currency_total_discount_amount base_currency_net_amount base_currency_tax_amount "
         "base_currency_total_amount base_currency_outstanding_amount status sent sent_by_email void_reason "
         "invoice_lines tax_analysis detailed_tax_analysis payments_allocations last_paid "
         "original_quote_estimate tax_address_region delivery_performance_date withholding_tax_rate "
         "withholding_tax_amount base_currency_withholding_tax_amount corrections tax_reconciled migrated"},
        {"SalesInvoiceLineItem",
         "id displayed_as description product service ledger_account trade_of_asset quantity unit_price "
         "net_amount tax_rate tax_amount tax_breakdown total_amount base_currency_unit_price "
         "unit_price_includes_tax base_currency_net_amount base_currency_tax_amount "
         "base_currency_tax_breakdown base_currency_total_amount eu_goods_services_type discount_amount "
         "base_currency_discount_amount discount_percentage eu_sales_description"},
        {"SalesCreditNote",
         "id displayed_as $path created_at updated_at links editable tax_calculation_method transaction "
         "transaction_type deleted_at is_cis cis_applicable_amount base_currency_cis_applicable_amount "
         "total_after_cis_deduction base_currency_total_after_cis_deduction has_cis_labour has_cis_materials "
         "contact credit_note_number_prefix credit_note_number contact_name contact_reference date "
         "original_invoice_date reference main_address_free_form main_address delivery_address_free_form "
         "delivery_address notes terms_and_conditions shipping_net_amount shipping_tax_rate "
         "shipping_tax_amount shipping_tax_breakdown total_quantity shipping_total_amount net_amount "
         "tax_amount total_amount payments_allocations_total_amount payments_allocations_total_discount "
         "total_paid outstanding_amount currency exchange_rate inverse_exchange_rate "
         "base_currency_shipping_net_amount base_currency_shipping_tax_amount "
         "base_currency_shipping_tax_breakdown base_currency_shipping_total_amount total_discount_amount "
         "base_currency_total_discount_amount base_currency_net_amount base_currency_tax_amount "
         "base_currency_total_amount base_currency_outstanding_amount status sent sent_by_email void_reason "
         "credit_note_lines tax_analysis detailed_tax_analysis payments_allocations last_paid "
         "tax_address_region tax_reconciled migrated withholding_tax_rate withholding_tax_amount "
         "base_currency_withholding_tax_amount"},
        {"SalesCreditNoteLineItem",
         "id displayed_as description product service ledger_account trade_of_asset quantity unit_price "
         "net_amount tax_rate tax_amount tax_breakdown total_amount base_currency_unit_price "
         "unit_price_includes_tax base_currency_net_amount base_currency_tax_amount "
         "base_currency_tax_breakdown base_currency_total_amount eu_goods_services_type discount_amount "
         "base_currency_discount_amount discount_percentage eu_sales_description"},
        {"PurchaseInvoice",
         "id displayed_as $path created_at updated_at links editable transaction transaction_type "
         "postponed_accounting import deleted_at is_cis cis_applicable_amount "
         "base_currency_cis_applicable_amount total_after_cis_deduction "
         "base_currency_total_after_cis_deduction has_cis_labour has_cis_materials contact "
         "base_currency_total_itc_amount total_itc_amount base_currency_total_itr_amount total_itr_amount "
         "part_recoverable contact_name contact_reference date due_date reference vendor_reference notes "
         "total_quantity net_amount tax_amount total_amount payments_allocations_total_amount "
         "payments_allocations_total_discount total_paid outstanding_amount currency exchange_rate "
         "inverse_exchange_rate base_currency_net_amount base_currency_tax_amount base_currency_total_amount "
         "base_currency_outstanding_amount status void_reason invoice_lines tax_analysis detailed_tax_analysis "
         "payments_allocations last_paid tax_address_region withholding_tax_rate withholding_tax_amount "
         "base_currency_withholding_tax_amount corrections tax_reconciled migrated tax_calculation_method"},
        {"PurchaseInvoiceLineItem",
         "id displayed_as is_purchase_for_resale description product service ledger_account trade_of_asset "
         "quantity unit_price net_amount tax_rate tax_amount tax_breakdown total_amount "
         "base_currency_unit_price unit_price_includes_tax base_currency_net_amount base_currency_tax_amount "
         "base_currency_tax_breakdown base_currency_total_amount eu_goods_services_type gst_amount pst_amount "
         "tax_recoverable"},
        {"ContactPayment",
         "id displayed_as $path created_at updated_at links transaction transaction_type deleted_at "
         "payment_method contact bank_account date net_amount tax_amount total_amount currency exchange_rate "
         "base_currency_net_amount base_currency_tax_amount base_currency_total_amount "
         "base_currency_currency_charge reference allocated_artefacts tax_rate payment_on_account editable"},
        {"ContactAllocation",
         "id displayed_as $path created_at updated_at links transaction transaction_type deleted_at date "
         "contact allocated_artefacts"},
        {"LedgerAccount",
         "id displayed_as $path created_at updated_at ledger_account_group name display_name visible_scopes "
         "included_in_chart nominal_code ledger_account_type ledger_account_classification tax_rate "
         "fixed_tax_rate visible_in_banking visible_in_expenses visible_in_journals visible_in_other_payments "
         "visible_in_other_receipts visible_in_reporting visible_in_sales balance_details is_control_account "
         "control_name display_formatted tax_recoverable recoverable_percentage non_recoverable_ledger_account "
         "cis_materials tax_instalment cis_labour gifi_code"},
        {"LedgerEntry",
         "id displayed_as $path created_at updated_at date credit debit ledger_account transaction contact "
         "deleted tax_rate description journal_code"},
        {"Transaction",
         "id displayed_as $path created_at updated_at date deleted reference total "
         "total_in_transaction_currency contact transaction_type origin audit_trail_id number_of_attachments"},
        {"Journal",
         "id displayed_as $path created_at updated_at transaction transaction_type deleted_at date reference "
         "description total journal_code journal_lines migrated"},
        {"JournalLine",
         "id ledger_account details debit credit include_on_tax_return tax_reconciled cleared bank_reconciled"},
        {"BankAccount", "id displayed_as $path created_at updated_at deleted_at bank_account_details ledger_account "
                        "bank_account_type balance main_address main_contact_person nominal_code editable deletable "
                        "journal_code default_payment_method gifi_code"},
        {"BankTransfer", "id displayed_as $path created_at updated_at transaction transaction_type deleted_at "
                         "from_bank_account to_bank_account date reference amount description"},
        {"Product", "id displayed_as $path created_at updated_at deleted_at deletable deactivatable "
                    "used_on_recurring_invoice item_code description notes sales_ledger_account sales_tax_rate "
                    "purchase_ledger_account usual_supplier purchase_tax_rate cost_price sales_prices source_guid "
                    "purchase_description active catalog_item_type"},
        {"Service",
         "id displayed_as $path created_at updated_at deleted_at deletable deactivatable "
         "used_on_recurring_invoice item_code description notes sales_ledger_account purchase_ledger_account "
         "sales_tax_rate purchase_tax_rate sales_rates source_guid purchase_description usual_supplier active "
         "cost_price"},
        {"TaxRate",
         "id displayed_as $path created_at updated_at name agency percentage percentages is_visible retailer "
         "editable deletable is_combined_rate component_tax_rates"},
        {"SalesPrice",
         "id displayed_as created_at updated_at price_name price price_includes_tax product_sales_price_type"},
        {"Rate", "id displayed_as created_at updated_at rate_name rate rate_includes_tax service_rate_type"},
        {"TaxRatePercentage", "percentage from_date to_date"},
        {"AllocatedPaymentArtefact", "id artefact amount discount"},
        {"AllocatedArtefact", "id artefact amount"},
        {"Address",
         "id displayed_as $path address_line_1 address_line_2 city postal_code country deleted_at created_at "
         "updated_at bank_account contact address_type name region country_group is_main_address"},
        {"ContactPerson",
         "id displayed_as $path created_at updated_at deleted_at contact_person_types name job_title telephone "
         "mobile email fax is_main_contact address is_preferred_contact"},
        {"BankAccountDetails", "account_name account_number sort_code bic iban"},
    };
    return properties;
}

} // namespace sage_sandbox::testing
