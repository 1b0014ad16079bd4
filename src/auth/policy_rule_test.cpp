// Marconi. The oslo.policy check-string parser and evaluator.
#include "auth/policy_rule.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace marconi::auth {
namespace {

using ::testing::HasSubstr;

/// Evaluates `text` (which must not use rule:) for a caller with these roles in `project`,
/// acting on `target_project`.
bool allows(std::string_view text, std::vector<std::string> roles, std::string_view project = "p1",
            std::string_view target_project = "p1", bool is_admin = false,
            std::string_view user = "u1") {
    const auto rule = parse_rule(text);
    const policy_credentials creds{project, user, &roles, is_admin};
    return evaluate(rule, creds, policy_target{target_project});
}

std::string syntax_error(std::string_view text) {
    try {
        parse_rule(text);
    } catch (const policy_syntax_error& e) {
        return "column " + std::to_string(e.column()) + ": " + e.what();
    }
    return "parsed";
}

TEST(policy_rule, empty_allows_and_bang_denies) {
    EXPECT_TRUE(allows("", {}));
    EXPECT_TRUE(allows("@", {}));
    EXPECT_FALSE(allows("!", {"admin"}));
}

TEST(policy_rule, role_is_case_insensitive) {
    EXPECT_TRUE(allows("role:admin", {"member", "Admin"}));
    EXPECT_TRUE(allows("role:ADMIN", {"admin"}));
    EXPECT_FALSE(allows("role:admin", {"member"}));
    EXPECT_FALSE(allows("role:admin", {}));
}

TEST(policy_rule, and_binds_tighter_than_or) {
    // a or (b and c)
    EXPECT_TRUE(allows("role:a or role:b and role:c", {"a"}));
    EXPECT_FALSE(allows("role:a or role:b and role:c", {"b"}));
    EXPECT_TRUE(allows("role:a or role:b and role:c", {"b", "c"}));
    // (a or b) and c
    EXPECT_FALSE(allows("(role:a or role:b) and role:c", {"a"}));
    EXPECT_TRUE(allows("(role:a or role:b) and role:c", {"a", "c"}));
}

TEST(policy_rule, not_binds_tightest_and_nests) {
    EXPECT_TRUE(allows("not role:a", {"b"}));
    EXPECT_FALSE(allows("not role:a", {"a"}));
    EXPECT_TRUE(allows("not role:a and role:b", {"b"}));
    EXPECT_FALSE(allows("not (role:a or role:b)", {"b"}));
    EXPECT_TRUE(allows("not not role:a", {"a"}));
    EXPECT_TRUE(allows("NOT role:a AND role:b", {"b"}));  // keywords ignore case
}

TEST(policy_rule, parentheses_stick_to_checks_as_in_oslo) {
    EXPECT_TRUE(allows("((role:a)) and (role:b or (role:c))", {"a", "c"}));
    EXPECT_FALSE(allows("((role:a)) and (role:b or (role:c))", {"a"}));
}

TEST(policy_rule, project_id_template_comes_from_the_target) {
    const auto owner = "project_id:%(project_id)s";
    EXPECT_TRUE(allows(owner, {}, "p1", "p1"));
    EXPECT_FALSE(allows(owner, {}, "p1", "p2"));
    EXPECT_TRUE(allows("tenant:%(tenant_id)s", {}, "p1", "p1"));
    // A name the target does not have makes the check false (oslo's KeyError).
    EXPECT_FALSE(allows("user_id:%(user_id)s", {}, "p1", "p1"));
    EXPECT_TRUE(allows("project_id:pre-%(project_id)s-%%", {}, "pre-p1-%", "p1"));
}

TEST(policy_rule, zaqar_admin_or_owner) {
    const auto rule = "is_admin:True or project_id:%(project_id)s";
    EXPECT_TRUE(allows(rule, {}, "p1", "p2", /*is_admin=*/true));
    EXPECT_FALSE(allows(rule, {}, "p1", "p2", /*is_admin=*/false));
    EXPECT_TRUE(allows(rule, {}, "p2", "p2", /*is_admin=*/false));
    EXPECT_TRUE(allows("is_admin:False", {}, "p", "p", false));
}

TEST(policy_rule, credential_and_literal_kinds) {
    EXPECT_TRUE(allows("user_id:u1", {}));
    EXPECT_FALSE(allows("user_id:u2", {}));
    EXPECT_TRUE(allows("roles:reader", {"reader"}));  // exact, unlike role:
    EXPECT_FALSE(allows("roles:Reader", {"reader"}));
    EXPECT_TRUE(allows("'p1':%(project_id)s", {}));
    EXPECT_FALSE(allows("'p2':%(project_id)s", {}));
    EXPECT_TRUE(allows("True:True", {}));
    EXPECT_FALSE(allows("unknown_credential:x", {}));
}

TEST(policy_rule, syntax_errors_say_where) {
    EXPECT_EQ(syntax_error("role:a or"), "column 10: the rule ends too early");
    EXPECT_EQ(syntax_error("   "), "column 4: empty rule");
    EXPECT_EQ(syntax_error("role:a role:b"), "column 8: unexpected \"role:b\"");
    EXPECT_EQ(syntax_error("(role:a or role:b"), "column 1: this \"(\" is never closed");
    EXPECT_EQ(syntax_error("role:a)"), "column 7: unexpected \")\"");
    EXPECT_EQ(syntax_error("and role:a"),
              "column 1: expected a check, \"not\" or \"(\" before \"and\"");
    EXPECT_EQ(syntax_error("admin"),
              "column 1: \"admin\" is not a check (expected KIND:MATCH, @ or !)");
    EXPECT_EQ(syntax_error("\"role:a\""),
              "column 1: a quoted string is not a check: \"\"role:a\"\"");
    EXPECT_EQ(syntax_error("rule:"), "column 6: rule: needs a rule name");
    EXPECT_THAT(syntax_error("http://example.com/check"), HasSubstr("are not supported"));
    EXPECT_EQ(syntax_error("project_id:%(project_id"),
              "column 12: \"%\" must start %(name)s (or be doubled)");
    EXPECT_EQ(syntax_error("not(role:a)"),
              "column 1: \"not(role\" is not a credential name or a literal");
}

TEST(policy_rule, rule_references_are_collected_and_unlinked_ones_are_false) {
    auto rule = parse_rule("rule:a or (role:x and not rule:b)");
    std::vector<std::string> names;
    for_each_reference(rule, [&](const check& ref) { names.push_back(ref.name); });
    EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
    std::vector<std::string> roles{"x"};
    const policy_credentials creds{"p", "u", &roles, false};
    // rule:a unlinked (false); not rule:b (unlinked, false) is true; role:x true.
    EXPECT_TRUE(evaluate(rule, creds, policy_target{"p"}));
}

TEST(policy_rule, reads_is_admin_finds_nested_checks) {
    EXPECT_TRUE(reads_is_admin(parse_rule("role:a or (not is_admin:True)")));
    EXPECT_FALSE(reads_is_admin(parse_rule("role:a or project_id:%(project_id)s")));
}

}  // namespace
}  // namespace marconi::auth
