// Marconi. Queue metadata PATCH (media type application/openstack-messaging-v2.0-json-patch).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/queue_settings.hpp"

namespace marconi::core {

/// Applies a Zaqar queue-metadata patch document: a JSON array (empty is a no-op, as in Zaqar) of
/// {"op":"add"|"replace"|"remove","path":"/metadata/<key>","value":...} (value required except
/// for remove; ~0 and ~1 escapes in the key). add sets the key; replace and remove need the key
/// to exist or be reserved (`_`-prefixed reserved names) and otherwise throw error{conflict}.
/// A malformed document throws error{invalid_body} or error{invalid_request}, naming what is
/// wrong. Returns the patched copy; `metadata` is untouched on failure.
/// The reserved names are those metadata_with_defaults shows for `owner`.
boost::json::object apply_metadata_patch(const boost::json::object& metadata,
                                         const boost::json::value& patch,
                                         metadata_owner owner = metadata_owner::queue);

}  // namespace marconi::core
