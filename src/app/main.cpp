// Marconi: a Zaqar v2 compatible messaging service. Entry point: parses the command line.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "app/server_app.hpp"
#include "auth/api_keys.hpp"
#include "config/config.hpp"

namespace {

/// Command-line overrides; each beats the file and the environment.
struct serve_flags {
    std::string config_path;
    std::optional<std::string> bind;
    std::optional<std::uint16_t> port;
    std::optional<std::string> storage_uri;
    std::optional<std::string> log_level;
    std::optional<int> workers;
    bool admin_mode = false;
};

void apply(const serve_flags& flags, marconi::config::config& cfg) {
    if (flags.bind) cfg.server.bind = *flags.bind;
    if (flags.port) cfg.server.port = *flags.port;
    if (flags.storage_uri) cfg.storage.uri = *flags.storage_uri;
    if (flags.log_level) cfg.log.level = *flags.log_level;
    if (flags.workers) cfg.server.workers = *flags.workers;
    if (flags.admin_mode) cfg.server.admin_mode = true;
}

/// `marconi hash-key`: one key on stdin (a trailing newline is dropped), its keys-file line on
/// stdout. The key never appears in a command line, shell history or the keys file.
int hash_key() {
    std::string key{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (key.ends_with('\n')) key.pop_back();
    if (key.ends_with('\r')) key.pop_back();
    try {
        std::printf("%s\n", marconi::auth::hash_key_line(key).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "marconi hash-key: %s\n", e.what());
        return 2;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Marconi: a Zaqar v2 compatible messaging service"};
    cli.require_subcommand(1);
    serve_flags flags;
    auto* serve = cli.add_subcommand("serve", "Run the HTTP server");
    serve->add_option("-c,--config", flags.config_path, "TOML configuration file");
    serve->add_option("--bind", flags.bind, "Listen address (default 127.0.0.1)");
    serve->add_option("--port", flags.port, "Listen port (default 8888; 0 picks a free port)");
    serve->add_option("--storage-uri", flags.storage_uri,
                      "Message store, e.g. sqlite:///./marconi-data/marconi.db");
    serve->add_option("--log-level", flags.log_level, "trace, debug, info, warn or error");
    serve->add_option("--workers", flags.workers, "IO threads (default: one per core)");
    serve->add_flag("--admin-mode", flags.admin_mode, "Serve admin routes such as /v2/health");
    auto* hash =
        cli.add_subcommand("hash-key",
                           "Read an API key from stdin and print its line for the [[keys]] file "
                           "(sha256 = \"...\"); generate keys with `openssl rand -hex 32`");
    CLI11_PARSE(cli, argc, argv);
    if (hash->parsed()) return hash_key();

    marconi::config::config cfg;
    try {
        cfg = marconi::config::load(flags.config_path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "marconi: invalid configuration:\n%s\n", e.what());
        return 2;
    }
    apply(flags, cfg);
    // stdout carries only the "listening" line that scripts wait for; logs go to stderr.
    spdlog::set_default_logger(spdlog::stderr_color_mt("marconi"));
    spdlog::set_level(spdlog::level::from_str(cfg.log.level));
    spdlog::info("effective configuration:\n{}", marconi::config::describe(cfg));
    return marconi::app::serve(cfg);
}
