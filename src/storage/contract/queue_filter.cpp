// Marconi. Queue-listing filters.
#include "storage/contract/queue_filter.hpp"

#include "common/json_depth.hpp"
#include "storage/contract/errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace marconi::storage {

namespace {

bool is_number(const boost::json::value& v) {
    return v.is_int64() || v.is_uint64() || v.is_double();
}

bool same_value(const boost::json::value& stored, const boost::json::value& wanted) {
    if (is_number(stored) && is_number(wanted)) {
        return stored.to_number<double>() == wanted.to_number<double>();
    }
    if (stored.kind() != wanted.kind()) return false;
    if (stored.is_object() || stored.is_array()) {
        return boost::json::serialize(stored) == boost::json::serialize(wanted);
    }
    return stored == wanted;
}

}  // namespace

queue_filter::queue_filter(const core::queue_list_options& options)
    : name_contains_(options.name_contains) {
    for (const auto& [key, value_json] : options.metadata_equals) {
        boost::system::error_code ec;
        auto value = boost::json::parse(value_json, ec);
        if (ec) {
            errors::invalid_metadata_filter(key);
        }
        metadata_equals_.emplace_back(key, std::move(value));
    }
}

bool queue_filter::matches(const core::queue_record& queue) const {
    if (name_contains_ && queue.name.value().find(*name_contains_) == std::string::npos) {
        return false;
    }
    if (metadata_equals_.empty()) return true;
    boost::system::error_code ec;
    const auto metadata = parse_own_json(queue.metadata_json, ec);
    if (ec || !metadata.is_object()) return false;
    for (const auto& [key, wanted] : metadata_equals_) {
        const auto* stored = metadata.get_object().if_contains(key);
        if (!stored || !same_value(*stored, wanted)) return false;
    }
    return true;
}

}  // namespace marconi::storage
