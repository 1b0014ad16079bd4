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
/// PUT /v2/flavors/{flavor}: the pool list (capabilities, an object, are accepted and ignored:
/// they come from the pools); nothing else.
std::vector<std::string> parse_flavor_create(std::string_view body);
/// PATCH /v2/flavors/{flavor}: the pool list; other keys are ignored, as Zaqar's schema lets
/// them through.
std::vector<std::string> parse_flavor_patch(std::string_view body);

}  // namespace marconi::api
