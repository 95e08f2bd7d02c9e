// pybind11 glue for least squares, ridge, lasso and elastic net: shape
// checks, GIL release, nothing else.
#include <string>

#include "bindings.hpp"
#include "zoo/linear.hpp"

namespace zoo::bindings {

namespace {

using linear::index_t;

template <class T>
linear::Problem<T> problem_of(const In<T>& x, const In<T>& y, const In<T>& weight) {
    require(x.ndim() == 2, "X must be a 2-D array");
    require(y.ndim() == 2, "Y must be a 2-D array (n_samples, n_targets)");
    require(x.shape(0) >= 1 && x.shape(1) >= 1, "X must have at least one sample and one feature");
    require_shape(y, "Y", {x.shape(0), -1});
    require(y.shape(1) >= 1, "Y must have at least one target");
    require_shape(weight, "sample_weight", {x.shape(0)});
    return {x.data(), y.data(), weight.data(), x.shape(0), x.shape(1), y.shape(1)};
}

linear::CdParams cd_params(double l1, double l2, int max_iter, double tol, bool positive, bool random,
                           std::uint64_t seed) {
    require(l1 >= 0.0 && l2 >= 0.0, "the l1 and l2 penalties must be >= 0");
    require(max_iter >= 1, "max_iter must be >= 1");
    require(tol >= 0.0, "tol must be >= 0");
    return {l1, l2, max_iter, tol, positive, random, seed};
}

py::tuple cd_result(const linear::CdSummary& s) { return py::make_tuple(s.n_iter, s.gap, s.gap_tol); }

template <class T>
void bind_linear_for(py::module_& m) {
    m.def(
        "linear_moments",
        [](In<T> x, In<T> y, In<T> weight, bool center, int n_threads) {
            const auto p = problem_of(x, y, weight);
            const py::ssize_t d = p.d, k = p.k;
            py::array_t<double> x_mean(d), y_mean(k), gram({d, d}), xty({d, k}), yty(k);
            double *xm = x_mean.mutable_data(), *ym = y_mean.mutable_data(), *g = gram.mutable_data(),
                   *c = xty.mutable_data(), *s = yty.mutable_data();
            {
                py::gil_scoped_release release;
                linear::weighted_moments(p, center, n_threads, xm, ym, g, c, s);
            }
            return py::make_tuple(x_mean, y_mean, gram, xty, yty);
        },
        py::arg("X"), py::arg("Y"), py::arg("sample_weight"), py::arg("center"), py::arg("n_threads"),
        "Weighted means and centred moments: (x_mean, y_mean, gram, xty, yty), all float64.");

    m.def(
        "linear_factor_solve",
        [](In<T> x, In<T> y, In<T> weight, In<double> x_mean, In<double> y_mean, const std::string& method,
           double ridge, double qr_min_rcond, double rank_rcond, int n_threads) {
            const auto p = problem_of(x, y, weight);
            require_shape(x_mean, "x_mean", {x.shape(1)});
            require_shape(y_mean, "y_mean", {y.shape(1)});
            require(method == "qr" || method == "svd", "method must be 'qr' or 'svd', got '" + method + "'");
            require(ridge >= 0.0, "alpha must be >= 0");
            const py::ssize_t r = std::min(p.n, p.d);
            py::array_t<double> coef({static_cast<py::ssize_t>(p.k), static_cast<py::ssize_t>(p.d)}), singular(r);
            double* c = coef.mutable_data();
            double* s = singular.mutable_data();
            std::fill(s, s + r, 0.0);
            const auto kind = method == "qr" ? linear::Factorization::qr : linear::Factorization::svd;
            linear::FactorSummary summary;
            {
                py::gil_scoped_release release;
                summary = linear::factor_solve(p, x_mean.data(), y_mean.data(), kind, ridge, qr_min_rcond, rank_rcond,
                                               n_threads, c, s);
            }
            return py::make_tuple(coef, singular, summary.rcond, summary.rank, summary.used_svd);
        },
        py::arg("X"), py::arg("Y"), py::arg("sample_weight"), py::arg("x_mean"), py::arg("y_mean"),
        py::arg("method"), py::arg("ridge"), py::arg("qr_min_rcond"), py::arg("rank_rcond"), py::arg("n_threads"),
        "Least squares or ridge through an LQ factorisation: (coef (k, d), singular values, rcond, rank, used_svd).");

    m.def(
        "linear_centered_columns",
        [](In<T> x, In<T> weight, In<double> x_mean, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            require_shape(weight, "sample_weight", {x.shape(0)});
            require_shape(x_mean, "x_mean", {x.shape(1)});
            Out<T> xt({x.shape(1), x.shape(0)});
            T* out = xt.mutable_data();
            {
                py::gil_scoped_release release;
                linear::centered_columns(x.data(), weight.data(), x.shape(0), x.shape(1), x_mean.data(), n_threads,
                                         out);
            }
            return xt;
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("x_mean"), py::arg("n_threads"),
        "((X - x_mean) * sqrt(w))^T, shape (n_features, n_samples).");

    m.def(
        "enet_cd_columns",
        [](In<T> xt, In<T> yc, Out<double> coef, double l1, double l2, int max_iter, double tol, bool positive,
           bool random, std::uint64_t seed) {
            require(xt.ndim() == 2, "Xt must be a 2-D array");
            require_shape(yc, "y", {xt.shape(1)});
            require_shape(coef, "coef", {xt.shape(0)});
            require_writable(coef, "coef");
            const auto params = cd_params(l1, l2, max_iter, tol, positive, random, seed);
            double* b = coef.mutable_data();
            linear::CdSummary summary;
            {
                py::gil_scoped_release release;
                summary = linear::enet_cd_columns(xt.data(), yc.data(), xt.shape(1), xt.shape(0), params, b,
                                                  python_interrupt_check());
            }
            return cd_result(summary);
        },
        py::arg("Xt"), py::arg("y"), py::arg("coef").noconvert(), py::arg("l1"), py::arg("l2"), py::arg("max_iter"),
        py::arg("tol"), py::arg("positive"), py::arg("random"), py::arg("seed"),
        "Elastic-net coordinate descent on centred columns; coef in place; returns (n_iter, gap, gap_tol).");
}

}  // namespace

void bind_linear(py::module_& m) {
    bind_linear_for<float>(m);
    bind_linear_for<double>(m);

    m.def(
        "linear_cholesky_solve",
        [](In<double> gram, In<double> xty, double ridge, double min_rcond) {
            require(gram.ndim() == 2 && gram.shape(0) == gram.shape(1), "gram must be square");
            require_shape(xty, "xty", {gram.shape(0), -1});
            require(ridge >= 0.0, "alpha must be >= 0");
            const index_t d = gram.shape(0), k = xty.shape(1);
            py::array_t<double> coef({static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(d)});
            double* c = coef.mutable_data();
            double rcond;
            {
                py::gil_scoped_release release;
                rcond = linear::cholesky_solve(gram.data(), xty.data(), d, k, ridge, min_rcond, c);
            }
            return py::make_tuple(coef, rcond);
        },
        py::arg("gram"), py::arg("xty"), py::arg("ridge"), py::arg("min_rcond"),
        "Scaled Cholesky solve of (gram + ridge I) B = xty: (coef (k, d), rcond); coef is valid only when "
        "rcond >= min_rcond.");

    m.def(
        "linear_nnls_gram",
        [](In<double> gram, In<double> xty, double ridge, std::int64_t max_iter) {
            require(gram.ndim() == 2 && gram.shape(0) == gram.shape(1), "gram must be square");
            require_shape(xty, "xty", {gram.shape(0)});
            require(ridge >= 0.0, "alpha must be >= 0");
            require(max_iter >= 1, "max_iter must be >= 1");
            const index_t d = gram.shape(0);
            py::array_t<double> coef(d);
            double* c = coef.mutable_data();
            linear::NnlsSummary summary;
            {
                py::gil_scoped_release release;
                summary = linear::nnls_gram(gram.data(), xty.data(), d, ridge, max_iter, c);
            }
            return py::make_tuple(coef, summary.n_iter, summary.converged);
        },
        py::arg("gram"), py::arg("xty"), py::arg("ridge"), py::arg("max_iter"),
        "Non-negative solution of (gram + ridge I) b = xty (Lawson-Hanson): (coef, n_iter, converged).");

    m.def(
        "enet_cd_gram",
        [](In<double> gram, In<double> xty, double yty, Out<double> coef, double l1, double l2, int max_iter,
           double tol, bool positive, bool random, std::uint64_t seed) {
            require(gram.ndim() == 2 && gram.shape(0) == gram.shape(1), "gram must be square");
            require_shape(xty, "xty", {gram.shape(0)});
            require_shape(coef, "coef", {gram.shape(0)});
            require_writable(coef, "coef");
            const auto params = cd_params(l1, l2, max_iter, tol, positive, random, seed);
            double* b = coef.mutable_data();
            linear::CdSummary summary;
            {
                py::gil_scoped_release release;
                summary = linear::enet_cd_gram(gram.data(), xty.data(), yty, gram.shape(0), params, b,
                                               python_interrupt_check());
            }
            return cd_result(summary);
        },
        py::arg("gram"), py::arg("xty"), py::arg("yty"), py::arg("coef").noconvert(), py::arg("l1"), py::arg("l2"),
        py::arg("max_iter"), py::arg("tol"), py::arg("positive"), py::arg("random"), py::arg("seed"),
        "Elastic-net coordinate descent on the Gram matrix; coef in place; returns (n_iter, gap, gap_tol).");
}

}  // namespace zoo::bindings
