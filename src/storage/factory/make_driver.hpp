// Marconi. The one place that turns a storage URI into a driver.
#pragma once

#include <memory>
#include <string>

#include "common/clock.hpp"
#include "storage/contract/control_store.hpp"
#include "storage/contract/driver.hpp"
#include "storage/contract/options.hpp"
#include "storage/pooled/pooled_driver.hpp"

namespace marconi::storage {

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
