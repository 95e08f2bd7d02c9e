// DBSCAN on a uniform grid (Gan & Tao 2015; Wang, Gu & Shun 2020), euclidean
// metric, low dimensions. Cells have side eps/sqrt(d), so two points of one
// cell are always neighbours: a cell holding min_samples of weight makes all
// its points core without a distance, and all core points of a cell belong
// to one cluster, so the union-find links cells, checking one pair of core
// points per neighbouring pair of cells at most until one is close enough.
// Points are sorted by cell (a radix sort on the cell key), so memory is O(n).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "dbscan_detail.hpp"

namespace zoo::cluster::dbscan_detail {

namespace {

// Cell side a hair under eps/sqrt(d) so that rounding in the cell index can
// never put two points farther than eps apart into one cell; the exact test
// below (the cell's bounding box) is what the shortcut relies on anyway.
constexpr double kSideShrink = 1.0 - 1e-9;
constexpr double kMaxCells = 4.0e18;

double cell_side(const DbscanProblem& p) { return p.eps / std::sqrt(static_cast<double>(p.d)) * kSideShrink; }

// Grid extent per dimension, or false when the number of cells in the
// bounding box would not fit a 62-bit key (extreme outliers); the caller
// then falls back to the KD-tree.
bool grid_extent(const DbscanProblem& p, std::vector<double>& lo, std::vector<index_t>& range) {
    const index_t d = p.d;
    lo.assign(static_cast<size_t>(d), std::numeric_limits<double>::infinity());
    std::vector<double> hi(static_cast<size_t>(d), -std::numeric_limits<double>::infinity());
    for (index_t i = 0; i < p.n; ++i)
        for (index_t k = 0; k < d; ++k) {
            const double v = p.x[i * d + k];
            lo[static_cast<size_t>(k)] = std::min(lo[static_cast<size_t>(k)], v);
            hi[static_cast<size_t>(k)] = std::max(hi[static_cast<size_t>(k)], v);
        }
    const double side = cell_side(p);
    double cells = 1;
    range.assign(static_cast<size_t>(d), 1);
    for (index_t k = 0; k < d; ++k) {
        const double extent = std::floor((hi[static_cast<size_t>(k)] - lo[static_cast<size_t>(k)]) / side) + 1;
        cells *= extent;
        if (!(cells < kMaxCells)) return false;
        range[static_cast<size_t>(k)] = static_cast<index_t>(extent);
    }
    return true;
}

// Stable LSD radix sort of (key, index) pairs, 8 bits a pass, only as many
// passes as the largest key needs. Equal keys keep index order.
void radix_sort(std::vector<std::uint64_t>& keys, std::vector<index_t>& index, std::uint64_t max_key) {
    const size_t n = keys.size();
    std::vector<std::uint64_t> keys_tmp(n);
    std::vector<index_t> index_tmp(n);
    for (int shift = 0; shift < 64 && (max_key >> shift) != 0; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; ++i) ++count[((keys[i] >> shift) & 0xFF) + 1];
        for (int b = 0; b < 256; ++b) count[b + 1] += count[b];
        for (size_t i = 0; i < n; ++i) {
            const size_t slot = count[(keys[i] >> shift) & 0xFF]++;
            keys_tmp[slot] = keys[i];
            index_tmp[slot] = index[i];
        }
        keys.swap(keys_tmp);
        index.swap(index_tmp);
    }
}

struct Grid {
    index_t n = 0, d = 0, n_cells = 0;
    std::vector<double> x;          // points in cell order, n x d
    std::vector<double> w;          // their weights
    std::vector<index_t> original;  // cell order -> caller's index
    std::vector<index_t> position;  // caller's index -> cell order
    std::vector<index_t> start;     // cell c holds points [start[c], start[c + 1])
    std::vector<std::uint64_t> key;
    std::vector<double> lo, hi;     // bounding box of each cell's points
    std::vector<double> weight;     // total weight of each cell
    std::vector<std::uint8_t> complete;  // bounding-box diagonal <= eps: all points mutual neighbours
    std::vector<index_t> range, stride;
    std::vector<index_t> offsets;   // stencil: n_offsets x d cell offsets
    index_t n_offsets = 0;
    std::vector<index_t> table;     // open-addressing hash: key -> cell
    std::uint64_t mask = 0;

    const double* point(index_t s) const { return x.data() + s * d; }
    const double* cell_lo(index_t c) const { return lo.data() + c * d; }
    const double* cell_hi(index_t c) const { return hi.data() + c * d; }

    static std::uint64_t hash(std::uint64_t k) { return (k * 0x9E3779B97F4A7C15ULL) ^ (k >> 29); }

    index_t find_cell(std::uint64_t k) const {
        for (std::uint64_t slot = hash(k) & mask;; slot = (slot + 1) & mask) {
            const index_t c = table[slot];
            if (c < 0 || key[static_cast<size_t>(c)] == k) return c;
        }
    }

    // Existing cells of the stencil around cell c (c itself included).
    void neighbours(index_t c, std::vector<index_t>& out, std::vector<index_t>& coord) const {
        out.clear();
        std::uint64_t rest = key[static_cast<size_t>(c)];
        for (index_t k = d - 1; k >= 0; --k) {
            coord[static_cast<size_t>(k)] = static_cast<index_t>(rest / static_cast<std::uint64_t>(stride[k]));
            rest %= static_cast<std::uint64_t>(stride[k]);
        }
        for (index_t o = 0; o < n_offsets; ++o) {
            const index_t* off = offsets.data() + o * d;
            std::uint64_t k2 = 0;
            bool inside = true;
            for (index_t k = 0; k < d && inside; ++k) {
                const index_t v = coord[static_cast<size_t>(k)] + off[k];
                inside = v >= 0 && v < range[static_cast<size_t>(k)];
                k2 += static_cast<std::uint64_t>(v) * static_cast<std::uint64_t>(stride[k]);
            }
            if (!inside) continue;
            const index_t found = find_cell(k2);
            if (found >= 0) out.push_back(found);
        }
    }
};

Grid build_grid(const DbscanProblem& p, const std::vector<double>& origin, const std::vector<index_t>& range,
                int n_threads) {
    Grid g;
    g.n = p.n;
    g.d = p.d;
    const index_t n = p.n, d = p.d;
    const double side = cell_side(p);
    g.range = range;
    g.stride.assign(static_cast<size_t>(d), 1);
    for (index_t k = 1; k < d; ++k) g.stride[k] = g.stride[k - 1] * range[k - 1];

    std::vector<std::uint64_t> keys(static_cast<size_t>(n));
    std::vector<index_t> order(static_cast<size_t>(n));
    std::uint64_t max_key = 0;
    // Which cell a point lands in near a cell boundary does not matter for
    // exactness (see kSideShrink), so a product replaces the division.
    const double inverse_side = 1.0 / side;
#pragma omp parallel for schedule(static) num_threads(n_threads) reduction(max : max_key)
    for (index_t i = 0; i < n; ++i) {
        std::uint64_t k2 = 0;
        for (index_t k = 0; k < d; ++k) {
            index_t c = static_cast<index_t>((p.x[i * d + k] - origin[k]) * inverse_side);
            c = std::min(std::max<index_t>(c, 0), range[k] - 1);
            k2 += static_cast<std::uint64_t>(c) * static_cast<std::uint64_t>(g.stride[k]);
        }
        keys[i] = k2;
        order[i] = i;
        max_key = std::max(max_key, k2);
    }
    radix_sort(keys, order, max_key);

    g.original = order;
    g.position.resize(static_cast<size_t>(n));
    g.x.resize(static_cast<size_t>(n * d));
    g.w.resize(static_cast<size_t>(n));
#pragma omp parallel for schedule(static) num_threads(n_threads)
    for (index_t s = 0; s < n; ++s) {
        const index_t i = order[s];
        g.position[i] = s;
        for (index_t k = 0; k < d; ++k) g.x[s * d + k] = p.x[i * d + k];
        g.w[s] = p.weight[i];
    }
    for (index_t s = 0; s < n; ++s) {
        if (s == 0 || keys[s] != keys[s - 1]) {
            g.start.push_back(s);
            g.key.push_back(keys[s]);
        }
    }
    g.n_cells = static_cast<index_t>(g.key.size());
    g.start.push_back(n);

    const double threshold = Euclidean::threshold(p.eps);
    g.lo.resize(static_cast<size_t>(g.n_cells * d));
    g.hi.resize(static_cast<size_t>(g.n_cells * d));
    g.weight.assign(static_cast<size_t>(g.n_cells), 0.0);
    g.complete.resize(static_cast<size_t>(g.n_cells));
#pragma omp parallel for schedule(static) num_threads(n_threads)
    for (index_t c = 0; c < g.n_cells; ++c) {
        double* lo = g.lo.data() + c * d;
        double* hi = g.hi.data() + c * d;
        for (index_t k = 0; k < d; ++k) lo[k] = hi[k] = g.point(g.start[c])[k];
        double total = 0;
        for (index_t s = g.start[c]; s < g.start[c + 1]; ++s) {
            for (index_t k = 0; k < d; ++k) {
                lo[k] = std::min(lo[k], g.point(s)[k]);
                hi[k] = std::max(hi[k], g.point(s)[k]);
            }
            total += g.w[s];
        }
        g.weight[c] = total;
        g.complete[c] = boxes_max_distance<Euclidean>(lo, hi, lo, hi, d) <= threshold;
    }

    // Stencil: offsets up to floor(sqrt(d)) + 1 cells away per axis whose
    // closest points can be within eps (the margin covers index rounding).
    const index_t reach = static_cast<index_t>(std::floor(std::sqrt(static_cast<double>(d)))) + 1;
    const index_t width = 2 * reach + 1;
    index_t total = 1;
    for (index_t k = 0; k < d; ++k) total *= width;
    std::vector<std::pair<index_t, index_t>> kept;  // (squared offset length, stencil entry)
    for (index_t t = 0; t < total; ++t) {
        index_t rest = t, gap2 = 0, length2 = 0;
        for (index_t k = 0; k < d; ++k) {
            const index_t o = rest % width - reach;
            rest /= width;
            const index_t gap = std::max<index_t>(std::abs(o) - 1, 0);
            gap2 += gap * gap;
            length2 += o * o;
        }
        if (gap2 <= d) kept.emplace_back(length2, t);
    }
    // Nearest offsets first (the cell itself leads): counts reach
    // min_samples sooner and stop early.
    std::sort(kept.begin(), kept.end());
    for (const auto& entry : kept) {
        index_t rest = entry.second;
        for (index_t k = 0; k < d; ++k) {
            g.offsets.push_back(rest % width - reach);
            rest /= width;
        }
        ++g.n_offsets;
    }

    std::uint64_t capacity = 16;
    while (capacity < 2 * static_cast<std::uint64_t>(g.n_cells)) capacity <<= 1;
    g.mask = capacity - 1;
    g.table.assign(capacity, -1);
    for (index_t c = 0; c < g.n_cells; ++c) {
        std::uint64_t slot = Grid::hash(g.key[c]) & g.mask;
        while (g.table[slot] >= 0) slot = (slot + 1) & g.mask;
        g.table[slot] = c;
    }
    return g;
}

template <class F>
void parallel_cells(index_t n_cells, int n_threads, const InterruptCheck& interrupt, F&& body) {
    in_slices(n_cells, index_t{1} << 12, interrupt, [&](index_t begin, index_t end) {
        ExceptionCarrier carrier;
#pragma omp parallel num_threads(checked_threads(n_threads))
        {
            std::vector<index_t> scratch, coord;
            carrier.run([&] { coord.resize(64); });
#pragma omp for schedule(dynamic, 64)
            for (index_t c = begin; c < end; ++c) carrier.run([&] { body(c, scratch, coord); });
        }
        carrier.rethrow();
    });
}

}  // namespace

bool dbscan_grid_fits(const DbscanProblem& p) {
    std::vector<double> lo;
    std::vector<index_t> range;
    return p.metric == DbscanMetric::euclidean && p.d <= 3 && grid_extent(p, lo, range);
}

void dbscan_grid(const DbscanProblem& p, int n_threads, const InterruptCheck& interrupt, std::uint8_t* is_core,
                 std::int64_t* labels) {
    std::vector<double> origin;
    std::vector<index_t> range;
    if (p.metric != DbscanMetric::euclidean || p.d > 3 || !grid_extent(p, origin, range))
        throw std::invalid_argument("the grid needs the euclidean metric, at most 3 features and a bounded extent");
    const Grid g = build_grid(p, origin, range, checked_threads(n_threads));
    const index_t d = g.d, n = g.n;
    const double threshold = Euclidean::threshold(p.eps);
    std::vector<std::uint8_t> core(static_cast<size_t>(n), 0);

    // 1. Weighted neighbour counts; whole cells at once where a box test decides.
    parallel_cells(g.n_cells, n_threads, interrupt, [&](index_t c, std::vector<index_t>& nb, std::vector<index_t>& coord) {
        if (g.complete[c] && g.weight[c] >= p.min_samples) {
            for (index_t s = g.start[c]; s < g.start[c + 1]; ++s) core[s] = 1;
            return;
        }
        g.neighbours(c, nb, coord);
        for (index_t s = g.start[c]; s < g.start[c + 1]; ++s) {
            const double* q = g.point(s);
            double count = 0;
            // Nearest cells first (the stencil is sorted), stopping as soon
            // as the point is known to be core.
            for (index_t c2 : nb) {
                if (count >= p.min_samples) break;
                if (box_min_distance<Euclidean>(q, g.cell_lo(c2), g.cell_hi(c2), d) > threshold) continue;
                if (box_max_distance<Euclidean>(q, g.cell_lo(c2), g.cell_hi(c2), d) <= threshold) {
                    count += g.weight[c2];
                    continue;
                }
                for (index_t t = g.start[c2]; t < g.start[c2 + 1]; ++t)
                    if (reduced_distance<Euclidean>(q, g.point(t), d) <= threshold) count += g.w[t];
            }
            core[s] = count >= p.min_samples;
        }
    });

    // 2. Union-find over core points. The core points of a complete cell
    // hang below its first core point from the start; cells are then linked
    // by any one close pair of core points.
    std::vector<index_t> first_core(static_cast<size_t>(g.n_cells), -1);
    UnionFind sets(n);
    for (index_t c = 0; c < g.n_cells; ++c) {
        for (index_t s = g.start[c]; s < g.start[c + 1]; ++s) {
            if (!core[s]) continue;
            if (first_core[c] < 0) first_core[c] = s;
            else if (g.complete[c]) sets.parent(s) = first_core[c];
        }
    }
    auto close_core_pair = [&](index_t c, index_t c2) {
        for (index_t s = g.start[c]; s < g.start[c + 1]; ++s) {
            if (!core[s]) continue;
            const double* q = g.point(s);
            if (box_min_distance<Euclidean>(q, g.cell_lo(c2), g.cell_hi(c2), d) > threshold) continue;
            for (index_t t = g.start[c2]; t < g.start[c2 + 1]; ++t)
                if (core[t] && reduced_distance<Euclidean>(q, g.point(t), d) <= threshold) return true;
        }
        return false;
    };
    parallel_cells(g.n_cells, n_threads, interrupt, [&](index_t c, std::vector<index_t>& nb, std::vector<index_t>& coord) {
        if (first_core[c] < 0) return;
        g.neighbours(c, nb, coord);
        if (!g.complete[c]) {
            // Rare (rounding at the cell's edge): link point by point.
            for (index_t c2 : nb) {
                if (first_core[c2] < 0) continue;
                for (index_t s = g.start[c]; s < g.start[c + 1]; ++s) {
                    if (!core[s]) continue;
                    for (index_t t = g.start[c2]; t < g.start[c2 + 1]; ++t)
                        if (core[t] && reduced_distance<Euclidean>(g.point(s), g.point(t), d) <= threshold)
                            sets.unite(s, t);
                }
            }
            return;
        }
        for (index_t c2 : nb) {
            // Pairs with an incomplete cell are linked from that cell's side.
            if (c2 <= c || first_core[c2] < 0 || !g.complete[c2]) continue;
            if (sets.same(first_core[c], first_core[c2])) continue;
            const double* lo1 = g.cell_lo(c);
            const double* hi1 = g.cell_hi(c);
            if (boxes_min_distance<Euclidean>(lo1, hi1, g.cell_lo(c2), g.cell_hi(c2), d) > threshold) continue;
            if (boxes_max_distance<Euclidean>(lo1, hi1, g.cell_lo(c2), g.cell_hi(c2), d) <= threshold ||
                close_core_pair(c, c2))
                sets.unite(first_core[c], first_core[c2]);
        }
    });

    std::vector<index_t> cluster_of;
    number_clusters(n, g.position.data(), core.data(), sets, cluster_of);

    // 3. Border points join the lowest-numbered cluster among their core neighbours.
    std::vector<index_t> label(cluster_of);
    parallel_cells(g.n_cells, n_threads, interrupt, [&](index_t c, std::vector<index_t>& nb, std::vector<index_t>& coord) {
        bool any_border = false;
        for (index_t s = g.start[c]; s < g.start[c + 1] && !any_border; ++s) any_border = !core[s];
        if (!any_border) return;
        g.neighbours(c, nb, coord);
        for (index_t s = g.start[c]; s < g.start[c + 1]; ++s) {
            if (core[s]) continue;
            const double* q = g.point(s);
            index_t best = std::numeric_limits<index_t>::max();
            for (index_t c2 : nb) {
                if (first_core[c2] < 0) continue;
                if (box_min_distance<Euclidean>(q, g.cell_lo(c2), g.cell_hi(c2), d) > threshold) continue;
                if (g.complete[c2] && cluster_of[first_core[c2]] >= best) continue;
                for (index_t t = g.start[c2]; t < g.start[c2 + 1]; ++t)
                    if (core[t] && cluster_of[t] < best && reduced_distance<Euclidean>(q, g.point(t), d) <= threshold) {
                        best = cluster_of[t];
                        if (g.complete[c2]) break;
                    }
            }
            label[s] = best == std::numeric_limits<index_t>::max() ? -1 : best;
        }
    });

#pragma omp parallel for schedule(static) num_threads(n_threads)
    for (index_t s = 0; s < n; ++s) {
        is_core[g.original[s]] = core[s];
        labels[g.original[s]] = label[s];
    }
}

}  // namespace zoo::cluster::dbscan_detail
