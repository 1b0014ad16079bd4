// Marconi. The one place that turns a storage URI into a driver.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "storage/control_store.hpp"
#include "storage/driver.hpp"
#include "storage/pooled/pooled_driver.hpp"

namespace marconi::storage {

enum class sync_mode { full, normal, off };

struct driver_options {
    std::string uri = "sqlite:///./marconi-data/marconi.db";
    /// full: fsync every commit (survives power loss); normal: survives kill -9, not power
    /// loss; off: for throwaway data only.
    sync_mode sync = sync_mode::full;
    int read_threads = 2;
    /// How long a server may act on its cached copy of a queue's metadata. Changes made through
    /// the same server are seen at once; with several servers on one store, a change made
    /// through another is seen within this time. 0: read the metadata on every request.
    int metadata_cache_seconds = 5;
};

/// [pooling]: scale-out over several message stores (Zaqar's pools, flavors and catalog).
struct pooling_options {
    bool enabled = false;
    /// The control store shared by every head: pools, flavors, the catalog.
    std::string control_uri = "sqlite:///./marconi-data/control.db";
    /// weighted: Zaqar's weighted random choice; hash: consistent hashing on (project, queue).
    pooled::placement_mode placement = pooled::placement_mode::weighted;
    /// Directories where SQLite pools (PUT /v2/pools) may keep their files, symlinks followed;
    /// empty: only the directory of the default store's file (`storage.uri`).
    std::vector<std::string> allowed_paths;
};

/// Everything storage the server runs on. With pooling, `driver` is the pooled driver over the
/// default store and the pools, and `control` and `pooled` are set.
struct storage_stack {
    std::unique_ptr<control_store> control;
    std::unique_ptr<data_driver> driver;
    pooled::pooled_driver* pooled = nullptr;
};

/// Opens the stores `storage` and `pooling` describe. Throws std::runtime_error like make_driver.
storage_stack open_storage(const driver_options& storage, const pooling_options& pooling,
                           const clock& clock);

/// Opens the driver the URI's scheme names (`sqlite:///path`, `sqlite://:memory:`,
/// `redis://host:port/db`, `redis+cluster://host:port,...`).
/// Throws std::runtime_error with a clear message when the URI or the store is unusable.
std::unique_ptr<data_driver> make_driver(const driver_options& options, const clock& clock);

/// Opens the control store (pools, flavors, catalog) the URI names: `sqlite:///path` for one
/// node, `redis://` or `redis+cluster://` for many. Throws std::runtime_error like make_driver.
std::unique_ptr<control_store> make_control_store(const std::string& uri, sync_mode sync);

}  // namespace marconi::storage
