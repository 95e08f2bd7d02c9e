// Coordinate descent for the elastic net (lasso when l2 = 0), with the
// duality-gap stopping rule, in a Gram form and a column form.
//
// Objective, in the scale of 1/2 ||r||^2:  P(b) = 1/2 ||r||^2 + A ||b||_1 + B/2 ||b||^2
// with r = W^1/2 (yc - Xc b). The elastic net is the lasso on the rows
// augmented by sqrt(B) I (targets 0), whose residual is r~ = [r; -sqrt(B) b].
// Scaling r~ into the dual feasible set, theta = s r~ with
// s = min(1, A / ||Xc^T W^1/2 r - B b||_inf), gives the gap
//   P(b) - D(theta) = 1/2 (1 + s^2) ||r~||^2 + A ||b||_1 - s yc^T W^1/2 r
// (El Ghaoui, Viallon & Rabbani 2012; Massias, Gramfort & Salmon 2018).
// With positive = true the dual constraint is one-sided, so the scaling uses
// the largest entry rather than the largest magnitude.
#include <algorithm>
#include <cmath>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/linear.hpp"
#include "zoo/rng.hpp"

namespace zoo::linear {

namespace {

double soft_threshold(double value, double threshold, bool positive) {
    if (positive) return value > threshold ? value - threshold : 0.0;
    if (value > threshold) return value - threshold;
    if (value < -threshold) return value + threshold;
    return 0.0;
}

// The gap from the quantities both forms can produce cheaply.
//   rr = ||r||^2, yr = yc^T W^1/2 r, grad[j] = (Xc^T W^1/2 r)_j.
double duality_gap(const CdParams& params, index_t d, const double* coef, const double* grad, double rr, double yr) {
    double l1_norm = 0.0, l2_sq = 0.0, dual_norm = 0.0;
    for (index_t j = 0; j < d; ++j) {
        l1_norm += std::abs(coef[j]);
        l2_sq += coef[j] * coef[j];
        const double g = grad[j] - params.l2 * coef[j];
        dual_norm = std::max(dual_norm, params.positive ? g : std::abs(g));
    }
    const double s = dual_norm > params.l1 ? params.l1 / dual_norm : 1.0;
    const double augmented = rr + params.l2 * l2_sq;
    return 0.5 * (1.0 + s * s) * augmented + params.l1 * l1_norm - s * yr;
}

// Picks the coordinates of one sweep: in order, or uniformly at random
// with replacement.
class Selection {
public:
    Selection(const CdParams& params, index_t d) : random_(params.random), rng_(params.seed), d_(d) {}
    index_t operator()(index_t step) { return random_ ? static_cast<index_t>(rng_.below(d_)) : step; }

private:
    bool random_;
    Rng rng_;
    index_t d_;
};

// Stopping follows scikit-learn's rule: once the largest coordinate change
// of a sweep is at most tol times the largest coefficient, the duality gap
// is compared with tol times the squared norm of the (centred, weighted)
// target. A zero l1 penalty has no bounded dual (pure ridge); it stops on the
// coordinate changes alone.
bool small_changes(double max_change, double max_coef, double tol) {
    return max_coef == 0.0 || max_change <= tol * max_coef;
}

template <class T>
double dot(const T* a, const T* b, index_t n) {
    // Independent lanes so the compiler can vectorise without reassociating
    // one sum; float inputs still accumulate in double.
    constexpr int lanes = 8;
    double acc[lanes] = {};
    index_t i = 0;
    for (; i + lanes <= n; i += lanes)
        for (int l = 0; l < lanes; ++l) acc[l] += static_cast<double>(a[i + l]) * static_cast<double>(b[i + l]);
    double sum = 0.0;
    for (; i < n; ++i) sum += static_cast<double>(a[i]) * static_cast<double>(b[i]);
    for (int l = 0; l < lanes; ++l) sum += acc[l];
    return sum;
}

}  // namespace

CdSummary enet_cd_gram(const double* gram, const double* xty, double yty, index_t d, const CdParams& params,
                       double* coef, const InterruptCheck& interrupt) {
    // h = gram b, kept current as coordinates move.
    std::vector<double> h(d, 0.0), grad(d);
    for (index_t i = 0; i < d; ++i) {
        double sum = 0.0;
        for (index_t j = 0; j < d; ++j) sum += gram[i * d + j] * coef[j];
        h[i] = sum;
    }
    const double gap_tol = params.tol * yty;
    Selection select(params, d);
    CdSummary summary{0, 0.0, gap_tol};
    for (int sweep = 0; sweep < params.max_iter; ++sweep) {
        double max_change = 0.0, max_coef = 0.0;
        for (index_t step = 0; step < d; ++step) {
            const index_t j = select(step);
            const double curvature = gram[j * d + j];
            const double old = coef[j];
            if (curvature == 0.0 && params.l2 == 0.0) continue;  // a constant feature stays at 0
            const double rho = xty[j] - h[j] + curvature * old;
            const double updated = soft_threshold(rho, params.l1, params.positive) / (curvature + params.l2);
            const double change = updated - old;
            if (change != 0.0) {
                coef[j] = updated;
                const double* row = gram + j * d;
                for (index_t i = 0; i < d; ++i) h[i] += change * row[i];
            }
            max_change = std::max(max_change, std::abs(change));
            max_coef = std::max(max_coef, std::abs(updated));
        }
        summary.n_iter = sweep + 1;
        // The gap costs only O(d) here, but it is checked under the same
        // rule as the column form (coordinates nearly settled, or the last
        // sweep), so both forms stop at the same point.
        const bool settled = small_changes(max_change, max_coef, params.tol);
        if (!settled && sweep + 1 < params.max_iter) {
            check_interrupt(interrupt);
            continue;
        }
        if (params.l1 == 0.0) break;
        double bq = 0.0, bh = 0.0;
        for (index_t j = 0; j < d; ++j) {
            bq += coef[j] * xty[j];
            bh += coef[j] * h[j];
            grad[j] = xty[j] - h[j];
        }
        const double rr = std::max(0.0, yty - 2.0 * bq + bh);
        summary.gap = duality_gap(params, d, coef, grad.data(), rr, yty - bq);
        if (summary.gap <= gap_tol) break;
        check_interrupt(interrupt);
    }
    return summary;
}

template <class T>
CdSummary enet_cd_columns(const T* xt, const T* yc, index_t n, index_t d, const CdParams& params, double* coef,
                          const InterruptCheck& interrupt) {
    // r = yc - Xc b in the working type; squared column norms in double.
    std::vector<T> residual(yc, yc + n);
    std::vector<double> norms(d), grad(d);
    for (index_t j = 0; j < d; ++j) {
        const T* column = xt + j * n;
        norms[j] = dot(column, column, n);
        if (coef[j] != 0.0) {
            const T c = static_cast<T>(coef[j]);
            for (index_t i = 0; i < n; ++i) residual[i] -= c * column[i];
        }
    }
    const double yty = dot(yc, yc, n);
    const double gap_tol = params.tol * yty;
    Selection select(params, d);
    CdSummary summary{0, 0.0, gap_tol};
    for (int sweep = 0; sweep < params.max_iter; ++sweep) {
        double max_change = 0.0, max_coef = 0.0;
        for (index_t step = 0; step < d; ++step) {
            const index_t j = select(step);
            if (norms[j] == 0.0 && params.l2 == 0.0) continue;
            const T* column = xt + j * n;
            const double old = coef[j];
            const double rho = dot(column, residual.data(), n) + norms[j] * old;
            const double updated = soft_threshold(rho, params.l1, params.positive) / (norms[j] + params.l2);
            const double change = updated - old;
            if (change != 0.0) {
                coef[j] = updated;
                const T step_size = static_cast<T>(change);
                T* r = residual.data();
                for (index_t i = 0; i < n; ++i) r[i] -= step_size * column[i];
            }
            max_change = std::max(max_change, std::abs(change));
            max_coef = std::max(max_coef, std::abs(updated));
        }
        summary.n_iter = sweep + 1;
        // The gap costs a pass over X, as much as a sweep: check it only once
        // the coordinates have nearly settled, or on the last sweep.
        const bool last = sweep + 1 == params.max_iter;
        if (!small_changes(max_change, max_coef, params.tol) && !last) {
            check_interrupt(interrupt);
            continue;
        }
        if (params.l1 == 0.0) break;
        for (index_t j = 0; j < d; ++j) grad[j] = dot(xt + j * n, residual.data(), n);
        const double rr = dot(residual.data(), residual.data(), n);
        const double yr = dot(yc, residual.data(), n);
        summary.gap = duality_gap(params, d, coef, grad.data(), rr, yr);
        if (summary.gap <= gap_tol) break;
        check_interrupt(interrupt);
    }
    return summary;
}

template CdSummary enet_cd_columns<float>(const float*, const float*, index_t, index_t, const CdParams&, double*,
                                          const InterruptCheck&);
template CdSummary enet_cd_columns<double>(const double*, const double*, index_t, index_t, const CdParams&, double*,
                                           const InterruptCheck&);

}  // namespace zoo::linear
