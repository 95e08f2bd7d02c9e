// Exact solvers for linear least squares, ridge, lasso and elastic net.
// Stateless functions over caller-owned buffers; X is row-major n x d, Y
// row-major n x k, sample weights non-negative. Everything the normal
// equations and the factorisations compute is in double, whatever the input
// type: float32 data then gets float64-accurate coefficients at the cost of
// one conversion per block of rows.
#pragma once

#include <cstdint>

#include "zoo/interrupt.hpp"

namespace zoo::linear {

using index_t = std::int64_t;

// A weighted regression problem, borrowed from the caller.
template <class T>
struct Problem {
    const T* x;       // n x d
    const T* y;       // n x k
    const T* weight;  // n
    index_t n;
    index_t d;
    index_t k;
};

// Weighted means (zero when `center` is false), then the centred and
// weighted moments: gram = Xc^T W Xc (d x d, both triangles), xty =
// Xc^T W Yc (d x k), yty[t] = Yc[:, t]^T W Yc[:, t]. Rows are centred block
// by block into per-thread scratch, so X is never copied whole.
template <class T>
void weighted_moments(const Problem<T>& p, bool center, int n_threads, double* x_mean, double* y_mean,
                      double* gram, double* xty, double* yty);

// Solves (gram + ridge I) B = xty by Cholesky on the diagonally scaled
// system (van der Sluis scaling: the conditioning that matters is that of the
// correlation matrix, not of the raw scales). Returns LAPACK's reciprocal
// condition estimate of the scaled matrix, 0 when it is not positive
// definite; the solve runs only when that estimate is >= min_rcond. coef is
// k x d.
double cholesky_solve(const double* gram, const double* xty, index_t d, index_t k, double ridge,
                      double min_rcond, double* coef);

// Non-negative least squares (positive=True): minimises
// 1/2 b'(gram + ridge I) b - xty'b subject to b >= 0 by the active-set
// method of Lawson & Hanson, each step a Cholesky solve on the passive
// variables' block. Exact in finitely many steps; max_iter bounds them.
struct NnlsSummary {
    index_t n_iter = 0;      // least-squares solves
    bool converged = false;  // the KKT conditions hold at working precision
};
NnlsSummary nnls_gram(const double* gram, const double* xty, index_t d, double ridge, index_t max_iter,
                      double* coef);

enum class Factorization { qr, svd };

struct FactorSummary {
    double rcond;   // reciprocal condition estimate of the triangle R (qr only; -1 otherwise)
    index_t rank;   // numerical rank (svd), or d (qr)
    bool used_svd;  // qr fell back to svd because R was singular to working precision
};

// Least squares (ridge = 0) or ridge on the centred, weighted data through
// an LQ factorisation of (W^1/2 Xc)^T, which reduces the problem to the
// min(n, d) x d triangle R with X = Q^T R. Then "qr" solves R B = Q Y by
// back substitution (falling back to "svd" when R's reciprocal condition is
// below qr_min_rcond), and "svd" takes the minimum-norm solution from the
// SVD of R, singular values <= rank_rcond * s_max counting as zero; with
// ridge > 0 it applies the filter s / (s^2 + ridge). `singular` receives
// min(n, d) singular values (svd) and coef is k x d.
template <class T>
FactorSummary factor_solve(const Problem<T>& p, const double* x_mean, const double* y_mean,
                           Factorization method, double ridge, double qr_min_rcond, double rank_rcond,
                           int n_threads, double* coef, double* singular);

// Centred, weighted columns for coordinate descent: xt (d x n, one feature
// per row) = ((x - x_mean) * sqrt(w))^T.
template <class T>
void centered_columns(const T* x, const T* weight, index_t n, index_t d, const double* x_mean,
                      int n_threads, T* xt);

struct CdSummary {
    int n_iter;     // sweeps over the coordinates
    double gap;     // duality gap at the end (in the scale of 1/2 ||r||^2)
    double gap_tol; // the gap the caller asked for, in the same scale
};

struct CdParams {
    double l1;          // penalty A on ||b||_1 (in the scale of 1/2 ||r||^2)
    double l2;          // penalty B on 1/2 ||b||^2, same scale
    int max_iter;
    double tol;         // stop when gap <= tol * ||W^1/2 yc||^2
    bool positive;      // constrain b >= 0
    bool random;        // random coordinate order (with replacement)
    std::uint64_t seed;
};

// Cyclic coordinate descent for
//   1/2 ||W^1/2 (yc - Xc b)||^2 + l1 ||b||_1 + l2/2 ||b||^2
// (Friedman, Hastie & Tibshirani 2010), stopping on the duality gap of the
// equivalent lasso on rows augmented by sqrt(l2) I. `coef` (d) is the start
// and the result. Gram form: from gram, xty (d) and yty, each update costs
// O(d), so a sweep costs d^2 whatever n is.
CdSummary enet_cd_gram(const double* gram, const double* xty, double yty, index_t d, const CdParams& params,
                       double* coef, const InterruptCheck& interrupt = {});

// Column form: from the centred weighted columns xt (d x n) and target
// yc (n, weighted by sqrt(w)); each update costs O(n).
template <class T>
CdSummary enet_cd_columns(const T* xt, const T* yc, index_t n, index_t d, const CdParams& params, double* coef,
                          const InterruptCheck& interrupt = {});

}  // namespace zoo::linear
