// Fuzz target: the sample host's --form FILE.json reader (sample_host::build_form), which a user
// or a script writes. The input is written to a form file in a private temporary folder (the reader
// takes a path, and resolves {"path": ...} values against the file's folder); a refusal is a
// usage_error, and nothing else may escape.
#include "connectors/form_builder.hpp"
#include "runtime/host_error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct scratch_folder {
    fs::path path;
    scratch_folder()
    {
        std::string pattern = (fs::temp_directory_path() / "form-fuzz-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            std::abort();
        path = pattern;
        std::ofstream(path / "note.txt") << "a file a form may name";
    }
    ~scratch_folder()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const scratch_folder folder;
    const fs::path form = folder.path / "form.json";
    {
        std::ofstream out(form, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    sample_host::form_sources sources;
    sources.form_file = form;
    const sample_host::environment_lookup no_environment = [](std::string_view) -> std::optional<std::string> {
        return std::nullopt;
    };
    try {
        (void)sample_host::build_form(sources, no_environment);
    } catch (const sample_host::usage_error&) {
        // refused with a sentence: fine
    }
    return 0;
}
