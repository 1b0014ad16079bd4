// Marconi bench: latency histogram.
#include "histogram.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>

namespace marconi::bench {

namespace {

std::uint64_t load(const std::uint64_t& v) {
    return std::atomic_ref<std::uint64_t>(const_cast<std::uint64_t&>(v))
        .load(std::memory_order_relaxed);
}

void store(std::uint64_t& v, std::uint64_t x) {
    std::atomic_ref<std::uint64_t>(v).store(x, std::memory_order_relaxed);
}

constexpr std::uint64_t linear_limit = std::uint64_t{1} << histogram::linear_bits;
constexpr std::uint64_t value_limit = (std::uint64_t{1} << (histogram::max_bits + 1)) - 1;

}  // namespace

histogram::histogram() : buckets_(bucket_count, 0) {}

std::size_t histogram::bucket_of(std::uint64_t v) {
    if (v < linear_limit) return static_cast<std::size_t>(v);
    v = std::min(v, value_limit);
    const int msb = std::bit_width(v) - 1;  // >= linear_bits
    const int shift = msb - sub_bits;
    const std::uint64_t sub = (v >> shift) - (std::uint64_t{1} << sub_bits);  // [0, 64)
    return static_cast<std::size_t>(linear_limit +
                                    std::uint64_t(msb - linear_bits) * (1u << sub_bits) + sub);
}

std::uint64_t histogram::bucket_low(std::size_t index) {
    if (index < linear_limit) return index;
    const std::size_t rest = index - linear_limit;
    const int msb = linear_bits + static_cast<int>(rest >> sub_bits);
    const std::uint64_t sub = rest & ((1u << sub_bits) - 1);
    return (sub + (std::uint64_t{1} << sub_bits)) << (msb - sub_bits);
}

std::uint64_t histogram::bucket_high(std::size_t index) {
    if (index < linear_limit) return index;
    const std::size_t rest = index - linear_limit;
    const int msb = linear_bits + static_cast<int>(rest >> sub_bits);
    return bucket_low(index) + (std::uint64_t{1} << (msb - sub_bits)) - 1;
}

void histogram::record(std::uint64_t micros) {
    auto& bucket = buckets_[bucket_of(micros)];
    store(bucket, bucket + 1);
    store(count_, count_ + 1);
    store(sum_, sum_ + micros);
    if (micros > max_) store(max_, micros);
}

void histogram::merge(const histogram& other) {
    for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
}

void histogram::snapshot_into(histogram& out) const {
    for (std::size_t i = 0; i < bucket_count; ++i) out.buckets_[i] = load(buckets_[i]);
    out.count_ = load(count_);
    out.sum_ = load(sum_);
    out.max_ = load(max_);
    // The writer may bump count_ between our bucket and count reads: make count the bucket sum
    // so percentiles stay consistent.
    std::uint64_t n = 0;
    for (auto b : out.buckets_) n += b;
    out.count_ = n;
}

histogram histogram::minus(const histogram& earlier) const {
    histogram out;
    std::uint64_t n = 0;
    std::size_t top = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        const auto b = buckets_[i] >= earlier.buckets_[i] ? buckets_[i] - earlier.buckets_[i] : 0;
        out.buckets_[i] = b;
        n += b;
        if (b) top = i;
    }
    out.count_ = n;
    out.sum_ = sum_ >= earlier.sum_ ? sum_ - earlier.sum_ : 0;
    out.max_ = n ? std::min(max_, bucket_high(top)) : 0;
    return out;
}

std::uint64_t histogram::percentile(double q) const {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(q * double(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::min(bucket_high(i), max_);
    }
    return max_;
}

void histogram::reset() {
    std::fill(buckets_.begin(), buckets_.end(), 0);
    count_ = sum_ = max_ = 0;
}

}  // namespace marconi::bench
