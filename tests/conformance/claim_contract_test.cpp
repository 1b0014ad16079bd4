// Marconi. Storage contract: claims, Zaqar's delete-with-claim rules, and dead-lettering.
#include "contract_fixture.hpp"

namespace marconi::conformance {
namespace {

using core::errc;

template <class Factory>
class claim_contract : public contract_test<Factory> {};
TYPED_TEST_SUITE(claim_contract, driver_types, driver_names);

// --- create, get, update, delete ------------------------------------------------------------

TYPED_TEST(claim_contract, claim_takes_the_oldest_up_to_the_limit) {
    auto q = this->queue("jobs");
    this->post(q, {"1", "2"});
    this->post(q, {"3", "4", "5"});
    const auto now = this->clock_.now();
    auto c = this->claim(q, 3, 120);
    ASSERT_TRUE(c);
    EXPECT_EQ(this->bodies(c->messages), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(c->created, now);
    EXPECT_EQ(c->expires, now + 120s);
    for (const auto& m : c->messages) EXPECT_EQ(m.claim, c->id);
}

TYPED_TEST(claim_contract, claimed_messages_are_not_claimable_while_the_claim_lives) {
    auto q = this->queue("jobs");
    this->post(q, {"1", "2", "3"});
    auto first = this->claim(q, 2);
    auto second = this->claim(q, 10);
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->id, second->id);
    EXPECT_EQ(this->bodies(second->messages), (std::vector<std::string>{"3"}));
    EXPECT_FALSE(this->claim(q, 10));
}

TYPED_TEST(claim_contract, nothing_to_claim_gives_no_claim) {
    EXPECT_FALSE(this->claim(this->queue("nope")));
    this->run(this->driver_->create_queue(this->queue("empty"), "{}"));
    EXPECT_FALSE(this->claim(this->queue("empty")));
}

TYPED_TEST(claim_contract, messages_are_claimable_again_after_the_claim_expires) {
    auto q = this->queue("jobs");
    this->post(q, {"1", "2"});
    auto c = this->claim(q, 1, 60);
    ASSERT_TRUE(c);
    this->advance(59s);
    EXPECT_EQ(this->bodies(this->claim(q, 10)->messages), (std::vector<std::string>{"2"}));
    this->advance(1s);  // c expires exactly now
    auto again = this->claim(q, 10);
    ASSERT_TRUE(again);
    EXPECT_EQ(this->bodies(again->messages), (std::vector<std::string>{"1"}));
    EXPECT_EQ(again->messages[0].claim_count, 2);
}

TYPED_TEST(claim_contract, delete_claim_releases_its_messages_and_is_idempotent) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"1", "2"});
    auto c = this->claim(q, 10);
    ASSERT_TRUE(c);
    this->run(d.delete_claim(q, c->id));
    this->run(d.delete_claim(q, c->id));
    this->run(d.delete_claim(q, core::claim_id{"malformed"}));
    this->run(d.delete_claim(q, core::claim_id{"00000000000000ff00000000"}));
    EXPECT_EQ(error_of([&] { this->run(d.get_claim(q, c->id)); }), errc::claim_not_found);
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"1", "2"}));
    auto again = this->claim(q, 10);
    ASSERT_TRUE(again);
    EXPECT_EQ(this->bodies(again->messages), (std::vector<std::string>{"1", "2"}));
}

TYPED_TEST(claim_contract, every_claim_bumps_claim_count) {
    auto q = this->queue("jobs");
    this->post(q, {"1"});
    for (int round = 1; round <= 3; ++round) {
        auto c = this->claim(q, 1);
        ASSERT_TRUE(c);
        EXPECT_EQ(c->messages[0].claim_count, round);
        this->run(this->driver_->delete_claim(q, c->id));
    }
}

TYPED_TEST(claim_contract, claim_extends_messages_that_would_expire_first) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    const auto now = this->clock_.now();
    auto ids = this->post(q, {"a", "b"}, 60);
    this->run(d.post_messages(q, core::client_id{"c"}, {this->message("longer", 1000)}));
    auto c = this->claim(q, 3, 100, 30);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->messages.size(), 3u);
    EXPECT_EQ(c->messages[0].expires, now + 130s);  // extended to ttl + grace
    EXPECT_EQ(c->messages[0].ttl(), 130);
    EXPECT_EQ(c->messages[2].expires, now + 1000s);  // never shortened
    this->advance(120s);
    EXPECT_EQ(this->run(d.get_messages(q, ids)).size(), 2u);  // alive past their own ttl
}

TYPED_TEST(claim_contract, get_claim_returns_its_live_messages) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2", "3"});
    auto c = this->claim(q, 2, 120);
    ASSERT_TRUE(c);
    this->run(d.delete_message(q, ids[0], c->id));
    this->advance(10s);
    auto got = this->run(d.get_claim(q, c->id));
    EXPECT_EQ(got.id, c->id);
    EXPECT_EQ(got.created, c->created);
    EXPECT_EQ(got.expires, c->expires);
    EXPECT_EQ(got.age(this->clock_.now()), 10);
    EXPECT_EQ(this->bodies(got.messages), (std::vector<std::string>{"2"}));
}

TYPED_TEST(claim_contract, get_claim_of_unknown_malformed_or_expired_claim_is_not_found) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"1"});
    auto c = this->claim(q, 1, 60);
    ASSERT_TRUE(c);
    for (auto bad : {"", "nope", "0000000000000001000000000", "00000000000000ff00000000"}) {
        EXPECT_EQ(error_of([&] { this->run(d.get_claim(q, core::claim_id{bad})); }),
                  errc::claim_not_found)
            << bad;
    }
    EXPECT_EQ(error_of([&] { this->run(d.get_claim(this->queue("other"), c->id)); }),
              errc::claim_not_found);
    this->advance(60s);
    EXPECT_EQ(error_of([&] { this->run(d.get_claim(q, c->id)); }), errc::claim_not_found);
}

TYPED_TEST(claim_contract, update_claim_resets_expiry_and_extends_messages) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"1"}, 60);
    auto c = this->claim(q, 1, 60, 60);
    ASSERT_TRUE(c);
    this->advance(50s);
    const auto now = this->clock_.now();
    this->run(d.update_claim(q, c->id, 200, 100));
    auto got = this->run(d.get_claim(q, c->id));
    EXPECT_EQ(got.expires, now + 200s);
    EXPECT_EQ(got.created, now);  // age and ttl count from the update, as in Zaqar
    EXPECT_EQ(got.ttl(), 200);
    ASSERT_EQ(got.messages.size(), 1u);
    EXPECT_EQ(got.messages[0].expires, now + 300s);
    this->advance(199s);
    EXPECT_FALSE(this->claim(q, 10));  // still held
    this->advance(1s);
    EXPECT_EQ(error_of([&] { this->run(d.update_claim(q, c->id, 60, 60)); }),
              errc::claim_not_found);
    EXPECT_TRUE(this->claim(q, 10));
}

TYPED_TEST(claim_contract, update_claim_of_unknown_or_malformed_claim_is_not_found) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"1"});
    EXPECT_EQ(error_of([&] { this->run(d.update_claim(q, core::claim_id{"x"}, 60, 60)); }),
              errc::claim_not_found);
    EXPECT_EQ(error_of([&] {
                  this->run(d.update_claim(q, core::claim_id{"00000000000000ff00000000"}, 60, 60));
              }),
              errc::claim_not_found);
}

// --- delete_message under claims (driver.hpp's table, cell by cell) ---------------------------

TYPED_TEST(claim_contract, delete_missing_message_succeeds_whatever_the_claim) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    this->post(q, {"1"});
    auto c = this->claim(q, 1);
    ASSERT_TRUE(c);
    const core::message_id missing{"00000000000000ff00000000"};
    this->run(d.delete_message(q, missing, std::nullopt));
    this->run(d.delete_message(q, missing, c->id));
    this->run(d.delete_message(q, missing, core::claim_id{"malformed"}));
    this->run(d.delete_message(q, core::message_id{"malformed"}, std::nullopt));
    this->run(d.delete_message(this->queue("nope"), missing, std::nullopt));
}

TYPED_TEST(claim_contract, delete_unclaimed_message_without_claim_id_succeeds) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2"});
    this->run(d.delete_message(q, ids[0], std::nullopt));
    EXPECT_EQ(this->bodies(this->list(q).messages), (std::vector<std::string>{"2"}));
}

TYPED_TEST(claim_contract, delete_unclaimed_message_with_a_live_claim_id_is_not_claimed) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2"});
    auto c = this->claim(q, 1);  // holds "1"; "2" stays unclaimed
    ASSERT_TRUE(c);
    EXPECT_EQ(error_of([&] { this->run(d.delete_message(q, ids[1], c->id)); }),
              errc::message_not_claimed);
    EXPECT_EQ(this->run(d.get_messages(q, {ids[1]})).size(), 1u);
}

TYPED_TEST(claim_contract, delete_unclaimed_message_with_a_bad_claim_id_is_claim_invalid) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2"});
    auto c = this->claim(q, 1, 60);
    ASSERT_TRUE(c);
    this->advance(60s);  // c expired; both messages are unclaimed
    for (const auto& bad :
         {c->id, core::claim_id{"malformed"}, core::claim_id{"00000000000000ff00000000"}}) {
        EXPECT_EQ(error_of([&] { this->run(d.delete_message(q, ids[0], bad)); }),
                  errc::claim_invalid)
            << bad.value();
    }
    EXPECT_EQ(this->run(d.get_messages(q, ids)).size(), 2u);
}

TYPED_TEST(claim_contract, delete_claimed_message_without_claim_id_is_forbidden) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1"});
    ASSERT_TRUE(this->claim(q, 1));
    EXPECT_EQ(error_of([&] { this->run(d.delete_message(q, ids[0], std::nullopt)); }),
              errc::message_claimed);
    EXPECT_EQ(this->run(d.get_messages(q, ids)).size(), 1u);
}

TYPED_TEST(claim_contract, delete_claimed_message_with_its_claim_id_succeeds) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2"});
    auto c = this->claim(q, 2);
    ASSERT_TRUE(c);
    this->run(d.delete_message(q, ids[0], c->id));
    EXPECT_TRUE(this->run(d.get_messages(q, {ids[0]})).empty());
    EXPECT_EQ(this->bodies(this->run(d.get_claim(q, c->id)).messages),
              (std::vector<std::string>{"2"}));
}

TYPED_TEST(claim_contract, delete_claimed_message_with_another_live_claim_is_message_claimed) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1", "2"});
    auto c1 = this->claim(q, 1);
    auto c2 = this->claim(q, 1);
    ASSERT_TRUE(c1 && c2);
    EXPECT_EQ(error_of([&] { this->run(d.delete_message(q, ids[0], c2->id)); }),
              errc::message_claimed);
    EXPECT_EQ(this->run(d.get_messages(q, ids)).size(), 2u);
}

TYPED_TEST(claim_contract, delete_claimed_message_with_an_unknown_claim_id_is_claim_invalid) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1"});
    ASSERT_TRUE(this->claim(q, 1));
    for (const auto& bad :
         {core::claim_id{"malformed"}, core::claim_id{"00000000000000ff00000000"}}) {
        EXPECT_EQ(error_of([&] { this->run(d.delete_message(q, ids[0], bad)); }),
                  errc::claim_invalid)
            << bad.value();
    }
    EXPECT_EQ(this->run(d.get_messages(q, ids)).size(), 1u);
}

TYPED_TEST(claim_contract, delete_message_after_its_claim_expired_needs_no_claim_id) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto ids = this->post(q, {"1"});
    ASSERT_TRUE(this->claim(q, 1, 60));
    this->advance(60s);
    this->run(d.delete_message(q, ids[0], std::nullopt));
    EXPECT_TRUE(this->run(d.get_messages(q, ids)).empty());
}

// --- dead-lettering ---------------------------------------------------------------------------

TYPED_TEST(claim_contract, message_claimed_max_times_moves_to_the_dead_letter_queue) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto dlq = this->queue("jobs-dlq");
    this->post(q, {"poison", "good"});
    const core::dead_letter_policy policy{2, dlq.name, 600};
    auto claim_with_policy = [&](std::int64_t limit) {
        return this->run(d.create_claim(q, core::claim_options{60, 60, limit}, policy));
    };

    for (int round = 1; round <= 2; ++round) {
        auto c = claim_with_policy(1);
        ASSERT_TRUE(c);
        EXPECT_EQ(this->bodies(c->messages), (std::vector<std::string>{"poison"}));
        this->run(d.delete_claim(q, c->id));
    }
    this->advance(10s);
    auto c = claim_with_policy(1);  // "poison" goes to the DLQ; "good" is claimed instead
    ASSERT_TRUE(c);
    EXPECT_EQ(this->bodies(c->messages), (std::vector<std::string>{"good"}));
    EXPECT_TRUE(this->run(d.get_queue(dlq)));  // created on demand

    core::message_list_options options;
    options.include_claimed = true;
    EXPECT_EQ(this->bodies(this->list(q, options).messages), (std::vector<std::string>{"good"}));
    auto moved = this->list(dlq).messages;
    ASSERT_EQ(this->bodies(moved), (std::vector<std::string>{"poison"}));
    EXPECT_FALSE(moved[0].claim);
    EXPECT_EQ(moved[0].claim_count, 0);
    EXPECT_EQ(moved[0].expires, this->clock_.now() + 600s);
}

TYPED_TEST(claim_contract, dead_lettering_keeps_remaining_ttl_without_policy_ttl) {
    auto& d = *this->driver_;
    auto q = this->queue("jobs");
    auto dlq = this->queue("dlq");
    const auto posted = this->clock_.now();
    this->post(q, {"poison"}, 3600);
    const core::dead_letter_policy policy{1, dlq.name, std::nullopt};
    auto first = this->run(d.create_claim(q, core::claim_options{60, 60, 5}, policy));
    ASSERT_TRUE(first);
    this->advance(60s);
    EXPECT_FALSE(this->run(d.create_claim(q, core::claim_options{60, 60, 5}, policy)));
    auto moved = this->list(dlq).messages;
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_EQ(moved[0].expires, posted + 3600s);
    EXPECT_EQ(this->run(d.get_queue_stats(q)).total, 0);
}

TYPED_TEST(claim_contract, claims_without_policy_never_dead_letter) {
    auto q = this->queue("jobs");
    this->post(q, {"1"});
    for (int round = 0; round < 5; ++round) {
        auto c = this->claim(q, 1);
        ASSERT_TRUE(c);
        this->run(this->driver_->delete_claim(q, c->id));
    }
    EXPECT_EQ(this->run(this->driver_->get_queue_stats(q)).total, 1);
}

}  // namespace
}  // namespace marconi::conformance
