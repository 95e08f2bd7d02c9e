// k-means kernels. Stateless functions over caller-owned buffers: the caller
// (the Python estimator) owns centres, labels and weights; these functions
// read and write them in place. Every kernel is instantiated for float and
// double. Row-major arrays throughout: X is n x d, centres are k x d.
#pragma once

#include <cstdint>

#include "zoo/interrupt.hpp"

namespace zoo::cluster {

using index_t = std::int64_t;

// A weighted data set, borrowed from the caller.
template <class T>
struct Points {
    const T* x;       // n x d
    const T* weight;  // n, non-negative
    index_t n;
    index_t d;
};

struct FitSummary {
    int n_iter;      // Lloyd iterations run (as scikit-learn counts them)
    double inertia;  // sum of weight * squared distance to the assigned centre
};

// Greedy k-means++ (Arthur & Vassilvitskii 2007, with several local trials
// per step as in scikit-learn): writes k seeds into `centers` and their row
// indices into `chosen`.
template <class T>
void kmeans_plusplus(const Points<T>& points, int k, int n_local_trials, std::uint64_t seed,
                     int n_threads, T* centers, std::int64_t* chosen,
                     const InterruptCheck& interrupt = {});

// Lloyd's algorithm. `centers` holds the initial centres on entry and the
// final ones on exit; `labels` receives each point's cluster. Stops when the
// assignment no longer changes or when the total squared centre shift is at
// most `tol` (an absolute value; the caller scales it by the data variance).
// `interrupt` runs between iterations and may throw to abort the fit.
template <class T>
FitSummary kmeans_lloyd(const Points<T>& points, int k, T* centers, std::int32_t* labels,
                        int max_iter, double tol, int n_threads,
                        const InterruptCheck& interrupt = {});

// Hamerly (2010): one upper and one lower distance bound per point skip most
// distance computations once centres settle. Same iterates as Lloyd.
template <class T>
FitSummary kmeans_hamerly(const Points<T>& points, int k, T* centers, std::int32_t* labels,
                          int max_iter, double tol, int n_threads,
                          const InterruptCheck& interrupt = {});

// Elkan (2003): one lower bound per point and centre plus the triangle
// inequality between centres. Same iterates as Lloyd.
template <class T>
FitSummary kmeans_elkan(const Points<T>& points, int k, T* centers, std::int32_t* labels,
                        int max_iter, double tol, int n_threads,
                        const InterruptCheck& interrupt = {});

// Nearest centre of each point; returns the weighted inertia.
template <class T>
double kmeans_assign(const Points<T>& points, int k, const T* centers, std::int32_t* labels,
                     int n_threads);

// One Lloyd E-step over a part of the data (a Dask chunk), whose points are
// centred on the way as x - shift (`centers` are in centred coordinates):
// the nearest centre of each point into `labels`, counting the labels that
// differ from what `labels` held (-1 counts as a change), and the weighted
// per-centre sums (k x d, of centred points) and weights (k) in double, as
// kmeans_lloyd accumulates them.
struct AssignSums {
    index_t changed;
    double inertia;  // weighted, under `centers`
};
template <class T>
AssignSums kmeans_assign_sums(const Points<T>& points, const T* shift, int k, const T* centers,
                              std::int32_t* labels, double* sums, double* weights, int n_threads);

// k-means|| (Bahmani et al. 2012) sampling weights: lowers `weighted_sq[i]`
// to w_i times the squared distance of point i - shift to its nearest centre
// when that is smaller (start from +inf; a round passes only its new centres).
template <class T>
void kmeans_nearest_weighted_sq(const Points<T>& points, const T* shift, int k, const T* centers,
                                double* weighted_sq, int n_threads);

// Euclidean distance of every point to every centre (n x k).
template <class T>
void kmeans_transform(const T* x, index_t n, index_t d, int k, const T* centers, T* distances,
                      int n_threads);

// One mini-batch step (Sculley 2010, with scikit-learn's per-centre learning
// rate): assigns the batch, moves each centre towards the mean of its new
// points by count / (count + accumulated weight), and updates the
// accumulated weights. Returns the batch inertia under the centres it was
// assigned with (divided by nothing: the caller normalises).
template <class T>
double minibatch_step(const Points<T>& batch, int k, T* centers, T* weight_sums,
                      std::int32_t* labels, int n_threads);

}  // namespace zoo::cluster
