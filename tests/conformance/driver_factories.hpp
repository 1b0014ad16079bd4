// Marconi. The drivers the contract suite runs against: add one factory (and one line to
// driver_types) per driver.
#pragma once

#include "common/clock.hpp"
#include "storage/make_driver.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

namespace marconi::conformance {

/// SQLite `sqlite://:memory:`: a fresh, throwaway store per open().
struct sqlite_memory_factory {
    static constexpr const char* name = "sqlite_memory";
    std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::driver_options options;
        options.uri = "sqlite://:memory:";
        options.sync = storage::sync_mode::off;
        return storage::make_driver(options, clock);
    }
};

/// SQLite on a real file with full sync, in a private temp directory removed afterwards;
/// every open() reopens the same file.
class sqlite_file_factory {
public:
    static constexpr const char* name = "sqlite_file";

    sqlite_file_factory()
        : dir_(std::filesystem::temp_directory_path() /
               ("marconi-conformance-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter_++))) {
        std::filesystem::remove_all(dir_);
    }
    sqlite_file_factory(const sqlite_file_factory&) = delete;
    sqlite_file_factory& operator=(const sqlite_file_factory&) = delete;
    ~sqlite_file_factory() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::driver_options options;
        // Three slashes, then the absolute path: sqlite:////tmp/...; make_driver creates dir_.
        options.uri = "sqlite:///" + (dir_ / "store.db").string();
        options.sync = storage::sync_mode::full;
        return storage::make_driver(options, clock);
    }

private:
    static inline std::atomic<int> counter_{0};
    std::filesystem::path dir_;
};

using driver_types = ::testing::Types<sqlite_memory_factory, sqlite_file_factory>;
/// The drivers whose data outlives the driver object: the durability suite runs on these.
using durable_driver_types = ::testing::Types<sqlite_file_factory>;

/// Readable test names, e.g. message_contract/sqlite_memory.fifo_across_batches.
struct driver_names {
    template <class Factory>
    static std::string GetName(int) {
        return Factory::name;
    }
};

}  // namespace marconi::conformance
