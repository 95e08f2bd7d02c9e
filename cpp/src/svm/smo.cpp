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

// Kernel rows computed per GEMM when a row is missing (prefetch_with).
constexpr int kBatch = 8;
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

    // Solves the problem; with hand_over, stops early once the cache has
    // evicted a row (result.unfinished then holds the state to go on from).
    BinaryResult run(const SolverOptions& options, const InterruptCheck& interrupt, bool hand_over) {
        BinaryResult result;
        std::int64_t iter = 0;
        bool full = false;
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
            if (hand_over && q_.evictions() > 0) {
                full = true;
                break;
            }
        }
        reconstruct_gradient();
        active_ = n_;
        result.n_iter = iter;
        if (full) {
            result.unfinished = true;
            result.gradient.assign(static_cast<std::size_t>(n_), 0.0);
            for (index_t k = 0; k < n_; ++k) result.gradient[static_cast<std::size_t>(original_[k])] = gradient_[k];
        }
        result.rho = detail::offset_at_optimum(y_.data(), gradient_.data(), alpha_.data(), upper_.data(), n_);
        result.objective = detail::dual_objective(gradient_.data(), alpha_.data(), n_);
        result.alpha.assign(static_cast<std::size_t>(n_), 0.0);
        for (index_t k = 0; k < n_; ++k) result.alpha[static_cast<std::size_t>(original_[k])] = alpha_[k];
        return result;
    }

private:
    // I_up: y a may grow; I_low: y a may shrink.
    bool in_up(index_t k) const { return detail::in_up(y_[k], alpha_[k], upper_[k]); }
    bool in_low(index_t k) const { return detail::in_low(y_[k], alpha_[k], upper_[k]); }
    bool at_upper(index_t k) const { return alpha_[k] >= upper_[k]; }
    double violation(index_t k) const { return -y_[k] * gradient_[k]; }

    // The pair of the second-order rule (svm_internal.hpp), with the rows of
    // the other strongest violators computed beside row i when it is missing.
    // False once the largest gap is below tol.
    bool select_pair(index_t& i, index_t& j) {
        const index_t m = active_;
        double top;
        i = detail::most_violating_up(y_.data(), gradient_.data(), up_.data(), m, score_.data(), top);
        if (i < 0) return false;
        if (!q_.has(i, m)) prefetch_with(i);
        j = detail::best_partner(y_.data(), gradient_.data(), low_.data(), m, q_.row(i, m), q_.diagonals(), i, top,
                                 eps_, score_.data());
        return j >= 0;
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

    // The pair's step (pair_step), then the gradients it moves.
    void step(index_t i, index_t j) {
        const float* qi = q_.row(i, active_);
        const float* qj = q_.row(j, active_);
        const double curvature = q_.diagonal(i) + q_.diagonal(j) - 2.0 * y_[i] * y_[j] * qi[j];
        const auto [new_i, new_j] = detail::pair_step(alpha_[i], alpha_[j], y_[i], y_[j], upper_[i], upper_[j],
                                                      violation(i), violation(j), curvature);
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
    if (options.decomposition == Decomposition::working_sets)
        return detail::solve_binary_by_blocks(problem, options, interrupt, nullptr);
    // Automatic: pairs while every row the solver needs stays cached (each
    // row is computed once, and shrinking keeps steps cheap), working sets
    // from the first eviction on, where pairs would recompute rows one GEMV
    // at a time.
    BinaryResult by_pairs;
    {
        Smo smo(problem, options);
        by_pairs = smo.run(options, interrupt, options.decomposition == Decomposition::automatic);
    }
    if (!by_pairs.unfinished) return by_pairs;
    SolverOptions rest = options;
    if (rest.max_iter >= 0) rest.max_iter -= by_pairs.n_iter;
    BinaryResult result = detail::solve_binary_by_blocks(problem, rest, interrupt, &by_pairs);
    result.n_iter += by_pairs.n_iter;
    return result;
}

}  // namespace zoo::svm
