// Projection onto principal components: blocks of rows are centred into
// per-thread scratch and multiplied by the components with single-threaded
// BLAS, so X is never copied whole and threads share no state.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "zoo/blas.hpp"
#include "zoo/decomposition.hpp"
#include "zoo/parallel.hpp"

namespace zoo::decomposition {

template <class T>
void project(const T* x, index_t n, index_t d, const T* mean, const T* components, index_t k, const T* scale,
             int n_threads, T* out) {
    if (d < 1 || k < 1) throw std::invalid_argument("project needs n_features >= 1 and n_components >= 1");
    if (n == 0) return;
    const index_t block_rows = std::clamp<index_t>((index_t{1} << 18) / (static_cast<index_t>(sizeof(T)) * d), 16, 1024);
    const index_t n_blocks = ceil_div(n, block_rows);
    n_threads = team_size(static_cast<double>(n) * static_cast<double>(d) * static_cast<double>(k), n_threads);
    std::vector<std::vector<T>> scratch(static_cast<size_t>(n_threads));
    blas::SingleThreadedScope one_blas_thread;
    parallel_chunks(n_blocks, n_threads, [&](std::int64_t block, int thread) {
        std::vector<T>& rows = scratch[static_cast<size_t>(thread)];
        rows.resize(static_cast<size_t>(block_rows * d));
        const index_t start = block * block_rows, m = std::min(block_rows, n - start);
        for (index_t r = 0; r < m; ++r)
            for (index_t j = 0; j < d; ++j) rows[static_cast<size_t>(r * d + j)] = x[(start + r) * d + j] - mean[j];
        T* result = out + start * k;
        blas::gemm(false, true, static_cast<int>(m), static_cast<int>(k), static_cast<int>(d), T(1), rows.data(),
                   static_cast<int>(d), components, static_cast<int>(d), T(0), result, static_cast<int>(k));
        if (scale != nullptr)
            for (index_t r = 0; r < m; ++r)
                for (index_t j = 0; j < k; ++j) result[r * k + j] *= scale[j];
    });
}

template void project<float>(const float*, index_t, index_t, const float*, const float*, index_t, const float*, int,
                             float*);
template void project<double>(const double*, index_t, index_t, const double*, const double*, index_t, const double*,
                              int, double*);

}  // namespace zoo::decomposition
