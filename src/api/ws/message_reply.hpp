// Marconi. Messages as Zaqar's WebSocket endpoints show them (api_utils.format_message): the
// values the HTTP codec renders, without hrefs, with the claim id the action knows.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <vector>

#include "common/clock.hpp"
#include "storage/contract/model.hpp"

namespace marconi::api::ws {

/// `{"id","claim_id","ttl","age","body"}`.
boost::json::object format_message(const core::message& m, const boost::json::value& claim_id,
                                   time_point now);

boost::json::array format_messages(const std::vector<core::message>& messages,
                                   const boost::json::value& claim_id, time_point now);

}  // namespace marconi::api::ws
