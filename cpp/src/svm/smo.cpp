// SMO for one binary C-SVC dual problem:
//   min_a 1/2 a' Q a - e' a   subject to   y' a = 0,  0 <= a_i <= C_i,
// with Q_ij = y_i y_j K(x_i, x_j). Each step moves the pair (i, j) chosen by
// the second-order rule of Fan, Chen & Lin (2005); variables stuck at a bound
// are set aside (shrinking, Joachims 1999) and the gradient of the full
// problem is rebuilt before the final optimality check.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "svm_internal.hpp"
#include "zoo/blas.hpp"

namespace zoo::svm {

namespace {

constexpr double kTau = 1e-12;
#ifndef ZOO_SVM_BATCH
#define ZOO_SVM_BATCH 8
#endif
constexpr int kBatch = ZOO_SVM_BATCH;  // kernel rows computed per GEMM  // stands in for a non-positive curvature
constexpr double kInf = std::numeric_limits<double>::infinity();

class Smo {
public:
    Smo(const BinaryProblem& problem, const SolverOptions& options)
        : q_(problem, options.kernel, options.cache_mb, options.n_threads),
          n_(problem.n),
          eps_(options.tol),
          y_(problem.y, problem.y + problem.n),
          upper_(problem.upper, problem.upper + problem.n),
          alpha_(problem.n, 0.0),
          gradient_(problem.n, -1.0),  // Q a - e at a = 0
          gradient_bar_(problem.n, 0.0),
          original_(problem.n),
          up_(problem.n),
          low_(problem.n),
          score_(problem.n),
          active_(problem.n) {
        std::iota(original_.begin(), original_.end(), index_t{0});
        for (index_t k = 0; k < n_; ++k) set_flags(k);
    }

    BinaryResult run(const SolverOptions& options, const InterruptCheck& interrupt) {
        BinaryResult result;
        std::int64_t iter = 0;
        const std::int64_t period = std::min<index_t>(n_, 1000);
        std::int64_t countdown = period + 1;
        while (true) {
            if (options.max_iter >= 0 && iter >= options.max_iter) {
                result.reached_max_iter = true;
                break;
            }
            if (--countdown == 0) {
                countdown = period;
                if (options.shrinking) shrink();
                if (interrupt) interrupt();
            }
            index_t i, j;
            if (!select_pair(i, j)) {
                // Optimal on the active set: check the whole problem.
                reconstruct_gradient();
                active_ = n_;
                if (!select_pair(i, j)) break;
                countdown = 1;  // shrink again at once
            }
            ++iter;
            step(i, j);
        }
        reconstruct_gradient();
        active_ = n_;
        result.n_iter = iter;
        result.rho = compute_rho();
        result.alpha.assign(static_cast<std::size_t>(n_), 0.0);
        double objective = 0.0;
        for (index_t k = 0; k < n_; ++k) {
            result.alpha[static_cast<std::size_t>(original_[k])] = alpha_[k];
            objective += alpha_[k] * (gradient_[k] - 1.0);
        }
        result.objective = 0.5 * objective;
        return result;
    }

private:
    // I_up: y a may grow; I_low: y a may shrink.
    bool in_up(index_t k) const { return y_[k] > 0 ? alpha_[k] < upper_[k] : alpha_[k] > 0.0; }
    bool in_low(index_t k) const { return y_[k] > 0 ? alpha_[k] > 0.0 : alpha_[k] < upper_[k]; }
    bool at_upper(index_t k) const { return alpha_[k] >= upper_[k]; }
    double violation(index_t k) const { return -y_[k] * gradient_[k]; }

    // i maximises -y G over I_up; j, among I_low with -y_j G_j < -y_i G_i,
    // maximises the decrease of the objective along the pair's direction,
    // b^2 / a with b the gap and a the curvature. False once the largest gap
    // is below tol (the stopping rule of Keerthi et al. 2001).
    bool select_pair(index_t& i, index_t& j) {
        // Branch-free passes that vectorise; the index is found afterwards
        // by an exact comparison, from the end (the last of equal
        // candidates wins, as in libsvm, whose iterates these follow).
        const index_t m = active_;
        const double* y = y_.data();
        const double* g = gradient_.data();
        const std::uint8_t* up = up_.data();
        const std::uint8_t* low = low_.data();
        double* score = score_.data();
        double top = -kInf;
#pragma omp simd reduction(max : top)
        for (index_t k = 0; k < m; ++k) {
            const double v = up[k] ? -y[k] * g[k] : -kInf;
            score[k] = v;
            top = top > v ? top : v;
        }
        if (top == -kInf) return false;
        i = m - 1;
        while (score[i] != top) --i;
        if (!q_.has(i, m)) prefetch_with(i);
        const float* qi = q_.row(i, m);
        const double* qd = q_.diagonals();
        const double qd_i = qd[i], yi = y[i];
        double bottom = kInf, best = kInf;
#pragma omp simd reduction(min : bottom, best)
        for (index_t k = 0; k < m; ++k) {
            const double v = -y[k] * g[k];
            const double b = top - v;
            double a = qd_i + qd[k] - 2.0 * yi * y[k] * static_cast<double>(qi[k]);
            a = a > 0.0 ? a : kTau;
            const double decrease = (low[k] && b > 0.0) ? -(b * b) / a : kInf;
            score[k] = decrease;
            const double lowest = low[k] ? v : kInf;
            bottom = bottom < lowest ? bottom : lowest;
            best = best < decrease ? best : decrease;
        }
        if (top - bottom < eps_ || best == kInf) return false;
        j = m - 1;
        while (score[j] != best) --j;
        return true;
    }

    void set_flags(index_t k) {
        up_[k] = in_up(k);
        low_[k] = in_low(k);
    }

    // Row i is missing: compute it together with the rows of the strongest
    // other violators, the likeliest next members of a working set, in one
    // GEMM that costs little more than the GEMV of row i alone.
    void prefetch_with(index_t i) {
        if (kBatch <= 1) return;
        constexpr int kUp = kBatch / 2, kLow = kBatch - 1 - kBatch / 2;
        index_t up[kUp], low[kLow];
        double up_v[kUp], low_v[kLow];
        int n_up = 0, n_low = 0;
        for (index_t k = 0; k < active_; ++k) {
            if (k == i || q_.has(k, active_)) continue;
            const double v = violation(k);
            if (in_up(k) && (n_up < kUp || v > up_v[n_up - 1])) {
                int at = n_up < kUp ? n_up++ : kUp - 1;
                while (at > 0 && up_v[at - 1] < v) {
                    up_v[at] = up_v[at - 1];
                    up[at] = up[at - 1];
                    --at;
                }
                up_v[at] = v;
                up[at] = k;
            } else if (in_low(k) && (n_low < kLow || v < low_v[n_low - 1])) {
                int at = n_low < kLow ? n_low++ : kLow - 1;
                while (at > 0 && low_v[at - 1] > v) {
                    low_v[at] = low_v[at - 1];
                    low[at] = low[at - 1];
                    --at;
                }
                low_v[at] = v;
                low[at] = k;
            }
        }
        std::vector<index_t> rows{i};
        rows.insert(rows.end(), up, up + n_up);
        rows.insert(rows.end(), low, low + n_low);
        q_.fill(rows, active_);
    }

    // Moves a_i by +y_i t and a_j by -y_j t (keeping y'a fixed), with t the
    // unconstrained minimiser clipped to the box.
    void step(index_t i, index_t j) {
        const float* qi = q_.row(i, active_);
        const float* qj = q_.row(j, active_);
        double a = q_.diagonal(i) + q_.diagonal(j) - 2.0 * y_[i] * y_[j] * qi[j];
        if (a <= 0.0) a = kTau;
        const double limit_i = y_[i] > 0 ? upper_[i] - alpha_[i] : alpha_[i];
        const double limit_j = y_[j] > 0 ? alpha_[j] : upper_[j] - alpha_[j];
        double t = (violation(i) - violation(j)) / a;
        double new_i = alpha_[i] + y_[i] * t, new_j = alpha_[j] - y_[j] * t;
        if (t >= limit_i || t >= limit_j) {
            if (limit_i <= limit_j) {
                t = limit_i;
                new_i = y_[i] > 0 ? upper_[i] : 0.0;
                new_j = alpha_[j] - y_[j] * t;
                if (limit_i == limit_j) new_j = y_[j] > 0 ? 0.0 : upper_[j];
            } else {
                t = limit_j;
                new_j = y_[j] > 0 ? 0.0 : upper_[j];
                new_i = alpha_[i] + y_[i] * t;
            }
        }
        new_i = std::min(std::max(new_i, 0.0), upper_[i]);
        new_j = std::min(std::max(new_j, 0.0), upper_[j]);
        const double delta_i = new_i - alpha_[i], delta_j = new_j - alpha_[j];
        const bool was_upper_i = at_upper(i), was_upper_j = at_upper(j);
        alpha_[i] = new_i;
        alpha_[j] = new_j;
        set_flags(i);
        set_flags(j);
        double* g = gradient_.data();
        for (index_t k = 0; k < active_; ++k) g[k] += qi[k] * delta_i + qj[k] * delta_j;
        // G_bar_k = sum over variables at their upper bound of C_l Q_lk: kept
        // for rebuilding the gradient of shrunk variables.
        update_gradient_bar(i, was_upper_i);
        update_gradient_bar(j, was_upper_j);
    }

    void update_gradient_bar(index_t i, bool was_upper) {
        const bool now_upper = at_upper(i);
        if (was_upper == now_upper) return;
        const float* qi = q_.row(i, n_);
        const double scale = now_upper ? upper_[i] : -upper_[i];
        double* gb = gradient_bar_.data();
        for (index_t k = 0; k < n_; ++k) gb[k] += scale * qi[k];
    }

    // A variable at a bound that could only move in the direction no
    // violating pair would take it is set aside.
    bool can_shrink(index_t k, double top, double bottom) const {
        const bool up = in_up(k), low = in_low(k);
        if (up && low) return false;
        return up ? violation(k) < bottom : violation(k) > top;
    }

    void shrink() {
        double top = -kInf, bottom = kInf;
        for (index_t k = 0; k < active_; ++k) {
            if (in_up(k)) top = std::max(top, violation(k));
            if (in_low(k)) bottom = std::min(bottom, violation(k));
        }
        // Near the end, rebuild the full gradient once and shrink from there,
        // so that wrongly shrunk variables come back while the cost is small.
        if (!unshrunk_ && top - bottom <= 10.0 * eps_) {
            unshrunk_ = true;
            reconstruct_gradient();
            active_ = n_;
        }
        std::vector<std::pair<index_t, index_t>> swaps;
        for (index_t k = 0; k < active_; ++k) {
            if (!can_shrink(k, top, bottom)) continue;
            --active_;
            while (active_ > k) {
                if (!can_shrink(active_, top, bottom)) {
                    swap_variables(k, active_);
                    swaps.emplace_back(k, active_);
                    break;
                }
                --active_;
            }
        }
        q_.swap(swaps);
    }

    // The kernel rows follow in one batch (KernelRows::swap).
    void swap_variables(index_t i, index_t j) {
        std::swap(y_[i], y_[j]);
        std::swap(upper_[i], upper_[j]);
        std::swap(alpha_[i], alpha_[j]);
        std::swap(gradient_[i], gradient_[j]);
        std::swap(gradient_bar_[i], gradient_bar_[j]);
        std::swap(original_[i], original_[j]);
        std::swap(up_[i], up_[j]);
        std::swap(low_[i], low_[j]);
    }

    // G_k = G_bar_k - 1 + sum over free l of a_l Q_lk for the shrunk k; the
    // sum runs over rows of free variables or rows of shrunk ones, whichever
    // costs fewer kernel evaluations.
    void reconstruct_gradient() {
        if (active_ == n_) return;
        for (index_t k = active_; k < n_; ++k) gradient_[k] = gradient_bar_[k] - 1.0;
        index_t n_free = 0;
        for (index_t l = 0; l < active_; ++l)
            if (alpha_[l] > 0.0 && alpha_[l] < upper_[l]) ++n_free;
        std::vector<index_t> wanted;
        if (n_free * n_ > 2 * active_ * (n_ - active_)) {
            for (index_t k = active_; k < n_; ++k) wanted.push_back(k);
            for_rows(wanted, active_, [&](index_t k, const float* qk) {
                double s = 0.0;
                for (index_t l = 0; l < active_; ++l)
                    if (alpha_[l] > 0.0 && alpha_[l] < upper_[l]) s += alpha_[l] * qk[l];
                gradient_[k] += s;
            });
        } else {
            for (index_t l = 0; l < active_; ++l)
                if (alpha_[l] > 0.0 && alpha_[l] < upper_[l]) wanted.push_back(l);
            for_rows(wanted, n_, [&](index_t l, const float* ql) {
                for (index_t k = active_; k < n_; ++k) gradient_[k] += alpha_[l] * ql[k];
            });
        }
    }

    // use(k, row k over [0, len)) for each k of `wanted`, in order; missing
    // rows are computed kBatch at a time by one GEMM.
    template <class Use>
    void for_rows(const std::vector<index_t>& wanted, index_t len, Use&& use) {
        std::vector<index_t> missing;
        for (std::size_t start = 0; start < wanted.size(); start += kBatch) {
            const std::size_t end = std::min(wanted.size(), start + static_cast<std::size_t>(kBatch));
            missing.clear();
            for (std::size_t t = start; t < end; ++t)
                if (!q_.has(wanted[t], len)) missing.push_back(wanted[t]);
            if (missing.size() > 1) q_.fill(missing, len);
            for (std::size_t t = start; t < end; ++t) use(wanted[t], q_.row(wanted[t], len));
        }
    }

    // The offset: the mean of y G over free variables, which the KKT
    // conditions make all equal; without free variables, the middle of the
    // interval the bounded ones allow.
    double compute_rho() const {
        double lower = -kInf, upper = kInf, sum = 0.0;
        index_t n_free = 0;
        for (index_t k = 0; k < n_; ++k) {
            const double yg = y_[k] * gradient_[k];
            if (alpha_[k] > 0.0 && alpha_[k] < upper_[k]) {
                sum += yg;
                ++n_free;
            } else if (in_up(k)) {
                upper = std::min(upper, yg);  // only y a may grow: rho <= y_k G_k
            } else {
                lower = std::max(lower, yg);
            }
        }
        if (n_free > 0) return sum / static_cast<double>(n_free);
        return 0.5 * (upper + lower);
    }

    detail::KernelRows q_;
    index_t n_;
    double eps_;
    std::vector<double> y_, upper_, alpha_, gradient_, gradient_bar_;
    std::vector<index_t> original_;
    std::vector<std::uint8_t> up_, low_;  // membership of I_up and I_low
    std::vector<double> score_;           // scratch of select_pair
    index_t active_;
    bool unshrunk_ = false;
};

}  // namespace

BinaryResult solve_binary(const BinaryProblem& problem, const SolverOptions& options, const InterruptCheck& interrupt) {
    if ((problem.x == nullptr) == (problem.x32 == nullptr))
        throw std::invalid_argument("exactly one of x and x32 must be given");
    if (problem.n < 2) throw std::invalid_argument("an SVM problem needs at least 2 samples");
    if (!(options.tol > 0.0)) throw std::invalid_argument("tol must be > 0");
    for (index_t k = 0; k < problem.n; ++k) {
        if (problem.y[k] != 1.0 && problem.y[k] != -1.0) throw std::invalid_argument("labels must be +1 or -1");
        if (!(problem.upper[k] >= 0.0) || !std::isfinite(problem.upper[k]))
            throw std::invalid_argument("per-sample C must be finite and >= 0");
    }
    blas::SingleThreadedScope single;
    Smo smo(problem, options);
    return smo.run(options, interrupt);
}

}  // namespace zoo::svm
