// pybind11 glue for column statistics.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "zoo/stats.hpp"

namespace zoo::bindings {

namespace {

// An optional float64 vector of the given length: nullptr for None, else the
// data of `holder`, which keeps the converted array alive for the call.
const double* optional_vector(const py::object& value, In<double>& holder, const char* name, py::ssize_t length) {
    if (value.is_none()) return nullptr;
    holder = In<double>::ensure(value);
    require(static_cast<bool>(holder), std::string(name) + " must be convertible to a float64 array");
    require_shape(holder, name, {length});
    return holder.data();
}

template <class T>
void bind_stats_for(py::module_& m) {
    m.def(
        "center_columns",
        [](In<T> x, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const py::ssize_t n = x.shape(0), d = x.shape(1);
            Out<T> centered({n, d});
            py::array_t<double> mean(d), variance(d);
            T* out = centered.mutable_data();
            double* mean_out = mean.mutable_data();
            double* variance_out = variance.mutable_data();
            {
                py::gil_scoped_release release;
                stats::center_columns(x.data(), n, d, out, mean_out, variance_out, n_threads);
            }
            return py::make_tuple(centered, mean, variance);
        },
        py::arg("X"), py::arg("n_threads"),
        "Returns (X - column means, column means, column variances); statistics in float64.");
    m.def(
        "column_moments",
        [](In<T> x, py::object sample_weight, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const py::ssize_t n = x.shape(0), d = x.shape(1);
            require(n >= 1 && d >= 1, "X needs at least one sample and one feature");
            In<double> weights;
            const double* w = optional_vector(sample_weight, weights, "sample_weight", n);
            py::array_t<double> mean(d), m2(d);
            double* mean_out = mean.mutable_data();
            double* m2_out = m2.mutable_data();
            double total = 0.0;
            {
                py::gil_scoped_release release;
                stats::column_moments(x.data(), w, n, d, &total, mean_out, m2_out, n_threads);
            }
            return py::make_tuple(total, mean, m2);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("n_threads"),
        "Returns (total weight, column means, column sums of squared deviations), all float64; "
        "independent of n_threads bit for bit.");
    m.def(
        "standardize_columns",
        [](In<T> x, py::object mean, py::object scale, Out<T> out, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const py::ssize_t n = x.shape(0), d = x.shape(1);
            require(n >= 1 && d >= 1, "X needs at least one sample and one feature");
            require_shape(out, "out", {n, d});
            require_writable(out, "out");
            In<double> mean_array, scale_array;
            const double* mean_data = optional_vector(mean, mean_array, "mean", d);
            const double* scale_data = optional_vector(scale, scale_array, "scale", d);
            T* target = out.mutable_data();
            {
                py::gil_scoped_release release;
                stats::standardize_columns(x.data(), n, d, mean_data, scale_data, target, n_threads);
            }
            return out;
        },
        py::arg("X"), py::arg("mean"), py::arg("scale"), py::arg("out").noconvert(), py::arg("n_threads"),
        "Writes (X - mean) / scale into out (which may be X itself) and returns it; None skips a step.");
    m.def(
        "largest_magnitude",
        [](In<T> x, int n_threads) {
            require(x.size() >= 1, "X needs at least one value");
            stats::Magnitude result;
            {
                py::gil_scoped_release release;
                result = stats::largest_magnitude(x.data(), static_cast<std::int64_t>(x.size()), n_threads);
            }
            return py::make_tuple(result.finite, result.largest);
        },
        py::arg("X"), py::arg("n_threads"),
        "Returns (all values finite, largest |value| as float64) over a C-contiguous array of any shape.");
    m.def(
        "column_range",
        [](In<T> x, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const py::ssize_t n = x.shape(0), d = x.shape(1);
            require(n >= 1 && d >= 1, "X needs at least one sample and one feature");
            py::array_t<double> low(d), high(d);
            double* low_out = low.mutable_data();
            double* high_out = high.mutable_data();
            {
                py::gil_scoped_release release;
                stats::column_range(x.data(), n, d, low_out, high_out, n_threads);
            }
            return py::make_tuple(low, high);
        },
        py::arg("X"), py::arg("n_threads"), "Returns (column minima, column maxima) as float64.");
    m.def(
        "scale_shift_columns",
        [](In<T> x, In<double> scale, In<double> shift, py::object clip, Out<T> out, int n_threads) {
            require(x.ndim() == 2, "X must be a 2-D array");
            const py::ssize_t n = x.shape(0), d = x.shape(1);
            require(n >= 1 && d >= 1, "X needs at least one sample and one feature");
            require_shape(scale, "scale", {d});
            require_shape(shift, "shift", {d});
            require_shape(out, "out", {n, d});
            require_writable(out, "out");
            double clip_low = 0.0, clip_high = 0.0;
            if (!clip.is_none()) {
                const auto bounds = clip.cast<std::pair<double, double>>();
                clip_low = bounds.first;
                clip_high = bounds.second;
            }
            T* target = out.mutable_data();
            {
                py::gil_scoped_release release;
                stats::scale_shift_columns(x.data(), n, d, scale.data(), shift.data(), !clip.is_none(), clip_low,
                                           clip_high, target, n_threads);
            }
            return out;
        },
        py::arg("X"), py::arg("scale"), py::arg("shift"), py::arg("clip"), py::arg("out").noconvert(),
        py::arg("n_threads"),
        "Writes X * scale + shift, clipped to clip=(low, high) unless clip is None, into out (may be X).");
}

}  // namespace

void bind_stats(py::module_& m) {
    bind_stats_for<float>(m);
    bind_stats_for<double>(m);
}

}  // namespace zoo::bindings
