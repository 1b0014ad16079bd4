// Marconi. The one place that turns a storage URI into a driver.
#pragma once

#include <memory>
#include <string>

#include "common/clock.hpp"
#include "storage/control_store.hpp"
#include "storage/driver.hpp"

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

/// Opens the driver the URI's scheme names (`sqlite:///path`, `sqlite://:memory:`,
/// `redis://host:port/db`, `redis+cluster://host:port,...`).
/// Throws std::runtime_error with a clear message when the URI or the store is unusable.
std::unique_ptr<data_driver> make_driver(const driver_options& options, const clock& clock);

/// Opens the control store (pools, flavors, catalog) the URI names: `sqlite:///path` for one
/// node, `redis://` or `redis+cluster://` for many. Throws std::runtime_error like make_driver.
std::unique_ptr<control_store> make_control_store(const std::string& uri, sync_mode sync);

}  // namespace marconi::storage
