// Marconi. Contract: what a durable driver has committed is there after it is closed and
// reopened. Runs only on drivers whose data outlives the driver object.
#include "contract_fixture.hpp"

#include <algorithm>

namespace marconi::conformance {
namespace {

template <class Factory>
class durability_contract : public contract_test<Factory> {};
TYPED_TEST_SUITE(durability_contract, durable_driver_types, driver_names);

TYPED_TEST(durability_contract, committed_messages_and_metadata_survive_reopening) {
    auto q = this->queue("durable");
    this->run(this->driver_->create_queue(this->queue("meta"), R"({"k":1})"));
    auto ids = this->post(q, {"1", "2"});
    this->reopen();
    auto& d = *this->driver_;
    EXPECT_EQ(this->run(d.get_queue(this->queue("meta")))->metadata_json, R"({"k":1})");
    EXPECT_EQ(this->bodies(this->run(d.get_messages(q, ids))),
              (std::vector<std::string>{"1", "2"}));
    // Ids and markers keep growing after a reopen: nothing is reused.
    auto more = this->post(q, {"3"});
    EXPECT_EQ(std::find(ids.begin(), ids.end(), more[0]), ids.end());
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"1", "2", "3"}));
}

TYPED_TEST(durability_contract, claims_survive_reopening_with_their_expiry) {
    auto q = this->queue("durable");
    this->post(q, {"1"});
    auto c = this->claim(q, 1);
    ASSERT_TRUE(c);
    this->reopen();
    auto& d = *this->driver_;
    const auto reopened = this->run(d.get_claim(q, c->id));
    EXPECT_EQ(reopened.expires, c->expires);
    EXPECT_EQ(this->bodies(reopened.messages), (std::vector<std::string>{"1"}));
    EXPECT_FALSE(this->claim(q, 1)) << "a claimed message must stay claimed after a restart";
}

}  // namespace
}  // namespace marconi::conformance
