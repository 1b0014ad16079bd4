// Marconi. Request bodies of the pooling admin API (/v2/pools, /v2/flavors), checked the way
// Zaqar's JSON schemas check them, with jsonschema's wording.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/pool_service.hpp"

namespace marconi::api {

/// PUT /v2/pools/{pool}: uri and weight required, flavor and options optional, nothing else.
core::pool_input parse_pool_create(std::string_view body);
/// PATCH /v2/pools/{pool}: at least one of uri, weight, flavor, options.
core::pool_input parse_pool_patch(std::string_view body);
/// PUT and PATCH /v2/flavors/{flavor}: the pool list (capabilities are accepted and ignored:
/// they come from the pools).
std::vector<std::string> parse_flavor_body(std::string_view body);

}  // namespace marconi::api
