// Marconi bench: latency histogram.
#pragma once

#include <cstdint>
#include <vector>

namespace marconi::bench {

/// Log-linear latency histogram over microseconds, HDR-style: values below 128 µs get exact
/// buckets, above that every power of two splits into 64 buckets (relative error under 1.6 %),
/// up to 2^36 µs. Histograms merge by adding buckets, so each io thread records into its own.
///
/// Thread safety: one writer (`record`) and any number of concurrent readers (`snapshot_into`)
/// are safe: counters use relaxed atomic_ref loads and stores, never locked instructions.
/// Everything else (merge, percentiles) needs exclusive access.
class histogram {
public:
    static constexpr int linear_bits = 7;  // exact below 2^7
    static constexpr int sub_bits = 6;     // 64 buckets per power of two above
    static constexpr int max_bits = 36;    // values clamp at 2^36 µs (about 19 h)
    static constexpr std::size_t bucket_count =
        (std::size_t{1} << linear_bits) +
        std::size_t(max_bits - linear_bits + 1) * (1u << sub_bits);

    histogram();

    void record(std::uint64_t micros);
    /// Adds every bucket of `other` (exclusive access to *this).
    void merge(const histogram& other);
    /// Copies the counters into `out` using atomic loads (safe while the writer records).
    void snapshot_into(histogram& out) const;
    /// this - earlier, bucket by bucket; max becomes the top of the highest non-empty bucket.
    histogram minus(const histogram& earlier) const;

    /// Value at quantile q in [0,1]: the highest value of the bucket holding rank ceil(q·n),
    /// clamped to the recorded max. 0 when empty.
    std::uint64_t percentile(double q) const;
    std::uint64_t count() const { return count_; }
    std::uint64_t max() const { return max_; }
    double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
    void reset();

    static std::size_t bucket_of(std::uint64_t micros);
    static std::uint64_t bucket_low(std::size_t index);
    static std::uint64_t bucket_high(std::size_t index);

private:
    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace marconi::bench
