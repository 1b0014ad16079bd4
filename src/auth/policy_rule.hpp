// Marconi. One oslo.policy check string ("role:admin or project_id:%(project_id)s"), parsed
// into a tree and evaluated against the caller. The grammar is oslo.policy's text rules:
//   rule    := or_expr          ("" alone allows everything)
//   or_expr := and_expr ("or" and_expr)*
//   and_expr:= not_expr ("and" not_expr)*
//   not_expr:= "not" not_expr | "(" or_expr ")" | check
//   check   := "@" (allow) | "!" (deny) | "role:" NAME | "rule:" NAME | KEY ":" MATCH
// Tokens split at whitespace; "(" may prefix and ")" suffix any token. Keywords are
// case-insensitive. MATCH may use %(name)s, replaced from the target (a name the target lacks
// makes the check false, as in oslo). KEY is a credential ("project_id", "user_id", "roles",
// "is_admin") or a literal ('text', "text", True, False, an integer) compared with MATCH.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace marconi::auth {

/// oslo.policy's "creds": who is asking. Views into objects that outlive the check.
struct policy_credentials {
    std::string_view project_id;
    std::string_view user_id;
    const std::vector<std::string>* roles = nullptr;
    bool is_admin = false;
};

/// oslo.policy's "target": what the request acts on. Zaqar passes an empty target, so its
/// %(project_id)s checks never match; Marconi passes the request's project.
struct policy_target {
    std::string_view project_id;
};

/// A syntax error, with the 1-based column in the check string where it was found.
class policy_syntax_error : public std::invalid_argument {
public:
    policy_syntax_error(std::size_t column, const std::string& what)
        : std::invalid_argument(what), column_(column) {}
    std::size_t column() const noexcept { return column_; }

private:
    std::size_t column_;
};

/// A MATCH text with its %(name)s substitutions split out.
class match_template {
public:
    /// Throws policy_syntax_error for a '%' that is not "%(name)s" or "%%".
    static match_template parse(std::string_view text, std::size_t column);
    /// The text with the target's values in; nullopt if it names something the target lacks.
    std::optional<std::string> expand(const policy_target& target) const;
    bool has_variables() const { return has_variables_; }
    const std::string& literal() const { return pieces_.front().text; }  ///< when no variables

private:
    struct piece {
        bool variable = false;
        std::string text;  ///< literal text, or the variable's name
    };
    std::vector<piece> pieces_;
    bool has_variables_ = false;
};

/// One node of a parsed rule. Built by parse_rule(); `rule` references are linked to their
/// target by the policy that owns every rule (policy.cpp). Immutable once linked.
struct check {
    enum class kind {
        allow,     ///< "" or "@"
        deny,      ///< "!"
        role,      ///< role:NAME, case-insensitive
        rule,      ///< rule:NAME
        creds,     ///< KEY:MATCH, KEY a (dotted) credential name
        constant,  ///< LITERAL:MATCH
        all_of,    ///< and
        any_of,    ///< or
        negate,    ///< not
    };
    kind type = kind::allow;
    std::string name;  ///< rule name, credential key, or the literal's text
    match_template match;
    std::vector<check> children;
    const check* linked = nullptr;  ///< kind::rule: the rule it names, once linked
};

/// Parses one check string. Throws policy_syntax_error.
check parse_rule(std::string_view text);

/// Evaluates a linked rule. A rule reference that was never linked counts as false.
bool evaluate(const check& rule, const policy_credentials& creds, const policy_target& target);

/// Calls `visit(node)` for every rule:NAME node in the tree (`Check` is check or const check).
template <class Check, class Visit>
void for_each_reference(Check& rule, const Visit& visit) {
    if (rule.type == check::kind::rule) visit(rule);
    for (auto& child : rule.children) for_each_reference(child, visit);
}

/// Whether any check in the tree reads the is_admin credential.
bool reads_is_admin(const check& rule);

}  // namespace marconi::auth
