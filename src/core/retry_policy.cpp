// Marconi. Retry policies after Zaqar 15.0.0: Validator._validate_retry_policy
// (zaqar/transport/validation.py:174), WebhookTask._retry_post and the backoff functions
// (zaqar/notification/tasks/webhook.py), defaults from zaqar/common/consts.py.
#include "core/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "core/validation.hpp"
#include "storage/contract/error.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;

constexpr std::int64_t linear_interval = 5;  // consts.LINEAR_INTERVAL

[[noreturn]] void fail(std::string description) {
    throw error(errc::invalid_request, std::move(description));
}

bool is_integer(const json::value& v) { return v.is_int64() || v.is_uint64(); }

std::int64_t as_int64(const json::value& v) {
    if (v.is_int64()) return v.get_int64();
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    return v.get_uint64() > std::uint64_t(max) ? max : std::int64_t(v.get_uint64());
}

/// The key's integer, nullopt when missing or null; refuses any other type with `message`.
std::optional<std::int64_t> checked_integer(const json::object& policy, std::string_view key) {
    const auto* v = policy.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!is_integer(*v)) fail("Retry policy: " + std::string(key) + " must be a integer.");
    return as_int64(*v);
}

std::optional<backoff_function> backoff_named(std::string_view name) {
    if (name == "linear") return backoff_function::linear;
    if (name == "arithmetic") return backoff_function::arithmetic;
    if (name == "geometric") return backoff_function::geometric;
    if (name == "exponential") return backoff_function::exponential;
    return std::nullopt;
}

/// `holder["_retry_policy"]` when it is an object, else an empty one.
const json::object& policy_of(const json::object& holder) {
    static const json::object none;
    const auto* v = holder.if_contains("_retry_policy");
    return v && v->is_object() ? v->get_object() : none;
}

bool ignores_override(const json::object& policy) {
    const auto* v = policy.if_contains("ignore_subscription_override");
    return v && zaqar_truthy(*v);
}

/// Stored values are validated on write; anything else takes the default.
retry_policy parse(const json::object& raw) {
    retry_policy policy;
    auto read = [&raw](std::string_view key, std::int64_t& field) {
        if (const auto* v = raw.if_contains(key); v && is_integer(*v)) field = as_int64(*v);
    };
    read("retries_with_no_delay", policy.retries_with_no_delay);
    read("minimum_delay_retries", policy.minimum_delay_retries);
    read("minimum_delay", policy.minimum_delay);
    read("maximum_delay", policy.maximum_delay);
    read("maximum_delay_retries", policy.maximum_delay_retries);
    if (const auto* v = raw.if_contains("retry_backoff_function"); v && v->is_string()) {
        policy.backoff = backoff_named(v->get_string()).value_or(backoff_function::linear);
    }
    return policy;
}

/// Python's int() of a float: truncation, saturated to int64.
std::int64_t py_int(double value) {
    if (!(value < 9.2e18)) return value > 0 ? std::numeric_limits<std::int64_t>::max() : 0;
    if (value <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(value);
}

/// How many sleeps the backoff function yields for this policy.
std::int64_t backoff_length(const retry_policy& p) {
    const double span = double(p.maximum_delay) - double(p.minimum_delay);
    if (p.backoff == backoff_function::linear) {
        // len(range(minimum_delay, maximum_delay, 5))
        return span <= 0 ? 0 : py_int(std::ceil(span / linear_interval));
    }
    const auto x_max = py_int(span / linear_interval);
    // Zaqar divides by x_max - 1 (ZeroDivisionError below two steps) and takes log10 of
    // maximum_delay / minimum_delay (ZeroDivisionError or a domain error unless both > 0).
    if (x_max < 2) return 0;
    if (p.backoff != backoff_function::arithmetic &&
        (p.minimum_delay <= 0 || p.maximum_delay <= 0)) {
        return 0;
    }
    return x_max;
}

/// Element `index` (0-based) of the backoff function's sequence; the float arithmetic follows
/// webhook.py operation by operation, so the truncated results match Zaqar's.
std::int64_t backoff_element(const retry_policy& p, std::int64_t index) {
    const auto min = p.minimum_delay;
    const auto max = p.maximum_delay;
    if (p.backoff == backoff_function::linear) return min + linear_interval * index;
    const auto x_max = py_int((double(max) - double(min)) / linear_interval);
    const auto a = index + 1;  // Zaqar's xarray = range(1, x_max + 1)
    if (p.backoff == backoff_function::arithmetic) {
        const double d = 2.0 * double(max - min) / double(x_max * (x_max - 1));
        return py_int(double(min) + double((a - 1) * a) * d / 2);
    }
    const double k = std::pow(10.0, std::log10(double(max) / double(min)) / double(x_max - 1));
    if (p.backoff == backoff_function::geometric) {
        return py_int(double(min) * std::pow(k, double(a - 1)));
    }
    const double start = double(min) / k;  // exponential
    return py_int(start * std::pow(k, double(a)));
}

}  // namespace

void validate_retry_policy(const json::object& holder) {
    const auto* policy_value = holder.if_contains("_retry_policy");
    if (!policy_value || !zaqar_truthy(*policy_value)) return;
    if (!policy_value->is_object()) fail("retry_policy must be a dict.");
    const auto& policy = policy_value->get_object();

    // Zaqar's key order decides which message a policy with several faults gets.
    for (std::string_view key : {"retries_with_no_delay", "minimum_delay_retries", "minimum_delay",
                                 "maximum_delay", "maximum_delay_retries"}) {
        checked_integer(policy, key);
    }
    if (const auto* fn = policy.if_contains("retry_backoff_function"); fn && zaqar_truthy(*fn)) {
        if (!fn->is_string()) fail("retry_backoff_function must be a string.");
        if (!backoff_named(fn->get_string())) fail("invalid retry_backoff_function.");
    }
    if (const auto* ignore = policy.if_contains("ignore_subscription_override");
        ignore && zaqar_truthy(*ignore) && !ignore->is_bool()) {
        fail("ignore_subscription_override must be a boolean.");
    }

    const retry_policy defaults;
    const auto min_delay =
        checked_integer(policy, "minimum_delay").value_or(defaults.minimum_delay);
    const auto max_delay =
        checked_integer(policy, "maximum_delay").value_or(defaults.maximum_delay);
    if (max_delay < min_delay) fail("minimum_delay must less than maximum_delay.");
    if (std::uint64_t(max_delay) - std::uint64_t(min_delay) < 2 * linear_interval) {
        fail("invalid minimum_delay and maximum_delay.");
    }
}

retry_policy effective_retry_policy(const json::object& queue_metadata,
                                    const json::object& subscription_options) {
    const auto& queue = policy_of(queue_metadata);
    const auto& subscription = policy_of(subscription_options);
    if (ignores_override(subscription) || ignores_override(queue)) return parse(queue);
    return parse(subscription.empty() ? queue : subscription);
}

std::optional<std::int64_t> retry_delay(const retry_policy& policy, std::int64_t retry) {
    if (retry < 0) return std::nullopt;
    auto within = [&retry](std::int64_t phase_length) {
        const auto length = std::max<std::int64_t>(phase_length, 0);
        if (retry < length) return true;
        retry -= length;
        return false;
    };
    const auto non_negative = [](std::int64_t s) { return std::max<std::int64_t>(s, 0); };
    if (within(policy.retries_with_no_delay)) return 0;
    if (within(policy.minimum_delay_retries)) return non_negative(policy.minimum_delay);
    if (within(backoff_length(policy))) return non_negative(backoff_element(policy, retry));
    if (within(policy.maximum_delay_retries)) return non_negative(policy.maximum_delay);
    return std::nullopt;
}

}  // namespace marconi::core
