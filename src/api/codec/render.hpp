// Marconi. Core types -> Zaqar v2 response JSON. Message bodies are stored as JSON text and
// spliced in verbatim, so listing never re-parses or re-serializes a body.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "storage/contract/model.hpp"

namespace marconi::api {

/// `s` as a JSON string literal (quoted, escaped).
void append_json_string(std::string& out, std::string_view s);

/// `"links":[{"rel":"next","href":...}]`, or `"links":[]` without a next page.
void append_links(std::string& out, const std::optional<std::string>& next_href);

/// `/v2/queues/{name}`: the base every queue-scoped href is built on.
std::string queue_path(const core::queue_name& name);

/// `{"id","href","ttl","age","body"}`; href carries ?claim_id= while the message is claimed.
void append_message(std::string& out, const core::message& m, std::string_view queue_path,
                    time_point now);

/// `{"messages":[...],"links":[{"rel":"next","href":...}]}` (links empty for an empty page).
std::string render_message_page(const std::vector<core::message>& messages,
                                std::string_view queue_path, time_point now,
                                const std::optional<std::string>& next_href);

/// `{"messages":[...]}`, the `?ids=` and claim-create form.
std::string render_messages(const std::vector<core::message>& messages, std::string_view queue_path,
                            time_point now);

/// A message's body as a JSON value (it is stored as JSON text).
boost::json::value message_body(const core::message& m);

/// Pop's raw storage form:
/// `{"messages":[{"id","age","ttl","claim_count","body","claim_id":null}]}`.
boost::json::object popped_object(const std::vector<core::message>& messages, time_point now);
std::string render_popped(const std::vector<core::message>& messages, time_point now);

/// GET claim: `{"age","ttl","messages":[...],"href"}`.
std::string render_claim(const core::claim& claim, std::string_view queue_path, time_point now);

/// `{"resources":[hrefs]}` for a message POST.
std::string render_post_result(const std::vector<core::message_id>& ids,
                               std::string_view queue_path);

/// `{"messages":{"claimed","free","total","oldest"?,"newest"?}}`.
boost::json::object stats_object(const core::queue_stats& stats, std::string_view queue_path,
                                 time_point now);
std::string render_stats(const core::queue_stats& stats, std::string_view queue_path,
                         time_point now);

/// One entry of a queue or topic listing: `{"name","href","metadata"?}`; `collection` is
/// `queues` or `topics`, `metadata` (shown only in a detailed listing) may be null.
boost::json::object listing_item(const core::queue_record& record, std::string_view collection,
                                 const boost::json::object* metadata);

/// ISO 8601 UTC, `2024-01-01T00:00:00Z`.
std::string iso8601(time_point t);

}  // namespace marconi::api
