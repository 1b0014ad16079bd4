// Marconi.
#include "notify/mail_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace marconi::notify {

namespace {

using steady = std::chrono::steady_clock;

std::vector<std::string> split_command(const std::string& command) {
    std::vector<std::string> argv;
    std::istringstream words(command);
    for (std::string word; words >> word;) argv.push_back(word);
    return argv;
}

/// Writes all of `input` to `fd` before `deadline`; false if the reader went away or time ran
/// out. SIGPIPE is blocked on this (pool) thread, so a reader that exits early is EPIPE here.
bool write_all(int fd, const std::string& input, steady::time_point deadline) {
    std::size_t done = 0;
    while (done < input.size()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        const auto n = ::write(fd, input.data() + done, input.size() - done);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

void discard_pending_sigpipe() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    const timespec zero{0, 0};
    while (::sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
    }
}

net::awaitable<attempt_result> run_on_pool(std::vector<std::string> argv, std::string input,
                                           std::chrono::milliseconds timeout) {
    co_return run_command(argv, input, timeout);
}

}  // namespace

attempt_result run_command(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout) {
    if (argv.empty()) return {false, "smtp_command is empty"};
    sigset_t pipe_only, previous;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return {false, std::string("pipe: ") + std::strerror(errno)};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);  // the child must not inherit our mask
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawn_error =
        ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(fds[0]);
    if (spawn_error != 0) {
        ::close(fds[1]);
        return {false, argv[0] + ": " + std::strerror(spawn_error)};
    }

    const auto deadline = steady::now() + timeout;
    ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
    const bool written = write_all(fds[1], input, deadline);
    ::close(fds[1]);
    discard_pending_sigpipe();
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);

    int status = 0;
    for (;;) {
        const auto done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            return {false, std::string("waitpid: ") + std::strerror(errno)};
        }
        if (steady::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return {false, argv[0] + " did not finish in time"};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (!written) return {false, argv[0] + " did not read the whole mail"};
        return {true, {}};
    }
    if (WIFEXITED(status)) {
        return {false, argv[0] + " exited with " + std::to_string(WEXITSTATUS(status))};
    }
    return {false, argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status))};
}

mail_sender::mail_sender(std::string command, std::chrono::milliseconds timeout,
                         std::size_t threads)
    : argv_(split_command(command)), timeout_(timeout), pool_(threads) {}

mail_sender::~mail_sender() { pool_.join(); }

net::awaitable<attempt_result> mail_sender::send(std::string mail) {
    co_return co_await net::co_spawn(
        pool_.get_executor(), run_on_pool(argv_, std::move(mail), timeout_), net::use_awaitable);
}

}  // namespace marconi::notify
