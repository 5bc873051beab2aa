#include "record_generator.hpp"

#include "sandbox_clock.hpp"

#include <boost/json/array.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace sage_sandbox {
namespace {

constexpr std::array<std::string_view, 12> first_names{"Alice",  "Bilal", "Chloe", "Dmitri", "Esme", "Farah",
                                                       "George", "Hana",  "Ivan",  "Jade",   "Kofi", "Laura"};
constexpr std::array<std::string_view, 10> last_names{"Archer",   "Baker", "Carter", "Dawson", "Evans",
                                                      "Fletcher", "Green", "Hughes", "Iqbal",  "Jones"};
constexpr std::array<std::string_view, 8> company_words{"Trading",     "Supplies", "Logistics", "Foods",
                                                        "Engineering", "Design",   "Builders",  "Consulting"};
constexpr std::array<std::string_view, 6> cities{"London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff"};
constexpr std::array<std::string_view, 10> account_names{
    "Sales Type A",   "Sales Type B", "Cost of sales", "Office costs", "Rent and rates",
    "Motor expenses", "Travel",       "Bank charges",  "Debtors",      "Creditors"};
constexpr std::array<std::string_view, 8> goods{"Widget", "Bracket", "Cable", "Panel",
                                                "Sensor", "Valve",   "Hinge", "Lamp"};
constexpr std::array<std::string_view, 6> work{"Consulting", "Installation", "Maintenance",
                                               "Training",   "Design",       "Support"};

// 2023-01-02T09:00:00Z: generated records are created from here, over `span` seconds.
constexpr std::int64_t epoch_base = 1672650000;
constexpr std::int64_t span = 700LL * 24 * 3600;
constexpr std::int64_t day = 24 * 3600;

// A stream of pseudo-random numbers for one record (splitmix64).
class draws {
public:
    explicit draws(std::uint64_t state) : state_(state) {}
    std::uint64_t next() noexcept { return mix64(state_ += 0x9e3779b97f4a7c15ULL); }
    std::uint64_t below(std::uint64_t n) noexcept { return n == 0 ? 0 : next() % n; }
    template <std::size_t N>
    std::string_view pick(const std::array<std::string_view, N>& items) noexcept
    {
        return items[below(N)];
    }
    // A money amount in pence from lo to hi pounds, as a number of pounds.
    double money(std::uint64_t lo, std::uint64_t hi) noexcept
    {
        return static_cast<double>(lo * 100 + below((hi - lo) * 100)) / 100.0;
    }

private:
    std::uint64_t state_;
};

double round2(double v)
{
    return static_cast<double>(static_cast<std::int64_t>(v * 100.0 + (v < 0 ? -0.5 : 0.5))) / 100.0;
}

std::string hex16(std::uint64_t v)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4)
        out[static_cast<std::size_t>(i)] = digits[v & 0x0f];
    return out;
}

std::string numbered(std::string_view prefix, std::size_t n, int width = 6)
{
    char digits[32];
    std::snprintf(digits, sizeof digits, "%0*zu", width, n);
    return std::string(prefix) + digits;
}

std::string date_text(std::int64_t days)
{
    const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return out;
}

std::string stamp_text(std::int64_t unix_seconds)
{
    return iso8601(sandbox_clock::time_point(std::chrono::seconds(unix_seconds)));
}

boost::json::object link(std::string_view id, std::string_view displayed_as, std::string_view collection)
{
    return {
        {"id", id}, {"displayed_as", displayed_as}, {"$path", "/" + std::string(collection) + "/" + std::string(id)}};
}

boost::json::object currency()
{
    return link("GBP", "Pound Sterling (GBP)", "currencies");
}

std::size_t entity_index(const entity_kind& entity)
{
    return static_cast<std::size_t>(&entity - entities().data());
}

const entity_kind& kind(std::string_view name)
{
    const entity_kind* e = find_entity(name);
    if (e == nullptr)
        throw std::logic_error("no entity " + std::string(name));
    return *e;
}

} // namespace

std::uint64_t mix64(std::uint64_t x) noexcept
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

record_generator::record_generator(std::uint64_t seed, std::vector<std::string> business_ids,
                                   std::vector<std::size_t> counts, std::vector<std::optional<std::size_t>> contacts)
    : seed_(seed), business_ids_(std::move(business_ids)), counts_(std::move(counts)), contacts_(std::move(contacts))
{
    if (counts_.size() != business_ids_.size() || contacts_.size() != business_ids_.size())
        throw std::invalid_argument("one record count per business");
}

std::size_t record_generator::count(std::size_t business, const entity_kind& entity) const
{
    if (entity.name == "contacts" && contacts_.at(business))
        return *contacts_[business];
    return counts_.at(business);
}

std::uint64_t record_generator::key(std::size_t business, const entity_kind& entity, std::size_t index) const
{
    return mix64(mix64(mix64(seed_ ^ (static_cast<std::uint64_t>(business) << 56)) ^ entity_index(entity)) ^ index);
}

std::string record_generator::id(std::size_t business, const entity_kind& entity, std::size_t index) const
{
    // 16 hex digits of hash, then the index masked by a key of (seed, business, entity): random-looking,
    // unique, and invertible, so /{entity}/{id} needs no table of ids.
    const std::uint64_t mask = mix64(key(business, entity, ~std::size_t{0}));
    return hex16(key(business, entity, index)) + hex16(static_cast<std::uint64_t>(index) ^ mask);
}

std::optional<std::size_t> record_generator::index_of(std::size_t business, const entity_kind& entity,
                                                      std::string_view id) const
{
    if (id.size() != 32)
        return std::nullopt;
    std::uint64_t low = 0;
    const auto [end, ec] = std::from_chars(id.data() + 16, id.data() + 32, low, 16);
    if (ec != std::errc() || end != id.data() + 32)
        return std::nullopt;
    const std::uint64_t index = low ^ mix64(key(business, entity, ~std::size_t{0}));
    if (index >= count(business, entity) || this->id(business, entity, index) != id)
        return std::nullopt;
    return static_cast<std::size_t>(index);
}

record_stamps record_generator::stamps(std::size_t business, const entity_kind& entity, std::size_t index) const
{
    const std::size_t n = count(business, entity);
    const std::int64_t step = std::max<std::int64_t>(1, span / static_cast<std::int64_t>(std::max<std::size_t>(n, 1)));
    const std::uint64_t h = key(business, entity, index) ^ 0x5bd1e995;
    record_stamps out;
    out.created_at = epoch_base + static_cast<std::int64_t>(index) * step +
                     static_cast<std::int64_t>(h % static_cast<std::uint64_t>(step));
    // A quarter never changed; the rest edited up to 60 days later.
    out.updated_at =
        (h >> 8) % 4 == 0
            ? out.created_at
            : out.created_at + 60 + static_cast<std::int64_t>((h >> 16) % static_cast<std::uint64_t>(60 * day));
    return out;
}

std::int64_t record_generator::date_day(std::size_t business, const entity_kind& entity, std::size_t index) const
{
    const std::int64_t created = stamps(business, entity, index).created_at;
    return created / day - static_cast<std::int64_t>((key(business, entity, index) >> 24) % 3);
}

std::string record_generator::displayed_as(std::size_t business, const entity_kind& entity, std::size_t index) const
{
    draws d(key(business, entity, index) ^ 0xd15b1a7ULL);
    const std::string_view name = entity.name;
    if (name == "contacts") {
        const bool customer = d.below(3) != 0;
        const std::string company = std::string(d.pick(last_names)) + " " + std::string(d.pick(company_words)) + " Ltd";
        return company + " (" + numbered(customer ? "CUS" : "SUP", index + 1) + ")";
    }
    if (name == "sales_invoices")
        return numbered("SI-", index + 1, 1);
    if (name == "sales_credit_notes")
        return numbered("SCN-", index + 1, 1);
    if (name == "purchase_invoices")
        return numbered("PINV-", index + 1);
    if (name == "contact_payments")
        return numbered("Payment ", index + 1, 1);
    if (name == "contact_allocations")
        return numbered("Allocation ", index + 1, 1);
    if (name == "ledger_accounts") {
        std::string text =
            std::to_string(1000 + index) + " - " + std::string(account_names[index % account_names.size()]);
        if (index >= account_names.size())
            text += " " + std::to_string(index / account_names.size() + 1);
        return text;
    }
    if (name == "ledger_entries")
        return numbered("Ledger entry ", index + 1, 1);
    if (name == "transactions")
        return numbered("TX-", index + 1);
    if (name == "journals")
        return numbered("JNL-", index + 1);
    if (name == "bank_accounts")
        return index == 0 ? std::string("Current Account (1200)") : "Bank Account " + std::to_string(index + 1);
    if (name == "bank_transfers")
        return numbered("Transfer ", index + 1, 1);
    if (name == "products")
        return numbered("P", index + 1) + " " + std::string(goods[index % goods.size()]);
    if (name == "services")
        return numbered("S", index + 1) + " " + std::string(work[index % work.size()]);
    // tax_rates
    static constexpr std::array<std::string_view, 4> rates{"Standard 20.00%", "Lower Rate 5.00%", "Zero Rated 0.00%",
                                                           "Exempt 0.00%"};
    return index < rates.size() ? std::string(rates[index]) : "Rate " + std::to_string(index + 1) + " 0.00%";
}

boost::json::value record_generator::reference(std::size_t business, std::string_view entity, std::uint64_t pick) const
{
    const entity_kind& target = kind(entity);
    const std::size_t n = count(business, target);
    if (n == 0)
        return nullptr;
    const std::size_t index = static_cast<std::size_t>(pick % n);
    return link(id(business, target, index), displayed_as(business, target, index), target.name);
}

boost::json::object record_generator::record(std::size_t business, const entity_kind& entity, std::size_t index) const
{
    const std::string record_id = id(business, entity, index);
    const record_stamps at = stamps(business, entity, index);
    const std::string shown = displayed_as(business, entity, index);
    boost::json::object r{
        {"id", record_id},
        {"displayed_as", shown},
        {"$path", "/" + std::string(entity.name) + "/" + record_id},
        {"created_at", stamp_text(at.created_at)},
        {"updated_at", stamp_text(at.updated_at)},
    };
    draws d(key(business, entity, index));
    const std::int64_t day_number = date_day(business, entity, index);
    const std::string date = date_text(day_number);
    const std::string_view name = entity.name;
    auto ref = [&](std::string_view target) { return reference(business, target, d.next()); };

    if (name == "contacts") {
        draws same(key(business, entity, index) ^ 0xd15b1a7ULL); // the draws displayed_as used
        const bool customer = same.below(3) != 0;
        const std::string company =
            std::string(same.pick(last_names)) + " " + std::string(same.pick(company_words)) + " Ltd";
        const std::string reference_text = numbered(customer ? "CUS" : "SUP", index + 1);
        const std::string person = std::string(d.pick(first_names)) + " " + std::string(d.pick(last_names));
        std::string email = person;
        for (auto& c : email)
            c = c == ' ' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        email += "@example.com";
        const std::string city(d.pick(cities));
        const std::string address_id = hex16(d.next()) + hex16(d.next());
        const std::string person_id = hex16(d.next()) + hex16(d.next());
        r["contact_types"] = boost::json::array{customer ? link("CUSTOMER", "Customer", "contact_types")
                                                         : link("VENDOR", "Supplier", "contact_types")};
        r["name"] = company;
        r["reference"] = reference_text;
        r["tax_number"] = "GB" + std::to_string(100000000 + d.below(899999999));
        r["notes"] = "";
        r["locale"] = "en";
        r["email"] = email;
        r["balance"] = d.money(0, 10000);
        r["credit_limit"] = customer ? 5000.0 : 0.0;
        r["credit_days"] = 30;
        r["currency"] = currency();
        r["default_sales_ledger_account"] = ref("ledger_accounts");
        r["default_sales_tax_rate"] = ref("tax_rates");
        r["main_address"] = boost::json::object{
            {"id", address_id},
            {"displayed_as", std::to_string(index + 1) + " High Street\n" + city},
            {"$path", "/addresses/" + address_id},
            {"address_line_1", std::to_string(index + 1) + " High Street"},
            {"address_line_2", ""},
            {"city", city},
            {"postal_code", "AB1 2CD"},
            {"region", ""},
            {"country", link("GB", "United Kingdom (GB)", "countries")},
            {"is_main_address", true},
        };
        r["main_contact_person"] = boost::json::object{
            {"id", person_id},
            {"displayed_as", person},
            {"$path", "/contact_persons/" + person_id},
            {"name", person},
            {"email", email},
            {"telephone", "01632 960" + std::to_string(100 + index % 900)},
            {"is_main_contact", true},
        };
        r["deletable"] = true;
        r["system"] = false;
        r["gdpr_obfuscated"] = false;
        r["has_unfinished_recurring_invoices"] = false;
        r["cis_registered"] = false;
        r["ni_based"] = false;
        r["deleted_at"] = nullptr;
    } else if (name == "sales_invoices" || name == "sales_credit_notes" || name == "purchase_invoices") {
        const bool sales_invoice = name == "sales_invoices";
        const bool credit_note = name == "sales_credit_notes";
        const boost::json::value contact = ref("contacts");
        const std::size_t line_count = 1 + d.below(3);
        boost::json::array lines;
        double net = 0, tax = 0;
        for (std::size_t l = 0; l < line_count; ++l) {
            const bool service = d.below(2) == 0;
            const double quantity = static_cast<double>(1 + d.below(10));
            const double unit_price = d.money(5, 500);
            const double line_net = round2(quantity * unit_price);
            const double line_tax = round2(line_net * 0.2);
            net += line_net;
            tax += line_tax;
            const std::string line_id = hex16(d.next()) + hex16(d.next());
            const boost::json::value item = ref(service ? "services" : "products");
            const std::string description =
                item.is_object() ? std::string(item.as_object().at("displayed_as").as_string()) : "Goods";
            boost::json::object line{
                {"id", line_id},
                {"displayed_as", description},
                {"description", description},
                {"product", service ? boost::json::value(nullptr) : item},
                {"service", service ? item : boost::json::value(nullptr)},
                {"ledger_account", ref("ledger_accounts")},
                {"quantity", quantity},
                {"unit_price", unit_price},
                {"net_amount", line_net},
                {"tax_rate", ref("tax_rates")},
                {"tax_amount", line_tax},
                {"total_amount", round2(line_net + line_tax)},
                {"discount_amount", 0.0},
                {"unit_price_includes_tax", false},
                {"base_currency_net_amount", line_net},
                {"base_currency_tax_amount", line_tax},
                {"base_currency_total_amount", round2(line_net + line_tax)},
            };
            if (!sales_invoice && !credit_note)
                line.erase("discount_amount"); // PurchaseInvoiceLineItem declares no discount
            lines.push_back(std::move(line));
        }
        net = round2(net);
        tax = round2(tax);
        const double total = round2(net + tax);
        const std::uint64_t state = d.below(3); // 0 unpaid, 1 part paid, 2 paid
        const double paid = state == 0 ? 0.0 : state == 2 ? total : round2(total / 2);
        static constexpr std::array<std::string_view, 3> status_ids{"UNPAID", "PART_PAID", "PAID"};
        static constexpr std::array<std::string_view, 3> status_names{"Unpaid", "Part Paid", "Paid"};
        const std::string_view type_id = sales_invoice ? "SALES_INVOICE"
                                         : credit_note ? "SALES_CREDIT_NOTE"
                                                       : "PURCHASE_INVOICE";
        r["transaction"] = ref("transactions");
        r["transaction_type"] = link(type_id,
                                     sales_invoice ? "Sales Invoice"
                                     : credit_note ? "Sales Credit Note"
                                                   : "Purchase Invoice",
                                     "transaction_types");
        r["deleted_at"] = nullptr;
        r["contact"] = contact;
        if (contact.is_object()) {
            const std::string contact_shown(contact.as_object().at("displayed_as").as_string());
            const std::size_t open = contact_shown.rfind(" (");
            r["contact_name"] = contact_shown.substr(0, open);
            r["contact_reference"] =
                open == std::string::npos ? "" : contact_shown.substr(open + 2, contact_shown.size() - open - 3);
        }
        if (sales_invoice) {
            r["invoice_number_prefix"] = "SI-";
            r["invoice_number"] = shown;
        } else if (credit_note) {
            r["credit_note_number_prefix"] = "SCN-";
            r["credit_note_number"] = shown;
            r["original_invoice_date"] = date_text(day_number - 7);
        } else {
            r["vendor_reference"] = numbered("V", d.below(1000000));
        }
        r["date"] = date;
        if (!credit_note)
            r["due_date"] = date_text(day_number + 30);
        r["reference"] = numbered("REF", index + 1);
        r["notes"] = "";
        r["net_amount"] = net;
        r["tax_amount"] = tax;
        r["total_amount"] = total;
        r["total_paid"] = paid;
        r["outstanding_amount"] = round2(total - paid);
        r["currency"] = currency();
        r["exchange_rate"] = 1.0;
        r["base_currency_net_amount"] = net;
        r["base_currency_tax_amount"] = tax;
        r["base_currency_total_amount"] = total;
        r["base_currency_outstanding_amount"] = round2(total - paid);
        r["status"] = link(status_ids[state], status_names[state], "artefact_statuses");
        if (!sales_invoice && !credit_note)
            r["invoice_lines"] = std::move(lines);
        else
            r[sales_invoice ? "invoice_lines" : "credit_note_lines"] = std::move(lines);
        if (!(!sales_invoice && !credit_note))
            r["sent"] = d.below(2) == 0;
        r["editable"] = state == 0;
        r["migrated"] = false;
    } else if (name == "contact_payments") {
        const double amount = d.money(10, 5000);
        const boost::json::value invoice = ref("sales_invoices");
        r["transaction"] = ref("transactions");
        r["transaction_type"] = link("CUSTOMER_RECEIPT", "Customer Receipt", "transaction_types");
        r["deleted_at"] = nullptr;
        r["payment_method"] = link("BANK_TRANSFER", "Bank Transfer", "payment_methods");
        r["contact"] = ref("contacts");
        r["bank_account"] = ref("bank_accounts");
        r["date"] = date;
        r["net_amount"] = amount;
        r["tax_amount"] = 0.0;
        r["total_amount"] = amount;
        r["currency"] = currency();
        r["exchange_rate"] = 1.0;
        r["base_currency_net_amount"] = amount;
        r["base_currency_tax_amount"] = 0.0;
        r["base_currency_total_amount"] = amount;
        r["base_currency_currency_charge"] = 0.0;
        r["reference"] = numbered("RCPT", index + 1);
        boost::json::array allocated;
        if (invoice.is_object())
            allocated.push_back(boost::json::object{{"id", hex16(d.next()) + hex16(d.next())},
                                                    {"artefact", invoice},
                                                    {"amount", amount},
                                                    {"discount", 0.0}});
        r["allocated_artefacts"] = std::move(allocated);
        r["editable"] = true;
    } else if (name == "contact_allocations") {
        r["transaction"] = ref("transactions");
        r["transaction_type"] = link("CUSTOMER_ALLOCATION", "Customer Allocation", "transaction_types");
        r["deleted_at"] = nullptr;
        r["date"] = date;
        r["contact"] = ref("contacts");
        const double amount = d.money(10, 2000);
        boost::json::array allocated;
        for (const char* target : {"sales_invoices", "sales_credit_notes"}) {
            const boost::json::value artefact = ref(target);
            if (artefact.is_object())
                allocated.push_back(
                    boost::json::object{{"id", hex16(d.next()) + hex16(d.next())},
                                        {"artefact", artefact},
                                        {"amount", std::string_view(target) == "sales_invoices" ? amount : -amount}});
        }
        r["allocated_artefacts"] = std::move(allocated);
    } else if (name == "ledger_accounts") {
        const std::string_view account = account_names[index % account_names.size()];
        const bool sales = index % account_names.size() < 2;
        r["ledger_account_group"] = boost::json::object{{"id", sales ? "INCOME" : "EXPENDITURE"},
                                                        {"displayed_as", sales ? "Income" : "Expenditure"}};
        r["name"] = std::string(account) +
                    (index >= account_names.size() ? " " + std::to_string(index / account_names.size() + 1) : "");
        r["display_name"] = r["name"];
        r["visible_scopes"] = boost::json::array{sales ? "sales" : "expenses", "journals", "reporting"};
        r["included_in_chart"] = true;
        r["nominal_code"] = static_cast<std::int64_t>(1000 + index);
        r["ledger_account_type"] = sales ? link("SALES", "Sales", "ledger_account_types")
                                         : link("OVERHEADS", "Overheads", "ledger_account_types");
        r["tax_rate"] = ref("tax_rates");
        r["fixed_tax_rate"] = false;
        r["visible_in_banking"] = true;
        r["visible_in_expenses"] = !sales;
        r["visible_in_journals"] = true;
        r["visible_in_other_payments"] = !sales;
        r["visible_in_other_receipts"] = sales;
        r["visible_in_reporting"] = true;
        r["visible_in_sales"] = sales;
        r["is_control_account"] = false;
        r["display_formatted"] = shown;
        r["tax_recoverable"] = !sales;
        r["cis_materials"] = false;
        r["cis_labour"] = false;
        r["tax_instalment"] = false;
    } else if (name == "ledger_entries") {
        const double amount = d.money(1, 3000);
        const bool debit = d.below(2) == 0;
        r["date"] = date;
        r["credit"] = debit ? 0.0 : amount;
        r["debit"] = debit ? amount : 0.0;
        r["ledger_account"] = ref("ledger_accounts");
        r["transaction"] = ref("transactions");
        r["contact"] = ref("contacts");
        r["deleted"] = false;
        r["tax_rate"] = ref("tax_rates");
        r["description"] = "Generated ledger entry " + std::to_string(index + 1);
    } else if (name == "transactions") {
        r["date"] = date;
        r["deleted"] = false;
        r["reference"] = numbered("REF", index + 1);
        const double total = d.money(1, 6000);
        r["total"] = total;
        r["total_in_transaction_currency"] = total;
        r["contact"] = ref("contacts");
        r["transaction_type"] = link("SALES_INVOICE", "Sales Invoice", "transaction_types");
        r["audit_trail_id"] = std::to_string(index + 1);
        r["number_of_attachments"] = "0";
    } else if (name == "journals") {
        const double amount = d.money(10, 4000);
        r["transaction"] = ref("transactions");
        r["transaction_type"] = link("JOURNAL", "Journal", "transaction_types");
        r["deleted_at"] = nullptr;
        r["date"] = date;
        r["reference"] = shown;
        r["description"] = "Generated journal " + std::to_string(index + 1);
        r["total"] = amount;
        boost::json::array lines;
        for (bool debit : {true, false})
            lines.push_back(boost::json::object{{"id", hex16(d.next()) + hex16(d.next())},
                                                {"ledger_account", ref("ledger_accounts")},
                                                {"details", debit ? "Debit" : "Credit"},
                                                {"debit", debit ? amount : 0.0},
                                                {"credit", debit ? 0.0 : amount},
                                                {"include_on_tax_return", false},
                                                {"tax_reconciled", false},
                                                {"cleared", false},
                                                {"bank_reconciled", false}});
        r["journal_lines"] = std::move(lines);
        r["migrated"] = false;
    } else if (name == "bank_accounts") {
        r["deleted_at"] = nullptr;
        r["bank_account_details"] =
            boost::json::object{{"account_name", shown},
                                {"account_number", std::to_string(10000000 + d.below(89999999))},
                                {"sort_code", "40-00-" + std::to_string(10 + d.below(89))},
                                {"bic", ""},
                                {"iban", ""}};
        r["ledger_account"] = ref("ledger_accounts");
        r["bank_account_type"] = link("CHECKING", "Current", "bank_account_types");
        r["balance"] = d.money(0, 50000);
        r["nominal_code"] = static_cast<std::int64_t>(1200 + index);
        r["editable"] = true;
        r["deletable"] = index != 0;
        r["default_payment_method"] = link("BANK_TRANSFER", "Bank Transfer", "payment_methods");
    } else if (name == "bank_transfers") {
        r["transaction"] = ref("transactions");
        r["transaction_type"] = link("BANK_TRANSFER", "Bank Transfer", "transaction_types");
        r["deleted_at"] = nullptr;
        r["from_bank_account"] = ref("bank_accounts");
        r["to_bank_account"] = ref("bank_accounts");
        r["date"] = date;
        r["reference"] = numbered("TRF", index + 1);
        r["amount"] = d.money(10, 10000);
        r["description"] = "Generated transfer " + std::to_string(index + 1);
    } else if (name == "products" || name == "services") {
        const bool product = name == "products";
        const std::string code = numbered(product ? "P" : "S", index + 1);
        const std::string what(product ? goods[index % goods.size()] : work[index % work.size()]);
        const double price = d.money(5, 900);
        r["deleted_at"] = nullptr;
        r["deletable"] = true;
        r["deactivatable"] = true;
        r["used_on_recurring_invoice"] = false;
        r["item_code"] = code;
        r["description"] = what + " " + code;
        r["notes"] = "";
        r["sales_ledger_account"] = ref("ledger_accounts");
        r["purchase_ledger_account"] = ref("ledger_accounts");
        r["sales_tax_rate"] = ref("tax_rates");
        r["purchase_tax_rate"] = ref("tax_rates");
        r["usual_supplier"] = ref("contacts");
        r["cost_price"] = round2(price * 0.6);
        r["purchase_description"] = what;
        r["active"] = d.below(10) != 0;
        boost::json::object price_entry{{"id", hex16(d.next()) + hex16(d.next())},
                                        {"displayed_as", "Selling Price"},
                                        {"price_name", "Selling Price"},
                                        {"price", price},
                                        {"price_includes_tax", false}};
        if (product) {
            r["sales_prices"] = boost::json::array{std::move(price_entry)};
            r["catalog_item_type"] = link("STOCK_ITEM", "Stock", "catalog_item_types");
        } else {
            price_entry.erase("price_name");
            price_entry["displayed_as"] = "Hourly Rate";
            price_entry["rate_name"] = "Hourly Rate";
            price_entry["rate"] = price_entry["price"];
            price_entry.erase("price");
            price_entry["rate_includes_tax"] = false;
            price_entry.erase("price_includes_tax");
            r["sales_rates"] = boost::json::array{std::move(price_entry)};
        }
    } else { // tax_rates
        static constexpr std::array<double, 4> percentages{20.0, 5.0, 0.0, 0.0};
        const double percentage = index < percentages.size() ? percentages[index] : 0.0;
        const std::string rate_name = shown.substr(0, shown.rfind(' '));
        r["name"] = rate_name;
        r["agency"] = "HMRC";
        r["percentage"] = percentage;
        r["percentages"] = boost::json::array{
            boost::json::object{{"percentage", percentage}, {"from_date", "2011-01-04"}, {"to_date", nullptr}}};
        r["is_visible"] = true;
        r["retailer"] = false;
        r["editable"] = false;
        r["deletable"] = false;
        r["is_combined_rate"] = false;
        r["component_tax_rates"] = boost::json::array{};
    }
    return r;
}

} // namespace sage_sandbox
