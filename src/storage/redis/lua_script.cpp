// Marconi. Lua scripts: named by their SHA-1, sent as text only when a node asks.
#include "storage/redis/lua_script.hpp"

#include <openssl/sha.h>

#include <cstdio>
#include <memory>

namespace marconi::storage::redis {

namespace {

std::string sha1_hex(const std::string& text) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    std::string hex(2 * SHA_DIGEST_LENGTH, '0');
    for (int i = 0; i < SHA_DIGEST_LENGTH; ++i) {
        std::snprintf(&hex[static_cast<std::size_t>(2 * i)], 3, "%02x", digest[i]);
    }
    return hex;
}

}  // namespace

lua_script::lua_script(std::string_view script_name, std::string script_text, access kind)
    : name(script_name), text(std::move(script_text)), sha1(sha1_hex(text)), kind(kind) {}

command script_command(const lua_script& script, std::vector<std::string> keys,
                       std::vector<std::string> args) {
    command cmd;
    cmd.key = keys.empty() ? std::string{} : keys.front();
    cmd.args.reserve(3 + keys.size() + args.size());
    cmd.args.push_back("EVALSHA");
    cmd.args.push_back(script.sha1);
    cmd.args.push_back(std::to_string(keys.size()));
    for (auto& key : keys) cmd.args.push_back(std::move(key));
    for (auto& arg : args) cmd.args.push_back(std::move(arg));
    return cmd;
}

command with_script_text(const command& cmd, const lua_script& script) {
    command retry = cmd;
    retry.args[0] = "EVAL";
    retry.args[1] = script.text;
    return retry;
}

net::awaitable<reply> run_script(client& redis, const lua_script& script,
                                 std::vector<std::string> keys, std::vector<std::string> args) {
    auto cmd =
        std::make_shared<const command>(script_command(script, std::move(keys), std::move(args)));
    auto answer = co_await redis.execute(cmd);
    if (answer.error_code() == "NOSCRIPT") {
        auto retry = with_script_text(*cmd, script);
        answer = co_await redis.execute(std::move(retry));
    }
    co_return answer;
}

}  // namespace marconi::storage::redis
