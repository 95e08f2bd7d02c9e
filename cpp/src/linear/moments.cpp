// Weighted means and centred moments of a regression problem, and the
// centred columns that coordinate descent walks along.
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/linear.hpp"
#include "zoo/parallel.hpp"

namespace zoo::linear {

namespace {

// Rows per block of centred scratch: about 512 KiB of doubles, enough for
// syrk to run near its peak and small enough to stay in L2.
index_t block_rows(index_t d) { return std::clamp<index_t>(65536 / std::max<index_t>(d, 1), 32, 2048); }

struct RowRange {
    index_t begin, end;
};

RowRange thread_rows(index_t n, int n_threads, std::int64_t part) {
    const index_t per = ceil_div(n, n_threads);
    return {std::min(n, part * per), std::min(n, (part + 1) * per)};
}

// A provisional centre for one-pass moments: the weighted mean of the first
// rows (their plain mean if those weigh nothing). Moments about it, corrected
// by the true mean at the end, lose digits only in proportion to how far it
// lies from the true mean in standard deviations, a few for any data whose
// first rows are not far out.
template <class T>
void provisional_centre(const Problem<T>& p, double* cx, double* cy) {
    constexpr index_t kRows = 1024;
    const index_t d = p.d, k = p.k, m = std::min(p.n, kRows);
    double total = 0.0;
    for (index_t i = 0; i < m; ++i) total += static_cast<double>(p.weight[i]);
    std::fill(cx, cx + d, 0.0);
    std::fill(cy, cy + k, 0.0);
    for (index_t i = 0; i < m; ++i) {
        const double w = total > 0.0 ? static_cast<double>(p.weight[i]) / total : 1.0 / static_cast<double>(m);
        for (index_t j = 0; j < d; ++j) cx[j] += w * static_cast<double>(p.x[i * d + j]);
        for (index_t t = 0; t < k; ++t) cy[t] += w * static_cast<double>(p.y[i * k + t]);
    }
}

}  // namespace

template <class T>
void weighted_moments(const Problem<T>& p, bool center, int n_threads, double* x_mean, double* y_mean,
                      double* gram, double* xty, double* yty) {
    const index_t d = p.d, k = p.k;
    n_threads = team_size(static_cast<double>(p.n) * static_cast<double>(d) * static_cast<double>(d + k), n_threads);
    // One pass over X: rows shifted by a provisional centre c, with the
    // weighted sums of x - c and y - c beside the Gram matrix; the moments
    // about the true means follow from those (G_c - s s^T / W).
    std::vector<double> cx(d, 0.0), cy(k, 0.0);
    if (center) provisional_centre(p, cx.data(), cy.data());
    // Each thread accumulates its own Gram matrix over its own rows with
    // single-threaded BLAS: no synchronisation, X read once, and robust on a
    // busy machine, where BLAS's own pool waits for its slowest thread at
    // every call. The per-thread copies are capped at about 1 GiB in all;
    // past that (d in the thousands) one copy is shared and each syrk, then
    // large, runs on BLAS's pool.
    const index_t budget_parts = (index_t{1} << 30) / std::max<index_t>(1, 8 * d * d);
    const int n_parts = static_cast<int>(std::clamp<index_t>(budget_parts, 1, n_threads));
    const bool shared = n_parts == 1 && n_threads > 1;
    const index_t rows_per_block = shared ? std::max<index_t>(256, (index_t{1} << 22) / d) : block_rows(d);
    std::vector<std::vector<double>> gram_part(n_parts), xty_part(n_parts), yty_part(n_parts), sum_part(n_parts);
    std::unique_ptr<blas::SingleThreadedScope> one_blas_thread;
    std::unique_ptr<blas::ThreadsScope> blas_threads;
    if (shared)
        blas_threads = std::make_unique<blas::ThreadsScope>(n_threads);
    else
        one_blas_thread = std::make_unique<blas::SingleThreadedScope>();
    auto accumulate = [&](std::int64_t part) {
        const RowRange rows = thread_rows(p.n, n_parts, part);
        std::vector<double>& g = gram_part[part];
        std::vector<double>& c = xty_part[part];
        std::vector<double>& s = yty_part[part];
        std::vector<double>& sums = sum_part[part];  // sum of w (x - cx), w (y - cy), then w
        g.assign(d * d, 0.0);
        c.assign(d * k, 0.0);
        s.assign(k, 0.0);
        sums.assign(d + k + 1, 0.0);
        std::vector<double> xb(rows_per_block * d), yb(rows_per_block * k);
        for (index_t start = rows.begin; start < rows.end; start += rows_per_block) {
            const index_t m = std::min(rows_per_block, rows.end - start);
            // Each row times sqrt(w): the products of two rows then carry w.
            for (index_t r = 0; r < m; ++r) {
                const index_t i = start + r;
                const double w = static_cast<double>(p.weight[i]), root = std::sqrt(w);
                const T* xi = p.x + i * d;
                double* xr = xb.data() + r * d;
                for (index_t j = 0; j < d; ++j) {
                    xr[j] = root * (static_cast<double>(xi[j]) - cx[j]);
                    sums[j] += root * xr[j];
                }
                const T* yi = p.y + i * k;
                double* yr = yb.data() + r * k;
                for (index_t t = 0; t < k; ++t) {
                    yr[t] = root * (static_cast<double>(yi[t]) - cy[t]);
                    sums[d + t] += root * yr[t];
                    s[t] += yr[t] * yr[t];
                }
                sums[d + k] += w;
            }
            blas::syrk_gram(static_cast<int>(d), static_cast<int>(m), 1.0, xb.data(), static_cast<int>(d), 1.0,
                            g.data(), static_cast<int>(d));
            blas::gemm(true, false, static_cast<int>(d), static_cast<int>(k), static_cast<int>(m), 1.0, xb.data(),
                       static_cast<int>(d), yb.data(), static_cast<int>(k), 1.0, c.data(), static_cast<int>(k));
        }
    };
    if (shared)
        accumulate(0);
    else
        parallel_chunks(n_parts, n_parts, [&](std::int64_t part, int) { accumulate(part); });
    std::fill(gram, gram + d * d, 0.0);
    std::fill(xty, xty + d * k, 0.0);
    std::fill(yty, yty + k, 0.0);
    std::vector<double> sums(d + k + 1, 0.0);  // added in part order: the same bits for a given n_threads
    for (int part = 0; part < n_parts; ++part) {
        for (index_t i = 0; i < d; ++i)
            for (index_t j = i; j < d; ++j) gram[i * d + j] += gram_part[part][i * d + j];
        for (index_t j = 0; j < d * k; ++j) xty[j] += xty_part[part][j];
        for (index_t t = 0; t < k; ++t) yty[t] += yty_part[part][t];
        for (index_t j = 0; j < d + k + 1; ++j) sums[j] += sum_part[part][j];
    }
    const double weight_sum = sums[d + k];
    if (!(weight_sum > 0.0)) throw std::invalid_argument("sample_weight must contain a positive weight");
    // Moments about the true means: subtract W (mean - c)(mean - c)^T, with
    // W (mean - c) = the sums above; nothing to subtract without centring.
    const double* sx = sums.data();
    const double* sy = sums.data() + d;
    for (index_t j = 0; j < d; ++j) x_mean[j] = center ? cx[j] + sx[j] / weight_sum : 0.0;
    for (index_t t = 0; t < k; ++t) y_mean[t] = center ? cy[t] + sy[t] / weight_sum : 0.0;
    if (center) {
        for (index_t i = 0; i < d; ++i)
            for (index_t j = i; j < d; ++j) gram[i * d + j] -= sx[i] * sx[j] / weight_sum;
        for (index_t i = 0; i < d; ++i)
            for (index_t t = 0; t < k; ++t) xty[i * k + t] -= sx[i] * sy[t] / weight_sum;
        for (index_t t = 0; t < k; ++t) yty[t] -= sy[t] * sy[t] / weight_sum;
    }
    // syrk fills the upper triangle; callers get the full symmetric matrix.
    for (index_t i = 0; i < d; ++i)
        for (index_t j = 0; j < i; ++j) gram[i * d + j] = gram[j * d + i];
}

template <class T>
void centered_columns(const T* x, const T* weight, index_t n, index_t d, const double* x_mean, int n_threads,
                      T* xt) {
    // Tiles of rows x features keep both the reads and the transposed
    // writes within cache lines.
    constexpr index_t tile = 64;
    const index_t n_tiles = ceil_div(n, tile);
    n_threads = team_size(n * d, n_threads);
    parallel_chunks(n_tiles, n_threads, [&](std::int64_t chunk, int) {
        const index_t begin = chunk * tile, end = std::min(n, begin + tile);
        for (index_t j0 = 0; j0 < d; j0 += tile) {
            const index_t j1 = std::min(d, j0 + tile);
            for (index_t i = begin; i < end; ++i) {
                const double root = std::sqrt(static_cast<double>(weight[i]));
                const T* xi = x + i * d;
                for (index_t j = j0; j < j1; ++j)
                    xt[j * n + i] = static_cast<T>(root * (static_cast<double>(xi[j]) - x_mean[j]));
            }
        }
    });
}

template void weighted_moments<float>(const Problem<float>&, bool, int, double*, double*, double*, double*,
                                      double*);
template void weighted_moments<double>(const Problem<double>&, bool, int, double*, double*, double*, double*,
                                       double*);
template void centered_columns<float>(const float*, const float*, index_t, index_t, const double*, int, float*);
template void centered_columns<double>(const double*, const double*, index_t, index_t, const double*, int,
                                       double*);

}  // namespace zoo::linear
