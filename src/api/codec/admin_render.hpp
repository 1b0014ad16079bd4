// Marconi. Pools and flavors as the admin API shows them, for the HTTP routes and the
// WebSocket actions alike.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "api/codec/api_version.hpp"
#include "core/pool_service.hpp"
#include "storage/contract/pool_model.hpp"

namespace marconi::api {

/// `/v2/pools/{name}`, or the same under another version's root.
std::string pool_path(std::string_view name, api_version version = api_version::v2);
/// `/v2/flavors/{name}`, or the same under another version's root.
std::string flavor_path(std::string_view name, api_version version = api_version::v2);

/// `{"name","uri","weight","flavor","href"}`, and `options` when detailed.
boost::json::object render_pool(const core::pool_record& pool, bool detailed,
                                api_version version = api_version::v2);

/// The single-flavor form (GET, PATCH): `{"name","pool_list","capabilities","href"}`.
boost::json::object render_flavor(const core::flavor_view& flavor,
                                  api_version version = api_version::v2);

/// A flavor in a listing, as Zaqar: `pool_list` only when it has pools, `capabilities` only
/// when detailed.
boost::json::object render_flavor_item(const core::flavor_view& flavor, bool detailed,
                                       api_version version = api_version::v2);

}  // namespace marconi::api
