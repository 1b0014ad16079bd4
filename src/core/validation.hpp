// Marconi. Request validation with Zaqar 15.0.0's exact wording (zaqar/transport/validation.py
// and the header hooks in zaqar/common/transport/wsgi/helpers.py). Pure functions, thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "storage/contract/error.hpp"

namespace marconi::core {

/// A failure whose Zaqar title belongs to the check, not to the code: the header hooks use
/// titles such as "Wrong UUID value" that api::to_http cannot derive from errc alone.
/// The router should prefer title() when it catches one of these.
class titled_error : public error {
public:
    titled_error(errc code, std::string title, std::string description)
        : error(code, std::move(description)), title_(std::move(title)) {}

    std::string_view title() const noexcept { return title_; }

private:
    std::string title_;
};

/// Python truthiness of a JSON value (null, false, 0, 0.0, "", [], {} are falsy). Zaqar's
/// "missing or falsy" checks (`if not meta.get(k)`) are written in these terms.
bool zaqar_truthy(const boost::json::value& value) noexcept;

/// `^[a-zA-Z0-9_\-.]+$` and at most queue_name_max_len characters.
bool is_valid_queue_name(std::string_view name) noexcept;

// ---- Request headers and path (400 titled errors) ------------------------------------------

/// The queue-identification hook: a queue name in the path plus the project it is scoped to
/// (the only place Zaqar bounds the project id's length). Zaqar discards the specific reason
/// and always answers titled_error{invalid_request, "Invalid queue identification",
/// "The format of the submitted queue name or project id is not valid."}.
void validate_queue_name(std::string_view queue, std::string_view project = {});

/// The same rules for a topic name, with Zaqar's topic wording: titled_error{invalid_request,
/// "Invalid topic identification", "The format of the submitted topic name or project id is
/// not valid."}.
void validate_topic_name(std::string_view topic, std::string_view project = {});

/// X-Project-ID. Missing: titled_error{missing_header, "Project-Id Missing", ...};
/// empty: titled_error{missing_header, "Empty project header not allowed", ...}.
void validate_project_id(std::optional<std::string_view> header);

/// Client-ID. Missing: titled_error{missing_header, "Missing header value", ...}.
/// strict: must parse as Python's uuid.UUID(); off: length within
/// [min_length_client_id, max_length_client_id]. Either failure is
/// titled_error{missing_header, "Wrong UUID value", "Malformed hexadecimal UUID."}: Zaqar's
/// length message never reaches the client (ValidationFailed is a ValueError).
void validate_client_id(std::optional<std::string_view> header, const limits& limits);

/// v1.0's Client-ID check: none is fine, one given must be a UUID whatever client_id_uuid_safe
/// says (Zaqar's require_client_id for /v1); the same error as validate_client_id.
void validate_v1_client_id(std::optional<std::string_view> header);

// ---- Values (error{invalid_request}, Zaqar title "Invalid API request") --------------------

/// Message `ttl` in [min_message_ttl, max_message_ttl].
void validate_message_ttl(std::int64_t ttl, const limits& limits);
/// Message `delay` in [min_message_delay, max_message_delay].
void validate_message_delay(std::int64_t delay, const limits& limits);
/// A POST must carry at least one message.
void validate_message_count(std::size_t count);
/// Whole POST body size against min(max_messages_post_size, the queue's truthy
/// `_max_messages_post_size`); the wording differs when the queue sets its own cap.
void validate_message_post_size(std::int64_t body_size, const boost::json::object& queue_metadata,
                                const limits& limits);

/// Claim `ttl` in [min_claim_ttl, max_claim_ttl] (claim POST and PATCH).
void validate_claim_ttl(std::int64_t ttl, const limits& limits);
/// Claim `grace` in [min_claim_grace, max_claim_grace] (claim POST, and ours on PATCH).
void validate_claim_grace(std::int64_t grace, const limits& limits);
/// Claim `?limit=` in [1, max_messages_per_claim_or_pop].
void validate_claim_limit(std::int64_t limit, const limits& limits);
/// Claim POST in Zaqar's order: ttl, then limit (when given), then grace.
void validate_claim_creation(std::int64_t ttl, std::int64_t grace,
                             std::optional<std::int64_t> limit, const limits& limits);

/// Queue list `?limit=` in [1, max_queues_per_page].
void validate_queue_list_limit(std::int64_t limit, const limits& limits);
void validate_pool_list_limit(std::int64_t limit, const limits& limits);
void validate_flavor_list_limit(std::int64_t limit, const limits& limits);
/// Message list `?limit=` and the number of `?ids=` on GET, in [1, max_messages_per_page].
void validate_message_list_limit(std::int64_t limit, const limits& limits);
/// DELETE /messages: exactly one of `?pop=` and `?ids=`; with message_delete_with_claim_id,
/// `ids` and `claim_ids` together; pop in [1, max_messages_per_claim_or_pop]; ids count in
/// [1, max_messages_per_page]. A parameter that is absent (or parsed to no values) is nullopt.
void validate_message_deletion(std::optional<std::int64_t> pop,
                               std::optional<std::size_t> ids_count,
                               std::optional<std::size_t> claim_ids_count, const limits& limits);

/// Body size of a queue PUT or PATCH. Zaqar titles it "Invalid API request" on PUT
/// (errc::invalid_request) and "Invalid request body" on PATCH (errc::invalid_body), so the
/// caller passes the code.
void validate_queue_metadata_size(std::int64_t body_size, const limits& limits, errc code);

}  // namespace marconi::core
