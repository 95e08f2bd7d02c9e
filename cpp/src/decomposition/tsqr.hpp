// The R factor of a tall row-major matrix by a tall-skinny QR (Demmel,
// Grigori, Hoemmen & Langou 2012): each thread folds its rows into a d x d
// triangle one block at a time (QR of [R; next block], the block transposed
// into column-major scratch so LAPACK's Householder updates run along
// contiguous, cache-resident columns), and the threads' triangles are
// stacked and factorised once more. R^T R = X^T X, so R has X's singular
// values and right singular vectors, with QR's backward stability.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "lapack_kernels.hpp"
#include "zoo/blas.hpp"
#include "zoo/lapack.hpp"
#include "zoo/parallel.hpp"

namespace zoo::decomposition::detail {

// Folds rows [begin, end) of the row-major x (d columns) into `r` (d x d,
// column-major, upper triangular; zero on entry means no rows yet).
template <class T>
void fold_rows_into_r(const T* x, std::int64_t begin, std::int64_t end, std::int64_t d, std::int64_t block_rows,
                      T* r) {
    const std::int64_t ld = d + block_rows;
    std::vector<T> stack(static_cast<size_t>(ld * d)), tau(static_cast<size_t>(d));
    std::int64_t r_rows = 0;  // rows of r that can be non-zero
    for (std::int64_t start = begin; start < end; start += block_rows) {
        const std::int64_t m = std::min(block_rows, end - start), rows = r_rows + m;
        for (std::int64_t c = 0; c < d; ++c) {
            T* column = stack.data() + c * ld;
            std::copy(r + c * d, r + c * d + r_rows, column);
        }
        for (std::int64_t i = 0; i < m; ++i) {
            const T* row = x + (start + i) * d;
            for (std::int64_t c = 0; c < d; ++c) stack[static_cast<size_t>(c * ld + r_rows + i)] = row[c];
        }
        check_info(lapack::geqrf(static_cast<int>(rows), static_cast<int>(d), stack.data(), static_cast<int>(ld), tau.data()),
                   "geqrf");
        r_rows = std::min(rows, d);
        for (std::int64_t c = 0; c < d; ++c) {
            const std::int64_t top = std::min(c + 1, r_rows);
            std::copy(stack.data() + c * ld, stack.data() + c * ld + top, r + c * d);
            std::fill(r + c * d + top, r + (c + 1) * d, T(0));
        }
    }
}

template <class T>
void tsqr_r_factor(const T* x, std::int64_t n, std::int64_t d, int n_threads, T* r) {
    const std::int64_t block_rows = std::max<std::int64_t>(d, 768);
    const std::int64_t part_bytes = static_cast<std::int64_t>(sizeof(T)) * (2 * d + block_rows) * d;
    const std::int64_t n_parts = std::clamp<std::int64_t>(
        std::min<std::int64_t>((std::int64_t{1} << 29) / std::max<std::int64_t>(part_bytes, 1), n / (4 * block_rows)),
        1, n_threads);
    std::fill(r, r + d * d, T(0));
    if (n_parts == 1) {
        blas::ThreadsScope pool(threads_for(4.0 * static_cast<double>(n) * static_cast<double>(d * d), n_threads));
        fold_rows_into_r(x, 0, n, d, block_rows, r);
        return;
    }
    std::vector<T> parts(static_cast<size_t>(n_parts * d * d), T(0));
    {
        blas::SingleThreadedScope one_blas_thread;
        parallel_chunks(n_parts, static_cast<int>(n_parts), [&](std::int64_t part, int) {
            fold_rows_into_r(x, n * part / n_parts, n * (part + 1) / n_parts, d, block_rows,
                             parts.data() + part * d * d);
        });
    }
    // Stack the triangles (as row-major rows: the transpose of each
    // column-major R) and fold them into one.
    std::vector<T> stacked(static_cast<size_t>(n_parts * d * d));
    for (std::int64_t part = 0; part < n_parts; ++part)
        for (std::int64_t i = 0; i < d; ++i)
            for (std::int64_t c = 0; c < d; ++c)
                stacked[static_cast<size_t>((part * d + i) * d + c)] = parts[static_cast<size_t>(part * d * d + c * d + i)];
    fold_rows_into_r(stacked.data(), 0, n_parts * d, d, n_parts * d, r);
}

}  // namespace zoo::decomposition::detail
