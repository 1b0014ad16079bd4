// Marconi. What the listings of v1.0 and v1.1 share: the queue listing and their next link.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http/handler.hpp"

namespace marconi::api {

/// The listing parameters a request gave, normalized as falcon reads them (`limit=5`,
/// `detailed=true`), in the order Zaqar reads them. Those not given are left out.
using given_parameters = std::vector<std::pair<std::string_view, std::string>>;

/// Reads `keys` from the request's query: "marker" and "limit" as text and integer, any other
/// key as a falcon boolean.
given_parameters given_listing_parameters(const request& req,
                                          std::initializer_list<std::string_view> keys);

/// Zaqar's `req.path + falcon.to_query_str(kwargs)` after `kwargs['marker'] = next`: the
/// parameters given, the new marker in the given one's place or else last.
std::string legacy_next_href(const request& req, given_parameters given,
                             const std::string& next_marker);

/// GET /v1/queues and /v1.1/queues (marker, limit, detailed): `{"queues":[{"name","href",
/// "metadata"?}], "links":[next]}`, the metadata as stored; nullopt for an empty page.
net::awaitable<std::optional<boost::json::object>> legacy_queue_listing(request_context& ctx,
                                                                        const request& req);

}  // namespace marconi::api
