// Non-negative least squares on the normal equations: the active-set method
// of Lawson & Hanson (1974, chapter 23), with the least-squares steps taken
// on the passive variables' block of the Gram matrix (Cholesky), so the data
// are read once, when the moments are formed.
#include <cmath>
#include <limits>
#include <vector>

#include "zoo/lapack.hpp"
#include "zoo/linear.hpp"

namespace zoo::linear {

namespace {

// z = the solution of (G + ridge I)_PP z_P = c_P on the passive set P (z = 0
// elsewhere); false when that block is not positive definite.
bool solve_on_passive(const double* gram, const double* xty, index_t d, double ridge,
                      const std::vector<char>& passive, std::vector<double>& z) {
    std::vector<index_t> members;
    for (index_t j = 0; j < d; ++j)
        if (passive[static_cast<std::size_t>(j)]) members.push_back(j);
    const auto p = static_cast<index_t>(members.size());
    std::vector<double> block(static_cast<std::size_t>(p * p)), rhs(static_cast<std::size_t>(p));
    for (index_t a = 0; a < p; ++a) {
        rhs[static_cast<std::size_t>(a)] = xty[members[a]];
        for (index_t b = 0; b < p; ++b)
            block[static_cast<std::size_t>(a + b * p)] =
                gram[members[a] * d + members[b]] + (a == b ? ridge : 0.0);
    }
    const int n = static_cast<int>(p);
    if (n > 0 && (lapack::potrf('L', n, block.data(), n) != 0 ||
                  lapack::potrs('L', n, 1, block.data(), n, rhs.data(), n) != 0))
        return false;
    std::fill(z.begin(), z.end(), 0.0);
    for (index_t a = 0; a < p; ++a) z[static_cast<std::size_t>(members[a])] = rhs[static_cast<std::size_t>(a)];
    return true;
}

}  // namespace

NnlsSummary nnls_gram(const double* gram, const double* xty, index_t d, double ridge, index_t max_iter,
                      double* coef) {
    std::vector<double> b(static_cast<std::size_t>(d), 0.0), z(static_cast<std::size_t>(d)),
        w(static_cast<std::size_t>(d));
    std::vector<char> passive(static_cast<std::size_t>(d), 0);
    double scale = 0.0;  // for the optimality tolerance: the gradient's size at b = 0
    for (index_t j = 0; j < d; ++j) scale = std::max(scale, std::fabs(xty[j]));
    const double tol = 10.0 * std::numeric_limits<double>::epsilon() * static_cast<double>(d) * std::max(scale, 1e-300);
    NnlsSummary summary;
    while (summary.n_iter < max_iter) {
        // w = c - (G + ridge I) b, the negative gradient.
        index_t entering = -1;
        double best = tol;
        for (index_t i = 0; i < d; ++i) {
            double g = xty[i] - ridge * b[static_cast<std::size_t>(i)];
            for (index_t j = 0; j < d; ++j) g -= gram[i * d + j] * b[static_cast<std::size_t>(j)];
            w[static_cast<std::size_t>(i)] = g;
            if (!passive[static_cast<std::size_t>(i)] && g > best) best = g, entering = i;
        }
        if (entering < 0) {
            summary.converged = true;
            break;
        }
        passive[static_cast<std::size_t>(entering)] = 1;
        // Least-squares steps on the passive set, moving back towards the
        // feasible region until every passive variable stays positive.
        while (summary.n_iter < max_iter) {
            ++summary.n_iter;
            if (!solve_on_passive(gram, xty, d, ridge, passive, z) || z[static_cast<std::size_t>(entering)] <= 0.0) {
                // Rounding made the entering variable useless: it leaves, and
                // the current b is the answer at working precision.
                passive[static_cast<std::size_t>(entering)] = 0;
                summary.converged = true;
                break;
            }
            double step = 1.0;
            for (index_t j = 0; j < d; ++j) {
                const auto s = static_cast<std::size_t>(j);
                if (passive[s] && z[s] <= 0.0) step = std::min(step, b[s] / (b[s] - z[s]));
            }
            for (index_t j = 0; j < d; ++j) {
                const auto s = static_cast<std::size_t>(j);
                if (passive[s]) b[s] += step * (z[s] - b[s]);
            }
            if (step == 1.0) break;  // every passive variable positive: b = z
            for (index_t j = 0; j < d; ++j) {
                const auto s = static_cast<std::size_t>(j);
                if (passive[s] && b[s] <= 0.0) passive[s] = 0, b[s] = 0.0;
            }
        }
        if (summary.converged) break;
    }
    std::copy(b.begin(), b.end(), coef);
    return summary;
}

}  // namespace zoo::linear
