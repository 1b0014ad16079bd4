// Marconi. Queue-listing filters (name substring, metadata equality) for drivers that cannot
// push them into a query.
#pragma once

#include "storage/contract/model.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <vector>

namespace marconi::storage {

/// The filters of one listing, parsed once. Matching follows the SQLite driver's SQL: numbers
/// compare by value (12 matches 12.0), objects and arrays by their minified JSON.
class queue_filter {
public:
    /// Throws core::error{invalid_request} when a metadata filter is not JSON.
    explicit queue_filter(const core::queue_list_options& options);

    bool matches(const core::queue_record& queue) const;
    bool empty() const { return !name_contains_ && metadata_equals_.empty(); }

private:
    std::optional<std::string> name_contains_;
    std::vector<std::pair<std::string, boost::json::value>> metadata_equals_;
};

}  // namespace marconi::storage
