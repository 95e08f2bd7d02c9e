// The smooth logistic objective: loss, gradient and Hessian-vector products
// over row chunks, each chunk's two GEMMs run while its rows are in cache.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "zoo/blas.hpp"
#include "zoo/logistic.hpp"
#include "zoo/parallel.hpp"

namespace zoo::logistic {

namespace {

// About 512 KiB of X per chunk: the chunk is read by the scores GEMM and
// again by the gradient GEMM, and the second read should hit the cache.
constexpr index_t kChunkBytes = 512 * 1024;
// Per-thread partial sums are padded apart so threads never share a line.
constexpr index_t kPad = 8;

inline double softplus(double s) { return s > 0 ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s)); }

inline double sigmoid(double s) {
    if (s >= 0) return 1.0 / (1.0 + std::exp(-s));
    const double e = std::exp(s);
    return e / (1.0 + e);
}

}  // namespace

template <class T>
Objective<T>::Objective(const Problem<T>& problem, int n_threads, bool with_hessian)
    : problem_(problem),
      // One evaluation: the n x d by d x k product and its transpose.
      n_threads_(team_size(2.0 * static_cast<double>(problem.n) * static_cast<double>(problem.d) *
                               static_cast<double>(problem.rows()),
                           n_threads)),
      with_hessian_(with_hessian) {
    const Problem<T>& p = problem_;
    if (p.n < 1 || p.d < 1) throw std::invalid_argument("X must have at least one sample and one feature");
    if (p.n_classes < 2) throw std::invalid_argument("n_classes must be >= 2");
    const index_t k = p.rows();
    const index_t by_cache = std::max<index_t>(16, kChunkBytes / static_cast<index_t>(p.d * sizeof(T)));
    chunk_rows_ = std::max<index_t>(1, std::min(by_cache, ceil_div(p.n, n_threads_)));
    coef_.assign(k * p.d, T(0));
    intercept_.assign(k, 0.0);
    scratch_.assign(static_cast<std::size_t>(n_threads_) * (chunk_rows_ * k + k * p.d + kPad), T(0));
    partial_.assign(static_cast<std::size_t>(n_threads_) * (k * p.d + k + 1 + kPad), 0.0);
    if (with_hessian_) curvature_.assign(p.n * k, T(0));
}

template <class T>
void Objective<T>::load_weights(const double* theta) {
    const index_t k = problem_.rows(), d = problem_.d, columns = problem_.columns();
    for (index_t c = 0; c < k; ++c) {
        for (index_t j = 0; j < d; ++j) coef_[c * d + j] = static_cast<T>(theta[c * columns + j]);
        intercept_[c] = problem_.fit_intercept ? theta[c * columns + d] : 0.0;
    }
}

// body(first_row, n_rows, scores, partial_gradient_T, partial_sums) per chunk;
// partial sums start at zero and are reduced afterwards by the caller.
template <class T>
template <class Body>
void Objective<T>::over_chunks(Body&& body) {
    const index_t k = problem_.rows(), d = problem_.d;
    const index_t scratch_stride = chunk_rows_ * k + k * d + kPad;
    const index_t partial_stride = k * d + k + 1 + kPad;
    std::fill(partial_.begin(), partial_.end(), 0.0);
    blas::SingleThreadedScope single;
    parallel_chunks(ceil_div(problem_.n, chunk_rows_), n_threads_, [&](std::int64_t chunk, int thread) {
        const index_t first = chunk * chunk_rows_;
        const index_t rows = std::min(chunk_rows_, problem_.n - first);
        T* scores = scratch_.data() + thread * scratch_stride;
        body(first, rows, scores, scores + chunk_rows_ * k, partial_.data() + thread * partial_stride);
    });
}

template <class T>
double Objective<T>::value_gradient(const double* theta, double* grad) {
    const Problem<T>& p = problem_;
    const index_t k = p.rows(), d = p.d, columns = p.columns();
    const bool binary = p.n_classes == 2;
    load_weights(theta);
    over_chunks([&](index_t first, index_t rows, T* scores, T* gradient_t, double* sums) {
        const T* x = p.x + first * d;
        blas::gemm(false, true, static_cast<int>(rows), static_cast<int>(k), static_cast<int>(d), T(1), x,
                   static_cast<int>(d), coef_.data(), static_cast<int>(d), T(0), scores, static_cast<int>(k));
        double* intercept_sum = sums + k * d;
        double loss = 0.0;
        for (index_t i = 0; i < rows; ++i) {
            const double w = p.weight[first + i];
            const int label = p.y[first + i];
            T* z = scores + i * k;
            T* curvature = with_hessian_ ? curvature_.data() + (first + i) * k : nullptr;
            if (binary) {
                const double s = static_cast<double>(z[0]) + intercept_[0];
                const double target = label == 1 ? 1.0 : 0.0;
                loss += w * (softplus(s) - target * s);
                const double prob = sigmoid(s);
                const double residual = w * (prob - target);
                z[0] = static_cast<T>(residual);
                intercept_sum[0] += residual;
                if (curvature) curvature[0] = static_cast<T>(w * prob * (1.0 - prob));
                continue;
            }
            // Softmax with the largest score subtracted, so exp never overflows.
            double top = static_cast<double>(z[0]) + intercept_[0];
            for (index_t c = 1; c < k; ++c) top = std::max(top, static_cast<double>(z[c]) + intercept_[c]);
            // The exponentials are kept for the residual pass when they fit
            // on the stack (any realistic class count); else recomputed.
            double total = 0.0;
            double exps[64];
            const bool small = k <= 64;
            for (index_t c = 0; c < k; ++c) {
                const double e = std::exp(static_cast<double>(z[c]) + intercept_[c] - top);
                if (small) exps[c] = e;
                total += e;
            }
            const double log_total = std::log(total);
            loss += w * (top + log_total - (static_cast<double>(z[label]) + intercept_[label]));
            for (index_t c = 0; c < k; ++c) {
                const double e = small ? exps[c] : std::exp(static_cast<double>(z[c]) + intercept_[c] - top);
                const double prob = e / total;
                const double residual = w * (prob - (c == label ? 1.0 : 0.0));
                z[c] = static_cast<T>(residual);
                intercept_sum[c] += residual;
                if (curvature) curvature[c] = static_cast<T>(prob);
            }
        }
        sums[k * d + k] += loss;
        if (grad == nullptr) return;
        // residual^T X_chunk, in T, then accumulated in double.
        blas::gemm(true, false, static_cast<int>(k), static_cast<int>(d), static_cast<int>(rows), T(1), scores,
                   static_cast<int>(k), x, static_cast<int>(d), T(0), gradient_t, static_cast<int>(d));
        for (index_t j = 0; j < k * d; ++j) sums[j] += static_cast<double>(gradient_t[j]);
    });

    // Reduce the per-thread sums in thread order (reproducible).
    const index_t partial_stride = k * d + k + 1 + kPad;
    double loss = 0.0;
    for (int t = 0; t < n_threads_; ++t) loss += partial_[t * partial_stride + k * d + k];
    double penalty = 0.0;
    for (index_t c = 0; c < k; ++c)
        for (index_t j = 0; j < d; ++j) penalty += theta[c * columns + j] * theta[c * columns + j];
    const double value = p.scale * loss + 0.5 * p.l2 * penalty;
    if (grad == nullptr) return value;
    for (index_t c = 0; c < k; ++c) {
        for (index_t j = 0; j < d; ++j) {
            double s = 0.0;
            for (int t = 0; t < n_threads_; ++t) s += partial_[t * partial_stride + c * d + j];
            grad[c * columns + j] = p.scale * s + p.l2 * theta[c * columns + j];
        }
        if (p.fit_intercept) {
            double s = 0.0;
            for (int t = 0; t < n_threads_; ++t) s += partial_[t * partial_stride + k * d + c];
            grad[c * columns + d] = p.scale * s;
        }
    }
    return value;
}

template <class T>
void Objective<T>::hessian_vector(const double* v, double* out) {
    if (!with_hessian_) throw std::logic_error("Objective built without Hessian support");
    const Problem<T>& p = problem_;
    const index_t k = p.rows(), d = p.d, columns = p.columns();
    const bool binary = p.n_classes == 2;
    load_weights(v);  // the direction takes the place of the weights in the GEMMs
    over_chunks([&](index_t first, index_t rows, T* scores, T* gradient_t, double* sums) {
        const T* x = p.x + first * d;
        blas::gemm(false, true, static_cast<int>(rows), static_cast<int>(k), static_cast<int>(d), T(1), x,
                   static_cast<int>(d), coef_.data(), static_cast<int>(d), T(0), scores, static_cast<int>(k));
        double* intercept_sum = sums + k * d;
        for (index_t i = 0; i < rows; ++i) {
            T* z = scores + i * k;
            const T* curvature = curvature_.data() + (first + i) * k;
            if (binary) {
                const double r = static_cast<double>(curvature[0]) * (static_cast<double>(z[0]) + intercept_[0]);
                z[0] = static_cast<T>(r);
                intercept_sum[0] += r;
                continue;
            }
            // The softmax Hessian w (diag(p) - p p^T) applied to this row's scores.
            double mean = 0.0;
            for (index_t c = 0; c < k; ++c) mean += static_cast<double>(curvature[c]) * (static_cast<double>(z[c]) + intercept_[c]);
            const double w = p.weight[first + i];
            for (index_t c = 0; c < k; ++c) {
                const double r = w * static_cast<double>(curvature[c]) * (static_cast<double>(z[c]) + intercept_[c] - mean);
                z[c] = static_cast<T>(r);
                intercept_sum[c] += r;
            }
        }
        blas::gemm(true, false, static_cast<int>(k), static_cast<int>(d), static_cast<int>(rows), T(1), scores,
                   static_cast<int>(k), x, static_cast<int>(d), T(0), gradient_t, static_cast<int>(d));
        for (index_t j = 0; j < k * d; ++j) sums[j] += static_cast<double>(gradient_t[j]);
    });
    const index_t partial_stride = k * d + k + 1 + kPad;
    for (index_t c = 0; c < k; ++c) {
        for (index_t j = 0; j < d; ++j) {
            double s = 0.0;
            for (int t = 0; t < n_threads_; ++t) s += partial_[t * partial_stride + c * d + j];
            out[c * columns + j] = p.scale * s + p.l2 * v[c * columns + j];
        }
        if (p.fit_intercept) {
            double s = 0.0;
            for (int t = 0; t < n_threads_; ++t) s += partial_[t * partial_stride + k * d + c];
            out[c * columns + d] = p.scale * s;
        }
    }
}

double optimality(index_t rows, index_t columns, index_t d, double l1, const double* theta, const double* grad) {
    double worst = 0.0;
    for (index_t c = 0; c < rows; ++c) {
        for (index_t j = 0; j < columns; ++j) {
            const double g = grad[c * columns + j];
            double m = std::abs(g);
            if (l1 > 0 && j < d) {
                const double w = theta[c * columns + j];
                if (w > 0) m = std::abs(g + l1);
                else if (w < 0) m = std::abs(g - l1);
                else m = std::max(0.0, std::abs(g) - l1);
            }
            worst = std::max(worst, m);
        }
    }
    return worst;
}

template class Objective<float>;
template class Objective<double>;

}  // namespace zoo::logistic
