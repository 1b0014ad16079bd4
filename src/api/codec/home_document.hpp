// Marconi. The json-home documents of GET /v2, /v1.1 and /v1 (draft-nottingham-json-home-03); the
// WebSocket get_home_doc action answers v2's.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "api/codec/api_version.hpp"

namespace marconi::api {

/// `version`'s document; in admin mode v2's lists the health check too, v1.1's pools, flavors
/// and the health check (v1.0's is the same in both). Built once, immutable.
const boost::json::object& home_document(api_version version, bool admin_mode);

/// The same, serialized once.
const std::string& home_document_text(api_version version, bool admin_mode);

}  // namespace marconi::api
