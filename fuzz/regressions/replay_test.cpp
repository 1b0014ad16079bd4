// Marconi. Replays every seed in fuzz/corpus/<target>/ and every past crash in
// fuzz/regressions/<target>/ through the fuzz targets' own entry functions, one ctest case per
// file (label unit). Runs in every build, so a fixed crash stays fixed without a fuzzer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "../fuzz_support.hpp"

namespace marconi::fuzz {
namespace {

namespace fs = std::filesystem;

struct input_file {
    std::string target;  ///< http_request or bodies
    fs::path path;
};

/// Shown by gtest and ctest instead of the struct's bytes.
void PrintTo(const input_file& input, std::ostream* out) {
    *out << input.path.lexically_relative(MARCONI_FUZZ_DIR).string();
}

std::vector<input_file> inputs_of(const std::string& target) {
    std::vector<input_file> found;
    for (const auto* kind : {"corpus", "regressions"}) {
        const auto dir = fs::path(MARCONI_FUZZ_DIR) / kind / target;
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (entry.is_regular_file()) found.push_back({target, entry.path()});
        }
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    return found;
}

std::string test_name(const testing::TestParamInfo<input_file>& info) {
    std::string name = info.param.path.parent_path().parent_path().filename().string() + "_" +
                       info.param.path.filename().string();
    for (auto& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return name;
}

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class http_request_input : public testing::TestWithParam<input_file> {};
class bodies_input : public testing::TestWithParam<input_file> {};

TEST_P(http_request_input, runs_clean) {
    const auto bytes = read_all(GetParam().path);
    EXPECT_EQ(0, http_request_one_input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                        bytes.size()));
}

TEST_P(bodies_input, runs_clean) {
    const auto bytes = read_all(GetParam().path);
    EXPECT_EQ(0,
              bodies_one_input(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

INSTANTIATE_TEST_SUITE_P(fuzz, http_request_input, testing::ValuesIn(inputs_of("http_request")),
                         test_name);
INSTANTIATE_TEST_SUITE_P(fuzz, bodies_input, testing::ValuesIn(inputs_of("bodies")), test_name);

}  // namespace
}  // namespace marconi::fuzz
