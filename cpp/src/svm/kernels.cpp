// Kernel functions: a vectorisable exp, kernel matrices through BLAS.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "svm_internal.hpp"
#include "zoo/blas.hpp"
#include "zoo/parallel.hpp"

namespace zoo::svm {

KernelType kernel_type_from_name(const std::string& name) {
    if (name == "linear") return KernelType::linear;
    if (name == "poly") return KernelType::poly;
    if (name == "rbf") return KernelType::rbf;
    if (name == "sigmoid") return KernelType::sigmoid;
    throw std::invalid_argument("kernel must be 'linear', 'poly', 'rbf' or 'sigmoid', got '" + name + "'");
}

// exp(x) = 2^k exp(r), k = round(x / ln 2), |r| <= ln(2) / 2, with exp(r) from
// its Taylor series to r^12 (remainder below 2e-16). k is read from the low
// mantissa bits of x / ln 2 + 1.5 * 2^52 and written straight into the
// exponent field, so the loop has no calls and no branches: the rbf kernel
// spends most of its time here when libm's scalar exp is used.
void exp_inplace(double* values, index_t n) {
    constexpr double log2e = 1.4426950408889634;
    // ln 2 split so that k * ln2_hi is exact for |k| < 2^11.
    constexpr double ln2_hi = 6.93147180369123816490e-01;
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    constexpr double shifter = 0x1.8p52;
#pragma omp simd
    for (index_t t = 0; t < n; ++t) {
        const double given = values[t];
        const double x = std::min(std::max(given, -708.0), 709.0);
        const double shifted = x * log2e + shifter;
        const double k = shifted - shifter;
        const double r = (x - k * ln2_hi) - k * ln2_lo;
        double p = 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        std::uint64_t bits;
        std::memcpy(&bits, &shifted, sizeof bits);
        bits = (bits + 1023) << 52;
        double scale;
        std::memcpy(&scale, &bits, sizeof scale);
        values[t] = given < -708.0 ? 0.0 : p * scale;
    }
}

namespace detail {

void apply_kernel(const KernelParams& kernel, double* dots, index_t m, double norm_i, const double* norms) {
    const double gamma = kernel.gamma, coef0 = kernel.coef0;
    switch (kernel.type) {
        case KernelType::linear:
            return;
        case KernelType::poly:
            for (index_t t = 0; t < m; ++t) {
                const double base = gamma * dots[t] + coef0;
                double power = 1.0;
                for (int e = 0; e < kernel.degree; ++e) power *= base;
                dots[t] = power;
            }
            return;
        case KernelType::rbf:
            for (index_t t = 0; t < m; ++t) dots[t] = -gamma * (norm_i + norms[t] - 2.0 * dots[t]);
            exp_inplace(dots, m);
            return;
        case KernelType::sigmoid:
            for (index_t t = 0; t < m; ++t) dots[t] = std::tanh(gamma * dots[t] + coef0);
            return;
    }
}

}  // namespace detail

void kernel_matrix(const KernelParams& kernel, const double* a, const double* a_norms, index_t n_a,
                   const double* b, const double* b_norms, index_t n_b, index_t d, double* out,
                   int n_threads) {
    if (n_a == 0 || n_b == 0) return;
    constexpr index_t block = 64;
    const index_t n_blocks = ceil_div(n_a, block);
    blas::SingleThreadedScope single;
    const double work = static_cast<double>(n_a) * static_cast<double>(n_b) * static_cast<double>(d);
    parallel_chunks(n_blocks, team_size(work, n_threads), [&](std::int64_t chunk, int) {
        const index_t begin = chunk * block, rows = std::min(block, n_a - begin);
        double* dots = out + begin * n_b;
        if (d == 0) {
            std::fill(dots, dots + rows * n_b, 0.0);
        } else {
            blas::gemm(false, true, static_cast<int>(rows), static_cast<int>(n_b), static_cast<int>(d), 1.0,
                       a + begin * d, static_cast<int>(d), b, static_cast<int>(d), 0.0, dots, static_cast<int>(n_b));
        }
        for (index_t r = 0; r < rows; ++r)
            detail::apply_kernel(kernel, dots + r * n_b, n_b, a_norms ? a_norms[begin + r] : 0.0, b_norms);
    });
}

}  // namespace zoo::svm
