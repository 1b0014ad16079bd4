// Marconi. Queue metadata PATCH: Zaqar's pointer rules, messages and conflict codes.
#include "core/json_patch.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "storage/contract/error.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

std::string patched(std::string_view metadata, std::string_view patch) {
    return json::serialize(apply_metadata_patch(obj(metadata), json::parse(patch)));
}

/// {code, description} of the failure, or {internal, ""} when the patch applied.
std::pair<errc, std::string> failure(std::string_view patch, std::string_view metadata = "{}") {
    try {
        apply_metadata_patch(obj(metadata), json::parse(patch));
    } catch (const error& e) {
        return {e.code(), std::string(e.description())};
    }
    return {errc::internal, ""};
}

std::string body_error(std::string_view patch) {
    const auto [code, description] = failure(patch);
    EXPECT_EQ(code, errc::invalid_body) << patch;
    return description;
}

TEST(json_patch, add_replace_remove) {
    EXPECT_EQ(patched(R"({"a":1,"b":2,"c":3})",
                      R"([{"op":"add","path":"/metadata/d","value":{"x":[1]}},
                          {"op":"replace","path":"/metadata/a","value":null},
                          {"op":"remove","path":"/metadata/b"}])"),
              R"({"a":null,"c":3,"d":{"x":[1]}})");
}

TEST(json_patch, empty_array_is_a_no_op_as_in_zaqar) {
    EXPECT_EQ(patched(R"({"a":1})", "[]"), R"({"a":1})");
}

TEST(json_patch, escapes_case_and_whitespace_in_paths) {
    EXPECT_EQ(patched("{}", R"([{"op":"add","path":"/metadata/a~1b~0c","value":1}])"),
              R"({"a/b~c":1})");
    EXPECT_EQ(patched("{}", R"([{"op":"add","path":"/METADATA/ k ","value":1}])"), R"({"k":1})");
    EXPECT_EQ(patched("{}", R"([{"op":"add","path":"//metadata/k","value":1}])"), R"({"k":1})");
}

TEST(json_patch, remove_does_not_check_the_root) {
    EXPECT_EQ(patched(R"({"k":1,"j":2})", R"([{"op":"remove","path":"/anything/k"}])"),
              R"({"j":2})");
}

TEST(json_patch, replace_and_remove_of_missing_keys_conflict) {
    EXPECT_EQ(failure(R"([{"op":"replace","path":"/metadata/k","value":1}])"),
              std::make_pair(errc::conflict, std::string("Can't replace non-existent object k.")));
    EXPECT_EQ(failure(R"([{"op":"remove","path":"/metadata/k"}])"),
              std::make_pair(errc::conflict, std::string("Can't remove non-existent object k.")));
}

TEST(json_patch, reserved_keys_may_be_replaced_or_removed_when_absent) {
    EXPECT_EQ(patched("{}", R"([{"op":"replace","path":"/metadata/_default_message_ttl","value":90},
                                {"op":"remove","path":"/metadata/_max_claim_count"},
                                {"op":"remove","path":"/metadata/_enable_encrypt_messages"}])"),
              R"({"_default_message_ttl":90})");
    EXPECT_EQ(failure(R"([{"op":"remove","path":"/metadata/_flavor"}])").first, errc::conflict);
}

TEST(json_patch, a_topic_reserves_only_its_three_keys) {
    // wsgi/v2_0/topic.py: _max_messages_post_size, _default_message_ttl, _default_message_delay.
    const auto topic_patch = [](std::string_view patch) {
        return apply_metadata_patch({}, json::parse(patch), metadata_owner::topic);
    };
    EXPECT_EQ(json::serialize(topic_patch(
                  R"([{"op":"replace","path":"/metadata/_default_message_delay","value":5}])")),
              R"({"_default_message_delay":5})");
    try {
        topic_patch(R"([{"op":"remove","path":"/metadata/_max_claim_count"}])");
        FAIL() << "a queue-only reserved key is not a topic's";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), errc::conflict);
    }
}

TEST(json_patch, document_shape) {
    EXPECT_EQ(body_error(R"({"op":"add"})"), "Document type not supported.");
    EXPECT_EQ(body_error("5"), "Request body could not be parsed.");
    EXPECT_EQ(body_error("[1]"), "Operations must be JSON objects.");
}

TEST(json_patch, op_errors) {
    const std::string available = "It must be one of the following: add, remove, replace.";
    EXPECT_EQ(body_error(R"([{"path":"/metadata/k"}])"),
              "Unable to find `op` in JSON Schema change. " + available);
    EXPECT_EQ(body_error(R"([{"op":null,"path":"/metadata/k"}])"),
              "Unable to find `op` in JSON Schema change. " + available);
    EXPECT_EQ(body_error(R"([{"op":"move","path":"/metadata/k"}])"),
              "Invalid operation: `move`. " + available);
    EXPECT_EQ(body_error(R"([{"op":true,"path":"/metadata/k"}])"),
              "Invalid operation: `True`. " + available);
}

TEST(json_patch, pointer_errors) {
    EXPECT_EQ(body_error(R"([{"op":"add","value":1}])"),
              "Unable to find 'path' in JSON Schema change");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"metadata/k","value":1}])"),
              "Pointer `metadata/k` does not start with \"/\".");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/metadata//k","value":1}])"),
              "Pointer `/metadata//k` contains adjacent \"/\".");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/metadata/ /k","value":1}])"),
              "Pointer `/metadata/ /k` contains adjacent \"/\".");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/metadata/","value":1}])"),
              "Pointer `/metadata/` end with \"/\".");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/ / ","value":1}])"),
              "Pointer `/ / ` does not contains valid token.");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/metadata/a~2","value":1}])"),
              "Pointer `/metadata/a~2` contains \"~\" not part of a recognized escape sequence.");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/metadata/a~","value":1}])"),
              "Pointer `/metadata/a~` contains \"~\" not part of a recognized escape sequence.");
    EXPECT_EQ(body_error(R"([{"op":"add","path":7,"value":1}])"),
              "The value of \"path\" must be a string.");
}

TEST(json_patch, path_shape_value_and_root) {
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/metadata","value":1}])"),
              "Invalid JSON pointer for this resource: '/metadata, e.g /metadata/key'");
    EXPECT_EQ(body_error(R"([{"op":"remove","path":"/metadata/a/b"}])"),
              "Invalid JSON pointer for this resource: '/metadata/a/b, e.g /metadata/key'");
    EXPECT_EQ(body_error(R"([{"op":"replace","path":"/metadata/k"}])"),
              "Operation \"replace\" requires a member named \"value\".");
    EXPECT_EQ(body_error(R"([{"op":"add","path":"/meta/k","value":1}])"),
              "The root of path must be metadata, e.g /metadata/key.");
}

TEST(json_patch, validates_every_change_before_applying_any) {
    // The conflict in the first change would win if changes were applied one by one.
    EXPECT_EQ(body_error(R"([{"op":"remove","path":"/metadata/missing"},{"op":"nope"}])"),
              "Invalid operation: `nope`. It must be one of the following: add, remove, replace.");
}

TEST(json_patch, input_is_untouched_on_failure) {
    const auto metadata = obj(R"({"a":1})");
    EXPECT_THROW(apply_metadata_patch(metadata, json::parse(R"([{"op":"add","path":"/metadata/b",
                 "value":2},{"op":"remove","path":"/metadata/zz"}])")),
                 error);
    EXPECT_EQ(json::serialize(metadata), R"({"a":1})");
}

}  // namespace
}  // namespace marconi::core
