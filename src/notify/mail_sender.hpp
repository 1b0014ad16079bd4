// Marconi. mailto delivery as Zaqar's smtp_mode = third_part does it: the mail is piped to a
// sendmail-style command (`[notification] smtp_command`, split on spaces); a non-zero exit,
// a failure to start it, or a run longer than the timeout (then it is killed) is a failure to
// retry. The command runs on the sender's own threads, never on an io thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "notify/delivery.hpp"

namespace marconi::notify {

namespace net = boost::asio;

/// Thread-safe; send() may be awaited from any io thread; at most `threads` commands run at
/// once. Destroying it waits for the commands running.
class mail_sender {
public:
    mail_sender(std::string command, std::chrono::milliseconds timeout, std::size_t threads);
    ~mail_sender();

    /// Runs the command with `mail` on its standard input; resumes on the caller's executor.
    net::awaitable<attempt_result> send(std::string mail);

private:
    std::vector<std::string> argv_;
    std::chrono::milliseconds timeout_;
    net::thread_pool pool_;
};

/// Runs argv with `input` on stdin (stdout to /dev/null, stderr inherited); blocking.
attempt_result run_command(const std::vector<std::string>& argv, const std::string& input,
                           std::chrono::milliseconds timeout);

}  // namespace marconi::notify
