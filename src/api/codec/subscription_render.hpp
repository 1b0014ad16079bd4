// Marconi. Subscriptions -> Zaqar v2 response JSON. Options are stored as JSON text and spliced
// in verbatim.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "storage/contract/subscription_model.hpp"

namespace marconi::api {

/// `{"id","source","subscriber","ttl","age","options","confirmed"}`; `source` is the queue or
/// topic name the subscription was read from.
boost::json::object subscription_object(const core::subscription& s, std::string_view source,
                                        time_point now);
std::string render_subscription(const core::subscription& s, std::string_view source,
                                time_point now);

/// `{"subscriptions":[...],"links":[{"rel":"next","href":...}]}` (links empty without a next).
std::string render_subscription_page(const std::vector<core::subscription>& page,
                                     std::string_view source, time_point now,
                                     const std::optional<std::string>& next_href);

/// `{"subscription_id":"..."}`, the answer to a create.
std::string render_subscription_created(const core::subscription_id& id);

}  // namespace marconi::api
