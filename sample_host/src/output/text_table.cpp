#include "output/text_table.hpp"

#include <algorithm>

namespace sample_host {
namespace {

// Terminal columns taken by UTF-8 text, counting each code point as one column.
std::size_t display_width(const std::string& text)
{
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Cells are single lines: a line break inside one would break the table.
std::string one_line(std::string text)
{
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    return text;
}

} // namespace

text_table::text_table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void text_table::add_row(std::vector<std::string> cells)
{
    cells.resize(headers_.size());
    for (auto& cell : cells)
        cell = one_line(std::move(cell));
    rows_.push_back(std::move(cells));
}

std::string text_table::render() const
{
    std::vector<std::size_t> widths;
    for (const auto& header : headers_)
        widths.push_back(display_width(header));
    for (const auto& row : rows_)
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i]));

    std::string out;
    const auto append_row = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            line += cells[i];
            if (i + 1 < cells.size())
                line.append(widths[i] - display_width(cells[i]) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line;
        out += '\n';
    };
    append_row(headers_);
    std::vector<std::string> rule;
    for (std::size_t width : widths)
        rule.emplace_back(width, '-');
    append_row(rule);
    for (const auto& row : rows_)
        append_row(row);
    if (!out.empty())
        out.pop_back();
    return out;
}

} // namespace sample_host
