// Marconi bench: decoding the few server responses the roles look inside.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace marconi::bench {

struct claimed_message {
    std::string id;
    std::string href;  // "/v2/queues/q/messages/<id>?claim_id=<cid>"
};

/// Scratch memory for JSON parsing, owned by one connection and reused for every response,
/// so decoding a page of messages does not touch the heap (beyond the output strings).
class json_scratch {
public:
    json_scratch() : buffer_(32 * 1024) {}
    unsigned char* data() { return buffer_.data(); }
    std::size_t size() const { return buffer_.size(); }

private:
    std::vector<unsigned char> buffer_;
};

/// 201 body of POST .../claims -> messages (cleared first; strings keep their capacity).
/// false when the body is not the expected shape.
bool parse_claim(std::string_view body, json_scratch& scratch, std::vector<claimed_message>& out,
                 std::size_t& count);

/// 200 body of GET .../messages -> number of messages and the "next" href (if any).
bool parse_listing(std::string_view body, json_scratch& scratch, std::size_t& count,
                   std::optional<std::string>& next);

/// 200 body of GET .../stats -> messages.total.
std::optional<std::int64_t> parse_stats_total(std::string_view body);

/// 201 body of POST .../messages -> how many resources were created.
std::size_t count_posted(std::string_view body);

}  // namespace marconi::bench
