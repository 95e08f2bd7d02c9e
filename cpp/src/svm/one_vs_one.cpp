// One-vs-one C-SVC: gathers each pair's samples and solves the pairs.
#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "zoo/parallel.hpp"
#include "zoo/svm.hpp"

namespace zoo::svm {

namespace {

template <class T>
PairResult solve_pair(const T* x, index_t d, const std::vector<index_t>& first,
                      const std::vector<index_t>& second, const double* upper, const SolverOptions& options,
                      const InterruptCheck& interrupt) {
    const index_t n = static_cast<index_t>(first.size() + second.size());
    std::vector<T> rows(static_cast<std::size_t>(n * d));
    std::vector<double> y(static_cast<std::size_t>(n)),
        bounds(static_cast<std::size_t>(n));
    index_t at = 0;
    for (const auto* group : {&first, &second}) {
        const double label = group == &first ? 1.0 : -1.0;
        for (index_t s : *group) {
            std::copy(x + s * d, x + (s + 1) * d, rows.begin() + at * d);
            y[static_cast<std::size_t>(at)] = label;
            bounds[static_cast<std::size_t>(at)] = upper[s];
            ++at;
        }
    }
    BinaryProblem problem;
    if constexpr (std::is_same_v<T, float>) {
        problem.x32 = rows.data();
    } else {
        problem.x = rows.data();
    }
    problem.n = n;
    problem.d = d;
    problem.y = y.data();
    problem.upper = bounds.data();
    BinaryResult solved = solve_binary(problem, options, interrupt);
    PairResult result;
    result.coef = std::move(solved.alpha);
    for (index_t k = 0; k < n; ++k) result.coef[static_cast<std::size_t>(k)] *= y[static_cast<std::size_t>(k)];
    result.rho = solved.rho;
    result.n_iter = solved.n_iter;
    result.reached_max_iter = solved.reached_max_iter;
    return result;
}

}  // namespace

template <class T>
std::vector<PairResult> solve_one_vs_one(const T* x, index_t n, index_t d, const std::int32_t* labels,
                                         const double* upper, int n_classes, const SolverOptions& options,
                                         const InterruptCheck& interrupt) {
    if (n_classes < 2) throw std::invalid_argument("an SVM needs at least 2 classes");
    std::vector<std::vector<index_t>> members(static_cast<std::size_t>(n_classes));
    for (index_t s = 0; s < n; ++s) {
        if (labels[s] < 0 || labels[s] >= n_classes) throw std::invalid_argument("class label out of range");
        members[static_cast<std::size_t>(labels[s])].push_back(s);
    }
    for (const auto& group : members)
        if (group.empty()) throw std::invalid_argument("every class needs at least one sample");
    std::vector<std::pair<int, int>> pairs;
    for (int a = 0; a < n_classes; ++a)
        for (int b = a + 1; b < n_classes; ++b) pairs.emplace_back(a, b);
    const std::int64_t n_pairs = static_cast<std::int64_t>(pairs.size());
    std::vector<PairResult> results(pairs.size());
    // Every pair's kernel rows at least once: about n^2 d multiply-adds in all.
    const int n_threads =
        team_size(static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(d), options.n_threads);
    if (n_threads > 1 && n_pairs >= 2 * n_threads) {
        // Many small problems: one per thread at a time, each with its share
        // of the cache and single-threaded kernel rows.
        SolverOptions inner = options;
        inner.n_threads = 1;
        inner.cache_mb = options.cache_mb / n_threads;
        ExceptionCarrier carrier;
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
        for (std::int64_t p = 0; p < n_pairs; ++p) {
            carrier.run([&] {
                const auto [a, b] = pairs[static_cast<std::size_t>(p)];
                // Python's signal check must run on the calling thread.
                const InterruptCheck none;
                results[static_cast<std::size_t>(p)] =
                    solve_pair(x, d, members[static_cast<std::size_t>(a)], members[static_cast<std::size_t>(b)],
                               upper, inner, omp_get_thread_num() == 0 ? interrupt : none);
            });
        }
        carrier.rethrow();
    } else {
        for (std::int64_t p = 0; p < n_pairs; ++p) {
            const auto [a, b] = pairs[static_cast<std::size_t>(p)];
            results[static_cast<std::size_t>(p)] = solve_pair(
                x, d, members[static_cast<std::size_t>(a)], members[static_cast<std::size_t>(b)], upper, options, interrupt);
        }
    }
    return results;
}

template std::vector<PairResult> solve_one_vs_one<float>(const float*, index_t, index_t, const std::int32_t*,
                                                        const double*, int, const SolverOptions&,
                                                        const InterruptCheck&);
template std::vector<PairResult> solve_one_vs_one<double>(const double*, index_t, index_t, const std::int32_t*,
                                                         const double*, int, const SolverOptions&,
                                                         const InterruptCheck&);

}  // namespace zoo::svm
