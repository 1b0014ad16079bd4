// marconi-bench: load generator and correctness checker for Zaqar v2 servers.
#include <variant>

#include "options.hpp"
#include "runner.hpp"

int main(int argc, char** argv) {
    auto parsed = marconi::bench::parse_options(argc, argv);
    if (auto* code = std::get_if<int>(&parsed)) return *code;
    return marconi::bench::run_bench(std::get<marconi::bench::options>(parsed));
}
