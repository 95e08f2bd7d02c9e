// Geometric image augmentation: flips, padded crops (which also serve
// integer translations) and inverse-mapped affine warps (rotations).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "zoo/augment.hpp"
#include "zoo/parallel.hpp"

namespace zoo::augment {

namespace {

// Index into [0, size) that a padded index reads, or -1 for the fill value.
std::int64_t padded_source(std::int64_t index, std::int64_t size, PaddingMode mode) {
    if (index >= 0 && index < size) return index;
    switch (mode) {
        case PaddingMode::constant:
            return -1;
        case PaddingMode::edge:
            return index < 0 ? 0 : size - 1;
        case PaddingMode::reflect: {
            if (size == 1) return 0;
            // Mirroring about both borders repeats with period 2 (size - 1),
            // which also covers pads wider than the image.
            const std::int64_t period = 2 * (size - 1);
            std::int64_t folded = index % period;
            if (folded < 0) folded += period;
            return folded < size ? folded : period - folded;
        }
    }
    return -1;
}

void check_layout(const ImageLayout& layout, const char* what) {
    if (layout.height < 1 || layout.width < 1 || layout.channels < 1)
        throw std::invalid_argument(std::string(what) + " images must have at least one row, column and channel");
}

}  // namespace

template <class T>
void flip_images(const T* x, std::int64_t n, const ImageLayout& layout, const std::uint8_t* flip_horizontal,
                 const std::uint8_t* flip_vertical, T* out, int n_threads) {
    check_layout(layout, "flip_images:");
    const std::int64_t size = layout.size(), values = layout.values_per_pixel(), width = layout.width;
    const std::int64_t row_length = layout.row_length(), plane_size = layout.plane_size();
    parallel_chunks(n, team_size(n * size, n_threads), [&](std::int64_t i, int) {
        const bool mirror_cols = flip_horizontal != nullptr && flip_horizontal[i] != 0;
        const bool mirror_rows = flip_vertical != nullptr && flip_vertical[i] != 0;
        for (std::int64_t plane = 0; plane < layout.planes(); ++plane) {
            const T* image = x + i * size + plane * plane_size;
            T* target = out + i * size + plane * plane_size;
            for (std::int64_t r = 0; r < layout.height; ++r) {
                const T* from = image + (mirror_rows ? layout.height - 1 - r : r) * row_length;
                T* to = target + r * row_length;
                if (!mirror_cols) {
                    std::copy(from, from + row_length, to);
                } else if (values == 1) {
                    std::reverse_copy(from, from + width, to);
                } else {
                    for (std::int64_t c = 0; c < width; ++c)
                        std::copy(from + (width - 1 - c) * values, from + (width - c) * values, to + c * values);
                }
            }
        }
    });
}

template <class T>
void crop_images(const T* x, std::int64_t n, const ImageLayout& in, const ImageLayout& out_layout,
                 const std::int64_t* top, const std::int64_t* left, PaddingMode mode, T fill, T* out, int n_threads) {
    check_layout(in, "crop_images: input");
    check_layout(out_layout, "crop_images: output");
    if (in.channels != out_layout.channels || in.channels_first != out_layout.channels_first)
        throw std::invalid_argument("crop_images: input and output layouts differ");
    const std::int64_t in_size = in.size(), out_size = out_layout.size();
    // Both layouts come from one data_format, so they agree on what a plane is.
    const std::int64_t planes = in.planes(), values = in.values_per_pixel();
    const std::int64_t out_width = out_layout.width;
    parallel_chunks(n, team_size(n * out_size, n_threads), [&](std::int64_t i, int) {
        // Row and column lookups once per image, not once per pixel.
        std::vector<std::int64_t> source_rows(static_cast<size_t>(out_layout.height));
        std::vector<std::int64_t> source_cols(static_cast<size_t>(out_width));
        for (std::int64_t r = 0; r < out_layout.height; ++r)
            source_rows[static_cast<size_t>(r)] = padded_source(top[i] + r, in.height, mode);
        for (std::int64_t c = 0; c < out_width; ++c)
            source_cols[static_cast<size_t>(c)] = padded_source(left[i] + c, in.width, mode);
        // Output columns reading inside the image form one run, copied whole.
        const std::int64_t inside_begin = std::clamp<std::int64_t>(-left[i], 0, out_width);
        const std::int64_t inside_end = std::clamp<std::int64_t>(in.width - left[i], inside_begin, out_width);
        for (std::int64_t plane = 0; plane < planes; ++plane) {
            const T* image = x + i * in_size + plane * in.plane_size();
            T* target = out + i * out_size + plane * out_layout.plane_size();
            for (std::int64_t r = 0; r < out_layout.height; ++r) {
                T* to = target + r * out_layout.row_length();
                const std::int64_t source_row = source_rows[static_cast<size_t>(r)];
                if (source_row < 0) {
                    std::fill(to, to + out_layout.row_length(), fill);
                    continue;
                }
                const T* from = image + source_row * in.row_length();
                std::copy(from + (left[i] + inside_begin) * values, from + (left[i] + inside_end) * values,
                          to + inside_begin * values);
                for (std::int64_t c = 0; c < out_width; ++c) {
                    if (c == inside_begin) c = inside_end;
                    if (c >= out_width) break;
                    const std::int64_t source_col = source_cols[static_cast<size_t>(c)];
                    if (source_col < 0) std::fill(to + c * values, to + (c + 1) * values, fill);
                    else std::copy(from + source_col * values, from + (source_col + 1) * values, to + c * values);
                }
            }
        }
    });
}

namespace {

bool inside(double row, double col, const ImageLayout& layout) {
    return col >= 0.0 && col < static_cast<double>(layout.width) && row >= 0.0 &&
           row < static_cast<double>(layout.height);
}

// Interpolation policies: how one output pixel (all channels) is read from
// fractional source coordinates.
struct NearestPixel {
    template <class T>
    static void read(const T* image, const ImageLayout& layout, double row, double col, T fill, T* to) {
        // Round half up, the same rule as floor(v + 0.5) in NumPy.
        row = std::floor(row + 0.5);
        col = std::floor(col + 0.5);
        const std::int64_t stride = layout.channel_stride();
        if (!inside(row, col, layout)) {
            for (std::int64_t ch = 0; ch < layout.channels; ++ch) to[ch * stride] = fill;
            return;
        }
        const T* from = image + layout.offset(static_cast<std::int64_t>(row), static_cast<std::int64_t>(col));
        for (std::int64_t ch = 0; ch < layout.channels; ++ch) to[ch * stride] = from[ch * stride];
    }
};

struct BilinearPixel {
    template <class T>
    static void read(const T* image, const ImageLayout& layout, double row, double col, T fill, T* to) {
        const double row0 = std::floor(row), col0 = std::floor(col);
        const double frac_row = row - row0, frac_col = col - col0;
        const double weights[4] = {(1.0 - frac_row) * (1.0 - frac_col), (1.0 - frac_row) * frac_col,
                                   frac_row * (1.0 - frac_col), frac_row * frac_col};
        const std::int64_t stride = layout.channel_stride();
        if (row0 >= 0.0 && col0 >= 0.0 && row0 < static_cast<double>(layout.height - 1) &&
            col0 < static_cast<double>(layout.width - 1)) {
            // All four neighbours inside (most pixels): no per-corner checks.
            const T* top = image + layout.offset(static_cast<std::int64_t>(row0), static_cast<std::int64_t>(col0));
            const T* bottom = top + layout.row_length();
            const std::int64_t right = layout.values_per_pixel();
            for (std::int64_t ch = 0; ch < layout.channels; ++ch) {
                const std::int64_t k = ch * stride;
                to[k] = static_cast<T>(weights[0] * static_cast<double>(top[k]) +
                                       weights[1] * static_cast<double>(top[k + right]) +
                                       weights[2] * static_cast<double>(bottom[k]) +
                                       weights[3] * static_cast<double>(bottom[k + right]));
            }
            return;
        }
        // Near the border a neighbour outside the image contributes `fill`,
        // so the border fades into the fill colour smoothly.
        const T* corners[4];
        for (int k = 0; k < 4; ++k) {
            const double r = row0 + (k >> 1), c = col0 + (k & 1);
            corners[k] = inside(r, c, layout)
                             ? image + layout.offset(static_cast<std::int64_t>(r), static_cast<std::int64_t>(c))
                             : nullptr;
        }
        for (std::int64_t ch = 0; ch < layout.channels; ++ch) {
            double value = 0.0;
            for (int k = 0; k < 4; ++k)
                value += weights[k] * static_cast<double>(corners[k] ? corners[k][ch * stride] : fill);
            to[ch * stride] = static_cast<T>(value);
        }
    }
};

template <class Policy, class T>
void warp(const T* x, std::int64_t n, const ImageLayout& layout, const double* matrices, T fill, T* out,
          int n_threads) {
    const std::int64_t size = layout.size();
    constexpr std::int64_t kWarpCost = 16;  // an interpolated value: a few loads and multiply-adds
    parallel_chunks(n, team_size(kWarpCost * n * size, n_threads), [&](std::int64_t i, int) {
        const double* m = matrices + 6 * i;
        const T* image = x + i * size;
        T* target = out + i * size;
        for (std::int64_t r = 0; r < layout.height; ++r) {
            // Source coordinates move by (m[0], m[3]) per output column.
            const double col = m[1] * static_cast<double>(r) + m[2];
            const double row = m[4] * static_cast<double>(r) + m[5];
            for (std::int64_t c = 0; c < layout.width; ++c) {
                Policy::read(image, layout, m[3] * static_cast<double>(c) + row,
                             m[0] * static_cast<double>(c) + col, fill, target + layout.offset(r, c));
            }
        }
    });
}

}  // namespace

template <class T>
void affine_images(const T* x, std::int64_t n, const ImageLayout& layout, const double* matrices,
                   Interpolation interpolation, T fill, T* out, int n_threads) {
    check_layout(layout, "affine_images:");
    if (interpolation == Interpolation::nearest) warp<NearestPixel>(x, n, layout, matrices, fill, out, n_threads);
    else warp<BilinearPixel>(x, n, layout, matrices, fill, out, n_threads);
}

#define ZOO_INSTANTIATE_GEOMETRIC(T)                                                                                 \
    template void flip_images<T>(const T*, std::int64_t, const ImageLayout&, const std::uint8_t*,                    \
                                 const std::uint8_t*, T*, int);                                                      \
    template void crop_images<T>(const T*, std::int64_t, const ImageLayout&, const ImageLayout&,                     \
                                 const std::int64_t*, const std::int64_t*, PaddingMode, T, T*, int);                 \
    template void affine_images<T>(const T*, std::int64_t, const ImageLayout&, const double*, Interpolation, T, T*, \
                                   int);
ZOO_INSTANTIATE_GEOMETRIC(float)
ZOO_INSTANTIATE_GEOMETRIC(double)
#undef ZOO_INSTANTIATE_GEOMETRIC

}  // namespace zoo::augment
