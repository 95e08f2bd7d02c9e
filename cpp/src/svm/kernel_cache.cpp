// The SMO solver's kernel rows: computed through BLAS gemv, in parallel over
// column chunks, and kept in a least-recently-used cache.
#include <algorithm>
#include <utility>

#include "svm_internal.hpp"
#include "zoo/blas.hpp"
#include "zoo/parallel.hpp"

namespace zoo::svm::detail {

namespace {
// Below this many multiply-adds a parallel region costs more than it saves
// (measured on 600 x 50 rbf problems, where parallel rows made SMO slower).
// A kernel row's dot products run at memory speed (a gemv): each costs
// about as much as four of a GEMM's multiply-adds, for parallel.hpp's rule.
constexpr index_t kGemvCost = 4;
constexpr std::size_t kSpareBuffers = 16;
// Dot products per tile of fill(): 256 KiB of float64 scratch per thread.
constexpr index_t kTileEntries = 32768;
}  // namespace

KernelRows::KernelRows(const BinaryProblem& problem, const KernelParams& kernel, double cache_mb, int n_threads)
    : kernel_(kernel),
      n_(problem.n),
      d_(problem.d),
      n_threads_(n_threads),
      single_(problem.x32 != nullptr),
      y_(problem.y, problem.y + problem.n),
      norms_(problem.n),
      diagonal_(problem.n),
      dots_(problem.n),
      entries_(problem.n) {
    if (single_) {
        x32_.assign(problem.x32, problem.x32 + problem.n * problem.d);
        dots32_.resize(static_cast<std::size_t>(n_));
    } else {
        x_.assign(problem.x, problem.x + problem.n * problem.d);
    }
    for (index_t i = 0; i < n_; ++i) {
        double s = 0.0;
        for (index_t f = 0; f < d_; ++f) {
            const double v = single_ ? static_cast<double>(x32_[i * d_ + f]) : x_[i * d_ + f];
            s += v * v;
        }
        norms_[i] = s;
        double k = s;
        apply_kernel(kernel_, &k, 1, s, &norms_[i]);
        diagonal_[i] = k;  // y_i^2 = 1
    }
    const double bytes = std::max(cache_mb, 0.0) * 1024.0 * 1024.0;
    budget_ = std::max<std::size_t>(static_cast<std::size_t>(bytes / sizeof(float)),
                                    2 * static_cast<std::size_t>(n_));
}

void KernelRows::compute(index_t i, index_t begin, index_t end, float* out) {
    const index_t m = end - begin;
    if (m <= 0) return;
    auto piece = [&](index_t from, index_t to) {
        const index_t count = to - from;
        double* dots = dots_.data() + from;
        if (d_ == 0) {
            std::fill(dots, dots + count, 0.0);
        } else if (single_) {
            float* dots32 = dots32_.data() + from;
            blas::gemv(false, static_cast<int>(count), static_cast<int>(d_), 1.0f, x32_.data() + from * d_,
                       static_cast<int>(d_), x32_.data() + i * d_, 0.0f, dots32);
            for (index_t k = 0; k < count; ++k) dots[k] = static_cast<double>(dots32[k]);
        } else {
            blas::gemv(false, static_cast<int>(count), static_cast<int>(d_), 1.0, x_.data() + from * d_,
                       static_cast<int>(d_), x_.data() + i * d_, 0.0, dots);
        }
        apply_kernel(kernel_, dots, count, norms_[i], norms_.data() + from);
        const double yi = y_[i];
        float* target = out + (from - begin);
        for (index_t k = 0; k < count; ++k) target[k] = static_cast<float>(dots[k] * (yi * y_[from + k]));
    };
    const int team = team_size(kGemvCost * m * d_, n_threads_);
    if (team <= 1) {
        piece(begin, end);
        return;
    }
    // Chunks of whole cache lines, the same for every call with this thread count.
    const index_t chunk = ((ceil_div(m, team) + 15) / 16) * 16;
    const index_t n_chunks = ceil_div(m, chunk);
    parallel_chunks(n_chunks, team, [&](std::int64_t c, int) {
        const index_t from = begin + c * chunk;
        piece(from, std::min(end, from + chunk));
    });
}

void KernelRows::evict(index_t i) {
    Entry& e = entries_[i];
    used_ -= e.values.size();
    ++evictions_;
    recency_.erase(e.where);
    if (spare_.size() < kSpareBuffers) spare_.push_back(std::move(e.values));
    std::vector<float>().swap(e.values);
    e.cached = false;
}

std::vector<float> KernelRows::take_buffer() {
    if (spare_.empty()) return {};
    std::vector<float> buffer = std::move(spare_.back());
    spare_.pop_back();
    buffer.clear();
    return buffer;
}

void KernelRows::make_room(std::size_t needed, index_t keep) {
    while (used_ + needed > budget_ && !recency_.empty()) {
        const index_t victim = recency_.back();
        if (victim == keep) break;
        evict(victim);
    }
}

const float* KernelRows::row(index_t i, index_t len) {
    Entry& e = entries_[i];
    if (e.cached) {
        recency_.splice(recency_.begin(), recency_, e.where);
    } else {
        e.cached = true;
        recency_.push_front(i);
        e.where = recency_.begin();
        e.values = take_buffer();
    }
    const index_t have = static_cast<index_t>(e.values.size());
    if (have < len) {
        make_room(static_cast<std::size_t>(len - have), i);
        e.values.resize(static_cast<std::size_t>(len));
        compute(i, have, len, e.values.data() + have);
        used_ += static_cast<std::size_t>(len - have);
    }
    return e.values.data();
}

void KernelRows::store(index_t i, index_t len, std::vector<float>&& values) {
    Entry& e = entries_[i];
    if (e.cached) {
        used_ -= e.values.size();
        recency_.splice(recency_.begin(), recency_, e.where);
    } else {
        e.cached = true;
        recency_.push_front(i);
        e.where = recency_.begin();
    }
    make_room(static_cast<std::size_t>(len), i);
    if (spare_.size() < kSpareBuffers && e.values.capacity() > 0) spare_.push_back(std::move(e.values));
    e.values = std::move(values);
    used_ += static_cast<std::size_t>(len);
}

void KernelRows::fill(const std::vector<index_t>& rows, index_t len) {
    const index_t b = static_cast<index_t>(rows.size());
    if (b == 0 || len <= 0) return;
    // Rows of X for the requested variables, side by side.
    if (single_) {
        block_rows32_.resize(static_cast<std::size_t>(b * d_));
        for (index_t r = 0; r < b; ++r)
            std::copy(x32_.begin() + rows[r] * d_, x32_.begin() + (rows[r] + 1) * d_, block_rows32_.begin() + r * d_);
    } else {
        block_rows_.resize(static_cast<std::size_t>(b * d_));
        for (index_t r = 0; r < b; ++r)
            std::copy(x_.begin() + rows[r] * d_, x_.begin() + (rows[r] + 1) * d_, block_rows_.begin() + r * d_);
    }
    std::vector<std::vector<float>> out(static_cast<std::size_t>(b));
    for (auto& values : out) {
        values = take_buffer();
        values.resize(static_cast<std::size_t>(len));
    }
    // Tiles of columns, each a GEMM into its thread's scratch: the scratch
    // stays in cache and its size does not grow with the problem (the
    // working-set solver asks for hundreds of rows of 100,000 columns).
    const index_t tile = std::max<index_t>(16, ((kTileEntries / b) / 16) * 16);
    const int team = team_size(len * d_ * b, n_threads_);
    scratch_.resize(static_cast<std::size_t>(std::max(team, 1)));
    if (single_) scratch32_.resize(scratch_.size());
    parallel_chunks(ceil_div(len, tile), team, [&](std::int64_t c, int thread) {
        const index_t from = c * tile, count = std::min(len, from + tile) - from;
        std::vector<double>& dots_buffer = scratch_[static_cast<std::size_t>(thread)];
        dots_buffer.resize(static_cast<std::size_t>(b * count));
        double* dots = dots_buffer.data();  // b x count: row r holds x_rows[r] . x_k over the tile
        if (d_ == 0) {
            std::fill(dots, dots + b * count, 0.0);
        } else if (single_) {
            std::vector<float>& buffer = scratch32_[static_cast<std::size_t>(thread)];
            buffer.resize(static_cast<std::size_t>(b * count));
            blas::gemm(false, true, static_cast<int>(b), static_cast<int>(count), static_cast<int>(d_), 1.0f,
                       block_rows32_.data(), static_cast<int>(d_), x32_.data() + from * d_, static_cast<int>(d_), 0.0f,
                       buffer.data(), static_cast<int>(count));
            for (index_t k = 0; k < b * count; ++k) dots[k] = static_cast<double>(buffer[k]);
        } else {
            blas::gemm(false, true, static_cast<int>(b), static_cast<int>(count), static_cast<int>(d_), 1.0,
                       block_rows_.data(), static_cast<int>(d_), x_.data() + from * d_, static_cast<int>(d_), 0.0, dots,
                       static_cast<int>(count));
        }
        for (index_t r = 0; r < b; ++r) {
            const index_t i = rows[r];
            double* row = dots + r * count;
            apply_kernel(kernel_, row, count, norms_[i], norms_.data() + from);
            const double yi = y_[i];
            float* target = out[static_cast<std::size_t>(r)].data() + from;
            for (index_t k = 0; k < count; ++k) target[k] = static_cast<float>(row[k] * (yi * y_[from + k]));
        }
    });
    // The first row is the one asked for: stored last, it is the most recent.
    for (index_t r = b - 1; r >= 0; --r) store(rows[r], len, std::move(out[static_cast<std::size_t>(r)]));
}

void KernelRows::swap(const std::vector<std::pair<index_t, index_t>>& pairs) {
    for (auto [i, j] : pairs) {
        if (i == j) continue;
        if (single_) {
            std::swap_ranges(x32_.begin() + i * d_, x32_.begin() + (i + 1) * d_, x32_.begin() + j * d_);
        } else {
            std::swap_ranges(x_.begin() + i * d_, x_.begin() + (i + 1) * d_, x_.begin() + j * d_);
        }
        std::swap(y_[i], y_[j]);
        std::swap(norms_[i], norms_[j]);
        std::swap(diagonal_[i], diagonal_[j]);
        std::swap(entries_[i], entries_[j]);
        if (entries_[i].cached) *entries_[i].where = i;
        if (entries_[j].cached) *entries_[j].where = j;
    }
    // Columns trade places in every cached row; a row that reaches the
    // smaller index of a pair but not the larger keeps its valid prefix.
    for (index_t r : recency_) {
        std::vector<float>& values = entries_[r].values;
        index_t len = static_cast<index_t>(values.size());
        for (auto [a, b] : pairs) {
            const index_t i = std::min(a, b), j = std::max(a, b);
            if (len > j) {
                std::swap(values[i], values[j]);
            } else if (len > i) {
                len = i;
            }
        }
        if (len < static_cast<index_t>(values.size())) {
            used_ -= values.size() - static_cast<std::size_t>(len);
            values.resize(static_cast<std::size_t>(len));
        }
    }
}

}  // namespace zoo::svm::detail
