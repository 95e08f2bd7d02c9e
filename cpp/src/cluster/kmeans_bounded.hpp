// The iteration shared by the bound-based k-means variants (Hamerly, Elkan).
// A variant is a policy class (mlpack-style) that owns its distance bounds:
//
//   Bounds(points, k, n_threads)
//   void initialize(centers, labels, partial_sums)  exact first assignment
//   void forget(i)                                   point i moved by relocation
//   index_t assign(centers, labels, shift_sq, partial_sums)
//       loosen the bounds by the centres' last shift, reassign the points whose
//       bounds no longer prove their label, record moves as +/- deltas in
//       partial_sums, and return how many labels changed.
//
// The driver keeps Lloyd's iterates: same labels, centres, stopping rule and
// iteration count, computed with far fewer distances once centres settle.
#pragma once

#include "kmeans_common.hpp"

namespace zoo::cluster::detail {

// Half the distance from each centre to its nearest other centre: a point
// closer than that to its own centre cannot be closer to any other.
template <class T>
std::vector<T> center_distances(const T* centers, int k, index_t d, std::vector<T>& half_gap) {
    std::vector<T> between(static_cast<size_t>(k) * k, T(0));
    half_gap.assign(static_cast<size_t>(k), std::numeric_limits<T>::infinity());
    for (int a = 0; a < k; ++a) {
        for (int b = a + 1; b < k; ++b) {
            const T dist = std::sqrt(sq_distance(centers + a * d, centers + b * d, d));
            between[static_cast<size_t>(a) * k + b] = between[static_cast<size_t>(b) * k + a] = dist;
            half_gap[static_cast<size_t>(a)] = std::min(half_gap[static_cast<size_t>(a)], dist / 2);
            half_gap[static_cast<size_t>(b)] = std::min(half_gap[static_cast<size_t>(b)], dist / 2);
        }
    }
    return between;
}

// What every bound policy holds: the points and one upper bound per point
// on the distance to its own centre.
template <class T>
class PointBounds {
protected:
    PointBounds(const Points<T>& points, int k, int n_threads)
        : points_(points), k_(k), n_threads_(n_threads), upper_(static_cast<size_t>(points.n)) {}

    const T* row_of(index_t i) const { return points_.x + i * points_.d; }
    double weight_of(index_t i) const { return static_cast<double>(points_.weight[i]); }

    const Points<T>& points_;
    int k_;
    int n_threads_;
    std::vector<T> upper_;
};

template <class T, class Bounds>
FitSummary run_bounded(const Points<T>& points, int k, T* centers, std::int32_t* labels, int max_iter,
                       double tol, int n_threads, const InterruptCheck& interrupt) {
    check_problem(points, k, n_threads);
    n_threads = pass_team(points.n, points.d, k, n_threads);
    if (max_iter < 1) throw std::invalid_argument("max_iter must be >= 1");
    blas::SingleThreadedScope single_threaded_blas;
    const index_t d = points.d;
    Bounds bounds(points, k, n_threads);
    std::vector<ClusterSums> partial(static_cast<size_t>(n_threads), ClusterSums(k, d));
    ClusterSums sums(k, d);
    std::vector<double> shift_sq;

    // Iteration 1's assignment is exact; it counts as a change of every label.
    bounds.initialize(centers, labels, partial);
    sums.merge(partial);
    index_t changed = points.n;
    bool labels_stable = false;
    int iteration = 1;
    while (true) {
        for (index_t moved : relocate_empty_clusters(points, k, centers, labels, sums)) bounds.forget(moved);
        update_centers(sums, k, d, centers, shift_sq);
        if (changed == 0) {
            labels_stable = true;
            break;
        }
        if (total(shift_sq) <= tol || iteration == max_iter) break;
        check_interrupt(interrupt);
        ++iteration;
        for (ClusterSums& s : partial) s.clear();
        changed = bounds.assign(centers, labels, shift_sq, partial);
        sums.merge(partial);  // the partial sums hold deltas: sums stay current
    }
    // Centres moved after the last assignment: label against the final centres.
    if (!labels_stable) bounds.assign(centers, labels, shift_sq, partial);
    return {iteration, weighted_inertia(points, centers, labels, n_threads)};
}

}  // namespace zoo::cluster::detail
