// pybind11 glue for support vector machines: shape checks, GIL release, nothing else.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "zoo/parallel.hpp"
#include "zoo/svm.hpp"

namespace zoo::bindings {

namespace {

using svm::index_t;

svm::KernelParams kernel_of(const std::string& kernel, double gamma, double coef0, int degree) {
    svm::KernelParams params;
    params.type = svm::kernel_type_from_name(kernel);
    require(std::isfinite(gamma), "gamma must be finite");
    require(std::isfinite(coef0), "coef0 must be finite");
    require(degree >= 0, "degree must be >= 0");
    params.gamma = gamma;
    params.coef0 = coef0;
    params.degree = degree;
    return params;
}

std::vector<double> squared_norms(const double* x, index_t n, index_t d) {
    std::vector<double> norms(static_cast<std::size_t>(n));
    for (index_t i = 0; i < n; ++i) {
        double s = 0.0;
        for (index_t f = 0; f < d; ++f) s += x[i * d + f] * x[i * d + f];
        norms[static_cast<std::size_t>(i)] = s;
    }
    return norms;
}

svm::Decomposition decomposition_of(const std::string& name) {
    if (name == "auto") return svm::Decomposition::automatic;
    if (name == "pairs") return svm::Decomposition::pairs;
    if (name == "working_sets") return svm::Decomposition::working_sets;
    throw std::invalid_argument("decomposition must be 'auto', 'pairs' or 'working_sets', got '" + name + "'");
}

template <class T>
void bind_svc_fit(py::module_& m) {
    m.def(
        "svc_fit_ovo",
        [](In<T> x, In<std::int32_t> labels, In<double> upper, int n_classes, const std::string& kernel,
           double gamma, double coef0, int degree, double tol, bool shrinking, double cache_mb,
           std::int64_t max_iter, int n_threads, const std::string& decomposition) {
            require(x.ndim() == 2, "X must be a 2-D array");
            require_shape(labels, "labels", {x.shape(0)});
            require_shape(upper, "upper", {x.shape(0)});
            require(n_classes >= 2, "n_classes must be >= 2");
            require(tol > 0.0, "tol must be > 0");
            require(cache_mb > 0.0, "cache_size must be > 0");
            svm::SolverOptions options;
            options.kernel = kernel_of(kernel, gamma, coef0, degree);
            options.tol = tol;
            options.shrinking = shrinking;
            options.cache_mb = cache_mb;
            options.max_iter = max_iter;
            options.n_threads = checked_threads(n_threads);
            options.decomposition = decomposition_of(decomposition);
            std::vector<svm::PairResult> results;
            {
                py::gil_scoped_release release;
                results = svm::solve_one_vs_one<T>(x.data(), x.shape(0), x.shape(1), labels.data(), upper.data(),
                                                n_classes, options, python_interrupt_check());
            }
            py::list coefs;
            const py::ssize_t n_pairs = static_cast<py::ssize_t>(results.size());
            py::array_t<double> rho(n_pairs);
            py::array_t<std::int64_t> n_iter(n_pairs);
            bool reached = false;
            for (py::ssize_t p = 0; p < n_pairs; ++p) {
                const auto& r = results[static_cast<std::size_t>(p)];
                py::array_t<double> coef(static_cast<py::ssize_t>(r.coef.size()));
                std::copy(r.coef.begin(), r.coef.end(), coef.mutable_data());
                coefs.append(coef);
                rho.mutable_data()[p] = r.rho;
                n_iter.mutable_data()[p] = r.n_iter;
                reached |= r.reached_max_iter;
            }
            return py::make_tuple(coefs, rho, n_iter, reached);
        },
        py::arg("X"), py::arg("labels"), py::arg("upper"), py::arg("n_classes"), py::arg("kernel"), py::arg("gamma"),
        py::arg("coef0"), py::arg("degree"), py::arg("tol"), py::arg("shrinking"), py::arg("cache_mb"),
        py::arg("max_iter"), py::arg("n_threads"), py::arg("decomposition") = "auto",
        "One-vs-one C-SVC by SMO (decomposition: 'auto', 'pairs' or 'working_sets'). Pair p = (a, b), a < b in lexicographic order, holds the samples of a then "
        "those of b; returns (coefs: list of y*alpha per pair, rho, n_iter, reached_max_iter).");

}

// The options both linear SVM bindings take, checked against n samples.
svm::LinearOptions linear_options(std::int64_t n, const In<double>& targets, const In<double>& upper,
                                  bool squared_hinge, double tol, std::int64_t max_iter, double bias_scale,
                                  std::uint64_t seed, int n_threads) {
    require_shape(targets, "targets", {-1, static_cast<py::ssize_t>(n)});
    require_shape(upper, "upper", {static_cast<py::ssize_t>(n)});
    require(tol > 0.0, "tol must be > 0");
    require(max_iter >= 1, "max_iter must be >= 1");
    require(std::isfinite(bias_scale), "intercept_scaling must be finite");
    svm::LinearOptions options;
    options.squared_hinge = squared_hinge;
    options.tol = tol;
    options.max_iter = max_iter;
    options.bias_scale = bias_scale;
    options.seed = seed;
    options.n_threads = checked_threads(n_threads);
    return options;
}

}  // namespace

void bind_svm(py::module_& m) {
    bind_svc_fit<float>(m);
    bind_svc_fit<double>(m);

    m.def(
        "svm_kernel_matrix",
        [](In<double> a, In<double> b, const std::string& kernel, double gamma, double coef0, int degree,
           int n_threads) {
            require(a.ndim() == 2, "X must be a 2-D array");
            require_shape(b, "Y", {-1, a.shape(1)});
            const svm::KernelParams params = kernel_of(kernel, gamma, coef0, degree);
            const index_t n_a = a.shape(0), n_b = b.shape(0), d = a.shape(1);
            Out<double> out({static_cast<py::ssize_t>(n_a), static_cast<py::ssize_t>(n_b)});
            double* values = out.mutable_data();
            {
                py::gil_scoped_release release;
                const std::vector<double> a_norms = squared_norms(a.data(), n_a, d);
                const std::vector<double> b_norms = squared_norms(b.data(), n_b, d);
                svm::kernel_matrix(params, a.data(), a_norms.data(), n_a, b.data(), b_norms.data(), n_b, d, values,
                                   checked_threads(n_threads));
            }
            return out;
        },
        py::arg("X"), py::arg("Y"), py::arg("kernel"), py::arg("gamma"), py::arg("coef0"), py::arg("degree"),
        py::arg("n_threads"), "Kernel matrix K(X_i, Y_j), shape (len(X), len(Y)).");

    m.def(
        "linear_svm_fit",
        [](In<double> x, In<double> targets, In<double> upper, bool squared_hinge, double tol, std::int64_t max_iter,
           double bias_scale, std::uint64_t seed, int n_threads, bool primal) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const svm::LinearOptions options = linear_options(x.shape(0), targets, upper, squared_hinge, tol, max_iter,
                                                              bias_scale, seed, n_threads);
            const int n_problems = static_cast<int>(targets.shape(0));
            const index_t width = x.shape(1) + (bias_scale > 0.0 ? 1 : 0);
            Out<double> w({static_cast<py::ssize_t>(n_problems), static_cast<py::ssize_t>(width)});
            py::array_t<double> dual(n_problems);
            double* w_out = w.mutable_data();
            double* dual_out = dual.mutable_data();
            svm::LinearSummary summary;
            require(!primal || squared_hinge, "the primal solver needs the squared hinge loss");
            {
                py::gil_scoped_release release;
                if (primal) {
                    std::fill(dual_out, dual_out + n_problems, std::numeric_limits<double>::quiet_NaN());
                    summary = svm::linear_svm_primal_newton(x.data(), x.shape(0), x.shape(1), targets.data(),
                                                            upper.data(), n_problems, options, w_out,
                                                            python_interrupt_check());
                } else summary = svm::linear_svm_dual_cd(x.data(), x.shape(0), x.shape(1), targets.data(), upper.data(),
                                                  n_problems, options, w_out, dual_out, python_interrupt_check());
            }
            return py::make_tuple(w, dual, summary.max_n_iter, summary.reached_max_iter, summary.stalled);
        },
        py::arg("X"), py::arg("targets"), py::arg("upper"), py::arg("squared_hinge"), py::arg("tol"),
        py::arg("max_iter"), py::arg("bias_scale"), py::arg("seed"), py::arg("n_threads"), py::arg("primal") = false,
        "Linear SVMs, one per row of `targets` (+1/-1), by dual coordinate descent or (primal=True, squared "
        "hinge) Newton's method; returns (W with the bias weight last when bias_scale > 0, dual objectives "
        "(NaN for the primal solver), max n_iter, reached_max_iter, stalled: a problem stopped short of tol "
        "because its steps no longer lowered the objective).");
    m.def(
        "linear_svm_fit_sparse",
        [](In<double> data, In<std::int64_t> indices, In<std::int64_t> indptr, std::int64_t n_features,
           In<double> targets, In<double> upper, bool squared_hinge, double tol, std::int64_t max_iter,
           double bias_scale, std::uint64_t seed, int n_threads) {
            const std::int64_t n = static_cast<std::int64_t>(indptr.size()) - 1;
            const sparse::CsrMatrix x = csr_view(data, indices, indptr, n, n_features);
            const svm::LinearOptions options =
                linear_options(n, targets, upper, squared_hinge, tol, max_iter, bias_scale, seed, n_threads);
            const int n_problems = static_cast<int>(targets.shape(0));
            const index_t width = n_features + (bias_scale > 0.0 ? 1 : 0);
            Out<double> w({static_cast<py::ssize_t>(n_problems), static_cast<py::ssize_t>(width)});
            py::array_t<double> dual(n_problems);
            double* w_out = w.mutable_data();
            double* dual_out = dual.mutable_data();
            svm::LinearSummary summary;
            {
                py::gil_scoped_release release;
                summary = svm::linear_svm_dual_cd(x, targets.data(), upper.data(), n_problems, options, w_out,
                                                  dual_out, python_interrupt_check());
            }
            return py::make_tuple(w, dual, summary.max_n_iter, summary.reached_max_iter, summary.stalled);
        },
        py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("n_features"), py::arg("targets"),
        py::arg("upper"), py::arg("squared_hinge"), py::arg("tol"), py::arg("max_iter"), py::arg("bias_scale"),
        py::arg("seed"), py::arg("n_threads"),
        "linear_svm_fit's dual coordinate descent on a CSR X (data, indices, indptr, n_features); same returns.");


    m.def(
        "platt_fit",
        [](In<double> decision, In<double> labels) {
            require(decision.ndim() == 1, "decision must be 1-D");
            require_shape(labels, "labels", {decision.shape(0)});
            std::pair<double, double> ab;
            {
                py::gil_scoped_release release;
                ab = svm::platt_fit(decision.data(), labels.data(), decision.shape(0));
            }
            return py::make_tuple(ab.first, ab.second);
        },
        py::arg("decision"), py::arg("labels"), "Platt's sigmoid fit: (A, B) with P(+1|f) = 1/(1+exp(A f + B)).");

    m.def(
        "svm_pairwise_coupling",
        [](In<double> pairwise, int n_classes, int n_threads) {
            require(pairwise.ndim() == 2, "pairwise must be 2-D");
            require(n_classes >= 2, "n_classes must be >= 2");
            require_shape(pairwise, "pairwise", {-1, static_cast<py::ssize_t>(n_classes) * (n_classes - 1) / 2});
            Out<double> out({pairwise.shape(0), static_cast<py::ssize_t>(n_classes)});
            double* values = out.mutable_data();
            {
                py::gil_scoped_release release;
                svm::pairwise_coupling(pairwise.data(), pairwise.shape(0), n_classes, values,
                                       checked_threads(n_threads));
            }
            return out;
        },
        py::arg("pairwise"), py::arg("n_classes"), py::arg("n_threads"),
        "Class probabilities from pairwise ones (Wu, Lin & Weng 2004).");
}

}  // namespace zoo::bindings
