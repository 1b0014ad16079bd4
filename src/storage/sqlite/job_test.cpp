// Marconi. Tests of handing finished jobs back to their callers' executors.
#include "storage/sqlite/job.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace marconi::storage::sqlite {
namespace {

/// Records its completion in a shared log; optionally bound to an executor.
class logging_job final : public job {
public:
    logging_job(std::string name, std::vector<std::string>& log,
                std::optional<net::any_io_executor> executor = std::nullopt)
        : name_(std::move(name)), log_(log), executor_(std::move(executor)) {}
    void execute(connection&) override {}
    void fail(std::exception_ptr) noexcept override {}
    bool failed() const noexcept override { return false; }
    void complete() override { log_.push_back(name_); }
    std::optional<net::any_io_executor> executor() const override { return executor_; }

private:
    std::string name_;
    std::vector<std::string>& log_;
    std::optional<net::any_io_executor> executor_;
};

TEST(complete_all, posts_once_per_executor_and_keeps_each_callers_order) {
    net::io_context a;
    net::io_context b;
    std::vector<std::string> log;
    std::vector<std::unique_ptr<job>> jobs;
    jobs.push_back(std::make_unique<logging_job>("a1", log, a.get_executor()));
    jobs.push_back(std::make_unique<logging_job>("b1", log, b.get_executor()));
    jobs.push_back(std::make_unique<logging_job>("a2", log, a.get_executor()));
    jobs.push_back(std::make_unique<logging_job>("free", log));
    jobs.push_back(std::make_unique<logging_job>("a3", log, a.get_executor()));

    complete_all(jobs);
    EXPECT_TRUE(jobs.empty());
    // A job with no executor completes at once; the others wait for their context.
    EXPECT_EQ(log, std::vector<std::string>{"free"});
    EXPECT_EQ(a.poll(), 1u);  // one handler for a's three jobs
    EXPECT_EQ(log, (std::vector<std::string>{"free", "a1", "a2", "a3"}));
    EXPECT_EQ(b.poll(), 1u);
    EXPECT_EQ(log, (std::vector<std::string>{"free", "a1", "a2", "a3", "b1"}));
}

TEST(complete_later, never_completes_inside_the_call) {
    net::io_context io;
    std::vector<std::string> log;
    complete_later(std::make_unique<logging_job>("j", log, io.get_executor()));
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(io.poll(), 1u);
    EXPECT_EQ(log, std::vector<std::string>{"j"});
}

}  // namespace
}  // namespace marconi::storage::sqlite
