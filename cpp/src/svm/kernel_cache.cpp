// The SMO solver's kernel rows: computed through BLAS gemv, in parallel over
// column chunks, and kept in a least-recently-used cache.
#include <algorithm>
#include <utility>

#include "svm_internal.hpp"
#include "zoo/blas.hpp"
#include "zoo/parallel.hpp"

namespace zoo::svm::detail {

namespace {
// Below this many multiply-adds per row a parallel region costs more than it saves.
constexpr index_t kParallelWork = 1 << 16;
}  // namespace

KernelRows::KernelRows(const BinaryProblem& problem, const KernelParams& kernel, double cache_mb, int n_threads)
    : kernel_(kernel),
      n_(problem.n),
      d_(problem.d),
      n_threads_(n_threads),
      x_(problem.x, problem.x + problem.n * problem.d),
      y_(problem.y, problem.y + problem.n),
      norms_(problem.n),
      diagonal_(problem.n),
      entries_(problem.n) {
    for (index_t i = 0; i < n_; ++i) {
        const double* xi = x_.data() + i * d_;
        double s = 0.0;
        for (index_t f = 0; f < d_; ++f) s += xi[f] * xi[f];
        norms_[i] = s;
        double k = s;
        apply_kernel(kernel_, &k, 1, s, &norms_[i]);
        diagonal_[i] = k;  // y_i^2 = 1
    }
    const double bytes = std::max(cache_mb, 0.0) * 1024.0 * 1024.0;
    budget_ = std::max<std::size_t>(static_cast<std::size_t>(bytes / sizeof(double)),
                                    2 * static_cast<std::size_t>(n_));
}

void KernelRows::compute(index_t i, index_t begin, index_t end, double* out) const {
    const index_t m = end - begin;
    if (m <= 0) return;
    const double* xi = x_.data() + i * d_;
    auto piece = [&](index_t from, index_t to) {
        double* dots = out + (from - begin);
        if (d_ == 0) {
            std::fill(dots, dots + (to - from), 0.0);
        } else {
            blas::gemv(false, static_cast<int>(to - from), static_cast<int>(d_), 1.0, x_.data() + from * d_,
                       static_cast<int>(d_), xi, 0.0, dots);
        }
        apply_kernel(kernel_, dots, to - from, norms_[i], norms_.data() + from);
        const double yi = y_[i];
        for (index_t k = from; k < to; ++k) dots[k - from] *= yi * y_[k];
    };
    if (n_threads_ <= 1 || m * d_ < kParallelWork) {
        piece(begin, end);
        return;
    }
    // Chunks of whole cache lines, the same for every call with this thread count.
    const index_t chunk = ((ceil_div(m, n_threads_) + 7) / 8) * 8;
    const index_t n_chunks = ceil_div(m, chunk);
    parallel_chunks(n_chunks, n_threads_, [&](std::int64_t c, int) {
        const index_t from = begin + c * chunk;
        piece(from, std::min(end, from + chunk));
    });
}

void KernelRows::evict(index_t i) {
    Entry& e = entries_[i];
    used_ -= e.values.size();
    recency_.erase(e.where);
    std::vector<double>().swap(e.values);
    e.cached = false;
}

void KernelRows::make_room(std::size_t needed, index_t keep) {
    while (used_ + needed > budget_ && !recency_.empty()) {
        const index_t victim = recency_.back();
        if (victim == keep) break;
        evict(victim);
    }
}

const double* KernelRows::row(index_t i, index_t len) {
    Entry& e = entries_[i];
    if (e.cached) {
        recency_.splice(recency_.begin(), recency_, e.where);
    } else {
        e.cached = true;
        recency_.push_front(i);
        e.where = recency_.begin();
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

void KernelRows::swap(index_t i, index_t j) {
    if (i == j) return;
    if (i > j) std::swap(i, j);
    std::swap_ranges(x_.begin() + i * d_, x_.begin() + (i + 1) * d_, x_.begin() + j * d_);
    std::swap(y_[i], y_[j]);
    std::swap(norms_[i], norms_[j]);
    std::swap(diagonal_[i], diagonal_[j]);
    std::swap(entries_[i], entries_[j]);
    if (entries_[i].cached) *entries_[i].where = i;
    if (entries_[j].cached) *entries_[j].where = j;
    // Columns i and j trade places in every cached row; a row that reaches i
    // but not j keeps only its valid prefix.
    for (index_t r : recency_) {
        std::vector<double>& values = entries_[r].values;
        const index_t len = static_cast<index_t>(values.size());
        if (len > j) {
            std::swap(values[i], values[j]);
        } else if (len > i) {
            used_ -= static_cast<std::size_t>(len - i);
            values.resize(static_cast<std::size_t>(i));
        }
    }
}

}  // namespace zoo::svm::detail
