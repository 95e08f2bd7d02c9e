// Least squares and ridge: Cholesky on the normal equations, or an LQ
// factorisation of the data followed by back substitution or an SVD.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/lapack.hpp"
#include "zoo/linear.hpp"
#include "zoo/parallel.hpp"

namespace zoo::linear {

namespace {

void check_info(int info, const char* routine) {
    if (info < 0) throw std::invalid_argument(std::string(routine) + ": bad argument " + std::to_string(-info));
}

int as_lapack_int(index_t value, const char* what) {
    if (value > std::numeric_limits<int>::max())
        throw std::invalid_argument(std::string(what) + " is too large for LAPACK's 32-bit indices");
    return static_cast<int>(value);
}

}  // namespace

double cholesky_solve(const double* gram, const double* xty, index_t d, index_t k, double ridge, double min_rcond,
                      double* coef) {
    const int n = as_lapack_int(d, "n_features");
    // Scale to unit diagonal: the scaled matrix's condition is within a
    // factor d of the best diagonal scaling's (van der Sluis 1969), so the
    // estimate judges the correlation structure, not the units of X.
    std::vector<double> scale(d);
    for (index_t j = 0; j < d; ++j) {
        const double diagonal = gram[j * d + j] + ridge;
        if (!(diagonal > 0.0)) return 0.0;  // a constant feature: not positive definite
        scale[j] = 1.0 / std::sqrt(diagonal);
    }
    std::vector<double> a(d * d);
    double anorm = 0.0;
    for (index_t j = 0; j < d; ++j) {
        double column_sum = 0.0;
        for (index_t i = 0; i < d; ++i) {
            const double value = scale[i] * (gram[j * d + i] + (i == j ? ridge : 0.0)) * scale[j];
            a[j * d + i] = value;
            column_sum += std::abs(value);
        }
        anorm = std::max(anorm, column_sum);
    }
    int info = lapack::potrf('L', n, a.data(), n);
    check_info(info, "potrf");
    if (info > 0) return 0.0;
    double rcond = 0.0;
    check_info(lapack::pocon('L', n, a.data(), n, anorm, &rcond), "pocon");
    if (!(rcond >= min_rcond)) return rcond;
    // Right-hand sides column-major (d x k), scaled like the rows.
    std::vector<double> b(d * k);
    for (index_t t = 0; t < k; ++t)
        for (index_t j = 0; j < d; ++j) b[t * d + j] = scale[j] * xty[j * k + t];
    check_info(lapack::potrs('L', n, as_lapack_int(k, "n_targets"), a.data(), n, b.data(), n), "potrs");
    for (index_t t = 0; t < k; ++t)
        for (index_t j = 0; j < d; ++j) coef[t * d + j] = scale[j] * b[t * d + j];
    return rcond;
}

template <class T>
FactorSummary factor_solve(const Problem<T>& p, const double* x_mean, const double* y_mean, Factorization method,
                           double ridge, double qr_min_rcond, double rank_rcond, int n_threads, double* coef,
                           double* singular) {
    const index_t n = p.n, d = p.d, k = p.k, r = std::min(n, d);
    const int ni = as_lapack_int(n, "n_samples"), di = as_lapack_int(d, "n_features"), ki = as_lapack_int(k, "n_targets");
    as_lapack_int(n * std::max(d, k), "n_samples * n_features");
    // a: W^1/2 Xc row-major n x d, which LAPACK reads as its transpose, a
    // column-major d x n matrix. yc: W^1/2 Yc column-major n x k.
    std::vector<double> a(n * d), yc(n * k);
    parallel_chunks(ceil_div(n, 1024), team_size(n * (d + k), n_threads), [&](std::int64_t chunk, int) {
        const index_t begin = chunk * 1024, end = std::min(n, begin + 1024);
        for (index_t i = begin; i < end; ++i) {
            const double root = std::sqrt(static_cast<double>(p.weight[i]));
            for (index_t j = 0; j < d; ++j) a[i * d + j] = root * (static_cast<double>(p.x[i * d + j]) - x_mean[j]);
            for (index_t t = 0; t < k; ++t) yc[t * n + i] = root * (static_cast<double>(p.y[i * k + t]) - y_mean[t]);
        }
    });
    // LAPACK's blocked kernels run on OpenBLAS's pool, given the caller's threads.
    blas::ThreadsScope blas_threads(n_threads);
    // (W^1/2 Xc)^T = L Q, so W^1/2 Xc = Q^T R with R = L^T (r x d, upper),
    // and min ||W^1/2 (Yc - Xc B)|| becomes min ||Q Yc - [R; 0] B||.
    std::vector<double> tau(r);
    check_info(lapack::gelqf(di, ni, a.data(), di, tau.data()), "gelqf");
    check_info(lapack::ormlq('L', 'N', ni, ki, static_cast<int>(r), a.data(), di, tau.data(), yc.data(), ni), "ormlq");
    // L sits in the lower triangle of a's leading d x r column-major block.
    FactorSummary summary{-1.0, r, false};
    if (method == Factorization::qr && r == d && ridge == 0.0) {
        double rcond = 0.0;
        check_info(lapack::trcon('1', 'L', 'N', di, a.data(), di, &rcond), "trcon");
        summary.rcond = rcond;
        if (rcond >= qr_min_rcond) {
            // R B = c is L^T B = c.
            std::vector<double> b(d * k);
            for (index_t t = 0; t < k; ++t)
                for (index_t j = 0; j < d; ++j) b[t * d + j] = yc[t * n + j];
            const int info = lapack::trtrs('L', 'T', 'N', di, ki, a.data(), di, b.data(), di);
            check_info(info, "trtrs");
            if (info == 0) {
                for (index_t t = 0; t < k; ++t)
                    for (index_t j = 0; j < d; ++j) coef[t * d + j] = b[t * d + j];
                return summary;
            }
        }
        summary.used_svd = true;
    } else if (method == Factorization::qr && ridge != 0.0) {
        throw std::invalid_argument("factor_solve: the qr route solves least squares only (ridge must be 0)");
    }
    // R column-major r x d: R(i, j) = L(j, i) = a[j + i * d] for j >= i.
    std::vector<double> rm(r * d, 0.0);
    for (index_t i = 0; i < r; ++i)
        for (index_t j = i; j < d; ++j) rm[j * r + i] = a[i * d + j];
    const int ri = static_cast<int>(r);
    if (ridge == 0.0) {
        // Minimum-norm solution of R B = c through R's SVD.
        std::vector<double> b(d * k, 0.0);
        for (index_t t = 0; t < k; ++t)
            for (index_t i = 0; i < r; ++i) b[t * d + i] = yc[t * n + i];
        int rank = 0;
        check_info(lapack::gelsd(ri, di, ki, rm.data(), ri, b.data(), di, singular, rank_rcond, &rank), "gelsd");
        summary.rank = rank;
        for (index_t t = 0; t < k; ++t)
            for (index_t j = 0; j < d; ++j) coef[t * d + j] = b[t * d + j];
        return summary;
    }
    // Ridge: R = U S V^T, B = V diag(s / (s^2 + ridge)) U^T c.
    std::vector<double> u(r * r), vt(r * d);
    const int info = lapack::gesdd('S', ri, di, rm.data(), ri, singular, u.data(), ri, vt.data(), ri);
    check_info(info, "gesdd");
    if (info > 0) throw std::runtime_error("gesdd: the SVD did not converge");
    const double cutoff = rank_rcond * (r > 0 ? singular[0] : 0.0);
    index_t rank = 0;
    std::vector<double> z(r);
    for (index_t t = 0; t < k; ++t) {
        for (index_t i = 0; i < r; ++i) {
            double sum = 0.0;
            for (index_t l = 0; l < r; ++l) sum += u[i * r + l] * yc[t * n + l];  // U(l, i) = u[l + i * r]
            const double s = singular[i];
            z[i] = s > cutoff ? sum * s / (s * s + ridge) : 0.0;
            if (t == 0 && s > cutoff) ++rank;
        }
        for (index_t j = 0; j < d; ++j) {
            double sum = 0.0;
            for (index_t i = 0; i < r; ++i) sum += vt[j * r + i] * z[i];  // V^T(i, j) = vt[i + j * r]
            coef[t * d + j] = sum;
        }
    }
    summary.rank = rank;
    return summary;
}

template FactorSummary factor_solve<float>(const Problem<float>&, const double*, const double*, Factorization, double,
                                           double, double, int, double*, double*);
template FactorSummary factor_solve<double>(const Problem<double>&, const double*, const double*, Factorization,
                                            double, double, double, int, double*, double*);

}  // namespace zoo::linear
