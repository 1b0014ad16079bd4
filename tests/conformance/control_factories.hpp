// Marconi. The control stores the control contract suite runs against.
#pragma once

#include "driver_factories.hpp"
#include "storage/factory/make_driver.hpp"

namespace marconi::conformance {

/// A control store on a SQLite file in a private temp directory.
class sqlite_control_factory {
public:
    static constexpr const char* name = "sqlite";

    std::unique_ptr<storage::control_store> open() {
        return storage::make_control_store("sqlite:///" + (dir_.path() / "control.db").string(),
                                           storage::sync_mode::off);
    }

private:
    temp_dir dir_{"marconi-control"};
};

/// A control store on the ctest fixture's Redis, under a key prefix of its own.
template <const char* UriFile>
class redis_control_factory {
public:
    std::unique_ptr<storage::control_store> open() {
        return storage::make_control_store(fixture_redis_uri(UriFile) + "?prefix=" + prefix_,
                                           storage::sync_mode::off);
    }

private:
    std::string prefix_ = unique_prefix();
};

struct redis_control_standalone_factory : redis_control_factory<redis_standalone_uri_file> {
    static constexpr const char* name = "redis";
};
struct redis_control_cluster_factory : redis_control_factory<redis_cluster_uri_file> {
    static constexpr const char* name = "redis_cluster";
};

/// A control store on the ctest fixture's PostgreSQL, in a schema of its own.
class postgres_control_factory {
public:
    static constexpr const char* name = "postgres";
    std::unique_ptr<storage::control_store> open() {
        return storage::make_control_store(fixture_postgres_uri(schema_), storage::sync_mode::off);
    }

private:
    std::string schema_ = unique_prefix();
};

using control_store_types =
    ::testing::Types<sqlite_control_factory, redis_control_standalone_factory,
                     redis_control_cluster_factory, postgres_control_factory>;

}  // namespace marconi::conformance
