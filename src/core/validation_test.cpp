// Marconi. Validation against Zaqar 15.0.0's bounds and exact wording.
#include "core/validation.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "storage/contract/ids.hpp"

namespace marconi::core {
namespace {

namespace json = boost::json;

struct failure {
    errc code;
    std::string title;  ///< empty for untitled errors
    std::string description;
};

std::optional<failure> run(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const titled_error& e) {
        return failure{e.code(), std::string(e.title()), std::string(e.description())};
    } catch (const error& e) {
        return failure{e.code(), "", std::string(e.description())};
    }
    return std::nullopt;
}

void expect_ok(const std::function<void()>& fn) { EXPECT_EQ(run(fn), std::nullopt); }

void expect_invalid(const std::function<void()>& fn, const std::string& description) {
    const auto f = run(fn);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->code, errc::invalid_request);
    EXPECT_EQ(f->description, description);
}

bool operator==(const failure& a, const failure& b) {
    return a.code == b.code && a.title == b.title && a.description == b.description;
}

void PrintTo(const failure& f, std::ostream* os) {
    *os << "{" << static_cast<int>(f.code) << ", \"" << f.title << "\", \"" << f.description
        << "\"}";
}

TEST(truthy, follows_python) {
    for (const char* falsy : {"null", "false", "0", "0.0", "\"\"", "[]", "{}"}) {
        EXPECT_FALSE(zaqar_truthy(json::parse(falsy))) << falsy;
    }
    for (const char* truthy : {"true", "1", "-1", "0.5", "\" \"", "[0]", "{\"a\":null}"}) {
        EXPECT_TRUE(zaqar_truthy(json::parse(truthy))) << truthy;
    }
}

TEST(queue_name, accepts_allowed_characters_up_to_64) {
    EXPECT_TRUE(is_valid_queue_name("a-Z_0.9"));
    EXPECT_TRUE(is_valid_queue_name(std::string(64, 'q')));
    expect_ok([] { validate_queue_name("fizbit", std::string(256, 'p')); });
}

TEST(queue_name, rejects_with_zaqar_identification_error) {
    const failure expected{errc::invalid_request, "Invalid queue identification",
                           "The format of the submitted queue name or project id is not valid."};
    for (const std::string& bad :
         std::vector<std::string>{"", "a b", "a/b", "é", "a+b", std::string(65, 'q')}) {
        EXPECT_EQ(run([&] { validate_queue_name(bad); }), expected) << bad;
    }
    EXPECT_EQ(run([] { validate_queue_name("ok", std::string(257, 'p')); }), expected);
}

TEST(topic_name, follows_the_queue_rules_with_zaqars_topic_wording) {
    expect_ok([] { validate_topic_name("a-Topic_1.x"); });
    const failure expected{errc::invalid_request, "Invalid topic identification",
                           "The format of the submitted topic name or project id is not valid."};
    for (const std::string& bad :
         std::vector<std::string>{"", "a b", "a/b", std::string(65, 't')}) {
        EXPECT_EQ(run([&] { validate_topic_name(bad); }), expected) << bad;
    }
    EXPECT_EQ(run([] { validate_topic_name("ok", std::string(257, 'p')); }), expected);
}

TEST(project_id, missing_and_empty_have_their_own_titles) {
    expect_ok([] { validate_project_id("p"); });
    EXPECT_EQ(run([] { validate_project_id(std::nullopt); }),
              (failure{errc::missing_header, "Project-Id Missing",
                       "The header X-PROJECT-ID was missing"}));
    EXPECT_EQ(run([] { validate_project_id(""); }),
              (failure{errc::missing_header, "Empty project header not allowed",
                       "X-PROJECT-ID cannot be an empty string. Specify the right header "
                       "X-PROJECT-ID and retry."}));
}

TEST(project_id, control_characters_are_refused_so_internal_namespaces_stay_unreachable) {
    const failure expected{errc::missing_header, "Invalid project id",
                           "X-PROJECT-ID must not contain control characters."};
    EXPECT_EQ(run([] { validate_project_id(std::string_view{"p\x1ftopics"}); }), expected);
    EXPECT_EQ(run([] { validate_project_id("p\x7f"); }), expected);
    EXPECT_EQ(topic_address(project_id{"p"}, queue_name{"t"}).project.value(), "p\x1ftopics");
}

TEST(client_id, missing_header) {
    EXPECT_EQ(run([] { validate_client_id(std::nullopt, limits{}); }),
              (failure{errc::missing_header, "Missing header value",
                       "The \"Client-ID\" header is required."}));
}

TEST(client_id, strict_accepts_what_python_uuid_accepts) {
    for (const char* ok :
         {"3381af92-2b9e-11e3-b191-71861300734c", "3381AF922B9E11E3B19171861300734C",
          "{3381af92-2b9e-11e3-b191-71861300734c}", "urn:uuid:3381af92-2b9e-11e3-b191-71861300734c",
          "3381-af922b9e11e3b19171861300734c--", "3381af92_2b9e11e3b19171861300734",
          "+3381af922b9e11e3b19171861300734", "0x3381af922b9e11e3b1917186130070",
          "-00000000000000000000000000000000", " 3381af922b9e11e3b19171861300734"}) {
        expect_ok([&] { validate_client_id(ok, limits{}); });
    }
}

TEST(client_id, strict_rejects_malformed_uuid) {
    const failure expected{errc::missing_header, "Wrong UUID value", "Malformed hexadecimal UUID."};
    for (const char* bad :
         {"", "not-a-uuid", "3381af92-2b9e-11e3-b191-71861300734",
          "g381af922b9e11e3b19171861300734c", "3381af922b9e11e3b19171861300734c0",
          "-3381af922b9e11e3b19171861300734", "3381af92__b9e11e3b19171861300734",
          "_381af922b9e11e3b19171861300734c", "3381af922b9e11e3b19171861300734_", "{}",
          "0x3381af922b9e11e3b191718613007", "3381af92-2b9e-11e3-b191-71861300734g",
          "3381af92-2b9e-11e3-b191+71861300734c"}) {
        EXPECT_EQ(run([&] { validate_client_id(bad, limits{}); }), expected) << bad;
    }
}

TEST(client_id, off_checks_length_but_reports_the_uuid_error) {
    limits off;
    off.client_id_uuid_safe = client_id_check::off;
    expect_ok([&] { validate_client_id(std::string(10, 'c'), off); });
    expect_ok([&] { validate_client_id(std::string(36, 'c'), off); });
    const failure expected{errc::missing_header, "Wrong UUID value", "Malformed hexadecimal UUID."};
    EXPECT_EQ(run([&] { validate_client_id(std::string(9, 'c'), off); }), expected);
    EXPECT_EQ(run([&] { validate_client_id(std::string(37, 'c'), off); }), expected);
}

TEST(message, ttl_bounds) {
    const limits l;
    expect_ok([&] { validate_message_ttl(60, l); });
    expect_ok([&] { validate_message_ttl(1209600, l); });
    const std::string text =
        "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds "
        "long.";
    expect_invalid([&] { validate_message_ttl(59, l); }, text);
    expect_invalid([&] { validate_message_ttl(1209601, l); }, text);
}

TEST(message, delay_bounds_keep_zaqars_missing_space) {
    const limits l;
    expect_ok([&] { validate_message_delay(0, l); });
    expect_ok([&] { validate_message_delay(900, l); });
    const std::string text =
        "The Delay TTL for a message may not exceed 900 seconds,and must be at least 0 seconds "
        "long.";
    expect_invalid([&] { validate_message_delay(-1, l); }, text);
    expect_invalid([&] { validate_message_delay(901, l); }, text);
}

TEST(message, empty_batch) {
    expect_ok([] { validate_message_count(1); });
    expect_invalid([] { validate_message_count(0); }, "No messages to enqueu.");
}

TEST(message, post_size_without_queue_cap) {
    limits l;
    l.max_messages_post_size = 100;
    expect_ok([&] { validate_message_post_size(100, {}, l); });
    expect_invalid([&] { validate_message_post_size(101, {}, l); },
                   "Message collection size is too large. Max size 100");
    // A falsy queue value is no cap at all.
    expect_ok([&] {
        validate_message_post_size(100, json::parse(R"({"_max_messages_post_size":0})").as_object(),
                                   l);
    });
}

TEST(message, post_size_with_queue_cap_names_both_limits) {
    limits l;
    l.max_messages_post_size = 100;
    const auto queue = json::parse(R"({"_max_messages_post_size":40})").as_object();
    expect_ok([&] { validate_message_post_size(40, queue, l); });
    expect_invalid([&] { validate_message_post_size(41, queue, l); },
                   "Message collection size is too large. The max size for current queue is 40. "
                   "It is calculated by max size = min(max_messages_post_size_config: 100, "
                   "max_messages_post_size_queue: 40).");
    const auto larger = json::parse(R"({"_max_messages_post_size":500})").as_object();
    expect_invalid([&] { validate_message_post_size(101, larger, l); },
                   "Message collection size is too large. The max size for current queue is 100. "
                   "It is calculated by max size = min(max_messages_post_size_config: 100, "
                   "max_messages_post_size_queue: 500).");
}

TEST(claim, ttl_and_grace_bounds) {
    const limits l;
    expect_ok([&] { validate_claim_ttl(60, l); });
    expect_ok([&] { validate_claim_ttl(43200, l); });
    expect_invalid([&] { validate_claim_ttl(59, l); },
                   "The TTL for a claim may not exceed 43200 seconds, and must be at least 60 "
                   "seconds long.");
    expect_ok([&] { validate_claim_grace(60, l); });
    expect_invalid([&] { validate_claim_grace(43201, l); },
                   "The grace for a claim may not exceed 43200 seconds, and must be at least 60 "
                   "seconds long.");
}

TEST(claim, creation_checks_ttl_then_limit_then_grace) {
    const limits l;
    expect_ok([&] { validate_claim_creation(60, 60, std::nullopt, l); });
    expect_ok([&] { validate_claim_creation(60, 60, 20, l); });
    const std::string limit_text = "Limit must be at least 1 and may not be greater than 20.";
    expect_invalid([&] { validate_claim_creation(60, 1, 0, l); }, limit_text);
    expect_invalid([&] { validate_claim_creation(60, 1, 21, l); }, limit_text);
    expect_invalid([&] { validate_claim_creation(1, 1, 0, l); },
                   "The TTL for a claim may not exceed 43200 seconds, and must be at least 60 "
                   "seconds long.");
    expect_invalid([&] { validate_claim_creation(60, 1, 5, l); },
                   "The grace for a claim may not exceed 43200 seconds, and must be at least 60 "
                   "seconds long.");
}

TEST(paging, queue_and_message_limits_have_different_wording) {
    const limits l;
    expect_ok([&] { validate_queue_list_limit(1, l); });
    expect_ok([&] { validate_queue_list_limit(20, l); });
    expect_invalid([&] { validate_queue_list_limit(0, l); },
                   "Limit must be at least 1 and no greater than 20.");
    expect_invalid([&] { validate_queue_list_limit(21, l); },
                   "Limit must be at least 1 and no greater than 20.");
    expect_ok([&] { validate_message_list_limit(20, l); });
    expect_invalid([&] { validate_message_list_limit(21, l); },
                   "Limit must be at least 1 and may not be greater than 20.");
}

TEST(deletion, needs_exactly_one_of_pop_and_ids) {
    const limits l;
    expect_ok([&] { validate_message_deletion(1, std::nullopt, std::nullopt, l); });
    expect_ok([&] { validate_message_deletion(std::nullopt, 20, std::nullopt, l); });
    expect_invalid([&] { validate_message_deletion(1, 1, std::nullopt, l); },
                   "pop and id params cannot be present together in the delete request.");
    expect_invalid([&] { validate_message_deletion(std::nullopt, std::nullopt, std::nullopt, l); },
                   "The request should have either \"ids\" or \"pop\" parameter in the request, "
                   "to be able to delete.");
}

TEST(deletion, pop_and_ids_bounds) {
    const limits l;
    expect_invalid([&] { validate_message_deletion(0, std::nullopt, std::nullopt, l); },
                   "Pop value must be at least 1 and may not be greater than 20.");
    expect_invalid([&] { validate_message_deletion(21, std::nullopt, std::nullopt, l); },
                   "Pop value must be at least 1 and may not be greater than 20.");
    expect_invalid([&] { validate_message_deletion(std::nullopt, 21, std::nullopt, l); },
                   "ids parameter should have at least 1 and not greater than 20 values.");
}

TEST(deletion, claim_ids_required_only_when_configured) {
    limits l;
    expect_ok([&] { validate_message_deletion(std::nullopt, 2, std::nullopt, l); });
    l.message_delete_with_claim_id = true;
    const std::string text =
        "The request should have both \"ids\" and \"claim_ids\" parameter in the request when "
        "message_delete_with_claim_id is True.";
    expect_invalid([&] { validate_message_deletion(std::nullopt, 2, std::nullopt, l); }, text);
    expect_invalid([&] { validate_message_deletion(3, std::nullopt, 1, l); }, text);
    expect_ok([&] { validate_message_deletion(std::nullopt, 2, 2, l); });
    expect_ok([&] { validate_message_deletion(3, std::nullopt, std::nullopt, l); });
}

TEST(queue_metadata, size_uses_the_callers_code) {
    limits l;
    l.max_queue_metadata = 10;
    expect_ok([&] { validate_queue_metadata_size(10, l, errc::invalid_request); });
    expect_invalid([&] { validate_queue_metadata_size(11, l, errc::invalid_request); },
                   "Queue metadata is too large. Max size: 10");
    const auto f = run([&] { validate_queue_metadata_size(11, l, errc::invalid_body); });
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->code, errc::invalid_body);
}

}  // namespace
}  // namespace marconi::core
