// Photometric image augmentation: brightness and contrast about each image's
// mean, and additive Gaussian noise from per-sample generators.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "zoo/augment.hpp"
#include "zoo/parallel.hpp"
#include "zoo/rng.hpp"

namespace zoo::augment {

namespace {

template <class T>
T finish(double value, bool clip, double low, double high) {
    if (clip) value = std::min(std::max(value, low), high);
    return static_cast<T>(value);
}

// The generator of sample i depends on (seed, i) only, which is what makes
// noise independent of how samples are split among threads. Hashing the
// index (mix64) keeps neighbouring samples' streams apart.
std::uint64_t sample_seed(std::uint64_t seed, std::int64_t index) {
    return mix64(seed + 0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(index) + 1));
}

}  // namespace

template <class T>
void adjust_images(const T* x, std::int64_t n, std::int64_t image_size, const double* contrast,
                   const double* brightness, bool clip, double low, double high, T* out, int n_threads) {
    if (image_size < 1) throw std::invalid_argument("adjust_images: images must not be empty");
    parallel_chunks(n, team_size(n * image_size, n_threads), [&](std::int64_t i, int) {
        const T* image = x + i * image_size;
        T* target = out + i * image_size;
        double total = 0.0;
        for (std::int64_t k = 0; k < image_size; ++k) total += static_cast<double>(image[k]);
        const double mean = total / static_cast<double>(image_size);
        // (v - mean) * factor + mean + delta, with the constant part folded.
        const double factor = contrast[i], offset = mean * (1.0 - factor) + brightness[i];
        for (std::int64_t k = 0; k < image_size; ++k)
            target[k] = finish<T>(static_cast<double>(image[k]) * factor + offset, clip, low, high);
    });
}

template <class T>
void gaussian_noise_images(const T* x, std::int64_t n, std::int64_t image_size, double std, std::uint64_t seed,
                           bool clip, double low, double high, T* out, int n_threads) {
    if (image_size < 1) throw std::invalid_argument("gaussian_noise_images: images must not be empty");
    if (!(std >= 0.0)) throw std::invalid_argument("gaussian_noise_images: std must be >= 0");
    parallel_chunks(n, team_size(n * image_size, n_threads), [&](std::int64_t i, int) {
        Rng rng(sample_seed(seed, i));
        const T* image = x + i * image_size;
        T* target = out + i * image_size;
        // Marsaglia's polar method: two independent normals from a point
        // drawn uniformly in the unit disc (no sine or cosine needed).
        for (std::int64_t k = 0; k < image_size; k += 2) {
            double u, v, radius2;
            do {
                u = 2.0 * rng.uniform() - 1.0;
                v = 2.0 * rng.uniform() - 1.0;
                radius2 = u * u + v * v;
            } while (radius2 >= 1.0 || radius2 == 0.0);
            const double scale = std * std::sqrt(-2.0 * std::log(radius2) / radius2);
            target[k] = finish<T>(static_cast<double>(image[k]) + scale * u, clip, low, high);
            if (k + 1 < image_size)
                target[k + 1] = finish<T>(static_cast<double>(image[k + 1]) + scale * v, clip, low, high);
        }
    });
}

#define ZOO_INSTANTIATE_PHOTOMETRIC(T)                                                                           \
    template void adjust_images<T>(const T*, std::int64_t, std::int64_t, const double*, const double*, bool,     \
                                   double, double, T*, int);                                                     \
    template void gaussian_noise_images<T>(const T*, std::int64_t, std::int64_t, double, std::uint64_t, bool,    \
                                           double, double, T*, int);
ZOO_INSTANTIATE_PHOTOMETRIC(float)
ZOO_INSTANTIATE_PHOTOMETRIC(double)
#undef ZOO_INSTANTIATE_PHOTOMETRIC

}  // namespace zoo::augment
