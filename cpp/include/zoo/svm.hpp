// Support vector machines: kernels with an LRU row cache, the SMO solver for
// C-SVC, dual coordinate descent for linear SVMs, and Platt scaling.
// Stateless functions over caller-owned buffers; everything in float64, as the
// solvers accumulate many small updates.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <vector>

#include "zoo/sparse.hpp"

namespace zoo::svm {

using index_t = std::int64_t;
using InterruptCheck = std::function<void()>;

enum class KernelType { linear, poly, rbf, sigmoid };

KernelType kernel_type_from_name(const std::string& name);

struct KernelParams {
    KernelType type = KernelType::rbf;
    double gamma = 1.0;
    double coef0 = 0.0;
    int degree = 3;
};

// exp(x) of every entry in place, vectorisable (no libm call per element);
// relative error below 1e-15 for x >= -700, 0 below that.
void exp_inplace(double* values, index_t n);

// K(a_i, b_j) for the rows of a (n_a x d) against the rows of b (n_b x d):
// out is n_a x n_b, row-major. a_norms / b_norms: squared row norms (only
// read by the rbf kernel). Blocks of rows run in parallel.
void kernel_matrix(const KernelParams& kernel, const double* a, const double* a_norms, index_t n_a,
                   const double* b, const double* b_norms, index_t n_b, index_t d, double* out,
                   int n_threads);

// One binary C-SVC problem over the rows of X (n x d), labels +1/-1, per-sample
// upper bounds C_i. Solved by SMO with second-order working-set selection
// (Fan, Chen & Lin 2005) and shrinking (Joachims 1999; Keerthi et al. 2001).
struct BinaryProblem {
    const double* x = nullptr;  // float64 rows, or
    const float* x32 = nullptr;  // float32 rows (then dot products in float32)
    index_t n = 0;
    index_t d = 0;
    const double* y = nullptr;      // +1 / -1
    const double* upper = nullptr;  // C_i
};

// How the dual is decomposed: libsvm's SMO on pairs with a row cache and
// shrinking, or working sets of up to 1,024 variables whose kernel rows are
// computed together (ThunderSVM's scheme; for problems whose support vectors'
// rows outgrow the cache). automatic starts with pairs and goes on with
// working sets once the cache must evict a row.
enum class Decomposition { automatic, pairs, working_sets };

struct SolverOptions {
    KernelParams kernel;
    Decomposition decomposition = Decomposition::automatic;
    double tol = 1e-3;
    bool shrinking = true;
    double cache_mb = 200.0;
    std::int64_t max_iter = -1;  // -1: no limit
    int n_threads = 1;
};

struct BinaryResult {
    std::vector<double> alpha;  // in the caller's sample order
    double rho = 0.0;           // decision = sum_i alpha_i y_i K(x_i, x) - rho
    std::int64_t n_iter = 0;
    bool reached_max_iter = false;
    double objective = 0.0;
    // Set by a solver that stopped short to hand over to another (smo.cpp):
    // alpha and the gradient Q a - e, both in the caller's order.
    bool unfinished = false;
    std::vector<double> gradient;
};

BinaryResult solve_binary(const BinaryProblem& problem, const SolverOptions& options,
                          const InterruptCheck& interrupt);

// One-vs-one C-SVC: one binary problem per pair of classes (a, b), a < b, in
// lexicographic order, holding the samples of a (label +1) then those of b
// (label -1), each group in sample order. labels: class index of each sample.
// Pairs run in parallel when there are enough of them; otherwise each pair's
// kernel rows do. The split depends only on the number of pairs and threads,
// so results are repeatable for a given n_threads. T is float or double: the
// precision of the kernels' dot products (the cache keeps Q in float32, as
// libsvm does, whose results these match).
struct PairResult {
    std::vector<double> coef;  // y_i a_i over the pair's samples
    double rho = 0.0;
    std::int64_t n_iter = 0;
    bool reached_max_iter = false;
};

template <class T>
std::vector<PairResult> solve_one_vs_one(const T* x, index_t n, index_t d, const std::int32_t* labels,
                                         const double* upper, int n_classes, const SolverOptions& options,
                                         const InterruptCheck& interrupt);

// Linear SVM, one binary problem per entry of `targets` (one-vs-rest), by dual
// coordinate descent with shrinking (Hsieh et al. 2008). X is n x d; the bias
// is an extra feature of value `bias_scale` when bias_scale > 0. targets:
// n_problems x n of +1/-1; upper: per-sample C_i. w_out: n_problems x
// (d + (bias_scale > 0)). Problems run in parallel.
struct LinearOptions {
    bool squared_hinge = true;
    double tol = 1e-4;
    std::int64_t max_iter = 1000;
    double bias_scale = 1.0;
    std::uint64_t seed = 0;
    int n_threads = 1;
};

struct LinearSummary {
    std::int64_t max_n_iter = 0;
    bool reached_max_iter = false;  // some problem stopped at max_iter short of tol
    bool stalled = false;           // some problem stopped short of tol because its steps no longer lowered f
};

LinearSummary linear_svm_dual_cd(const double* x, index_t n, index_t d, const double* targets,
                                 const double* upper, int n_problems, const LinearOptions& options, double* w_out,
                                 double* dual_objective_out, const InterruptCheck& interrupt);
// The same on a CSR X (scipy.sparse): each coordinate costs its row's
// stored entries, not d.
LinearSummary linear_svm_dual_cd(const sparse::CsrMatrix& x, const double* targets, const double* upper,
                                 int n_problems, const LinearOptions& options, double* w_out,
                                 double* dual_objective_out, const InterruptCheck& interrupt);

// The same linear SVMs with the squared hinge loss, in the primal, by Newton's
// method on the generalised Hessian (Mangasarian 2002; Keerthi & DeCoste
// 2005): I + 2 sum over margin violators of C_i x_i x_i', formed by SYRK and
// factorised by Cholesky, each step followed by an exact line search.
// Stops when |gradient|^2 / 2 <= tol * f(w), which bounds (f(w) - min f) /
// f(w) by tol; short of that, at max_iter or when a step no longer lowers f.
// Suited to many samples and few features (the Hessian is (d+1) x (d+1)).
// Same layout as above.
LinearSummary linear_svm_primal_newton(const double* x, index_t n, index_t d, const double* targets,
                                       const double* upper, int n_problems, const LinearOptions& options,
                                       double* w_out, const InterruptCheck& interrupt);

// Platt scaling: fit P(y=1|f) = 1 / (1 + exp(A f + B)) to decision values f and
// labels +1/-1 by Newton's method with backtracking (Platt 1999; the
// numerically safe form of Lin, Lin & Weng 2007). Returns (A, B).
std::pair<double, double> platt_fit(const double* decision, const double* labels, index_t n);

// Multi-class probabilities from pairwise ones (Wu, Lin & Weng 2004, method 2).
// pairwise: n x n_pairs, entry (s, p) for the pair p = (i, j), i < j, in
// lexicographic order: P(class i | i or j). out: n x n_classes.
void pairwise_coupling(const double* pairwise, index_t n, int n_classes, double* out, int n_threads);

}  // namespace zoo::svm
