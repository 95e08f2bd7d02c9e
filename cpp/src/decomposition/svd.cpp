// PCA through the SVD of the centred data ("full"), also used on the small
// stacked matrices of the incremental update and the randomized solver.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "lapack_kernels.hpp"
#include "zoo/decomposition.hpp"
#include "zoo/lapack.hpp"
#include "tsqr.hpp"
#include "zoo/blas.hpp"
#include "zoo/parallel.hpp"

namespace zoo::decomposition {

template <class T>
void svd_rows(T* a, index_t m, index_t d, int n_threads, T* singular_values, T* components) {
    if (m < 1 || d < 1) throw std::invalid_argument("svd_rows needs a non-empty matrix");
    n_threads = team_size(static_cast<double>(m) * static_cast<double>(d) * static_cast<double>(std::min(m, d)), n_threads);
    const int id = static_cast<int>(d), im = static_cast<int>(m);
    const double md = static_cast<double>(m), dd = static_cast<double>(d);
    if (d >= m) {
        // The row-major m x d array is the column-major d x m matrix A^T,
        // whose left singular vectors are A's right ones. jobz='O' writes
        // the first m columns of U over the input: no second d x m factor.
        blas::ThreadsScope pool(detail::threads_for(4.0 * md * md * dd, n_threads));
        std::vector<T> vt(static_cast<size_t>(m * m));
        detail::check_info(lapack::gesdd('O', id, im, a, id, singular_values, nullptr, id, vt.data(), im), "gesdd");
        std::copy(a, a + m * d, components);  // U's columns, col-major: m rows of d
        detail::flip_signs(components, m, d);
        return;
    }
    // More samples than features: X = Q R by a tall-skinny QR, and X's
    // singular values and right singular vectors are R's. Handing the whole
    // matrix to LAPACK instead (gesdd, or an LQ of the col-major d x m
    // view) runs Householder updates along rows m long with stride d: ten
    // times slower on 100,000 x 256.
    std::vector<T> r(static_cast<size_t>(d * d));
    detail::tsqr_r_factor(a, m, d, n_threads, r.data());
    std::vector<T> vt(static_cast<size_t>(d * d));
    {
        blas::ThreadsScope pool(detail::threads_for(22.0 * dd * dd * dd, n_threads));
        detail::check_info(lapack::gesdd('O', id, id, r.data(), id, singular_values, nullptr, id, vt.data(), id),
                           "gesdd");
    }
    for (index_t i = 0; i < d; ++i)  // row i of V^T, stored column-major
        for (index_t j = 0; j < d; ++j) components[i * d + j] = vt[static_cast<size_t>(i + j * d)];
    detail::flip_signs(components, d, d);
}

template void svd_rows<float>(float*, index_t, index_t, int, float*, float*);
template void svd_rows<double>(double*, index_t, index_t, int, double*, double*);

}  // namespace zoo::decomposition
