// Marconi. The domain errors drivers raise, worded once so every driver says the same thing.
#pragma once

#include "storage/contract/error.hpp"
#include "storage/contract/ids.hpp"

namespace marconi::storage::errors {

[[noreturn]] inline void queue_not_found(const core::queue_name& name) {
    throw core::error{core::errc::queue_not_found, "Queue " + name.value() + " does not exist."};
}

[[noreturn]] inline void claim_not_found() {
    throw core::error{core::errc::claim_not_found, "The claim does not exist or has expired."};
}

[[noreturn]] inline void claim_invalid() {
    throw core::error{core::errc::claim_invalid,
                      "The specified claim does not exist or has expired."};
}

[[noreturn]] inline void message_claimed() {
    throw core::error{core::errc::message_claimed,
                      "This message is claimed; it cannot be deleted without a valid claim ID."};
}

[[noreturn]] inline void message_not_claimed() {
    throw core::error{core::errc::message_not_claimed,
                      "A claim was specified, but the message is not currently claimed."};
}

[[noreturn]] inline void subscription_not_found(const core::subscription_id& id) {
    throw core::error{core::errc::subscription_not_found,
                      "Subscription " + id.value() + " does not exist"};
}

/// Zaqar's SubscriptionAlreadyExists wording (also the 409 of a duplicate create).
inline constexpr const char* subscription_exists_text =
    "Such subscription already exists. Subscriptions are unique by project + queue + "
    "subscriber URI.";

[[noreturn]] inline void subscription_exists() {
    throw core::error{core::errc::conflict, subscription_exists_text};
}

[[noreturn]] inline void invalid_marker() {
    throw core::error{core::errc::invalid_request, "The marker is not valid."};
}

[[noreturn]] inline void invalid_metadata_filter(const std::string& key) {
    throw core::error{core::errc::invalid_request,
                      "The metadata filter for '" + key + "' is not valid JSON."};
}

}  // namespace marconi::storage::errors
