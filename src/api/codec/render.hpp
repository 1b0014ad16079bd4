// Marconi. Core types -> Zaqar v2 response JSON. Message bodies are stored as JSON text and
// spliced in verbatim, so listing never re-parses or re-serializes a body.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/codec/api_version.hpp"
#include "common/clock.hpp"
#include "common/iso_time.hpp"
#include "storage/contract/model.hpp"

namespace marconi::api {

/// `s` as a JSON string literal (quoted, escaped).
void append_json_string(std::string& out, std::string_view s);

/// `"links":[{"rel":"next","href":...}]`, or `"links":[]` without a next page.
void append_links(std::string& out, const std::optional<std::string>& next_href);

/// `/v2/queues/{name}` (or under `version`'s root): the base every queue-scoped href is built on.
std::string queue_path(const core::queue_name& name, api_version version = api_version::v2);

/// How a message shows: v1.1 and v2 name its id, v1.0 only its href.
enum class message_form { with_id, href_only };

/// `{"id","href","ttl","age","body"}` (`href_only`: no id); href carries ?claim_id= while the
/// message is claimed.
void append_message(std::string& out, const core::message& m, std::string_view queue_path,
                    time_point now, message_form form = message_form::with_id);

/// `{"messages":[...],"links":[{"rel":"next","href":...}]}` (links empty for an empty page).
std::string render_message_page(const std::vector<core::message>& messages,
                                std::string_view queue_path, time_point now,
                                const std::optional<std::string>& next_href,
                                message_form form = message_form::with_id);

/// `[...]`: v1.0's answer to `?ids=` and to a claim.
std::string render_message_array(const std::vector<core::message>& messages,
                                 std::string_view queue_path, time_point now, message_form form);

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
std::string render_claim(const core::claim& claim, std::string_view queue_path, time_point now,
                         message_form form = message_form::with_id);

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
                                 const boost::json::object* metadata,
                                 api_version version = api_version::v2);

}  // namespace marconi::api
