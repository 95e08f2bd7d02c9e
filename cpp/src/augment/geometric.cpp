// Geometric image augmentation: flips, padded crops (which also serve
// integer translations) and inverse-mapped affine warps (rotations).
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
    const std::int64_t size = layout.size();
    parallel_chunks(n, n_threads, [&](std::int64_t i, int) {
        const bool mirror_cols = flip_horizontal != nullptr && flip_horizontal[i] != 0;
        const bool mirror_rows = flip_vertical != nullptr && flip_vertical[i] != 0;
        const T* image = x + i * size;
        T* target = out + i * size;
        for (std::int64_t r = 0; r < layout.height; ++r) {
            const std::int64_t source_row = mirror_rows ? layout.height - 1 - r : r;
            for (std::int64_t c = 0; c < layout.width; ++c) {
                const std::int64_t source_col = mirror_cols ? layout.width - 1 - c : c;
                const T* from = image + layout.offset(source_row, source_col);
                T* to = target + layout.offset(r, c);
                for (std::int64_t ch = 0; ch < layout.channels; ++ch)
                    to[ch * layout.channel_stride] = from[ch * layout.channel_stride];
            }
        }
    });
}

template <class T>
void crop_images(const T* x, std::int64_t n, const ImageLayout& in, const ImageLayout& out_layout,
                 const std::int64_t* top, const std::int64_t* left, PaddingMode mode, T fill, T* out, int n_threads) {
    check_layout(in, "crop_images: input");
    check_layout(out_layout, "crop_images: output");
    if (in.channels != out_layout.channels) throw std::invalid_argument("crop_images: channel counts differ");
    const std::int64_t in_size = in.size(), out_size = out_layout.size();
    parallel_chunks(n, n_threads, [&](std::int64_t i, int) {
        // Row and column lookups once per image, not once per pixel.
        std::vector<std::int64_t> source_rows(static_cast<size_t>(out_layout.height));
        std::vector<std::int64_t> source_cols(static_cast<size_t>(out_layout.width));
        for (std::int64_t r = 0; r < out_layout.height; ++r)
            source_rows[static_cast<size_t>(r)] = padded_source(top[i] + r, in.height, mode);
        for (std::int64_t c = 0; c < out_layout.width; ++c)
            source_cols[static_cast<size_t>(c)] = padded_source(left[i] + c, in.width, mode);
        const T* image = x + i * in_size;
        T* target = out + i * out_size;
        for (std::int64_t r = 0; r < out_layout.height; ++r) {
            const std::int64_t source_row = source_rows[static_cast<size_t>(r)];
            for (std::int64_t c = 0; c < out_layout.width; ++c) {
                const std::int64_t source_col = source_cols[static_cast<size_t>(c)];
                T* to = target + out_layout.offset(r, c);
                if (source_row < 0 || source_col < 0) {
                    for (std::int64_t ch = 0; ch < out_layout.channels; ++ch) to[ch * out_layout.channel_stride] = fill;
                    continue;
                }
                const T* from = image + in.offset(source_row, source_col);
                for (std::int64_t ch = 0; ch < out_layout.channels; ++ch)
                    to[ch * out_layout.channel_stride] = from[ch * in.channel_stride];
            }
        }
    });
}

template <class T>
void affine_images(const T* x, std::int64_t n, const ImageLayout& layout, const double* matrices,
                   Interpolation interpolation, T fill, T* out, int n_threads) {
    check_layout(layout, "affine_images:");
    const std::int64_t size = layout.size();
    const std::int64_t height = layout.height, width = layout.width, channels = layout.channels;
    const std::int64_t channel_stride = layout.channel_stride;
    parallel_chunks(n, n_threads, [&](std::int64_t i, int) {
        const double* m = matrices + 6 * i;
        const T* image = x + i * size;
        T* target = out + i * size;
        for (std::int64_t r = 0; r < height; ++r) {
            for (std::int64_t c = 0; c < width; ++c) {
                const double source_col = m[0] * static_cast<double>(c) + m[1] * static_cast<double>(r) + m[2];
                const double source_row = m[3] * static_cast<double>(c) + m[4] * static_cast<double>(r) + m[5];
                T* to = target + layout.offset(r, c);
                if (interpolation == Interpolation::nearest) {
                    // Round half up, the same rule as floor(v + 0.5) in NumPy.
                    const double col = std::floor(source_col + 0.5), row = std::floor(source_row + 0.5);
                    const bool inside = col >= 0.0 && col < static_cast<double>(width) && row >= 0.0 &&
                                        row < static_cast<double>(height);
                    const T* from = inside ? image + layout.offset(static_cast<std::int64_t>(row),
                                                                   static_cast<std::int64_t>(col))
                                           : nullptr;
                    for (std::int64_t ch = 0; ch < channels; ++ch)
                        to[ch * channel_stride] = from ? from[ch * channel_stride] : fill;
                    continue;
                }
                const double col0 = std::floor(source_col), row0 = std::floor(source_row);
                const double frac_col = source_col - col0, frac_row = source_row - row0;
                // Four neighbours; one outside the image contributes `fill`,
                // so the border fades into the fill colour smoothly.
                const T* corners[4];
                const double weights[4] = {(1.0 - frac_row) * (1.0 - frac_col), (1.0 - frac_row) * frac_col,
                                           frac_row * (1.0 - frac_col), frac_row * frac_col};
                for (int k = 0; k < 4; ++k) {
                    const double row = row0 + (k >> 1), col = col0 + (k & 1);
                    const bool inside = col >= 0.0 && col < static_cast<double>(width) && row >= 0.0 &&
                                        row < static_cast<double>(height);
                    corners[k] = inside ? image + layout.offset(static_cast<std::int64_t>(row),
                                                                static_cast<std::int64_t>(col))
                                        : nullptr;
                }
                for (std::int64_t ch = 0; ch < channels; ++ch) {
                    double value = 0.0;
                    for (int k = 0; k < 4; ++k) {
                        const double sample = corners[k] ? static_cast<double>(corners[k][ch * channel_stride])
                                                         : static_cast<double>(fill);
                        value += weights[k] * sample;
                    }
                    to[ch * channel_stride] = static_cast<T>(value);
                }
            }
        }
    });
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
