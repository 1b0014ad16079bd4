// Marconi. The signature must be byte-for-byte Zaqar's, or Zaqar-issued URLs stop working.
#include "net/signed_url.hpp"

#include <gtest/gtest.h>

namespace marconi::signing {
namespace {

// Expected values were computed once by Zaqar 15's own code:
//   /usr/bin/python3 -c "from zaqar.common import urls; print(urls.create_signed_url(
//     'test-secret-key', ['/v2/queues/shared/messages', '/v2/queues/shared/claims'],
//     project='7e55e1a7e7e9', expires='2099-01-02T03:04:05', methods=['POST', 'GET']))"
// and the same call with 'another key', ['/v2/queues/q/messages'], project='p',
// expires='2098-12-31T23:59:59' and the default methods (['GET']).
TEST(signed_url, matches_zaqar_for_several_unsorted_paths_and_methods) {
    const url_grant grant{{"/v2/queues/shared/messages", "/v2/queues/shared/claims"},
                          {"POST", "GET"},
                          "7e55e1a7e7e9",
                          "2099-01-02T03:04:05"};
    EXPECT_EQ(sign("test-secret-key", grant),
              "18d75c5e7e8428113e90e4b12c92f8ff35d7b2ab6fe905ad0147c3e704d938a8");
}

TEST(signed_url, matches_zaqar_for_one_path_and_method) {
    const url_grant grant{{"/v2/queues/q/messages"}, {"GET"}, "p", "2098-12-31T23:59:59"};
    EXPECT_EQ(sign("another key", grant),
              "c01745f601c1653ff09ef2e1392da65edf2df78ab8d0db3ae20d0bad37deb09b");
}

TEST(signed_url, order_of_paths_and_methods_does_not_matter) {
    const url_grant a{{"/v2/a", "/v2/b"}, {"GET", "POST"}, "p", "2099-01-01T00:00:00"};
    const url_grant b{{"/v2/b", "/v2/a"}, {"POST", "GET"}, "p", "2099-01-01T00:00:00"};
    EXPECT_EQ(sign("k", a), sign("k", b));
}

TEST(signed_url, every_field_and_the_key_change_the_signature) {
    const url_grant base{{"/v2/queues/q/messages"}, {"GET"}, "p", "2099-01-01T00:00:00"};
    const auto reference = sign("k", base);
    auto other_path = base;
    other_path.paths = {"/v2/queues/r/messages"};
    auto other_method = base;
    other_method.methods = {"POST"};
    auto other_project = base;
    other_project.project = "q";
    auto other_expires = base;
    other_expires.expires = "2099-01-01T00:00:01";
    EXPECT_NE(sign("k", other_path), reference);
    EXPECT_NE(sign("k", other_method), reference);
    EXPECT_NE(sign("k", other_project), reference);
    EXPECT_NE(sign("k", other_expires), reference);
    EXPECT_NE(sign("K", base), reference);
}

using std::chrono::sys_days;
using namespace std::chrono_literals;

std::chrono::sys_seconds at(std::chrono::year_month_day date, std::chrono::seconds time = 0s) {
    return sys_days{date} + time;
}

TEST(signed_url, parse_expires_reads_what_oslo_parse_isotime_reads) {
    using std::chrono::December;
    using std::chrono::January;
    using std::chrono::year;
    // Each expectation matches timeutils.normalize_time(timeutils.parse_isotime(text)).
    EXPECT_EQ(parse_expires("2099-01-02T03:04:05"), at(year{2099} / January / 2, 3h + 4min + 5s));
    EXPECT_EQ(parse_expires("2099-01-01"), at(year{2099} / January / 1));
    EXPECT_EQ(parse_expires("2099-01-01 01:02"), at(year{2099} / January / 1, 1h + 2min));
    EXPECT_EQ(parse_expires("2099-01-01T01:02:03Z"), at(year{2099} / January / 1, 1h + 2min + 3s));
    EXPECT_EQ(parse_expires("2099-01-01T01:02:03.5+02:00"),
              at(year{2098} / December / 31, 23h + 2min + 3s));
    EXPECT_EQ(parse_expires("2099-01-01T01:02:03-0130"),
              at(year{2099} / January / 1, 2h + 32min + 3s));
    EXPECT_EQ(parse_expires("2099-01-01T23:00:00-02"), at(year{2099} / January / 2, 1h));
}

TEST(signed_url, parse_expires_refuses_what_is_not_a_date) {
    // iso8601 (Zaqar's parser) also reads one-digit months and days ("2099-1-1"); ISO 8601's
    // extended format, and /share's documented form, have two.
    for (const auto* text :
         {"", "garbage", "1700000000", "2099-13-01T00:00:00", "2099-02-30T00:00:00",
          "2099-01-01T24:00:00", "2099-01-01T00:60", "2099-01-01T00:00:00 ",
          "2099-01-01T00:00:00+2", "2099-1-1", "2099-01-01T00:00:00.", "2099-01-01Tx"}) {
        EXPECT_EQ(parse_expires(text), std::nullopt) << text;
    }
}

TEST(signed_url, format_expires_is_zaqars_date_format) {
    using std::chrono::January;
    using std::chrono::year;
    EXPECT_EQ(format_expires(at(year{2016} / January / 1)), "2016-01-01T00:00:00");
    EXPECT_EQ(format_expires(at(year{2099} / January / 2, 3h + 4min + 5s)), "2099-01-02T03:04:05");
}

/// What /share would answer for queue q of project p: the headers a client then sends.
struct shared {
    std::string signature;
    std::string expires = "2099-01-02T03:04:05";
    std::string methods = "GET,POST";
    std::string paths = "/v2/queues/q/messages";
    std::string project = "p";

    shared() { signature = sign("key", url_grant{{paths}, {"POST", "GET"}, project, expires}); }
    presented_signature headers() const { return {signature, expires, methods, paths, project}; }
};

const auto now = std::chrono::system_clock::time_point{
    sys_days{std::chrono::year{2030} / std::chrono::January / 1}};

TEST(signed_url, verify_accepts_the_granted_methods_on_the_path_and_below_it) {
    const shared grant;
    EXPECT_TRUE(verify("key", grant.headers(), "GET", "/v2/queues/q/messages", now));
    EXPECT_TRUE(verify("key", grant.headers(), "POST", "/v2/queues/q/messages", now));
    EXPECT_TRUE(verify("key", grant.headers(), "GET", "/v2/queues/q/messages/5f3c", now));
}

TEST(signed_url, verify_refuses_other_methods_paths_keys_projects_and_tampering) {
    const shared grant;
    EXPECT_FALSE(verify("key", grant.headers(), "DELETE", "/v2/queues/q/messages", now));
    EXPECT_FALSE(verify("key", grant.headers(), "get", "/v2/queues/q/messages", now));
    EXPECT_FALSE(verify("key", grant.headers(), "GET", "/v2/queues/q/messages2", now));
    EXPECT_FALSE(verify("key", grant.headers(), "GET", "/v2/queues/q", now));
    EXPECT_FALSE(verify("key", grant.headers(), "GET", "/v2/queues/r/messages", now));
    EXPECT_FALSE(verify("other", grant.headers(), "GET", "/v2/queues/q/messages", now));
    EXPECT_FALSE(verify("", grant.headers(), "GET", "/v2/queues/q/messages", now));

    auto headers = grant.headers();
    headers.project = "p2";
    EXPECT_FALSE(verify("key", headers, "GET", "/v2/queues/q/messages", now));

    // Widening the grant in the headers breaks the signature.
    headers = grant.headers();
    headers.methods = "GET,POST,DELETE";
    EXPECT_FALSE(verify("key", headers, "DELETE", "/v2/queues/q/messages", now));
    headers = grant.headers();
    headers.paths = "/v2/queues/q/messages,/v2/queues/r/messages";
    EXPECT_FALSE(verify("key", headers, "GET", "/v2/queues/r/messages", now));
    headers = grant.headers();
    headers.expires = "2099-01-02T03:04:06";
    EXPECT_FALSE(verify("key", headers, "GET", "/v2/queues/q/messages", now));

    std::string flipped = grant.signature;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    headers = grant.headers();
    headers.signature = flipped;
    EXPECT_FALSE(verify("key", headers, "GET", "/v2/queues/q/messages", now));
    headers.signature = "";
    EXPECT_FALSE(verify("key", headers, "GET", "/v2/queues/q/messages", now));
}

TEST(signed_url, verify_refuses_an_expired_grant_and_reads_expires_as_zaqar_does) {
    shared grant;
    const auto after = std::chrono::system_clock::time_point{
        sys_days{std::chrono::year{2099} / std::chrono::January / 2} + 3h + 4min + 5s};
    EXPECT_FALSE(verify("key", grant.headers(), "GET", "/v2/queues/q/messages", after));
    EXPECT_TRUE(verify("key", grant.headers(), "GET", "/v2/queues/q/messages", after - 1ms));
    // The same instant written with a zone verifies (Zaqar normalizes before signing).
    auto headers = grant.headers();
    headers.expires = "2099-01-02T05:04:05+02:00";
    EXPECT_TRUE(verify("key", headers, "GET", "/v2/queues/q/messages", now));
    headers.expires = "not a date";
    EXPECT_FALSE(verify("key", headers, "GET", "/v2/queues/q/messages", now));
}

TEST(signed_url, verify_accepts_expiry_dates_past_the_nanosecond_clock_range) {
    // system_clock's nanoseconds end in 2262; Zaqar signs any year up to 9999.
    const auto expires = std::string("9999-12-31T23:59:59");
    const auto signature = sign("key", url_grant{{"/v2/queues/q/messages"}, {"GET"}, "p", expires});
    const presented_signature headers{signature, expires, "GET", "/v2/queues/q/messages", "p"};
    EXPECT_TRUE(verify("key", headers, "GET", "/v2/queues/q/messages", now));
}

TEST(signed_url, a_dot_in_a_granted_path_is_not_a_wildcard) {
    // Zaqar's re.search would let a grant on queue a.b reach queue axb.
    const auto expires = std::string("2099-01-01T00:00:00");
    const auto signature =
        sign("key", url_grant{{"/v2/queues/a.b/messages"}, {"GET"}, "p", expires});
    const presented_signature headers{signature, expires, "GET", "/v2/queues/a.b/messages", "p"};
    EXPECT_TRUE(verify("key", headers, "GET", "/v2/queues/a.b/messages", now));
    EXPECT_FALSE(verify("key", headers, "GET", "/v2/queues/axb/messages", now));
}

}  // namespace
}  // namespace marconi::signing
