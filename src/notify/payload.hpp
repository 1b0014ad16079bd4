// Marconi. What a subscriber receives: the webhook body and headers, and the mail, built from a
// job and the subscription's options as Zaqar's webhook and mailto tasks build them (spec 8.2).
// Pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <utility>
#include <vector>

#include "notify/job.hpp"

namespace marconi::notify {

/// The notification document: Zaqar's {"body","ttl","delay"?,"queue_name","Message_Type":
/// "Notification"}, plus "message_id" when `with_message_id`; for a confirmation job, its payload
/// as stored.
std::string notification_json(const job& j, bool with_message_id);

/// The webhook request body: notification_json, or options.post_data (a string) with every
/// literal "$zaqar_message$" (quotes included) replaced by notification_json.
std::string webhook_body(const job& j, const boost::json::object& options, bool with_message_id);

/// Content-Type: application/json, then options.post_headers (string values; others ignored),
/// which may replace it.
std::vector<std::pair<std::string, std::string>> webhook_headers(
    const boost::json::object& options);

/// Adds X-Auth-Token: `token` in front of the post_headers (which, as Zaqar's dict.update,
/// replace it when they name it too).
void add_auth_token(std::vector<std::pair<std::string, std::string>>& headers, std::string token);

/// A `mailto:` subscriber taken apart.
struct mailto_address {
    std::string to;       ///< percent-decoded
    std::string subject;  ///< ?subject= (first value, any case of the key), else ""
    bool has_subject = false;
};
/// nullopt when `subscriber` is not mailto:<something>.
std::optional<mailto_address> parse_mailto(const std::string& subscriber);

/// The RFC 5322 message handed to sendmail -t: To from the URI, Subject from ?subject= or
/// options.subject, From from options.from, the notification JSON as a UTF-8 text body.
/// Header values lose CR and LF, so no subscriber or option can add headers.
std::string mail_text(const job& j, const mailto_address& address,
                      const boost::json::object& options, bool with_message_id);

}  // namespace marconi::notify
