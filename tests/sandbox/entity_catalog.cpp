#include "entity_catalog.hpp"

namespace sage_sandbox {

namespace {

bool listed(std::string_view list, std::string_view item)
{
    std::string_view rest = list;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        if (rest.substr(0, comma) == item)
            return true;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return false;
}

} // namespace

bool entity_kind::sorts_by(std::string_view field) const
{
    return listed(sort_fields, field);
}

bool entity_kind::filters_by_id(std::string_view parameter) const
{
    return listed(id_filters, parameter);
}

const std::vector<entity_kind>& entities()
{
    // From the GET parameters of each collection in accounts-v3.1.swagger.json (areas from the
    // "Access Control Restrictions" of the same operations; "Contacts", "Settings" and
    // "Products & Services" where the description names none).
    static const std::vector<entity_kind> all{
        {"contacts", "contact", "Contacts", "", true, true, false, true, "", ""},
        {"sales_invoices", "sales_invoice", "Sales", "date", true, true, true, true,
         "created_at,updated_at,date,due_date", "contact_id"},
        {"sales_credit_notes", "sales_credit_note", "Sales", "date", true, true, true, true,
         "created_at,updated_at,date", "contact_id"},
        {"purchase_invoices", "purchase_invoice", "Purchases", "date", true, true, true, true,
         "created_at,updated_at,date,due_date", "contact_id"},
        {"contact_payments", "contact_payment", "Bank", "date", true, true, true, false, "created_at,updated_at,date",
         "contact_id,bank_account_id"},
        {"contact_allocations", "contact_allocation", "Contacts", "date", true, true, false, false,
         "created_at,updated_at,date", "contact_id"},
        {"ledger_accounts", "ledger_account", "Settings", "", true, false, false, true, "", ""},
        {"ledger_entries", "ledger_entry", "Journals", "date", true, false, true, false, "",
         "ledger_account_id,transaction_id"},
        {"transactions", "transaction", "Journals", "date", true, false, true, false, "", ""},
        {"journals", "journal", "Journals", "date", true, true, false, false, "", ""},
        {"bank_accounts", "bank_account", "Bank", "", true, true, false, false, "", ""},
        {"bank_transfers", "bank_transfer", "Bank", "date", true, true, true, false, "created_at,updated_at,date", ""},
        {"products", "product", "Products & Services", "", true, true, false, true, "", ""},
        {"services", "service", "Products & Services", "", true, true, false, true, "", ""},
        {"tax_rates", "tax_rate", "Settings", "", true, false, false, false, "", ""},
    };
    return all;
}

const entity_kind* find_entity(std::string_view name)
{
    for (const auto& e : entities())
        if (e.name == name)
            return &e;
    return nullptr;
}

const entity_kind* find_entity_by_record_endpoint(std::string_view endpoint)
{
    for (const auto& e : entities())
        if (e.record_endpoint == endpoint)
            return &e;
    return nullptr;
}

} // namespace sage_sandbox
