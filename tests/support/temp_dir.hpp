// A folder under the system temporary directory that exists for one test and is removed after it.
#pragma once

#include <filesystem>
#include <string_view>

namespace test_support {

class temp_dir {
public:
    explicit temp_dir(std::string_view prefix = "connector-test");
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// Writes `content` to `file`, creating parent folders; throws on failure.
void write_file(const std::filesystem::path& file, std::string_view content);

// The whole content of `file`; throws on failure.
std::string read_file(const std::filesystem::path& file);

} // namespace test_support
