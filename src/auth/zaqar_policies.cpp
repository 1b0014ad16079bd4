// Marconi. Zaqar 15's policy defaults, copied from zaqar/common/policies/*.py (base.py:
// ROLE_ADMIN = "role:admin", UNPROTECTED = "", RULE_ADMIN_OR_OWNER).
#include <array>

#include "auth/policy.hpp"

namespace marconi::auth {

std::span<const rule_default> zaqar_policy_defaults() {
    static constexpr std::string_view admin = "role:admin";
    static constexpr std::string_view open = "";
    static constexpr std::array table{
        // base.py
        rule_default{"context_is_admin", admin},
        rule_default{"admin_or_owner", "is_admin:True or project_id:%(project_id)s"},
        // queues.py
        rule_default{"queues:get_all", open},
        rule_default{"queues:create", open},
        rule_default{"queues:get", open},
        rule_default{"queues:delete", open},
        rule_default{"queues:update", open},
        rule_default{"queues:stats", open},
        rule_default{"queues:share", open},
        rule_default{"queues:purge", open},
        // messages.py
        rule_default{"messages:get_all", open},
        rule_default{"messages:create", open},
        rule_default{"messages:get", open},
        rule_default{"messages:delete", open},
        rule_default{"messages:delete_all", open},
        // claims.py
        rule_default{"claims:create", open},
        rule_default{"claims:get", open},
        rule_default{"claims:delete", open},
        rule_default{"claims:update", open},
        // subscription.py
        rule_default{"subscription:get_all", open},
        rule_default{"subscription:create", open},
        rule_default{"subscription:get", open},
        rule_default{"subscription:delete", open},
        rule_default{"subscription:update", open},
        rule_default{"subscription:confirm", open},
        // topics.py
        rule_default{"topics:get_all", open},
        rule_default{"topics:create", open},
        rule_default{"topics:get", open},
        rule_default{"topics:delete", open},
        rule_default{"topics:update", open},
        rule_default{"topics:stats", open},
        rule_default{"topics:purge", open},
        // health.py
        rule_default{"ping:get", open},
        rule_default{"health:get", admin},
        // pools.py
        rule_default{"pools:get_all", admin},
        rule_default{"pools:create", admin},
        rule_default{"pools:get", admin},
        rule_default{"pools:delete", admin},
        rule_default{"pools:update", admin},
        // flavors.py
        rule_default{"flavors:get_all", open},
        rule_default{"flavors:create", admin},
        rule_default{"flavors:get", open},
        rule_default{"flavors:delete", admin},
        rule_default{"flavors:update", admin},
    };
    return table;
}

}  // namespace marconi::auth
