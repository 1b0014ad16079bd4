// Marconi. Helpers shared by the fuzz targets: invariant checks that stop the run with a clear
// message, and the entry-point glue (libFuzzer, or the ctest replay in regressions/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "storage/contract/error.hpp"

namespace marconi::fuzz {

/// A broken invariant: print what and why, then abort so libFuzzer (or ctest) records a crash.
[[noreturn]] inline void violation(std::string_view what, std::string_view detail) {
    std::fprintf(stderr, "fuzz invariant violated: %.*s\n  detail: %.*s\n",
                 static_cast<int>(what.size()), what.data(), static_cast<int>(detail.size()),
                 detail.data());
    std::fflush(stderr);
    std::abort();
}

inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
    if (!ok) violation(what, detail);
}

/// Runs `f`, treating core::error as the expected answer to bad input. Anything else escapes:
/// an uncaught exception terminates the process, which libFuzzer reports as a crash.
template <class F>
bool accepts(F&& f) {
    try {
        f();
        return true;
    } catch (const core::error&) {
        return false;
    }
}

// One input of each target; defined in <target>_fuzzer.cpp.
int http_request_one_input(const std::uint8_t* data, std::size_t size);
int bodies_one_input(const std::uint8_t* data, std::size_t size);

}  // namespace marconi::fuzz

/// Defines LLVMFuzzerTestOneInput for a fuzz binary; the replay test (MARCONI_FUZZ_REPLAY)
/// links every target into one binary and calls the functions above instead.
#ifdef MARCONI_FUZZ_REPLAY
#define MARCONI_FUZZ_ENTRY_POINT(function)
#else
#define MARCONI_FUZZ_ENTRY_POINT(function)                                              \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
        return marconi::fuzz::function(data, size);                                     \
    }
#endif
