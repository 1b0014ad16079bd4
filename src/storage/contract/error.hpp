// Marconi. The closed set of domain failures; api::to_http is the one place mapping them to HTTP.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace marconi::core {

/// Domain error codes. Every enumerator before `count` has one row in api::to_http's table
/// (pinned by error_mapping_test). The transport's own failures (401, 404 of an unknown route,
/// 405, 406, 415, 431) are api::transport_errc.
enum class errc {
    invalid_request,  ///< a value out of range or otherwise invalid (Zaqar: "Invalid API request")
    invalid_body,     ///< body unparsable, wrong field type, missing field
    invalid_parameter,  ///< a query parameter of the wrong type ("Invalid parameter")
    missing_header,     ///< a required header is absent or malformed
    queue_not_found,
    message_not_found,
    claim_not_found,         ///< GET/PATCH of a claim that is unknown or expired
    pool_not_found,          ///< admin API: no pool of that name
    flavor_not_found,        ///< admin API: no flavor of that name in the project
    subscription_not_found,  ///< no live subscription with that id on that queue or topic
    topic_not_found,
    claim_invalid,  ///< delete with a claim id that is unknown, expired, or not this message's
    message_not_claimed,  ///< delete with a claim id while the message is not claimed
    message_claimed,      ///< delete without a claim id while the message is claimed (403)
    conflict,             ///< JSON-patch on a missing key, duplicate resource
    forbidden,            ///< authenticated, but the policy (or the project) does not allow it
    quota_exceeded,       ///< a count quota (queues, messages, subscriptions) is used up
    rate_limited,         ///< a project's post or claim rate is used up for now
    unavailable,          ///< storage failure; the client should retry (503)
    internal,             ///< a bug (500)
    count,                ///< not a code: how many there are
};

/// A domain failure with a description a human can act on. Thrown by validation, services and
/// drivers; caught in exactly one place (the router), which renders the Zaqar error body.
/// Descriptions must never contain internal detail (SQL, stack traces): log that instead.
class error : public std::runtime_error {
public:
    error(errc code, std::string description)
        : std::runtime_error(std::move(description)), code_(code) {}

    errc code() const noexcept { return code_; }
    std::string_view description() const noexcept { return what(); }

private:
    errc code_;
};

/// A refusal the client may retry later: api::error_response sends `Retry-After`.
class throttled_error : public error {
public:
    throttled_error(errc code, std::string description, std::int64_t retry_after_seconds)
        : error(code, std::move(description)), retry_after_seconds_(retry_after_seconds) {}

    std::int64_t retry_after_seconds() const noexcept { return retry_after_seconds_; }

private:
    std::int64_t retry_after_seconds_;
};

}  // namespace marconi::core
