// Marconi. Storage URI -> driver; the only place that switches on driver names.
#include "storage/factory/make_driver.hpp"

#include "storage/postgres/postgres_control_store.hpp"
#include "storage/postgres/postgres_driver.hpp"
#include "storage/postgres/postgres_uri.hpp"
#include "storage/redis/redis_control_store.hpp"
#include "storage/redis/redis_driver.hpp"
#include "storage/redis/redis_uri.hpp"
#include "storage/sqlite/sqlite_control_store.hpp"
#include "storage/sqlite/sqlite_driver.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace marconi::storage {

namespace {

constexpr std::string_view sqlite_scheme = "sqlite://";
constexpr std::string_view sqlite_memory = ":memory:";
constexpr std::string_view redis_prefix = "redis";  // redis:// and redis+cluster://

/// `sqlite://:memory:` is a throwaway file in RAM (/dev/shm when present): unlike SQLite's own
/// :memory: it works with separate writer and reader connections in WAL mode, so it behaves
/// exactly like a file store, only faster and gone when the driver closes.
std::string temporary_database_path() {
    static std::atomic<unsigned> counter{0};
    std::filesystem::path dir = "/dev/shm";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) dir = std::filesystem::temp_directory_path();
    return (dir /
            ("marconi-mem-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db"))
        .string();
}

/// sqlite:///relative/path.db and sqlite:////absolute/path.db, as in SQLAlchemy: the file's
/// path, its directory created.
std::string sqlite_file_path(std::string_view location) {
    if (location.size() <= 1 || location.front() != '/') {
        throw std::runtime_error("invalid SQLite storage URI 'sqlite://" + std::string{location} +
                                 "': use sqlite:///relative/path.db, sqlite:////absolute/path.db "
                                 "or sqlite://:memory:");
    }
    std::filesystem::path path{location.substr(1)};
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            throw std::runtime_error("cannot create directory '" + path.parent_path().string() +
                                     "': " + ec.message());
        }
    }
    return path.string();
}

/// A driver's URI settings: the parser's std::invalid_argument becomes the std::runtime_error
/// every other failure to open a store is.
template <class Parse>
auto settings_of(Parse parse, std::string_view uri) {
    try {
        return parse(uri);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(e.what());
    }
}

std::unique_ptr<data_driver> make_sqlite(std::string_view location, const driver_options& options,
                                         const clock& clock) {
    sqlite::sqlite_driver::options opts;
    opts.sync = options.sync;
    opts.read_threads = options.read_threads;
    if (location == sqlite_memory) {
        opts.path = temporary_database_path();
        opts.sync = sync_mode::off;  // nothing to make durable
        opts.temporary = true;
        std::filesystem::remove(opts.path);  // a leftover from a crashed process with our pid
    } else {
        opts.path = sqlite_file_path(location);
    }
    return std::make_unique<sqlite::sqlite_driver>(std::move(opts), clock);
}

}  // namespace

std::unique_ptr<data_driver> make_driver(const driver_options& options, const clock& clock) {
    std::string_view uri = options.uri;
    if (uri.starts_with(sqlite_scheme)) {
        return make_sqlite(uri.substr(sqlite_scheme.size()), options, clock);
    }
    if (uri.starts_with(redis_prefix)) {
        return std::make_unique<redis::redis_driver>(settings_of(redis::parse_uri, uri), clock);
    }
    if (postgres::is_postgres_uri(uri)) {
        return std::make_unique<postgres::postgres_driver>(settings_of(postgres::parse_uri, uri),
                                                           clock);
    }
    throw std::runtime_error("unknown storage URI scheme in '" + options.uri +
                             "' (this build supports sqlite://, redis://, redis+cluster://, "
                             "redis+sentinel:// and postgresql://)");
}

storage_stack open_storage(const driver_options& storage, const pooling_options& pooling,
                           const clock& clock) {
    storage_stack stack;
    if (!pooling.enabled) {
        stack.driver = make_driver(storage, clock);
        return stack;
    }
    stack.control = make_control_store(pooling.control_uri, storage.sync);
    // A pool's store is opened like the default one, with its own URI.
    auto open_pool = [storage, &clock](const std::string& uri) {
        auto options = storage;
        options.uri = uri;
        return make_driver(options, clock);
    };
    pooled::pooled_driver::options options;
    options.placement = pooling.placement;
    options.cache_age = std::chrono::seconds{storage.metadata_cache_seconds};
    auto pooled = std::make_unique<pooled::pooled_driver>(
        *stack.control, make_driver(storage, clock), std::move(open_pool), clock, options);
    stack.pooled = pooled.get();
    stack.driver = std::move(pooled);
    return stack;
}

std::unique_ptr<control_store> make_control_store(const std::string& uri, sync_mode sync) {
    std::string_view view = uri;
    if (view.starts_with(sqlite_scheme)) {
        const auto location = view.substr(sqlite_scheme.size());
        if (location == sqlite_memory) {
            throw std::runtime_error(
                "the control store needs a file: sqlite://:memory: would "
                "forget every pool at restart");
        }
        return std::make_unique<sqlite::sqlite_control_store>(sqlite_file_path(location), sync);
    }
    if (view.starts_with(redis_prefix)) {
        return std::make_unique<redis::redis_control_store>(settings_of(redis::parse_uri, view));
    }
    if (postgres::is_postgres_uri(view)) {
        return std::make_unique<postgres::postgres_control_store>(
            settings_of(postgres::parse_uri, view));
    }
    throw std::runtime_error("unknown control store URI scheme in '" + uri +
                             "' (this build supports sqlite://, redis:// and postgresql://)");
}

}  // namespace marconi::storage
