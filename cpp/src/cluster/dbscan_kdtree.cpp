// DBSCAN with a KD-tree (Bentley 1975) for moderate dimensions and any of the
// three metrics: built once over a copy of the points in tree order, then
// parallel range queries, each point's result independent of the thread that
// computes it. Nodes entirely within eps of a query count their whole weight
// at once; the union pass only looks at points after the query (each pair is
// linked once), and the border pass skips nodes whose clusters cannot improve
// on the best one found.
#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "dbscan_detail.hpp"

namespace zoo::cluster::dbscan_detail {

namespace {

struct Node {
    index_t start, end;   // points [start, end) in tree order
    index_t left, right;  // children, -1 for a leaf
};

struct Tree {
    index_t n = 0, d = 0;
    std::vector<double> x, w;
    std::vector<index_t> original, position;
    std::vector<Node> nodes;  // pre-order: a child always follows its parent
    std::vector<double> lo, hi;
    std::vector<double> weight;

    const double* point(index_t s) const { return x.data() + s * d; }
    const double* node_lo(index_t v) const { return lo.data() + v * d; }
    const double* node_hi(index_t v) const { return hi.data() + v * d; }
};

Tree build_tree(const DbscanProblem& p) {
    Tree t;
    t.n = p.n;
    t.d = p.d;
    const index_t n = p.n, d = p.d;
    const index_t leaf = std::max(1, p.leaf_size);
    std::vector<index_t> perm(static_cast<size_t>(n));
    std::iota(perm.begin(), perm.end(), index_t{0});
    std::vector<double> lo(static_cast<size_t>(d)), hi(static_cast<size_t>(d));

    // Depth-first with an explicit stack; the split is the median along the
    // widest side of the node's bounding box.
    struct Pending { index_t node; };
    std::vector<Pending> stack;
    t.nodes.push_back({0, n, -1, -1});
    stack.push_back({0});
    while (!stack.empty()) {
        const index_t v = stack.back().node;
        stack.pop_back();
        const index_t start = t.nodes[v].start, end = t.nodes[v].end;
        for (index_t k = 0; k < d; ++k) {
            lo[k] = std::numeric_limits<double>::infinity();
            hi[k] = -std::numeric_limits<double>::infinity();
        }
        for (index_t s = start; s < end; ++s)
            for (index_t k = 0; k < d; ++k) {
                const double value = p.x[perm[s] * d + k];
                lo[k] = std::min(lo[k], value);
                hi[k] = std::max(hi[k], value);
            }
        t.lo.resize(t.nodes.size() * static_cast<size_t>(d));
        t.hi.resize(t.nodes.size() * static_cast<size_t>(d));
        std::copy(lo.begin(), lo.end(), t.lo.begin() + v * d);
        std::copy(hi.begin(), hi.end(), t.hi.begin() + v * d);
        if (end - start <= leaf) continue;
        index_t axis = 0;
        for (index_t k = 1; k < d; ++k)
            if (hi[k] - lo[k] > hi[axis] - lo[axis]) axis = k;
        if (!(hi[axis] > lo[axis])) continue;  // all points equal: keep a (large) leaf
        const index_t mid = start + (end - start) / 2;
        std::nth_element(perm.begin() + start, perm.begin() + mid, perm.begin() + end,
                         [&](index_t a, index_t b) { return p.x[a * d + axis] < p.x[b * d + axis]; });
        const index_t left = static_cast<index_t>(t.nodes.size());
        t.nodes.push_back({start, mid, -1, -1});
        t.nodes.push_back({mid, end, -1, -1});
        t.nodes[v].left = left;
        t.nodes[v].right = left + 1;
        // Right first on the stack: the left child is processed next, so
        // children still follow their parents in the node array.
        stack.push_back({left + 1});
        stack.push_back({left});
    }

    t.original = perm;
    t.position.resize(static_cast<size_t>(n));
    t.x.resize(static_cast<size_t>(n * d));
    t.w.resize(static_cast<size_t>(n));
    for (index_t s = 0; s < n; ++s) {
        t.position[perm[s]] = s;
        std::memcpy(t.x.data() + s * d, p.x + perm[s] * d, sizeof(double) * static_cast<size_t>(d));
        t.w[s] = p.weight[perm[s]];
    }
    const index_t n_nodes = static_cast<index_t>(t.nodes.size());
    t.weight.assign(static_cast<size_t>(n_nodes), 0.0);
    for (index_t v = n_nodes - 1; v >= 0; --v) {
        const Node& node = t.nodes[v];
        if (node.left < 0) {
            for (index_t s = node.start; s < node.end; ++s) t.weight[v] += t.w[s];
        } else {
            t.weight[v] = t.weight[node.left] + t.weight[node.right];
        }
    }
    return t;
}

template <class F>
void parallel_points(index_t n, int n_threads, const InterruptCheck& interrupt, F&& body) {
    const index_t n_chunks = ceil_div(n, kTaskPoints);
    in_slices(n_chunks, 16 * index_t{checked_threads(n_threads)}, interrupt, [&](index_t first, index_t last) {
        ExceptionCarrier carrier;
#pragma omp parallel num_threads(checked_threads(n_threads))
        {
            std::vector<index_t> stack;
#pragma omp for schedule(dynamic, 1)
            for (index_t chunk = first; chunk < last; ++chunk)
                carrier.run([&] {
                    const index_t end = std::min(n, (chunk + 1) * kTaskPoints);
                    for (index_t s = chunk * kTaskPoints; s < end; ++s) body(s, stack);
                });
        }
        carrier.rethrow();
    });
}

template <class M>
void run(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
         std::int64_t* labels) {
    const Tree t = build_tree(p);
    const index_t n = t.n, d = t.d;
    const double threshold = M::threshold(p.eps);
    const index_t n_nodes = static_cast<index_t>(t.nodes.size());
    std::vector<std::uint8_t> core(static_cast<size_t>(n), 0);

    // 1. Weighted neighbour counts.
    parallel_points(n, n_threads, interrupt, [&](index_t s, std::vector<index_t>& stack) {
        const double* q = t.point(s);
        double count = 0;
        // Nodes on the stack are already known to reach within eps; the
        // nearer child goes on top, and the search stops as soon as the
        // point is known to be core.
        stack.clear();
        if (box_min_distance<M>(q, t.node_lo(0), t.node_hi(0), d) <= threshold) stack.push_back(0);
        while (!stack.empty() && count < p.min_samples) {
            const index_t v = stack.back();
            stack.pop_back();
            if (box_max_distance<M>(q, t.node_lo(v), t.node_hi(v), d) <= threshold) {
                count += t.weight[v];
                continue;
            }
            const Node& node = t.nodes[v];
            if (node.left < 0) {
                for (index_t u = node.start; u < node.end; ++u)
                    if (reduced_distance<M>(q, t.point(u), d) <= threshold) count += t.w[u];
                continue;
            }
            const double to_left = box_min_distance<M>(q, t.node_lo(node.left), t.node_hi(node.left), d);
            const double to_right = box_min_distance<M>(q, t.node_lo(node.right), t.node_hi(node.right), d);
            const bool left_first = to_left <= to_right;
            const index_t near = left_first ? node.left : node.right, far = left_first ? node.right : node.left;
            if ((left_first ? to_right : to_left) <= threshold) stack.push_back(far);
            if ((left_first ? to_left : to_right) <= threshold) stack.push_back(near);
        }
        core[s] = count >= p.min_samples;
    });

    // Core points per node, to skip nodes without any.
    std::vector<index_t> node_cores(static_cast<size_t>(n_nodes), 0);
    for (index_t v = n_nodes - 1; v >= 0; --v) {
        const Node& node = t.nodes[v];
        if (node.left < 0) {
            for (index_t s = node.start; s < node.end; ++s) node_cores[v] += core[s];
        } else {
            node_cores[v] = node_cores[node.left] + node_cores[node.right];
        }
    }

    // 2. Link each core point to the core points after it within eps. Most
    // of that work is repeated inside clusters already joined, so the
    // queries run in rounds (every kRounds-th point, then the next offset):
    // between rounds each node learns whether all its core points are
    // already in one set, and a query skips such a node when that set is its
    // own (sets only ever merge, so the knowledge never goes stale).
    UnionFind sets(n);
    constexpr index_t kNoCore = -2, kMixed = -1;
    std::vector<index_t> node_set(static_cast<size_t>(n_nodes), kMixed);
    auto refresh_node_sets = [&] {
        for (index_t v = n_nodes - 1; v >= 0; --v) {
            const Node& node = t.nodes[v];
            index_t set = kNoCore;
            if (node.left < 0) {
                for (index_t u = node.start; u < node.end && set != kMixed; ++u) {
                    if (!core[u]) continue;
                    const index_t root = sets.find(u);
                    set = set == kNoCore || set == root ? root : kMixed;
                }
            } else {
                const index_t a = node_set[node.left], b = node_set[node.right];
                set = a == kNoCore ? b : (b == kNoCore || a == b ? a : kMixed);
            }
            node_set[v] = set;
        }
    };
    // Nodes whose bounding box fits within eps (duplicates, dense spots)
    // have all their core points mutually close: join them up front, so
    // that even the first round skips such nodes instead of comparing every
    // pair inside them.
    {
        std::vector<index_t> stack{0};
        while (!stack.empty()) {
            const index_t v = stack.back();
            stack.pop_back();
            const Node& node = t.nodes[v];
            if (node_cores[v] < 2) continue;
            if (boxes_max_distance<M>(t.node_lo(v), t.node_hi(v), t.node_lo(v), t.node_hi(v), d) <= threshold) {
                index_t anchor = -1;
                for (index_t u = node.start; u < node.end; ++u)
                    if (core[u]) {
                        if (anchor < 0) anchor = u;
                        else sets.parent(u) = anchor;  // serial, before any other link
                    }
            } else if (node.left >= 0) {
                stack.push_back(node.left);
                stack.push_back(node.right);
            }
        }
    }
    constexpr index_t kRounds = 8;
    for (index_t round = 0; round < kRounds; ++round) {
        refresh_node_sets();
        const index_t count = round < n ? ceil_div(n - round, kRounds) : 0;
        parallel_points(count, n_threads, interrupt, [&](index_t k, std::vector<index_t>& stack) {
            const index_t s = round + k * kRounds;
            if (!core[s]) return;
            const double* q = t.point(s);
            stack.assign(1, 0);
            while (!stack.empty()) {
                const index_t v = stack.back();
                stack.pop_back();
                const Node& node = t.nodes[v];
                if (node.end <= s + 1 || node_cores[v] == 0) continue;
                const index_t set = node_set[v];
                if (set >= 0 && sets.find(set) == sets.find(s)) continue;
                if (box_min_distance<M>(q, t.node_lo(v), t.node_hi(v), d) > threshold) continue;
                if (set >= 0 && box_max_distance<M>(q, t.node_lo(v), t.node_hi(v), d) <= threshold) {
                    sets.unite(s, set);  // every core point of the node is a neighbour
                    continue;
                }
                if (node.left < 0) {
                    for (index_t u = std::max(node.start, s + 1); u < node.end; ++u)
                        if (core[u] && !sets.same(s, u) && reduced_distance<M>(q, t.point(u), d) <= threshold)
                            sets.unite(s, u);
                } else {
                    stack.push_back(node.right);
                    stack.push_back(node.left);
                }
            }
        });
    }

    std::vector<index_t> cluster_of;
    number_clusters(n, t.position.data(), core.data(), sets, cluster_of);

    // Lowest cluster number per node, so that border queries skip nodes
    // that cannot lower their best candidate.
    constexpr index_t kNone = std::numeric_limits<index_t>::max();
    std::vector<index_t> node_min(static_cast<size_t>(n_nodes), kNone);
    for (index_t v = n_nodes - 1; v >= 0; --v) {
        const Node& node = t.nodes[v];
        if (node.left < 0) {
            for (index_t s = node.start; s < node.end; ++s)
                if (core[s]) node_min[v] = std::min(node_min[v], cluster_of[s]);
        } else {
            node_min[v] = std::min(node_min[node.left], node_min[node.right]);
        }
    }

    // 3. Border points join the lowest-numbered cluster among their core neighbours.
    std::vector<index_t> label(cluster_of);
    parallel_points(n, n_threads, interrupt, [&](index_t s, std::vector<index_t>& stack) {
        if (core[s]) return;
        const double* q = t.point(s);
        index_t best = kNone;
        stack.assign(1, 0);
        while (!stack.empty()) {
            const index_t v = stack.back();
            stack.pop_back();
            if (node_min[v] >= best) continue;
            if (box_min_distance<M>(q, t.node_lo(v), t.node_hi(v), d) > threshold) continue;
            const Node& node = t.nodes[v];
            if (node.left < 0) {
                for (index_t u = node.start; u < node.end; ++u)
                    if (core[u] && cluster_of[u] < best && reduced_distance<M>(q, t.point(u), d) <= threshold)
                        best = cluster_of[u];
            } else {
                stack.push_back(node.right);
                stack.push_back(node.left);
            }
        }
        label[s] = best == kNone ? -1 : best;
    });

    for (index_t s = 0; s < n; ++s) {
        is_core[t.original[s]] = core[s];
        labels[t.original[s]] = label[s];
    }
}

}  // namespace

void dbscan_kdtree(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
                   std::int64_t* labels) {
    switch (p.metric) {
        case DbscanMetric::euclidean: return run<Euclidean>(p, n_threads, interrupt, is_core, labels);
        case DbscanMetric::manhattan: return run<Manhattan>(p, n_threads, interrupt, is_core, labels);
        case DbscanMetric::chebyshev: return run<Chebyshev>(p, n_threads, interrupt, is_core, labels);
    }
}

}  // namespace zoo::cluster::dbscan_detail
