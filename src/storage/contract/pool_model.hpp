// Marconi. Pools, flavors and the catalog (scale-out): value types shared by the admin services
// and the control stores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/contract/ids.hpp"

namespace marconi::core {

/// A message store deployment that holds queues (Zaqar's pool).
struct pool_record {
    std::string name;
    std::string uri;                    ///< a storage URI: sqlite://, redis://, redis+cluster://
    std::int64_t weight = 0;            ///< share of new queues among its peers; 0 takes none
    std::optional<std::string> flavor;  ///< the flavor it serves, if any
    std::string options_json = "{}";    ///< free-form options object, stored verbatim

    friend bool operator==(const pool_record&, const pool_record&) = default;
};

/// A named set of pools a project's queue can ask for with `_flavor` in its metadata. Its pool
/// list is the pools whose `flavor` names it.
struct flavor_record {
    project_id project;
    std::string name;

    friend bool operator==(const flavor_record&, const flavor_record&) = default;
};

/// The pool name the catalog records for queues in the default store (`storage.uri`), which
/// serves as Zaqar's "virtual pool". Pool names cannot be empty, so it never clashes.
inline const std::string default_pool_name;

}  // namespace marconi::core
