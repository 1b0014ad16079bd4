// Marconi. Tests of the confinement of pools' SQLite files.
#include "storage/factory/pool_uri_guard.hpp"

#include "storage/contract/error.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace marconi::storage {
namespace {

namespace fs = std::filesystem;

/// A directory of its own per test: `stores/` holds the default and control stores, `other/`
/// lies outside what pools may use.
class pool_uri_guard_test : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() /
                ("marconi-pool-guard-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(stores());
        fs::create_directories(other());
        touch(stores() / "marconi.db");
        storage_.uri = uri_of(stores() / "marconi.db");
        pooling_.control_uri = uri_of(stores() / "control.db");
    }
    void TearDown() override { fs::remove_all(root_); }

    fs::path stores() const { return root_ / "stores"; }
    fs::path other() const { return root_ / "other"; }
    static std::string uri_of(const fs::path& file) { return "sqlite:///" + file.string(); }
    static void touch(const fs::path& file) { std::ofstream{file} << ""; }

    /// The description of the refusal, or "" when `uri` passes.
    std::string refusal(const std::string& uri, const std::vector<std::string>& others = {}) {
        try {
            pool_uri_guard{storage_, pooling_}.check(uri, others);
        } catch (const core::error& e) {
            EXPECT_EQ(e.code(), core::errc::invalid_body);
            return std::string{e.description()};
        }
        return "";
    }

    fs::path root_;
    driver_options storage_;
    pooling_options pooling_;
};

TEST_F(pool_uri_guard_test, a_new_file_beside_the_default_store_is_allowed) {
    fs::create_directory(stores() / "sub");
    EXPECT_EQ(refusal(uri_of(stores() / "pool-a.db")), "");
    EXPECT_EQ(refusal(uri_of(stores() / "sub" / ".." / "pool-a.db")), "");
    EXPECT_EQ(refusal(uri_of(stores() / "sub" / "pool-b.db")), "");
    EXPECT_EQ(refusal("redis://127.0.0.1:6379/0"), "");  // names no local file
    EXPECT_FALSE(fs::exists(stores() / "pool-a.db"));    // checking creates nothing
}

TEST_F(pool_uri_guard_test, memory_and_pathless_uris_are_refused) {
    EXPECT_EQ(refusal("sqlite://:memory:"),
              "The pool URI sqlite://:memory: cannot be used: an in-memory store is private to "
              "one process and lost at restart.");
    EXPECT_NE(refusal("sqlite://").find("it names no file"), std::string::npos);
    EXPECT_NE(refusal("sqlite://host/x.db").find("it names no file"), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "..")).find("it names no file"), std::string::npos);
}

TEST_F(pool_uri_guard_test, files_outside_the_allowed_directories_are_refused) {
    const auto expected = "it is outside the directories allowed for pools (" +
                          fs::canonical(stores()).string() + ").";
    EXPECT_NE(refusal(uri_of(other() / "x.db")).find(expected), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / ".." / "other" / "x.db")).find(expected),
              std::string::npos);
    EXPECT_NE(refusal("sqlite:////etc/passwd").find(expected), std::string::npos);
}

TEST_F(pool_uri_guard_test, symlinks_are_followed) {
    fs::create_directory_symlink(other(), stores() / "linked-dir");
    fs::create_symlink(other() / "target.db", stores() / "dangling.db");
    touch(other() / "real.db");
    fs::create_symlink(other() / "real.db", stores() / "linked.db");
    EXPECT_NE(refusal(uri_of(stores() / "linked-dir" / "x.db")).find("outside"), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "linked.db")).find("outside"), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "dangling.db")).find("a symbolic link to nothing"),
              std::string::npos);
    EXPECT_FALSE(fs::exists(other() / "target.db"));
}

TEST_F(pool_uri_guard_test, only_regular_files_in_existing_directories) {
    fs::create_directory(stores() / "dir.db");
    EXPECT_NE(refusal(uri_of(stores() / "dir.db")).find("is not a regular file"),
              std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "missing" / "x.db")).find("does not exist"),
              std::string::npos);
    EXPECT_FALSE(fs::exists(stores() / "missing"));
}

TEST_F(pool_uri_guard_test, the_stores_own_files_are_refused) {
    const std::string store = "its file belongs to the default or the control store.";
    EXPECT_NE(refusal(storage_.uri).find(store), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "." / "marconi.db")).find(store), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "marconi.db-wal")).find(store), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "marconi.db-shm")).find(store), std::string::npos);
    EXPECT_NE(refusal(pooling_.control_uri).find(store), std::string::npos);
    fs::create_hard_link(stores() / "marconi.db", stores() / "hard.db");
    EXPECT_NE(refusal(uri_of(stores() / "hard.db")).find(store), std::string::npos);
}

TEST_F(pool_uri_guard_test, another_pools_file_is_refused) {
    const std::vector<std::string> others = {"redis://127.0.0.1:1", uri_of(stores() / "a.db")};
    const std::string taken = "its file belongs to another pool.";
    EXPECT_NE(refusal(uri_of(stores() / "a.db"), others).find(taken), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "." / "a.db"), others).find(taken), std::string::npos);
    EXPECT_NE(refusal(uri_of(stores() / "a.db-journal"), others).find(taken), std::string::npos);
    EXPECT_EQ(refusal(uri_of(stores() / "b.db"), others), "");
}

TEST_F(pool_uri_guard_test, allowed_paths_replace_the_default_directory) {
    pooling_.allowed_paths = {other().string()};
    EXPECT_EQ(refusal(uri_of(other() / "x.db")), "");
    EXPECT_NE(refusal(uri_of(stores() / "x.db")).find("outside"), std::string::npos);
    pooling_.allowed_paths = {(root_ / "nowhere").string()};
    EXPECT_THROW((pool_uri_guard{storage_, pooling_}), std::runtime_error);
}

TEST_F(pool_uri_guard_test, without_a_sqlite_default_store_no_directory_is_allowed) {
    storage_.uri = "redis://127.0.0.1:6379/0";
    EXPECT_NE(refusal(uri_of(stores() / "x.db")).find("set [pooling] allowed_paths"),
              std::string::npos);
    storage_.uri = "sqlite://:memory:";
    EXPECT_NE(refusal(uri_of(stores() / "x.db")).find("set [pooling] allowed_paths"),
              std::string::npos);
}

}  // namespace
}  // namespace marconi::storage
