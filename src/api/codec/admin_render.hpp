// Marconi. Pools and flavors as the admin API shows them, for the HTTP routes and the
// WebSocket actions alike.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/pool_service.hpp"
#include "storage/contract/pool_model.hpp"

namespace marconi::api {

std::string pool_path(std::string_view name);    ///< `/v2/pools/{name}`
std::string flavor_path(std::string_view name);  ///< `/v2/flavors/{name}`

/// `{"name","uri","weight","flavor","href"}`, and `options` when detailed.
boost::json::object render_pool(const core::pool_record& pool, bool detailed);

/// The single-flavor form (GET, PATCH): `{"name","pool_list","capabilities","href"}`.
boost::json::object render_flavor(const core::flavor_view& flavor);

/// A flavor in a listing, as Zaqar: `pool_list` only when it has pools, `capabilities` only
/// when detailed.
boost::json::object render_flavor_item(const core::flavor_view& flavor, bool detailed);

}  // namespace marconi::api
