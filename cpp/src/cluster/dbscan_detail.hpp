// Pieces shared by the three DBSCAN neighbour searches (private to
// cpp/src/cluster): distance policies, a lock-free union-find, and the
// numbering of clusters.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "zoo/dbscan.hpp"
#include "zoo/interrupt.hpp"
#include "zoo/parallel.hpp"

namespace zoo::cluster::dbscan_detail {

using index_t = std::int64_t;

// Distances are compared in a "reduced" form that avoids square roots: the
// sum of squares for euclidean (against eps^2). Every test, for points and
// for boxes, accumulates coordinates in the same order with the same
// operations, and rounding is monotone, so a box bound never contradicts
// the point-by-point answer: all three searches agree exactly.
struct Euclidean {
    static double threshold(double eps) { return eps * eps; }
    static double add(double acc, double diff) { return acc + diff * diff; }
};
struct Manhattan {
    static double threshold(double eps) { return eps; }
    static double add(double acc, double diff) { return acc + std::fabs(diff); }
};
struct Chebyshev {
    static double threshold(double eps) { return eps; }
    static double add(double acc, double diff) { return std::max(acc, std::fabs(diff)); }
};

template <class M>
inline double reduced_distance(const double* a, const double* b, index_t d) {
    double acc = 0;
    for (index_t k = 0; k < d; ++k) acc = M::add(acc, a[k] - b[k]);
    return acc;
}

// Smallest and largest reduced distance from point q to the box [lo, hi].
template <class M>
inline double box_min_distance(const double* q, const double* lo, const double* hi, index_t d) {
    double acc = 0;
    for (index_t k = 0; k < d; ++k) {
        const double gap = q[k] < lo[k] ? lo[k] - q[k] : (q[k] > hi[k] ? q[k] - hi[k] : 0.0);
        acc = M::add(acc, gap);
    }
    return acc;
}

template <class M>
inline double box_max_distance(const double* q, const double* lo, const double* hi, index_t d) {
    double acc = 0;
    for (index_t k = 0; k < d; ++k) acc = M::add(acc, std::max(std::fabs(q[k] - lo[k]), std::fabs(hi[k] - q[k])));
    return acc;
}

// Between two boxes: the closest and the farthest pair of points.
template <class M>
inline double boxes_min_distance(const double* lo1, const double* hi1, const double* lo2, const double* hi2,
                                 index_t d) {
    double acc = 0;
    for (index_t k = 0; k < d; ++k) {
        const double gap = hi1[k] < lo2[k] ? lo2[k] - hi1[k] : (hi2[k] < lo1[k] ? lo1[k] - hi2[k] : 0.0);
        acc = M::add(acc, gap);
    }
    return acc;
}

template <class M>
inline double boxes_max_distance(const double* lo1, const double* hi1, const double* lo2, const double* hi2,
                                 index_t d) {
    double acc = 0;
    for (index_t k = 0; k < d; ++k) acc = M::add(acc, std::max(hi2[k] - lo1[k], hi1[k] - lo2[k]));
    return acc;
}

// Union-find whose roots are the smallest index of their set. Threads link
// concurrently with compare-and-swap (a root only ever gains a parent once,
// and always a smaller one), so the final partition does not depend on the
// order of the unions, hence not on the thread count.
class UnionFind {
public:
    explicit UnionFind(index_t n) : parent_(static_cast<size_t>(n)) {
        for (index_t i = 0; i < n; ++i) parent_[static_cast<size_t>(i)] = i;
    }
    index_t& parent(index_t i) { return parent_[static_cast<size_t>(i)]; }

    index_t find(index_t x) {
        while (true) {
            index_t p = __atomic_load_n(&parent_[static_cast<size_t>(x)], __ATOMIC_RELAXED);
            if (p == x) return x;
            index_t gp = __atomic_load_n(&parent_[static_cast<size_t>(p)], __ATOMIC_RELAXED);
            if (gp != p) {  // path halving; a failed swap only means another thread did it
                __atomic_compare_exchange_n(&parent_[static_cast<size_t>(x)], &p, gp, true, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED);
            }
            x = gp;
        }
    }

    void unite(index_t a, index_t b) {
        while (true) {
            a = find(a);
            b = find(b);
            if (a == b) return;
            if (a < b) std::swap(a, b);  // link the larger root below the smaller one
            index_t expected = a;
            if (__atomic_compare_exchange_n(&parent_[static_cast<size_t>(a)], &expected, b, false,
                                            __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
                return;
        }
    }

    bool same(index_t a, index_t b) { return find(a) == find(b); }

private:
    std::vector<index_t> parent_;
};

// Clusters numbered by their lowest original index among core points.
// `order[i]` is the position of original point i in the search's own order
// (nullptr: the identity); core and the union-find live in that order.
// Writes the cluster of every core point into cluster_of (search order),
// -1 elsewhere.
inline void number_clusters(index_t n, const index_t* order, const std::uint8_t* core_sorted, UnionFind& sets,
                            std::vector<index_t>& cluster_of) {
    cluster_of.assign(static_cast<size_t>(n), -1);
    std::vector<index_t> root_label(static_cast<size_t>(n), -1);
    index_t next = 0;
    for (index_t i = 0; i < n; ++i) {
        const index_t s = order ? order[i] : i;
        if (!core_sorted[s]) continue;
        index_t& label = root_label[static_cast<size_t>(sets.find(s))];
        if (label < 0) label = next++;
        cluster_of[static_cast<size_t>(s)] = label;
    }
}

// The neighbour searches, each filling is_core and labels in the caller's
// (original) order.
void dbscan_grid(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
                 std::int64_t* labels);
bool dbscan_grid_fits(const DbscanProblem& p);
void dbscan_kdtree(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
                   std::int64_t* labels);
void dbscan_brute(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
                  std::int64_t* labels);

// Points per parallel task: small enough to balance dense and empty regions.
constexpr index_t kTaskPoints = 256;

}  // namespace zoo::cluster::dbscan_detail
