// Marconi. GET /v2's json-home document (draft-nottingham-json-home-03), which the WebSocket
// get_home_doc action answers too.
#pragma once

#include <boost/json/object.hpp>
#include <string>

namespace marconi::api {

/// The document; in admin mode it lists /v2/health too. Built once, immutable.
const boost::json::object& home_document(bool admin_mode);

/// The same, serialized once.
const std::string& home_document_text(bool admin_mode);

}  // namespace marconi::api
