// pybind11 glue for logistic regression: shape checks, GIL release, nothing else.
#include <string>

#include "bindings.hpp"
#include "zoo/logistic.hpp"

namespace zoo::bindings {

namespace {

using logistic::index_t;
using logistic::Problem;

template <class T>
Problem<T> problem_of(const In<T>& x, const In<std::int32_t>& y, const In<T>& weight, int n_classes,
                      bool fit_intercept, double scale, double l2, double l1) {
    require(x.ndim() == 2 && x.shape(0) >= 1 && x.shape(1) >= 1, "X must be a non-empty 2-D array");
    require_shape(y, "y", {x.shape(0)});
    require_shape(weight, "sample_weight", {x.shape(0)});
    require(n_classes >= 2, "n_classes must be >= 2");
    require(scale > 0 && l2 >= 0 && l1 >= 0, "scale must be > 0 and the penalties >= 0");
    const std::int32_t* labels = y.data();
    for (py::ssize_t i = 0; i < y.shape(0); ++i)
        require(labels[i] >= 0 && labels[i] < n_classes, "y must hold class indices in [0, n_classes)");
    return {x.data(), labels, weight.data(), static_cast<index_t>(x.shape(0)), static_cast<index_t>(x.shape(1)),
            n_classes, fit_intercept, scale, l2, l1};
}

template <class T, class A>
void require_theta(const A& theta, const Problem<T>& p, const char* name) {
    require_shape(theta, name, {p.rows(), p.columns()});
}

const char* status_name(logistic::Status status) {
    switch (status) {
        case logistic::Status::converged: return "converged";
        case logistic::Status::max_iter: return "max_iter";
        default: return "line_search_failed";
    }
}

template <class T>
void bind_logistic_for(py::module_& m) {
    m.def(
        "logistic_fit",
        [](In<T> x, In<std::int32_t> y, In<T> weight, Out<double> theta, int n_classes, bool fit_intercept,
           double scale, double l2, double l1, const std::string& solver, int max_iter, double tol, int n_threads) {
            const Problem<T> p = problem_of(x, y, weight, n_classes, fit_intercept, scale, l2, l1);
            require_theta(theta, p, "theta");
            require_writable(theta, "theta");
            require(max_iter >= 0, "max_iter must be >= 0");
            require(tol >= 0, "tol must be >= 0");
            using Solver = logistic::FitResult (*)(const Problem<T>&, double*, int, double, int, const InterruptCheck&);
            Solver solve = solver == "lbfgs"       ? &logistic::fit_lbfgs<T>
                           : solver == "newton-cg" ? &logistic::fit_newton_cg<T>
                           : solver == "newton-cd" ? &logistic::fit_newton_cd<T>
                           : solver == "fista"     ? &logistic::fit_fista<T>
                                                   : nullptr;
            require(solve != nullptr,
                    "solver must be 'lbfgs', 'newton-cg', 'newton-cd' or 'fista', got '" + solver + "'");
            require(l1 == 0 || solver == "newton-cd" || solver == "fista",
                    "an l1 penalty needs solver 'newton-cd' or 'fista'");
            double* theta_io = theta.mutable_data();
            logistic::FitResult result;
            {
                py::gil_scoped_release release;
                result = solve(p, theta_io, max_iter, tol, n_threads, python_interrupt_check());
            }
            return py::make_tuple(result.n_iter, result.objective, status_name(result.status));
        },
        py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("theta").noconvert(), py::arg("n_classes"),
        py::arg("fit_intercept"), py::arg("scale"), py::arg("l2"), py::arg("l1"), py::arg("solver"),
        py::arg("max_iter"), py::arg("tol"), py::arg("n_threads"),
        "Minimises the penalised log-loss from `theta` (in place); returns (n_iter, objective, status).");

    m.def(
        "logistic_loss_gradient",
        [](In<T> x, In<std::int32_t> y, In<T> weight, In<double> theta, int n_classes, bool fit_intercept,
           double scale, double l2, int n_threads) {
            const Problem<T> p = problem_of(x, y, weight, n_classes, fit_intercept, scale, l2, 0.0);
            require_theta(theta, p, "theta");
            Out<double> grad({theta.shape(0), theta.shape(1)});
            double* grad_out = grad.mutable_data();
            double value;
            {
                py::gil_scoped_release release;
                logistic::Objective<T> objective(p, n_threads);
                value = objective.value_gradient(theta.data(), grad_out);
            }
            return py::make_tuple(value, grad);
        },
        py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("theta"), py::arg("n_classes"),
        py::arg("fit_intercept"), py::arg("scale"), py::arg("l2"), py::arg("n_threads"),
        "The smooth objective (scaled loss + l2 term) at theta and its gradient.");

    m.def(
        "logistic_hessian_vector",
        [](In<T> x, In<std::int32_t> y, In<T> weight, In<double> theta, In<double> v, int n_classes,
           bool fit_intercept, double scale, double l2, int n_threads) {
            const Problem<T> p = problem_of(x, y, weight, n_classes, fit_intercept, scale, l2, 0.0);
            require_theta(theta, p, "theta");
            require_theta(v, p, "v");
            Out<double> out({theta.shape(0), theta.shape(1)});
            double* product = out.mutable_data();
            {
                py::gil_scoped_release release;
                logistic::Objective<T> objective(p, n_threads, /*with_hessian=*/true);
                objective.value_gradient(theta.data(), nullptr);
                objective.hessian_vector(v.data(), product);
            }
            return out;
        },
        py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("theta"), py::arg("v"), py::arg("n_classes"),
        py::arg("fit_intercept"), py::arg("scale"), py::arg("l2"), py::arg("n_threads"),
        "The Hessian of the smooth objective at theta applied to v.");
}

}  // namespace

void bind_logistic(py::module_& m) {
    bind_logistic_for<float>(m);
    bind_logistic_for<double>(m);
}

}  // namespace zoo::bindings
