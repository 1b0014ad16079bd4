// Marconi. Fuzz target: one input is read as every request body the codec and core parse:
// a message batch (POST messages), a claim (POST and PATCH claims), a purge, and, when it is
// JSON, a queue-metadata patch applied to empty and to populated metadata and a metadata object
// for PUT. Bad input may only ever throw core::error. Beyond that, the results must hold up:
// message bodies re-serialize as JSON, purge types are known, and metadata that passes
// validate_queue_metadata yields settings within the limits and a complete default view.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>

#include "api/codec/bodies.hpp"
#include "core/json_patch.hpp"
#include "core/limits.hpp"
#include "core/queue_settings.hpp"
#include "core/validation.hpp"
#include "fuzz_support.hpp"

namespace marconi::fuzz {

namespace json = boost::json;

namespace {

const core::limits& limits() {
    static const core::limits instance;
    return instance;
}

/// Metadata a queue may hold: every reserved key set, plus a user key.
const json::object& populated_metadata() {
    static const json::object instance = json::parse(R"({
        "_max_messages_post_size": 1024, "_default_message_ttl": 120,
        "_default_message_delay": 5, "_dead_letter_queue": "dlq",
        "_dead_letter_queue_messages_ttl": 600, "_max_claim_count": 3,
        "_enable_encrypt_messages": false, "color": "blue", "a/b~c": [1, 2]
    })")
                                             .as_object();
    return instance;
}

void check_metadata(const json::object& metadata) {
    const auto& lim = limits();
    if (!accepts([&] { core::validate_queue_metadata(metadata, lim); })) return;
    // Valid metadata must mean sane settings: nothing later may throw or go out of range.
    const auto settings = core::settings_from_metadata(metadata, lim);
    const auto detail = json::serialize(metadata);
    check(settings.max_messages_post_size >= 1 &&
              settings.max_messages_post_size <= lim.max_messages_post_size,
          "valid metadata gives an out-of-range max_messages_post_size", detail);
    check(settings.default_message_ttl >= core::min_message_ttl &&
              settings.default_message_ttl <= lim.max_message_ttl,
          "valid metadata gives an out-of-range default_message_ttl", detail);
    check(settings.default_message_delay >= core::min_message_delay &&
              settings.default_message_delay <= lim.max_message_delay,
          "valid metadata gives an out-of-range default_message_delay", detail);
    if (settings.dead_letter) {
        check(settings.dead_letter->max_claim_count >= 1,
              "valid metadata gives a dead-letter max_claim_count below 1", detail);
        check(core::is_valid_queue_name(settings.dead_letter->queue.value()),
              "valid metadata gives an invalid dead-letter queue name", detail);
        if (const auto ttl = settings.dead_letter->message_ttl) {
            check(*ttl >= core::min_message_ttl && *ttl <= lim.max_message_ttl,
                  "valid metadata gives an out-of-range dead-letter ttl", detail);
        }
    }
    const auto shown = core::metadata_with_defaults(metadata, lim);
    for (const char* key :
         {"_max_messages_post_size", "_default_message_ttl", "_default_message_delay",
          "_dead_letter_queue", "_dead_letter_queue_messages_ttl", "_max_claim_count",
          "_enable_encrypt_messages"}) {
        check(shown.contains(key), "metadata_with_defaults misses a reserved key", key);
    }
    // What GET shows is stored again by a PUT of the same document: it must validate too.
    check(accepts([&] { core::validate_queue_metadata(shown, lim); }),
          "metadata_with_defaults turns valid metadata invalid", json::serialize(shown));
}

}  // namespace

int bodies_one_input(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);

    accepts([&] {
        for (const auto& message : api::parse_message_batch(body)) {
            boost::system::error_code ec;
            json::parse(message.body_json, ec);
            check(!ec, "a message body does not re-parse as JSON", message.body_json);
        }
    });
    accepts([&] { api::parse_claim_body(body, true); });
    accepts([&] { api::parse_claim_body(body, false); });
    accepts([&] {
        for (const auto& type : api::parse_purge_body(body)) {
            check(type == "messages" || type == "subscriptions", "unknown purge resource type",
                  type);
        }
    });

    boost::system::error_code ec;
    const json::value document = json::parse(body, ec);
    if (ec) return 0;
    static const json::object empty;
    for (const json::object* base : {&empty, &populated_metadata()}) {
        json::object patched;
        if (accepts([&] { patched = core::apply_metadata_patch(*base, document); })) {
            check_metadata(patched);
        }
    }
    if (document.is_object()) check_metadata(document.get_object());
    return 0;
}

}  // namespace marconi::fuzz

MARCONI_FUZZ_ENTRY_POINT(bodies_one_input)
