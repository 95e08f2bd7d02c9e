// One step of mini-batch k-means (Sculley, "Web-scale k-means clustering",
// WWW 2010): each centre moves towards the mean of the batch points assigned
// to it, with a per-centre learning rate of (batch weight) / (all weight the
// centre has ever received), so early batches move centres most.
#include "kmeans_common.hpp"

namespace zoo::cluster {

using namespace detail;

template <class T>
double minibatch_step(const Points<T>& batch, int k, T* centers, T* weight_sums, std::int32_t* labels,
                      int n_threads) {
    if (batch.n < 1 || batch.d < 1 || k < 1) throw std::invalid_argument("a mini-batch needs samples, features and centres");
    n_threads = pass_team(batch.n, batch.d, k, n_threads);
    blas::SingleThreadedScope single_threaded_blas;
    const index_t d = batch.d;
    std::vector<ClusterSums> partial(static_cast<size_t>(n_threads), ClusterSums(k, d));
    std::vector<double> inertia(static_cast<size_t>(n_threads), 0.0);
    for_each_nearest(batch, k, centers, true, false, n_threads,
                     [&](index_t i, const NearestBlock<T>& nearest, index_t r, int thread) {
        const int best = nearest.best[static_cast<size_t>(r)];
        labels[i] = best;
        const double w = static_cast<double>(batch.weight[i]);
        inertia[static_cast<size_t>(thread)] += w * static_cast<double>(nearest.best_value[static_cast<size_t>(r)]);
        partial[static_cast<size_t>(thread)].add(best, batch.x + i * d, d, w);
    });
    ClusterSums batch_sums(k, d);
    batch_sums.merge(partial);
    for (int j = 0; j < k; ++j) {
        const double batch_weight = batch_sums.weights[static_cast<size_t>(j)];
        if (batch_weight <= 0.0) continue;
        const double old_weight = static_cast<double>(weight_sums[j]);
        const double new_weight = old_weight + batch_weight;
        for (index_t f = 0; f < d; ++f) {
            const double moved = static_cast<double>(centers[j * d + f]) * old_weight + batch_sums.sums[static_cast<size_t>(j * d + f)];
            centers[j * d + f] = static_cast<T>(moved / new_weight);
        }
        weight_sums[j] = static_cast<T>(new_weight);
    }
    return total(inertia);
}

template double minibatch_step<float>(const Points<float>&, int, float*, float*, std::int32_t*, int);
template double minibatch_step<double>(const Points<double>&, int, double*, double*, std::int32_t*, int);

}  // namespace zoo::cluster
