// Marconi. The drivers the contract suite runs against: add one factory (and one line to
// driver_types) per driver.
#pragma once

#include "common/clock.hpp"
#include "run_awaitable.hpp"
#include "storage/factory/make_driver.hpp"
#include "storage/pooled/pooled_driver.hpp"

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

/// The URI a ctest fixture's server wrote to `uri_file` in the directory named by `dir_variable`
/// (tests/support/redis_servers.py, tests/support/postgres_servers.py).
inline std::string fixture_uri(const char* dir_variable, const char* uri_file) {
    const char* dir = std::getenv(dir_variable);
    if (dir == nullptr) {
        throw std::runtime_error(std::string{dir_variable} +
                                 " is not set: run the suite with ctest, whose fixtures start "
                                 "the servers");
    }
    std::ifstream in{std::filesystem::path{dir} / uri_file};
    std::string uri;
    if (!(in >> uri)) {
        throw std::runtime_error(std::string{"no server URI in "} + dir + "/" + uri_file);
    }
    return uri;
}

inline std::string fixture_redis_uri(const char* uri_file) {
    return fixture_uri("MARCONI_TEST_REDIS_DIR", uri_file);
}

/// The fixture's PostgreSQL with `?schema=` a schema no other test uses.
inline std::string fixture_postgres_uri(const std::string& schema) {
    return fixture_uri("MARCONI_TEST_POSTGRES_DIR", "postgres.uri") + "?schema=" + schema;
}

/// A Redis key prefix (or PostgreSQL schema) no other test process or factory uses, so tests
/// running at the same time on the same server never see each other's data.
inline std::string unique_prefix() {
    static std::atomic<int> counter{0};
    return "t" + std::to_string(::getpid()) + "x" + std::to_string(counter++);
}

inline constexpr char redis_standalone_uri_file[] = "standalone.uri";
inline constexpr char redis_cluster_uri_file[] = "cluster.uri";
inline constexpr char redis_sentinel_uri_file[] = "sentinel.uri";

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
/// The master of a Sentinel group, found through its sentinel.
struct redis_sentinel_factory : redis_factory<redis_sentinel_uri_file> {
    static constexpr const char* name = "redis_sentinel";
};

/// A store on the ctest fixture's PostgreSQL in a schema of its own; open() again reopens the
/// same data.
class postgres_factory {
public:
    static constexpr const char* name = "postgres";
    std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::driver_options options;
        options.uri = fixture_postgres_uri(schema_);
        return storage::make_driver(options, clock);
    }

private:
    std::string schema_ = unique_prefix();
};

/// A pooled deployment: a control store, a default store and two pools with equal weights, so
/// a test's queues land in different stores. open() again keeps every store and the catalog.
class pooled_factory_base {
public:
    std::unique_ptr<storage::data_driver> open(const clock& clock) {
        storage::pooled::pooled_driver::options options;
        options.cache_age = std::chrono::milliseconds{0};  // the manual clock never moves it
        auto open_pool = [&clock](const std::string& uri) { return open_store(uri, clock); };
        return std::make_unique<storage::pooled::pooled_driver>(
            *control_, open_store(default_uri_, clock), open_pool, clock, options);
    }

protected:
    pooled_factory_base(const std::string& control_uri, std::string default_uri,
                        const std::vector<std::string>& pool_uris)
        : control_(storage::make_control_store(control_uri, storage::sync_mode::off)),
          default_uri_(std::move(default_uri)) {
        net::io_context io;
        for (std::size_t i = 0; i < pool_uris.size(); ++i) {
            core::pool_record pool{"pool-" + std::to_string(i), pool_uris[i], 100, std::nullopt,
                                   "{}"};
            if (!run(io, control_->create_pool(std::move(pool)))) {
                throw std::runtime_error("pooled factory: pool exists already");
            }
        }
    }

private:
    /// Every store of the deployment runs on the test's clock.
    static std::unique_ptr<storage::data_driver> open_store(const std::string& uri,
                                                            const clock& clock) {
        storage::driver_options options;
        options.uri = uri;
        options.sync = storage::sync_mode::off;
        return storage::make_driver(options, clock);
    }

    std::unique_ptr<storage::control_store> control_;
    std::string default_uri_;
};

/// Everything on SQLite files.
class pooled_sqlite_factory : public pooled_factory_base {
public:
    static constexpr const char* name = "pooled_sqlite";
    pooled_sqlite_factory() : pooled_sqlite_factory(std::make_unique<temp_dir>("marconi-pooled")) {}

private:
    explicit pooled_sqlite_factory(std::unique_ptr<temp_dir> dir)
        : pooled_factory_base("sqlite:///" + (dir->path() / "control.db").string(),
                              "sqlite:///" + (dir->path() / "default.db").string(),
                              {"sqlite:///" + (dir->path() / "pool-0.db").string(),
                               "sqlite:///" + (dir->path() / "pool-1.db").string()}),
          dir_(std::move(dir)) {}
    std::unique_ptr<temp_dir> dir_;
};

/// The control store on Redis Cluster, the default store and one pool on standalone Redis,
/// the other pool on Redis Cluster: one deployment mixing both.
class pooled_redis_factory : public pooled_factory_base {
public:
    static constexpr const char* name = "pooled_redis";
    pooled_redis_factory()
        : pooled_factory_base(
              fixture_redis_uri(redis_cluster_uri_file) + "?prefix=" + unique_prefix(),
              fixture_redis_uri(redis_standalone_uri_file) + "?prefix=" + unique_prefix(),
              {fixture_redis_uri(redis_standalone_uri_file) + "?prefix=" + unique_prefix(),
               fixture_redis_uri(redis_cluster_uri_file) + "?prefix=" + unique_prefix()}) {}
};

/// Every engine in one deployment: the control store and the default store on PostgreSQL, one
/// pool on a SQLite file, the other on standalone Redis.
class pooled_mixed_factory : public pooled_factory_base {
public:
    static constexpr const char* name = "pooled_mixed";
    pooled_mixed_factory() : pooled_mixed_factory(std::make_unique<temp_dir>("marconi-mixed")) {}

private:
    explicit pooled_mixed_factory(std::unique_ptr<temp_dir> dir)
        : pooled_factory_base(
              fixture_postgres_uri(unique_prefix()), fixture_postgres_uri(unique_prefix()),
              {"sqlite:///" + (dir->path() / "pool-0.db").string(),
               fixture_redis_uri(redis_standalone_uri_file) + "?prefix=" + unique_prefix()}),
          dir_(std::move(dir)) {}
    std::unique_ptr<temp_dir> dir_;
};

using driver_types =
    ::testing::Types<sqlite_memory_factory, sqlite_file_factory, redis_standalone_factory,
                     redis_cluster_factory, redis_sentinel_factory, postgres_factory,
                     pooled_sqlite_factory, pooled_redis_factory, pooled_mixed_factory>;
/// The drivers whose data outlives the driver object: the durability suite runs on these.
using durable_driver_types =
    ::testing::Types<sqlite_file_factory, redis_standalone_factory, redis_cluster_factory,
                     redis_sentinel_factory, postgres_factory, pooled_sqlite_factory,
                     pooled_redis_factory, pooled_mixed_factory>;

/// Readable test names, e.g. message_contract/sqlite_memory.fifo_across_batches.
struct driver_names {
    template <class Factory>
    static std::string GetName(int) {
        return Factory::name;
    }
};

}  // namespace marconi::conformance
