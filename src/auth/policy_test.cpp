// Marconi. The rule set: Zaqar's defaults, policy files, linking and their errors.
#include "auth/policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace marconi::auth {
namespace {

using ::testing::HasSubstr;

identity caller(std::vector<std::string> roles, std::string user = "u") {
    return identity{std::move(user), std::nullopt, std::move(roles)};
}

bool allows(const policy& p, std::string_view rule, const identity& who,
            std::string_view project = "p1") {
    const auto* found = p.find(rule);
    EXPECT_NE(found, nullptr) << rule;
    return found && p.allows(*found, who, project);
}

std::string load_error(std::string_view json) {
    try {
        policy::from_json(json, "policy.json");
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "loaded";
}

TEST(policy, zaqar_defaults_admin_routes_need_the_admin_role) {
    const policy p;
    const auto member = caller({"member"});
    const auto admin = caller({"admin"});
    for (const auto* rule :
         {"health:get", "pools:get_all", "pools:create", "pools:get", "pools:delete",
          "pools:update", "flavors:create", "flavors:delete", "flavors:update"}) {
        EXPECT_FALSE(allows(p, rule, member)) << rule;
        EXPECT_TRUE(allows(p, rule, admin)) << rule;
    }
    for (const auto* rule :
         {"queues:get_all",      "queues:create",   "queues:get",      "queues:delete",
          "queues:update",       "queues:stats",    "queues:share",    "queues:purge",
          "messages:get_all",    "messages:create", "messages:get",    "messages:delete",
          "messages:delete_all", "claims:create",   "claims:get",      "claims:update",
          "claims:delete",       "ping:get",        "flavors:get_all", "flavors:get",
          "subscription:create", "topics:get_all"}) {
        EXPECT_TRUE(allows(p, rule, caller({}))) << rule;
    }
    EXPECT_EQ(p.find("no:such_rule"), nullptr);
}

TEST(policy, defaults_list_every_zaqar_rule_once) {
    std::set<std::string_view> names;
    for (const auto& d : zaqar_policy_defaults())
        EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_EQ(names.size(), 44u);
}

TEST(policy, a_file_overrides_defaults_and_adds_helper_rules) {
    const auto p = policy::from_json(R"({
        "messages:delete": "rule:deleters",
        "deleters": "role:janitor or rule:context_is_admin",
        "queues:create": "!"
    })",
                                     "policy.json");
    EXPECT_FALSE(allows(p, "messages:delete", caller({"member"})));
    EXPECT_TRUE(allows(p, "messages:delete", caller({"janitor"})));
    EXPECT_TRUE(allows(p, "messages:delete", caller({"admin"})));
    EXPECT_FALSE(allows(p, "queues:create", caller({"admin"})));
    EXPECT_TRUE(allows(p, "messages:get", caller({})));  // untouched default
    EXPECT_TRUE(p.unused_overrides().empty());
}

TEST(policy, is_admin_comes_from_context_is_admin) {
    const auto p = policy::from_json(R"({
        "queues:delete": "rule:admin_or_owner",
        "context_is_admin": "role:operator"
    })",
                                     "policy.json");
    // Owner: the caller's project is the target project.
    EXPECT_TRUE(allows(p, "queues:delete", caller({}), "p1"));
    EXPECT_TRUE(allows(p, "queues:delete", caller({"operator"}), "p1"));
    const auto plain = policy();
    EXPECT_FALSE(allows(plain, "health:get", caller({"operator"})));
}

TEST(policy, unknown_names_nobody_refers_to_are_reported_as_unused) {
    const auto p = policy::from_json(R"({"messages:delet": "!", "helper": "role:x",
                                         "queues:get": "rule:helper"})",
                                     "policy.json");
    EXPECT_EQ(p.unused_overrides(), std::vector<std::string>{"messages:delet"});
}

TEST(policy, every_problem_is_reported_with_the_rule_name) {
    const auto message = load_error(R"({
        "queues:get": "role:a or",
        "queues:create": "rule:nowhere",
        "a": "rule:b",
        "b": "role:x and rule:a",
        "self": "rule:self",
        "queues:delete": ["role:admin"]
    })");
    EXPECT_THAT(message, HasSubstr("policy.json: rule \"queues:delete\": expected a check string"));
    // The list-syntax error stops before parsing; fix it and see the rest.
    const auto rest = load_error(R"({
        "queues:get": "role:a or",
        "queues:create": "rule:nowhere",
        "a": "rule:b",
        "b": "role:x and rule:a",
        "self": "rule:self"
    })");
    EXPECT_THAT(rest, HasSubstr("policy.json: rule \"queues:get\": column 10: the rule ends too "
                                "early (in \"role:a or\")"));
    EXPECT_THAT(rest, HasSubstr("policy.json: rule \"queues:create\": rule:nowhere names no rule"));
    EXPECT_THAT(rest, HasSubstr("rules refer to each other in a cycle: a -> b -> a"));
    EXPECT_THAT(rest, HasSubstr("rules refer to each other in a cycle: self -> self"));
    EXPECT_EQ(std::count(rest.begin(), rest.end(), '\n'), 3) << rest;
}

TEST(policy, file_must_be_a_json_object_of_strings) {
    EXPECT_THAT(load_error("{\"a\": \"role:x\",\n  oops}"),
                HasSubstr("policy.json:2:3: not valid JSON"));
    EXPECT_THAT(load_error("[\"role:x\"]"), HasSubstr("expected a JSON object"));
    EXPECT_EQ(load_error("{}"), "loaded");
    EXPECT_THAT(
        [] {
            try {
                policy::load_file("/nonexistent/policy.json");
            } catch (const std::invalid_argument& e) {
                return std::string(e.what());
            }
            return std::string();
        }(),
        HasSubstr("/nonexistent/policy.json: cannot open the policy file"));
}

}  // namespace
}  // namespace marconi::auth
