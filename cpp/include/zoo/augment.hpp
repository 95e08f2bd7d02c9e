// Image augmentation kernels: per-sample geometric and photometric changes
// over a batch of images, parallel over the batch.
//
// Every random choice is made by the caller (Python draws the per-sample
// parameters with NumPy) or, for per-pixel noise, by a generator seeded from
// (seed, sample index) alone, so the result never depends on the thread
// count. Inputs are read only; outputs are separate, caller-owned buffers.
#pragma once

#include <cstdint>

namespace zoo::augment {

// Where pixel (row, col, channel) of one image lies, in elements from the
// image's start. One struct serves both channels_last (H, W, C) and
// channels_first (C, H, W) batches, so no transpose is ever needed.
struct ImageLayout {
    std::int64_t height, width, channels;
    bool channels_first;

    std::int64_t size() const { return height * width * channels; }
    // Rows as contiguous runs: a channels_last image is one plane whose
    // pixels hold `channels` values each; a channels_first image is
    // `channels` planes of one value per pixel. Row copies then move whole
    // runs.
    std::int64_t planes() const { return channels_first ? channels : 1; }
    std::int64_t values_per_pixel() const { return channels_first ? 1 : channels; }
    std::int64_t row_length() const { return width * values_per_pixel(); }
    std::int64_t plane_size() const { return height * row_length(); }
    std::int64_t channel_stride() const { return channels_first ? height * width : 1; }
    std::int64_t offset(std::int64_t row, std::int64_t col) const {
        return row * row_length() + col * values_per_pixel();
    }
};

enum class PaddingMode { constant, reflect, edge };
enum class Interpolation { nearest, bilinear };

// out[i] = x[i] mirrored left-right where flip_horizontal[i] != 0 and
// top-bottom where flip_vertical[i] != 0 (either array may be null: never).
template <class T>
void flip_images(const T* x, std::int64_t n, const ImageLayout& layout, const std::uint8_t* flip_horizontal,
                 const std::uint8_t* flip_vertical, T* out, int n_threads);

// out[i](r, c) = padded x[i](r + top[i], c + left[i]) for an output of
// out_height x out_width; rows and columns outside the image (negative or
// past the end) are filled according to `mode` (constant: `fill`; reflect:
// mirrored without repeating the border pixel, as numpy.pad's "reflect";
// edge: the nearest border pixel).
template <class T>
void crop_images(const T* x, std::int64_t n, const ImageLayout& in, const ImageLayout& out_layout,
                 const std::int64_t* top, const std::int64_t* left, PaddingMode mode, T fill, T* out, int n_threads);

// Inverse-mapped affine warp: out[i](r, c) samples x[i] at column
// m[0] c + m[1] r + m[2] and row m[3] c + m[4] r + m[5], where m is the i-th
// row of `matrices` (n x 6). Samples outside the image read `fill`
// (bilinear: each of the four neighbours separately).
template <class T>
void affine_images(const T* x, std::int64_t n, const ImageLayout& layout, const double* matrices,
                   Interpolation interpolation, T fill, T* out, int n_threads);

// out[i] = (x[i] - mean(x[i])) * contrast[i] + mean(x[i]) + brightness[i],
// the mean taken over all pixels and channels of image i (in double);
// clipped to [low, high] when `clip` is set.
template <class T>
void adjust_images(const T* x, std::int64_t n, std::int64_t image_size, const double* contrast,
                   const double* brightness, bool clip, double low, double high, T* out, int n_threads);

// out[i] = x[i] + std * z with z standard normal, drawn by a generator that
// depends only on (seed, i); clipped to [low, high] when `clip` is set.
template <class T>
void gaussian_noise_images(const T* x, std::int64_t n, std::int64_t image_size, double std, std::uint64_t seed,
                           bool clip, double low, double high, T* out, int n_threads);

}  // namespace zoo::augment
