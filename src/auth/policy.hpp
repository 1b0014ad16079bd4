// Marconi. The access policy: Zaqar's rules by name (queues:create, health:get, ...), each an
// oslo.policy check string, optionally overridden by an operator's JSON policy file.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/identity.hpp"
#include "auth/policy_rule.hpp"

namespace marconi::auth {

/// One default rule: oslo.policy's RuleDefault(name, check_str).
struct rule_default {
    std::string_view name;
    std::string_view check;
};

/// Zaqar 15's defaults (zaqar/common/policies/*.py): admin-only rules are "role:admin", the
/// rest are "" (anyone authenticated). Includes rules for routes Marconi does not serve yet.
std::span<const rule_default> zaqar_policy_defaults();

/// The compiled rule set. Immutable after construction, so one instance is shared by every
/// session on every thread; move-only (linked rules point at each other).
class policy {
public:
    /// Zaqar's defaults.
    policy();

    /// Zaqar's defaults, with `overrides` (name -> check string) replacing or adding rules.
    /// Throws std::invalid_argument listing every problem, one per line, each starting with
    /// `source` and the rule's name: a syntax error (with its column), a rule:NAME that names
    /// no rule, a cycle of rule references.
    policy(const std::vector<std::pair<std::string, std::string>>& overrides,
           const std::string& source);

    /// A policy file: one JSON object, {"rule name": "check string", ...}. The same file
    /// works with oslo.policy (JSON is YAML). Throws std::invalid_argument as above.
    static policy from_json(std::string_view json_text, const std::string& source);
    static policy load_file(const std::string& path);

    policy(policy&&) noexcept = default;
    policy& operator=(policy&&) noexcept = default;

    /// The rule named `name`, or nullptr.
    const check* find(std::string_view name) const;

    /// Whether `rule` (from find()) lets the caller act on `project_id`. The credentials'
    /// is_admin is the context_is_admin rule's verdict on the caller (as nova and others derive
    /// it; Zaqar's own context leaves it false).
    bool allows(const check& rule, const identity& who, std::string_view project_id) const;

    /// Rule names from the policy file that Zaqar does not define and no rule refers to:
    /// most likely typos, which would silently change nothing. For the start-up log.
    const std::vector<std::string>& unused_overrides() const { return unused_; }

private:
    std::map<std::string, std::unique_ptr<check>, std::less<>> rules_;
    const check* context_is_admin_ = nullptr;
    bool reads_is_admin_ = false;
    std::vector<std::string> unused_;
};

}  // namespace marconi::auth
