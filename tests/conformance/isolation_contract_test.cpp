// Marconi. Storage contract: nothing of project A is visible to or changeable by project B,
// and ids from one queue mean nothing in another.
#include "contract_fixture.hpp"

namespace marconi::conformance {
namespace {

using core::errc;

template <class Factory>
class isolation_contract : public contract_test<Factory> {
protected:
    // The same queue name in two projects.
    core::queue_address a_ = this->queue("shared", "project-a");
    core::queue_address b_ = this->queue("shared", "project-b");
};
TYPED_TEST_SUITE(isolation_contract, driver_types, driver_names);

TYPED_TEST(isolation_contract, another_project_sees_none_of_the_queues) {
    auto& d = *this->driver_;
    this->run(d.create_queue(this->a_, R"({"owner":"a"})"));
    this->post(this->a_, {"1"});
    EXPECT_FALSE(this->run(d.get_queue(this->b_)));
    EXPECT_EQ(this->run(d.count_queues(core::project_id{"project-b"})), 0);
    core::queue_list_options options;
    EXPECT_TRUE(this->run(d.list_queues(core::project_id{"project-b"}, options)).empty());
    EXPECT_EQ(error_of([&] { this->run(d.set_queue_metadata(this->b_, "{}")); }),
              errc::queue_not_found);
    this->run(d.delete_queue(this->b_));
    this->run(d.purge_messages(this->b_));
    EXPECT_TRUE(this->run(d.get_queue(this->a_)));
    EXPECT_EQ(this->run(d.get_queue_stats(this->a_)).total, 1);
}

TYPED_TEST(isolation_contract, same_queue_name_in_two_projects_is_two_queues) {
    auto& d = *this->driver_;
    this->post(this->a_, {"a1", "a2"});
    this->post(this->b_, {"b1"});
    EXPECT_EQ(this->bodies(this->list(this->a_).messages), (std::vector<std::string>{"a1", "a2"}));
    EXPECT_EQ(this->bodies(this->list(this->b_).messages), (std::vector<std::string>{"b1"}));
    EXPECT_EQ(this->run(d.get_queue_stats(this->b_)).total, 1);
    this->run(d.delete_queue(this->b_));
    EXPECT_EQ(this->run(d.get_queue_stats(this->a_)).total, 2);
}

TYPED_TEST(isolation_contract, another_project_cannot_reach_message_ids) {
    auto& d = *this->driver_;
    auto ids = this->post(this->a_, {"1", "2"});
    this->run(d.create_queue(this->b_, "{}"));
    EXPECT_TRUE(this->run(d.get_messages(this->b_, ids)).empty());
    this->run(d.delete_message(this->b_, ids[0], std::nullopt));
    this->run(d.delete_messages(this->b_, ids, std::nullopt));
    EXPECT_TRUE(this->run(d.pop_messages(this->b_, 10)).empty());
    EXPECT_FALSE(this->claim(this->b_));
    EXPECT_EQ(this->run(d.get_messages(this->a_, ids)).size(), 2u);
}

TYPED_TEST(isolation_contract, another_project_cannot_reach_claim_ids) {
    auto& d = *this->driver_;
    auto ids = this->post(this->a_, {"1"});
    this->run(d.create_queue(this->b_, "{}"));
    auto c = this->claim(this->a_);
    ASSERT_TRUE(c);
    EXPECT_EQ(error_of([&] { this->run(d.get_claim(this->b_, c->id)); }), errc::claim_not_found);
    EXPECT_EQ(error_of([&] { this->run(d.update_claim(this->b_, c->id, 60, 60)); }),
              errc::claim_not_found);
    this->run(d.delete_claim(this->b_, c->id));
    // A's claim still holds its message.
    EXPECT_EQ(this->run(d.get_claim(this->a_, c->id)).messages.size(), 1u);
    EXPECT_EQ(error_of([&] { this->run(d.delete_message(this->a_, ids[0], std::nullopt)); }),
              errc::message_claimed);
}

TYPED_TEST(isolation_contract, ids_from_another_queue_of_the_same_project_mean_nothing) {
    auto& d = *this->driver_;
    auto other = this->queue("other", "project-a");
    auto ids = this->post(this->a_, {"1"});
    this->post(other, {"x"});
    auto c = this->claim(this->a_);
    ASSERT_TRUE(c);
    EXPECT_TRUE(this->run(d.get_messages(other, ids)).empty());
    EXPECT_EQ(error_of([&] { this->run(d.get_claim(other, c->id)); }), errc::claim_not_found);
    // A claim of another queue is no claim here: deleting an unclaimed message with it fails.
    auto other_ids = this->post(other, {"y"});
    EXPECT_EQ(error_of([&] { this->run(d.delete_message(other, other_ids[0], c->id)); }),
              errc::claim_invalid);
}

TYPED_TEST(isolation_contract, guessing_the_tag_of_an_id_finds_nothing) {
    auto& d = *this->driver_;
    auto id = this->post(this->a_, {"1"})[0].value();
    // Same row, different tag: a forged id must not reveal or delete the message.
    id.back() = id.back() == '0' ? '1' : '0';
    EXPECT_TRUE(this->run(d.get_messages(this->a_, {core::message_id{id}})).empty());
    this->run(d.delete_messages(this->a_, {core::message_id{id}}, std::nullopt));
    EXPECT_EQ(this->run(d.get_queue_stats(this->a_)).total, 1);
}

}  // namespace
}  // namespace marconi::conformance
