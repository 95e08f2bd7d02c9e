// The working-set solver for C-SVC problems whose kernel rows outgrow the
// cache (the decomposition of ThunderSVM, Wen et al. 2018, which oneDAL's
// "thunder" solver also follows). Each outer iteration
//   1. keeps the half of the working set added last and adds the strongest
//      violators outside it, half from I_up and half from I_low;
//   2. computes the new members' kernel rows together, as one GEMM per tile
//      of columns, at matrix-product speed;
//   3. solves the sub-problem over the working set by SMO (smo.cpp's pair
//      rule and step) on its W x W block, to a tolerance a tenth of the
//      current gap (never below tol);
//   4. moves the whole gradient by the changes of every member at once.
// libsvm's SMO computes rows one or a few at a time and, once the support
// vectors' rows no longer fit the cache, recomputes them over and over; here
// every row computed serves a whole sub-problem.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "svm_internal.hpp"
#include "zoo/parallel.hpp"

namespace zoo::svm::detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Gradient updates stream the members' rows from memory, about four times
// the cost of a GEMM's multiply-add per entry (as in kernel_cache.cpp).
constexpr std::int64_t kStreamCost = 4;

class WorkingSetSolver {
public:
    WorkingSetSolver(const BinaryProblem& problem, const SolverOptions& options, const BinaryResult* start)
        : q_(problem, options.kernel, cache_for(options.cache_mb, problem.n), options.n_threads),
          n_(problem.n),
          width_(width_for(q_, problem.n)),
          eps_(options.tol),
          n_threads_(options.n_threads),
          y_(problem.y, problem.y + problem.n),
          upper_(problem.upper, problem.upper + problem.n),
          alpha_(problem.n, 0.0),
          gradient_(problem.n, -1.0),  // Q a - e at a = 0
          member_(problem.n, 0) {
        if (start != nullptr) {
            alpha_ = start->alpha;
            gradient_ = start->gradient;
        }
    }

    BinaryResult run(const SolverOptions& options, const InterruptCheck& interrupt) {
        BinaryResult result;
        std::int64_t steps = 0;
        while (true) {
            if (options.max_iter >= 0 && steps >= options.max_iter) {
                result.reached_max_iter = true;
                break;
            }
            if (!choose_members()) break;
            const std::int64_t budget = options.max_iter >= 0 ? options.max_iter - steps : -1;
            steps += solve_block(budget);
            if (interrupt) interrupt();
        }
        result.n_iter = steps;
        result.rho = offset_at_optimum(y_.data(), gradient_.data(), alpha_.data(), upper_.data(), n_);
        result.objective = dual_objective(gradient_.data(), alpha_.data(), n_);
        result.alpha = alpha_;
        return result;
    }

private:
    // At least kMinWidth members (two of them new) in every working set, or
    // the most violating pair could be split across iterations and never
    // move: the cache grows to hold them whatever cache_mb says.
    static constexpr index_t kMinWidth = 4;
    static double cache_for(double cache_mb, index_t n) {
        const double rows_mb = static_cast<double>((kMinWidth + 1) * n * sizeof(float)) / (1024.0 * 1024.0);
        return std::max(cache_mb, rows_mb);
    }
    // W: as many members as the cache holds rows, at most kMaxWidth.
    static index_t width_for(const KernelRows& rows, index_t n) {
        constexpr index_t kMaxWidth = 512;
        return std::min({kMaxWidth, n, std::max(rows.capacity(n), kMinWidth)});
    }

    double violation(index_t k) const { return -y_[k] * gradient_[k]; }
    bool up(index_t k) const { return in_up(y_[k], alpha_[k], upper_[k]); }
    bool low(index_t k) const { return in_low(y_[k], alpha_[k], upper_[k]); }

    // Step 1: members_ becomes the new working set, the members added now
    // first, then the kept ones. False when the whole problem is optimal
    // (its largest gap below tol) or no variable can move.
    bool choose_members() {
        double top = -kInf, bottom = kInf;
        std::vector<index_t> ups, lows;
        for (index_t k = 0; k < n_; ++k) {
            const double v = violation(k);
            if (up(k)) {
                top = std::max(top, v);
                ups.push_back(k);
            }
            if (low(k)) {
                bottom = std::min(bottom, v);
                lows.push_back(k);
            }
        }
        if (top - bottom < eps_) return false;
        const bool first = members_.empty();
        // The set starts small and doubles up to width_: a problem with few
        // support vectors is done before it would pay for wide blocks.
        width_now_ = first ? std::min(kFirstWidth, width_) : std::min(2 * width_now_, width_);
        const index_t kept = first ? 0 : std::min<index_t>(static_cast<index_t>(members_.size()), width_now_ / 2);
        std::fill(member_.begin(), member_.end(), 0);
        std::vector<index_t> chosen;
        for (index_t t = 0; t < kept; ++t) member_[members_[t]] = 1;
        const index_t wanted = width_now_ - kept;
        // The wanted strongest of each side, by violation: I_up from the top,
        // I_low from the bottom (ties by index, for repeatable sets).
        const auto by_up = [&](index_t a, index_t b) {
            const double va = violation(a), vb = violation(b);
            return va != vb ? va > vb : a < b;
        };
        const auto by_low = [&](index_t a, index_t b) {
            const double va = violation(a), vb = violation(b);
            return va != vb ? va < vb : a < b;
        };
        strongest(ups, wanted + kept, by_up);
        strongest(lows, wanted + kept, by_low);
        std::size_t next_up = 0, next_low = 0;
        while (static_cast<index_t>(chosen.size()) < wanted && (next_up < ups.size() || next_low < lows.size())) {
            for (auto* side : {&ups, &lows}) {
                std::size_t& next = side == &ups ? next_up : next_low;
                while (next < side->size() && member_[(*side)[next]]) ++next;
                if (next < side->size() && static_cast<index_t>(chosen.size()) < wanted) {
                    member_[(*side)[next]] = 1;
                    chosen.push_back((*side)[next++]);
                }
            }
        }
        chosen.insert(chosen.end(), members_.begin(), members_.begin() + kept);
        members_ = std::move(chosen);
        return true;
    }

    // Sorts the `count` first entries of candidates by `order` and drops the rest.
    template <class Order>
    static void strongest(std::vector<index_t>& candidates, index_t count, Order order) {
        const std::size_t keep = std::min(candidates.size(), static_cast<std::size_t>(count));
        std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(),
                          order);
        candidates.resize(keep);
    }

    // Steps 2-4. Returns the SMO steps taken (at most `budget` when >= 0).
    std::int64_t solve_block(std::int64_t budget) {
        const index_t m = static_cast<index_t>(members_.size());
        const std::size_t mm = static_cast<std::size_t>(m);
        // Kept members first, so that the new rows evict only rows of
        // variables that left the working set.
        std::vector<index_t> missing;
        for (index_t t = m - 1; t >= 0; --t) {
            if (q_.has(members_[t], n_)) {
                q_.row(members_[t], n_);
            } else {
                missing.push_back(members_[t]);
            }
        }
        for (std::size_t start = 0; start < missing.size(); start += kRowsPerFill) {
            const auto from = missing.begin() + static_cast<std::ptrdiff_t>(start);
            const auto to = missing.begin() + static_cast<std::ptrdiff_t>(std::min(missing.size(), start + kRowsPerFill));
            q_.fill(std::vector<index_t>(from, to), n_);
        }
        // Every member's row fits the cache at once (width_ <= its capacity):
        // the pointers stay valid for this iteration.
        std::vector<const float*> rows(mm);
        for (index_t t = 0; t < m; ++t) rows[static_cast<std::size_t>(t)] = q_.row(members_[t], n_);

        // The sub-problem: Q's block over the members, their gradients and bounds.
        block_.resize(mm * mm);
        for (index_t t = 0; t < m; ++t)
            for (index_t u = 0; u < m; ++u) block_[static_cast<std::size_t>(t * m + u)] = rows[t][members_[u]];
        std::vector<double> y(mm), g(mm), a(mm), c(mm), qd(mm), score(mm);
        std::vector<std::uint8_t> up_flag(mm), low_flag(mm);
        for (index_t t = 0; t < m; ++t) {
            const index_t k = members_[t];
            y[t] = y_[k];
            g[t] = gradient_[k];
            a[t] = alpha_[k];
            c[t] = upper_[k];
            qd[t] = q_.diagonal(k);
            up_flag[t] = in_up(y[t], a[t], c[t]);
            low_flag[t] = in_low(y[t], a[t], c[t]);
        }
        double gap = -kInf, bottom = kInf;
        for (index_t t = 0; t < m; ++t) {
            if (up_flag[t]) gap = std::max(gap, -y[t] * g[t]);
            if (low_flag[t]) bottom = std::min(bottom, -y[t] * g[t]);
        }
        const double local_eps = std::max(eps_, 0.1 * (gap - bottom));
        const std::int64_t limit = budget >= 0 ? std::min<std::int64_t>(budget, kStepsPerMember * m)
                                               : kStepsPerMember * m;
        std::int64_t steps = 0;
        while (steps < limit) {
            double top;
            const index_t i = most_violating_up(y.data(), g.data(), up_flag.data(), m, score.data(), top);
            if (i < 0) break;
            const float* qi = block_.data() + i * m;
            const index_t j =
                best_partner(y.data(), g.data(), low_flag.data(), m, qi, qd.data(), i, top, local_eps, score.data());
            if (j < 0) break;
            const float* qj = block_.data() + j * m;
            const double curvature = qd[i] + qd[j] - 2.0 * y[i] * y[j] * qi[j];
            const auto [new_i, new_j] = pair_step(a[i], a[j], y[i], y[j], c[i], c[j], -y[i] * g[i], -y[j] * g[j],
                                                  curvature);
            const double delta_i = new_i - a[i], delta_j = new_j - a[j];
            a[i] = new_i;
            a[j] = new_j;
            for (index_t t : {i, j}) {
                up_flag[t] = in_up(y[t], a[t], c[t]);
                low_flag[t] = in_low(y[t], a[t], c[t]);
            }
            for (index_t t = 0; t < m; ++t) g[t] += qi[t] * delta_i + qj[t] * delta_j;
            ++steps;
        }

        // Step 4: G += sum over members of (a_t - alpha_t) Q_t, over column
        // tiles in parallel, four rows per pass over a tile.
        std::vector<const float*> moved;
        std::vector<double> change;
        for (index_t t = 0; t < m; ++t) {
            const index_t k = members_[t];
            if (a[t] == alpha_[k]) continue;
            moved.push_back(rows[t]);
            change.push_back(a[t] - alpha_[k]);
            alpha_[k] = a[t];
        }
        move_gradient(moved, change);
        return steps;
    }

    void move_gradient(const std::vector<const float*>& rows, const std::vector<double>& change) {
        const std::size_t r = rows.size();
        if (r == 0) return;
        constexpr index_t kTile = 4096;
        double* gradient = gradient_.data();
        const int team = team_size(kStreamCost * static_cast<std::int64_t>(r) * n_, n_threads_);
        parallel_chunks(ceil_div(n_, kTile), team, [&](std::int64_t chunk, int) {
            const index_t from = chunk * kTile, to = std::min(n_, from + kTile);
            std::size_t s = 0;
            for (; s + 4 <= r; s += 4) {
                const float *r0 = rows[s], *r1 = rows[s + 1], *r2 = rows[s + 2], *r3 = rows[s + 3];
                const double c0 = change[s], c1 = change[s + 1], c2 = change[s + 2], c3 = change[s + 3];
#pragma omp simd
                for (index_t k = from; k < to; ++k)
                    gradient[k] += (c0 * r0[k] + c1 * r1[k]) + (c2 * r2[k] + c3 * r3[k]);
            }
            for (; s < r; ++s) {
                const float* row = rows[s];
                const double c = change[s];
#pragma omp simd
                for (index_t k = from; k < to; ++k) gradient[k] += c * row[k];
            }
        });
    }

    // Rows per GEMM of fill(): the block of X rows it reads stays in cache.
    static constexpr std::size_t kRowsPerFill = 128;
    // Sub-problem steps allowed per member before the gradient is moved.
    static constexpr std::int64_t kStepsPerMember = 10;

    KernelRows q_;
    static constexpr index_t kFirstWidth = 64;
    index_t n_, width_, width_now_ = 0;
    double eps_;
    int n_threads_;
    std::vector<double> y_, upper_, alpha_, gradient_;
    std::vector<index_t> members_;      // the working set, newest first
    std::vector<std::uint8_t> member_;  // scratch: membership by variable
    std::vector<float> block_;          // Q over the working set, m x m
};

}  // namespace

BinaryResult solve_binary_by_blocks(const BinaryProblem& problem, const SolverOptions& options,
                                    const InterruptCheck& interrupt, const BinaryResult* start) {
    WorkingSetSolver solver(problem, options, start);
    return solver.run(options, interrupt);
}

}  // namespace zoo::svm::detail
