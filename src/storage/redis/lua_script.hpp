// Marconi. A Lua script for Redis, and running one with EVALSHA (EVAL when the node lacks it).
#pragma once

#include "storage/redis/client.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace marconi::storage::redis {

struct lua_script {
    enum class access { reads, writes };

    lua_script(std::string_view script_name, std::string script_text, access kind = access::writes);

    std::string_view name;
    std::string text;
    std::string sha1;  ///< hex, for EVALSHA
    access kind;       ///< writes: a replicated deployment waits for replicas after it
};

/// EVALSHA with these keys and args (routed by the first key); when the node answers NOSCRIPT
/// (it restarted, or never saw the script) the text goes along once with EVAL. Error replies
/// are returned, not thrown: what they mean is the caller's business.
net::awaitable<reply> run_script(client& redis, const lua_script& script,
                                 std::vector<std::string> keys, std::vector<std::string> args);

/// The command run_script sends first: for callers that pipeline many of them.
command script_command(const lua_script& script, std::vector<std::string> keys,
                       std::vector<std::string> args);
/// The same command carrying the script's text, for a node that answered NOSCRIPT.
command with_script_text(const command& cmd, const lua_script& script);

}  // namespace marconi::storage::redis
