// Marconi. The drivers the contract suite runs against: add one factory (and one line to
// driver_types) per driver.
#pragma once

#include "common/clock.hpp"
#include "storage/make_driver.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace marconi::conformance {

/// A private directory under the system temp dir, removed with the object.
class temp_dir {
public:
    explicit temp_dir(const std::string& stem)
        : path_(std::filesystem::temp_directory_path() /
                (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
        std::filesystem::remove_all(path_);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    static inline std::atomic<int> counter_{0};
    std::filesystem::path path_;
};

/// The URI of a Redis the ctest fixture started (tests/support/redis_servers.py), read from
/// `uri_file` in $MARCONI_TEST_REDIS_DIR.
inline std::string fixture_redis_uri(const char* uri_file) {
    const char* dir = std::getenv("MARCONI_TEST_REDIS_DIR");
    if (dir == nullptr) {
        throw std::runtime_error("MARCONI_TEST_REDIS_DIR is not set: run the suite with ctest, "
                                 "whose redis_servers fixture starts the servers");
    }
    std::ifstream in{std::filesystem::path{dir} / uri_file};
    std::string uri;
    if (!(in >> uri)) {
        throw std::runtime_error(std::string{"no Redis URI in "} + dir + "/" + uri_file);
    }
    return uri;
}

/// A Redis key prefix no other test process or factory uses, so tests running at the same time
/// on the same server never see each other's data.
inline std::string unique_prefix() {
    static std::atomic<int> counter{0};
    return "t" + std::to_string(::getpid()) + "x" + std::to_string(counter++);
}

inline constexpr char redis_standalone_uri_file[] = "standalone.uri";
inline constexpr char redis_cluster_uri_file[] = "cluster.uri";

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

    std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::driver_options options;
        // Three slashes, then the absolute path: sqlite:////tmp/...; make_driver creates the dir.
        options.uri = "sqlite:///" + (dir_.path() / "store.db").string();
        options.sync = storage::sync_mode::full;
        return storage::make_driver(options, clock);
    }

private:
    temp_dir dir_{"marconi-conformance"};
};

/// A store on the ctest fixture's Redis under a key prefix of its own; open() again reopens
/// the same data.
template <const char* UriFile>
class redis_factory {
public:
    std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::driver_options options;
        options.uri = fixture_redis_uri(UriFile) + "?prefix=" + prefix_;
        return storage::make_driver(options, clock);
    }

private:
    std::string prefix_ = unique_prefix();
};

struct redis_standalone_factory : redis_factory<redis_standalone_uri_file> {
    static constexpr const char* name = "redis";
};
struct redis_cluster_factory : redis_factory<redis_cluster_uri_file> {
    static constexpr const char* name = "redis_cluster";
};

using driver_types = ::testing::Types<sqlite_memory_factory, sqlite_file_factory,
                                      redis_standalone_factory, redis_cluster_factory>;
/// The drivers whose data outlives the driver object: the durability suite runs on these.
using durable_driver_types =
    ::testing::Types<sqlite_file_factory, redis_standalone_factory, redis_cluster_factory>;

/// Readable test names, e.g. message_contract/sqlite_memory.fifo_across_batches.
struct driver_names {
    template <class Factory>
    static std::string GetName(int) {
        return Factory::name;
    }
};

}  // namespace marconi::conformance
