// Exact k nearest neighbours by blocked brute force.
//
// A block of queries is compared with a tile of points at a time by one GEMM
// on centred copies, giving ||p||^2 - 2 q.p (||q - p||^2 less the query's
// own constant). That expansion loses accuracy to cancellation, so it only
// shortlists: per query, the k-th smallest value plus the expansion's
// rounding-error bound is a threshold that every true neighbour lies under.
// The few points under it are ranked by the sum of squared coordinate
// differences, ties by index, which is the exact order. Each query's answer
// depends only on its own row of values, so neither the tile size nor the
// thread count changes it.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/neighbors.hpp"
#include "zoo/parallel.hpp"

namespace zoo::neighbors {

namespace {

using index_t = std::int64_t;

// Default tile: 64 queries by 1024 points, 512 KiB of float64, stays in
// cache between the GEMM writing it and the scan reading it, whatever the
// number of points; 64 rows amortise the packing of each GEMM's operands.
constexpr index_t kBlockRows = 64;
constexpr index_t kBlockCols = 1024;
// Values tested at once before looking at them one by one.
constexpr index_t kChunk = 16;

struct Prepared {
    index_t n = 0, d = 0;
    std::vector<double> scaled;  // only when the coordinates needed rescaling
    const double* x = nullptr;   // the coordinates ranked exactly
    // Rows [p - mean, |p - mean|^2]: against a query row [-2 (q - mean), 1]
    // one GEMM gives |p|^2 - 2 q.p, which orders the points as |q - p|^2
    // does (|q|^2 is the same along a query's row).
    std::vector<double> augmented;
    std::vector<double> squared_norms;
    double max_squared_norm = 0.0;
    index_t width() const { return d + 1; }
};

Prepared prepare(const double* x, index_t n, index_t d) {
    Prepared p;
    p.n = n;
    p.d = d;
    p.x = x;
    double extent = 0.0;
    for (index_t i = 0; i < n * d; ++i) {
        if (!std::isfinite(x[i])) throw std::invalid_argument("knn_brute: the points must be finite (no NaN or inf)");
        extent = std::max(extent, std::abs(x[i]));
    }
    // Squared distances of huge coordinates overflow and those of tiny ones
    // underflow to 0 (every point a tie). A power-of-two scale is exact, so
    // it changes neither the order nor the ties.
    if (extent > 1e100 || (extent > 0.0 && extent < 1e-100)) {
        int exponent = 0;
        std::frexp(extent, &exponent);
        p.scaled.resize(static_cast<size_t>(n * d));
        for (index_t i = 0; i < n * d; ++i) p.scaled[static_cast<size_t>(i)] = std::ldexp(x[i], -exponent);
        p.x = p.scaled.data();
    }
    // Distances do not change under translation; centring makes the norms,
    // and with them the cancellation error, as small as they can be.
    std::vector<double> mean(static_cast<size_t>(d), 0.0);
    for (index_t i = 0; i < n; ++i)
        for (index_t f = 0; f < d; ++f) mean[static_cast<size_t>(f)] += p.x[i * d + f];
    for (double& m : mean) m /= static_cast<double>(n);
    const index_t w = p.width();
    p.augmented.resize(static_cast<size_t>(n * w));
    p.squared_norms.resize(static_cast<size_t>(n));
    for (index_t i = 0; i < n; ++i) {
        double norm = 0.0;
        for (index_t f = 0; f < d; ++f) {
            const double v = p.x[i * d + f] - mean[static_cast<size_t>(f)];
            p.augmented[static_cast<size_t>(i * w + f)] = v;
            norm += v * v;
        }
        p.augmented[static_cast<size_t>(i * w + d)] = norm;
        p.squared_norms[static_cast<size_t>(i)] = norm;
        p.max_squared_norm = std::max(p.max_squared_norm, norm);
    }
    return p;
}

inline double squared_distance(const double* a, const double* b, index_t d) {
    double sum = 0.0;
    for (index_t f = 0; f < d; ++f) {
        const double diff = a[f] - b[f];
        sum += diff * diff;
    }
    return sum;
}

// The k best (value, index) pairs offered, ascending, equal values by index;
// +inf until filled.
class Best {
public:
    explicit Best(index_t k) : k_(k), value_(static_cast<size_t>(k)), index_(static_cast<size_t>(k)) {}
    void reset() {
        std::fill(value_.begin(), value_.end(), std::numeric_limits<double>::infinity());
        std::fill(index_.begin(), index_.end(), std::numeric_limits<index_t>::max());
    }
    double worst() const { return value_.back(); }
    void offer(double value, index_t index) {
        index_t pos = k_ - 1;
        if (!before(value, index, pos)) return;
        while (pos > 0 && before(value, index, pos - 1)) {
            value_[static_cast<size_t>(pos)] = value_[static_cast<size_t>(pos - 1)];
            index_[static_cast<size_t>(pos)] = index_[static_cast<size_t>(pos - 1)];
            --pos;
        }
        value_[static_cast<size_t>(pos)] = value;
        index_[static_cast<size_t>(pos)] = index;
    }
    const index_t* indices() const { return index_.data(); }

private:
    bool before(double value, index_t index, index_t pos) const {
        const double other = value_[static_cast<size_t>(pos)];
        return value < other || (value == other && index < index_[static_cast<size_t>(pos)]);
    }
    index_t k_;
    std::vector<double> value_;
    std::vector<index_t> index_;
};

// A query's search state across the tiles of its row.
struct Shortlist {
    Best approximate;  // the k smallest approximate values so far
    Best exact;        // the k nearest by exact distance among the points ranked
    // Points within slack of the k-th approximate value when met, not yet
    // ranked: (approximate value, index).
    std::vector<std::pair<double, index_t>> pending;
    double limit = 0.0;
    explicit Shortlist(index_t k) : approximate(k), exact(k) {}
    void reset() {
        approximate.reset();
        exact.reset();
        pending.clear();
        limit = std::numeric_limits<double>::infinity();
    }
};

struct Workspace {
    std::vector<double> block, tile;
    std::vector<Shortlist> rows;
    Workspace(index_t k, index_t block_rows) : rows(static_cast<size_t>(block_rows), Shortlist(k)) {}
};

// Whether any of kChunk values is <= bound, in a few vector compares (GCC
// and Clang vector extensions; the compiler keeps this loop scalar).
inline bool any_at_most(const double* values, double bound) {
    using vec = double __attribute__((vector_size(32)));
    using mask = long long __attribute__((vector_size(32)));
    const vec limit = {bound, bound, bound, bound};
    mask hits = {0, 0, 0, 0};
    for (index_t c = 0; c < kChunk; c += 4) {
        vec v;
        std::memcpy(&v, values + c, sizeof v);
        hits |= v <= limit;
    }
    return (hits[0] | hits[1] | hits[2] | hits[3]) != 0;
}

// Ranks exactly, from the coordinates, the pending points still under the
// limit. Ranking more points than the final limit admits changes nothing:
// each point over it has k points nearer than itself (those of the k
// smallest approximate values), and those are ranked too.
void rank_pending(const Prepared& p, index_t self, Shortlist& s) {
    const double* xq = p.x + self * p.d;
    for (const auto& [value, j] : s.pending)
        if (value <= s.limit) s.exact.offer(squared_distance(xq, p.x + j * p.d, p.d), j);
    s.pending.clear();
}

// One pass over a query's approximate values for points [first, first +
// count): tracks their k-th smallest and keeps every point within `slack` of
// it as it stands (the limit only decreases, so the final shortlist is among
// the points kept). Kept points wait in a short buffer, so most are dropped
// unranked once the limit has fallen below them.
void scan(const Prepared& p, const double* approx, index_t first, index_t count, index_t self, double slack,
          index_t buffer, Shortlist& s) {
    const auto visit = [&](index_t c) {
        const index_t j = first + c;
        if (j == self) return;  // not its own neighbour
        s.approximate.offer(approx[c], j);
        s.limit = s.approximate.worst() + slack;
        if (approx[c] > s.limit) return;
        s.pending.emplace_back(approx[c], j);
        if (static_cast<index_t>(s.pending.size()) < buffer) return;
        const double limit = s.limit;
        s.pending.erase(std::remove_if(s.pending.begin(), s.pending.end(),
                                       [limit](const auto& entry) { return entry.first > limit; }),
                        s.pending.end());
        // Many points within slack of each other (ties): rank them now, so
        // the buffer stays short whatever the data.
        if (2 * static_cast<index_t>(s.pending.size()) >= buffer) rank_pending(p, self, s);
    };
    index_t c = 0;
    for (; c + kChunk <= count; c += kChunk) {
        // Almost every chunk holds nothing under the limit once a few good
        // candidates are in; test it whole first.
        if (!any_at_most(approx + c, s.limit)) continue;
        for (index_t i = c; i < c + kChunk; ++i)
            if (approx[i] <= s.limit) visit(i);
    }
    for (; c < count; ++c)
        if (approx[c] <= s.limit) visit(c);
}

// Neighbours of queries [first, last) (one block) into out, a tile of
// block_cols points at a time.
void search_block(const Prepared& p, const index_t* queries, index_t first, index_t last, index_t k,
                  index_t block_cols, Workspace& w, index_t* out) {
    const index_t n = p.n, d = p.d, width = p.width(), rows = last - first;
    w.block.resize(static_cast<size_t>(rows * width));
    w.tile.resize(static_cast<size_t>(rows * std::min(n, block_cols)));
    for (index_t r = 0; r < rows; ++r) {
        const double* source = p.augmented.data() + queries[first + r] * width;
        double* target = w.block.data() + r * width;
        for (index_t f = 0; f < d; ++f) target[f] = -2.0 * source[f];  // exact
        target[d] = 1.0;
        w.rows[static_cast<size_t>(r)].reset();
    }
    // Rounding error bound of the expansion (dot products of length d plus
    // two additions), applied on both sides of the k-th value.
    const double unit_error = 2.0 * (static_cast<double>(d) + 4.0) * std::numeric_limits<double>::epsilon();
    const index_t buffer = 4 * k + 64;
    const auto slack = [&](index_t q) {
        return 4.0 * unit_error * (p.squared_norms[static_cast<size_t>(q)] + p.max_squared_norm);
    };
    for (index_t col = 0; col < n; col += block_cols) {
        const index_t cols = std::min(block_cols, n - col);
        blas::gemm(false, true, static_cast<int>(rows), static_cast<int>(cols), static_cast<int>(width), 1.0,
                   w.block.data(), static_cast<int>(width), p.augmented.data() + col * width, static_cast<int>(width),
                   0.0, w.tile.data(), static_cast<int>(cols));
        for (index_t r = 0; r < rows; ++r) {
            const index_t q = queries[first + r];
            scan(p, w.tile.data() + r * cols, col, cols, q, slack(q), buffer, w.rows[static_cast<size_t>(r)]);
        }
    }
    for (index_t r = 0; r < rows; ++r) {
        Shortlist& s = w.rows[static_cast<size_t>(r)];
        rank_pending(p, queries[first + r], s);
        std::copy_n(s.exact.indices(), k, out + (first + r) * k);
    }
}

}  // namespace

void knn_brute(const double* x, index_t n, index_t d, const index_t* queries, index_t n_queries, index_t k,
               index_t block_rows, index_t block_cols, int n_threads, index_t* out, const InterruptCheck& interrupt) {
    if (n < 0 || d < 1 || n_queries < 0) throw std::invalid_argument("knn_brute: the points need at least one feature");
    n_threads = team_size(static_cast<double>(n_queries) * static_cast<double>(n) * static_cast<double>(d), n_threads);
    if (k < 1 || k > n - 1)
        throw std::invalid_argument("knn_brute: k=" + std::to_string(k) + " nearest neighbours need at least " +
                                    std::to_string(k + 1) + " points; got " + std::to_string(n));
    if (n > INT_MAX || d >= INT_MAX) throw std::invalid_argument("knn_brute: too many points or features for BLAS");
    if (block_rows < 0 || block_cols < 0)
        throw std::invalid_argument("knn_brute: block_rows and block_cols must be >= 0 (0: automatic)");
    for (index_t i = 0; i < n_queries; ++i)
        if (queries[i] < 0 || queries[i] >= n)
            throw std::out_of_range("knn_brute: query index " + std::to_string(queries[i]) + " is outside [0, " +
                                    std::to_string(n) + ")");
    if (n_queries == 0) return;
    const Prepared p = prepare(x, n, d);
    const index_t rows = block_rows > 0 ? std::min(block_rows, n_queries) : std::min(kBlockRows, n_queries);
    const index_t cols = block_cols > 0 ? std::min(block_cols, n) : std::min(kBlockCols, n);
    const index_t n_blocks = ceil_div(n_queries, rows);
    // Each thread runs its own GEMMs; BLAS's own threads would oversubscribe.
    blas::SingleThreadedScope single_threaded_blas;
    // Slices of blocks between interrupt checks (never inside the region).
    const index_t slice = 16 * index_t{n_threads};
    for (index_t begin = 0; begin < n_blocks; begin += slice) {
        check_interrupt(interrupt);
        const index_t end = std::min(n_blocks, begin + slice);
        ExceptionCarrier carrier;
#pragma omp parallel num_threads(n_threads)
        {
            Workspace w(k, rows);
#pragma omp for schedule(dynamic, 1)
            for (index_t b = begin; b < end; ++b)
                carrier.run([&] {
                    search_block(p, queries, b * rows, std::min(n_queries, (b + 1) * rows), k, cols, w, out);
                });
        }
        carrier.rethrow();
    }
}

}  // namespace zoo::neighbors
