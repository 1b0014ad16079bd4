// Marconi. Confinement of pools' SQLite files.
#include "storage/factory/pool_uri_guard.hpp"

#include "storage/contract/error.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <system_error>

namespace marconi::storage {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view sqlite_scheme = "sqlite://";
constexpr std::string_view sqlite_memory = ":memory:";
/// The files SQLite keeps beside a database: two stores must not share one of them either.
constexpr std::array<std::string_view, 3> side_file_suffixes = {"-wal", "-shm", "-journal"};

[[noreturn]] void refuse(std::string_view uri, std::string_view why) {
    throw core::error{core::errc::invalid_body,
                      "The pool URI " + std::string{uri} + " cannot be used: " + std::string{why}};
}

/// The path of a `sqlite:///relative.db` or `sqlite:////absolute.db` URI, as make_driver reads
/// it (relative to the working directory); nullopt for `:memory:` and other schemes.
std::optional<fs::path> sqlite_file_of(std::string_view uri) {
    if (!uri.starts_with(sqlite_scheme)) return std::nullopt;
    const auto location = uri.substr(sqlite_scheme.size());
    if (location == sqlite_memory || location.size() <= 1 || location.front() != '/') {
        return std::nullopt;
    }
    return fs::absolute(fs::path{location.substr(1)});
}

/// Where the OS opens `file`: symlinks and `..` resolved as far as the path exists.
fs::path where_it_opens(const fs::path& file) {
    std::error_code ec;
    auto resolved = fs::weakly_canonical(file, ec);
    return ec ? file.lexically_normal() : resolved;
}

bool is_within(const fs::path& dir, const fs::path& file) {
    const auto relative = file.lexically_relative(dir);
    return !relative.empty() && *relative.begin() != ".." && *relative.begin() != ".";
}

/// Whether two databases would write to one file: the same file (a hard link included), or
/// one's name is the other's plus a suffix SQLite uses for its side files.
bool share_a_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (a == b || fs::equivalent(a, b, ec)) return true;
    for (const auto suffix : side_file_suffixes) {
        if (a.native() == b.native() + std::string{suffix} ||
            b.native() == a.native() + std::string{suffix}) {
            return true;
        }
    }
    return false;
}

/// The pool's database file, fully resolved; refuses what cannot be a pool's file.
fs::path resolve_pool_file(std::string_view uri) {
    const auto location = uri.substr(sqlite_scheme.size());
    if (location == sqlite_memory) {
        refuse(uri, "an in-memory store is private to one process and lost at restart.");
    }
    const auto file = sqlite_file_of(uri);
    const auto name = file ? file->filename() : fs::path{};
    if (name.empty() || name == "." || name == "..") {
        refuse(uri, "it names no file (use sqlite:////absolute/path.db).");
    }
    std::error_code ec;
    if (!fs::is_directory(file->parent_path(), ec)) {
        refuse(uri, "the directory " + file->parent_path().string() + " does not exist.");
    }
    if (fs::is_symlink(fs::symlink_status(*file, ec)) && !fs::exists(*file, ec)) {
        refuse(uri, "it is a symbolic link to nothing.");
    }
    return where_it_opens(*file);
}

}  // namespace

pool_uri_guard::pool_uri_guard(const driver_options& storage, const pooling_options& pooling)
    : store_uris_{storage.uri, pooling.control_uri} {
    if (pooling.allowed_paths.empty()) {
        if (const auto file = sqlite_file_of(storage.uri)) {
            allowed_.push_back(where_it_opens(*file).parent_path());
        }
        return;
    }
    for (const auto& dir : pooling.allowed_paths) {
        std::error_code ec;
        auto resolved = fs::canonical(fs::absolute(dir), ec);
        if (ec || !fs::is_directory(resolved)) {
            throw std::runtime_error("pooling.allowed_paths: " + dir + " is not a directory");
        }
        allowed_.push_back(std::move(resolved));
    }
}

void pool_uri_guard::check(std::string_view uri,
                           const std::vector<std::string>& other_pools) const {
    if (!uri.starts_with(sqlite_scheme)) return;
    const auto file = resolve_pool_file(uri);
    const bool allowed = std::any_of(allowed_.begin(), allowed_.end(),
                                     [&](const fs::path& dir) { return is_within(dir, file); });
    if (!allowed) {
        std::string dirs;
        for (const auto& dir : allowed_) dirs += (dirs.empty() ? "" : ", ") + dir.string();
        refuse(uri, dirs.empty()
                        ? "no directory is allowed for SQLite pools (set [pooling] "
                          "allowed_paths)."
                        : "it is outside the directories allowed for pools (" + dirs + ").");
    }
    std::error_code ec;
    if (fs::exists(file, ec) && !fs::is_regular_file(file, ec)) {
        refuse(uri, file.string() + " is not a regular file.");
    }
    const auto clashes = [&](const std::string& other) {
        const auto other_file = sqlite_file_of(other);
        return other_file && share_a_file(file, where_it_opens(*other_file));
    };
    if (std::any_of(store_uris_.begin(), store_uris_.end(), clashes)) {
        refuse(uri, "its file belongs to the default or the control store.");
    }
    if (std::any_of(other_pools.begin(), other_pools.end(), clashes)) {
        refuse(uri, "its file belongs to another pool.");
    }
}

}  // namespace marconi::storage
