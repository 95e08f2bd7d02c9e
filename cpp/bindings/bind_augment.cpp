// pybind11 glue for the image augmentation kernels. Each function takes a
// batch, returns a new array (the input is never written) and releases the
// GIL around the kernel. Python draws the per-sample parameters.
#include <string>
#include <vector>

#include "bindings.hpp"
#include "zoo/augment.hpp"

namespace zoo::bindings {

namespace {

using augment::ImageLayout;

ImageLayout image_layout(const py::array& x, bool channels_first) {
    require(x.ndim() == 4, "X must be a 4-D batch of images");
    if (channels_first) return {x.shape(2), x.shape(3), x.shape(1), true};
    return {x.shape(1), x.shape(2), x.shape(3), false};
}

std::vector<py::ssize_t> shape_of(const py::array& x) { return {x.shape(), x.shape() + x.ndim()}; }

augment::PaddingMode padding_mode(const std::string& name) {
    if (name == "constant") return augment::PaddingMode::constant;
    if (name == "reflect") return augment::PaddingMode::reflect;
    if (name == "edge") return augment::PaddingMode::edge;
    throw std::invalid_argument("padding_mode must be 'constant', 'reflect' or 'edge'; got '" + name + "'");
}

augment::Interpolation interpolation_of(const std::string& name) {
    if (name == "nearest") return augment::Interpolation::nearest;
    if (name == "bilinear") return augment::Interpolation::bilinear;
    throw std::invalid_argument("interpolation must be 'nearest' or 'bilinear'; got '" + name + "'");
}

// Samples and elements per sample of a batch with at least two axes.
std::pair<py::ssize_t, py::ssize_t> batch_extent(const py::array& x) {
    require(x.ndim() >= 2, "X must have a sample axis and at least one more axis");
    const py::ssize_t n = x.shape(0);
    return {n, n == 0 ? 0 : x.size() / n};
}

template <class T>
void bind_augment_for(py::module_& m) {
    m.def(
        "augment_flip",
        [](In<T> x, bool channels_first, In<std::uint8_t> flip_horizontal, In<std::uint8_t> flip_vertical,
           int n_threads) {
            const ImageLayout layout = image_layout(x, channels_first);
            const py::ssize_t n = x.shape(0);
            require_shape(flip_horizontal, "flip_horizontal", {n});
            require_shape(flip_vertical, "flip_vertical", {n});
            Out<T> out(shape_of(x));
            T* target = out.mutable_data();
            {
                py::gil_scoped_release release;
                augment::flip_images(x.data(), n, layout, flip_horizontal.data(), flip_vertical.data(), target,
                                     n_threads);
            }
            return out;
        },
        py::arg("X"), py::arg("channels_first"), py::arg("flip_horizontal"), py::arg("flip_vertical"),
        py::arg("n_threads"), "Images mirrored left-right and/or top-bottom, per sample (flags 0/1).");

    m.def(
        "augment_crop",
        [](In<T> x, bool channels_first, py::ssize_t out_height, py::ssize_t out_width, In<std::int64_t> top,
           In<std::int64_t> left, const std::string& mode, double fill, int n_threads) {
            const ImageLayout in = image_layout(x, channels_first);
            require(out_height >= 1 && out_width >= 1, "the crop size must be at least 1 x 1");
            const ImageLayout out_layout = ImageLayout{out_height, out_width, in.channels, channels_first};
            const py::ssize_t n = x.shape(0);
            require_shape(top, "top", {n});
            require_shape(left, "left", {n});
            const augment::PaddingMode padding = padding_mode(mode);
            std::vector<py::ssize_t> shape =
                channels_first ? std::vector<py::ssize_t>{n, in.channels, out_height, out_width}
                               : std::vector<py::ssize_t>{n, out_height, out_width, in.channels};
            Out<T> out(shape);
            T* target = out.mutable_data();
            {
                py::gil_scoped_release release;
                augment::crop_images(x.data(), n, in, out_layout, top.data(), left.data(), padding,
                                     static_cast<T>(fill), target, n_threads);
            }
            return out;
        },
        py::arg("X"), py::arg("channels_first"), py::arg("out_height"), py::arg("out_width"), py::arg("top"),
        py::arg("left"), py::arg("padding_mode"), py::arg("fill"), py::arg("n_threads"),
        "Windows of out_height x out_width at (top, left) of each virtually padded image.");

    m.def(
        "augment_affine",
        [](In<T> x, bool channels_first, In<double> matrices, const std::string& interpolation, double fill,
           int n_threads) {
            const ImageLayout layout = image_layout(x, channels_first);
            const py::ssize_t n = x.shape(0);
            require_shape(matrices, "matrices", {n, 6});
            const augment::Interpolation method = interpolation_of(interpolation);
            Out<T> out(shape_of(x));
            T* target = out.mutable_data();
            {
                py::gil_scoped_release release;
                augment::affine_images(x.data(), n, layout, matrices.data(), method, static_cast<T>(fill), target,
                                       n_threads);
            }
            return out;
        },
        py::arg("X"), py::arg("channels_first"), py::arg("matrices"), py::arg("interpolation"), py::arg("fill"),
        py::arg("n_threads"), "Each image resampled at the source points given by its 2 x 3 inverse affine map.");

    m.def(
        "augment_adjust",
        [](In<T> x, In<double> contrast, In<double> brightness, bool clip, double low, double high, int n_threads) {
            const auto [n, image_size] = batch_extent(x);
            require_shape(contrast, "contrast", {n});
            require_shape(brightness, "brightness", {n});
            require(!clip || low <= high, "value_range must have low <= high");
            Out<T> out(shape_of(x));
            T* target = out.mutable_data();
            if (n > 0) {
                py::gil_scoped_release release;
                augment::adjust_images(x.data(), n, image_size, contrast.data(), brightness.data(), clip, low, high,
                                       target, n_threads);
            }
            return out;
        },
        py::arg("X"), py::arg("contrast"), py::arg("brightness"), py::arg("clip"), py::arg("low"), py::arg("high"),
        py::arg("n_threads"), "(x - mean) * contrast + mean + brightness per sample, optionally clipped.");

    m.def(
        "augment_gaussian_noise",
        [](In<T> x, double std, std::uint64_t seed, bool clip, double low, double high, int n_threads) {
            const auto [n, image_size] = batch_extent(x);
            require(!clip || low <= high, "value_range must have low <= high");
            Out<T> out(shape_of(x));
            T* target = out.mutable_data();
            if (n > 0) {
                py::gil_scoped_release release;
                augment::gaussian_noise_images(x.data(), n, image_size, std, seed, clip, low, high, target,
                                               n_threads);
            }
            return out;
        },
        py::arg("X"), py::arg("std"), py::arg("seed"), py::arg("clip"), py::arg("low"), py::arg("high"),
        py::arg("n_threads"), "x + std * N(0, 1), the noise of sample i drawn from a generator seeded by (seed, i).");
}

}  // namespace

void bind_augment(py::module_& m) {
    bind_augment_for<float>(m);
    bind_augment_for<double>(m);
}

}  // namespace zoo::bindings
