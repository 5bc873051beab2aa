// A plain-text table for terminal output: a header row, a rule, and left-aligned columns padded to
// the widest cell.
#pragma once

#include <string>
#include <vector>

namespace sample_host {

class text_table final {
public:
    explicit text_table(std::vector<std::string> headers);

    // Missing cells are blank; extra cells are an error in the caller and are dropped.
    void add_row(std::vector<std::string> cells);

    [[nodiscard]] bool empty() const noexcept { return rows_.empty(); }
    // Lines separated by '\n', without a trailing newline.
    [[nodiscard]] std::string render() const;

private:
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

} // namespace sample_host
