// PCA through the SVD of the centred data ("full"), also used on the small
// stacked matrices of the incremental update and the randomized solver.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "lapack_kernels.hpp"
#include "zoo/decomposition.hpp"
#include "zoo/parallel.hpp"

namespace zoo::decomposition {

template <class T>
void svd_rows(T* a, index_t m, index_t d, int n_threads, T* singular_values, T* components) {
    if (m < 1 || d < 1) throw std::invalid_argument("svd_rows needs a non-empty matrix");
    checked_threads(n_threads);
    const double r = static_cast<double>(std::min(m, d));
    detail::BlasThreads pool(detail::threads_for(4.0 * static_cast<double>(m) * static_cast<double>(d) * r, n_threads));
    // The row-major m x d array is the column-major d x m matrix A^T, whose
    // left singular vectors are the right singular vectors of A. With
    // jobz='O' gesdd writes whichever factor is the tall one over the input,
    // so the m x d data never needs a second m x d factor beside it.
    const int rows = static_cast<int>(d), cols = static_cast<int>(m);
    if (d >= m) {
        std::vector<T> vt(static_cast<size_t>(m * m));
        detail::check_info(detail::gesdd('O', rows, cols, a, rows, singular_values, nullptr, rows, vt.data(), cols),
                           "gesdd");
        std::copy(a, a + m * d, components);  // the first m columns of U, col-major: m rows of d
        detail::flip_signs(components, m, d);
    } else {
        T vt_unused[1];
        detail::check_info(detail::gesdd('O', rows, cols, a, rows, singular_values, components, rows, vt_unused, 1),
                           "gesdd");
        detail::flip_signs(components, d, d);
    }
}

template void svd_rows<float>(float*, index_t, index_t, int, float*, float*);
template void svd_rows<double>(double*, index_t, index_t, int, double*, double*);

}  // namespace zoo::decomposition
