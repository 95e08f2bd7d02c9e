// Logistic regression kernels: the penalised log-loss, its gradient and
// Hessian-vector products over a weighted data set, and the exact solvers
// (L-BFGS, Newton-CG; FISTA and proximal Newton with coordinate descent for
// the l1 term) that minimise it. Stateless over caller-owned
// buffers: the parameters live in one float64 array owned by Python,
// updated in place. Instantiated for float and double X.
//
// The objective, as scikit-learn's once its weights are normalised:
//   f(W, b) = scale * sum_i w_i loss_i + l2/2 ||W||_F^2 + l1 ||W||_1
// where loss_i is the binary log-loss of a sigmoid (one row of W) or the
// multinomial log-loss of a softmax over K rows; the intercept b is not
// penalised. Parameters are laid out as theta = (k, d + fit_intercept),
// row c holding coef_[c] then intercept_[c].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zoo/interrupt.hpp"

namespace zoo::logistic {

using index_t = std::int64_t;

// A weighted, labelled data set, borrowed from the caller.
template <class T>
struct Problem {
    const T* x;            // n x d, row-major
    const std::int32_t* y;  // n class indices in [0, n_classes)
    const T* weight;       // n, non-negative
    index_t n;
    index_t d;
    int n_classes;         // 2: binary (one row of W), >2: multinomial
    bool fit_intercept;
    double scale;          // multiplies the weighted loss sum (1 / sum of weights)
    double l2;             // squared-norm penalty strength on W
    double l1;             // absolute-value penalty strength on W (FISTA and Newton-CD only)

    int rows() const { return n_classes == 2 ? 1 : n_classes; }
    index_t columns() const { return d + (fit_intercept ? 1 : 0); }
    index_t size() const { return rows() * columns(); }
};

// The smooth part of the objective (loss and l2 term) with its gradient and
// Hessian-vector products. Rows are processed in cache-sized chunks, one
// chunk per OpenMP task with single-threaded BLAS inside: the chunk's scores
// X_c W^T, the softmax residual and residual^T X_c run while X_c is in cache,
// and per-thread partial sums are reduced in thread order, so a result is the
// same bit for bit for a given thread count.
template <class T>
class Objective {
public:
    Objective(const Problem<T>& problem, int n_threads, bool with_hessian = false);

    // Returns f(theta) without the l1 term; writes the gradient into `grad`
    // when it is not null. Remembers the curvature of the loss at theta for
    // hessian_vector.
    double value_gradient(const double* theta, double* grad);

    // out = H v at the point of the last value_gradient call.
    void hessian_vector(const double* v, double* out);

    const Problem<T>& problem() const { return problem_; }
    // n x k, at the last point evaluated: softmax probabilities
    // (multinomial) or w p (1 - p) (binary). Only with_hessian.
    const T* curvature() const { return curvature_.data(); }

private:
    void load_weights(const double* theta);
    template <class Body>
    void over_chunks(Body&& body);

    Problem<T> problem_;
    int n_threads_;
    index_t chunk_rows_;
    bool with_hessian_;
    std::vector<T> coef_;           // k x d in T, for BLAS
    std::vector<double> intercept_; // k
    std::vector<T> scratch_;        // per thread: scores (chunk x k) then partial gradient (k x d)
    std::vector<double> partial_;   // per thread: k x d gradient, k intercept gradient, loss
    std::vector<T> curvature_;      // n x k: probabilities (multinomial) or w p (1 - p) (binary)
};

enum class Status { converged, max_iter, line_search_failed };

struct FitResult {
    int n_iter;
    double objective;  // including the l1 term
    Status status;
};

// Fits theta (in place: the start point in, the solution out) until the
// max-norm of the gradient is at most tol (for FISTA: of the gradient
// mapping, which vanishes where the minimum-norm subgradient does), or
// max_iter iterations. L-BFGS and Newton-CG also stop, as converged, when an
// iteration lowers f by less than 64 machine epsilons relative (scipy's
// factr test as scikit-learn sets it). `interrupt` runs between iterations.
template <class T>
FitResult fit_lbfgs(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                    const InterruptCheck& interrupt = {});

template <class T>
FitResult fit_newton_cg(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                        const InterruptCheck& interrupt = {});

template <class T>
FitResult fit_newton_cd(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                        const InterruptCheck& interrupt = {});

template <class T>
FitResult fit_fista(const Problem<T>& problem, double* theta, int max_iter, double tol, int n_threads,
                    const InterruptCheck& interrupt = {});

// A line search along `direction` from `x` (value f, gradient g) for a step
// satisfying the strong Wolfe conditions (Nocedal & Wright 2006, Algorithms
// 3.5 and 3.6, cubic interpolation). On success x, f and g hold the new
// point, which is also the last point the objective evaluated. Returns false
// (x, f and g unchanged) when no such step is found in max_evaluations.
template <class T>
bool wolfe_line_search(Objective<T>& objective, std::vector<double>& x, double& f, std::vector<double>& g,
                       const std::vector<double>& direction, double first_step, int max_evaluations = 50);

// Max-norm of the minimum-norm subgradient of f + l1 ||W||_1 over theta
// (rows x columns, the first d columns penalised); the gradient's max-norm
// when l1 is 0.
double optimality(index_t rows, index_t columns, index_t d, double l1, const double* theta, const double* grad);

// Small dense vector helpers shared by the solvers.
namespace vec {
inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}
inline double max_abs(const std::vector<double>& a) {
    double m = 0.0;
    for (double v : a) m = v > m ? v : (-v > m ? -v : m);
    return m;
}
inline double sum_abs(const std::vector<double>& a) {
    double s = 0.0;
    for (double v : a) s += v < 0 ? -v : v;
    return s;
}
}  // namespace vec

}  // namespace zoo::logistic
