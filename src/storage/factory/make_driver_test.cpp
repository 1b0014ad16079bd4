// Marconi. Tests of storage URI parsing in make_driver.
#include "storage/factory/make_driver.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace marconi::storage {
namespace {

std::string error_text(const std::string& uri) {
    driver_options options;
    options.uri = uri;
    try {
        make_driver(options, system_clock{});
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

TEST(make_driver, unknown_scheme_is_rejected) {
    EXPECT_NE(error_text("mongodb://localhost").find("unknown storage URI scheme"),
              std::string::npos);
    EXPECT_NE(error_text("/tmp/x.db").find("unknown storage URI scheme"), std::string::npos);
}

TEST(make_driver, bad_redis_uri_is_rejected_with_the_reason) {
    EXPECT_NE(error_text("redis://host:port").find("invalid Redis storage URI"), std::string::npos);
    EXPECT_NE(error_text("redis+cluster://a:1/2").find("only database 0"), std::string::npos);
}

TEST(make_driver, sqlite_uri_without_a_path_is_rejected) {
    EXPECT_NE(error_text("sqlite://").find("invalid SQLite storage URI"), std::string::npos);
    EXPECT_NE(error_text("sqlite:///").find("invalid SQLite storage URI"), std::string::npos);
    EXPECT_NE(error_text("sqlite://host/x.db").find("invalid SQLite storage URI"),
              std::string::npos);
}

TEST(make_driver, absolute_path_gets_its_parent_directories) {
    system_clock clock;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("marconi-make-driver-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    driver_options options;
    options.uri = "sqlite:///" + (dir / "a" / "b" / "store.db").string();
    EXPECT_TRUE(make_driver(options, clock));
    EXPECT_TRUE(std::filesystem::exists(dir / "a" / "b" / "store.db"));
    std::filesystem::remove_all(dir);
}

TEST(make_driver, relative_path_is_relative_to_the_working_directory) {
    system_clock clock;
    const std::string dir = "marconi-make-driver-rel-" + std::to_string(::getpid());
    driver_options options;
    options.uri = "sqlite:///./" + dir + "/store.db";
    EXPECT_TRUE(make_driver(options, clock));
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::current_path() / dir / "store.db"));
    std::filesystem::remove_all(dir);
}

TEST(make_driver, memory_store_is_private_and_leaves_nothing_behind) {
    system_clock clock;
    driver_options options;
    options.uri = "sqlite://:memory:";
    auto count_files = [] {
        std::size_t n = 0;
        const auto prefix = "marconi-mem-" + std::to_string(::getpid()) + "-";
        for (auto dir :
             {std::filesystem::path{"/dev/shm"}, std::filesystem::temp_directory_path()}) {
            std::error_code ec;
            for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
                if (entry.path().filename().string().starts_with(prefix)) ++n;
            }
        }
        return n;
    };
    {
        auto first = make_driver(options, clock);
        auto second = make_driver(options, clock);
        EXPECT_GT(count_files(), 0u);
    }
    EXPECT_EQ(count_files(), 0u);
}

TEST(make_driver, a_message_store_and_a_control_store_never_share_a_file) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("marconi-kinds-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const auto data_uri = "sqlite:///" + (dir / "data.db").string();
    const auto control_uri = "sqlite:///" + (dir / "control.db").string();
    driver_options options;
    options.uri = data_uri;
    make_driver(options, system_clock{});
    make_control_store(control_uri, sync_mode::off);
    try {
        make_control_store(data_uri, sync_mode::off);
        ADD_FAILURE() << "a message store opened as a control store";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string{e.what()}.find("not a control store"), std::string::npos) << e.what();
    }
    EXPECT_NE(error_text(control_uri).find("not a message store"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(make_driver, control_store_needs_a_file_or_redis) {
    auto control_error = [](const std::string& uri) -> std::string {
        try {
            make_control_store(uri, sync_mode::off);
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_NE(control_error("sqlite://:memory:").find("needs a file"), std::string::npos);
    EXPECT_NE(control_error("mongodb://x").find("unknown control store URI"), std::string::npos);
}

}  // namespace
}  // namespace marconi::storage
