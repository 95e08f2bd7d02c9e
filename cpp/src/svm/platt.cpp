// Probability estimates: Platt's sigmoid per binary problem, and the coupling
// of pairwise probabilities into class probabilities.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "zoo/parallel.hpp"
#include "zoo/svm.hpp"

namespace zoo::svm {

namespace {

// -log of the likelihood of target t under P = 1 / (1 + exp(z)), written so
// that exp never overflows (Lin, Lin & Weng 2007, section 3).
double sigmoid_loss(double z, double t) {
    return z >= 0.0 ? t * z + std::log1p(std::exp(-z)) : (t - 1.0) * z + std::log1p(std::exp(z));
}

}  // namespace

std::pair<double, double> platt_fit(const double* decision, const double* labels, index_t n) {
    if (n < 1) throw std::invalid_argument("Platt scaling needs at least one decision value");
    double n_pos = 0.0, n_neg = 0.0;
    for (index_t i = 0; i < n; ++i) (labels[i] > 0 ? n_pos : n_neg) += 1.0;
    // Platt's regularised targets keep A and B finite on separable data.
    const double high = (n_pos + 1.0) / (n_pos + 2.0), low = 1.0 / (n_neg + 2.0);
    std::vector<double> target(static_cast<std::size_t>(n));
    for (index_t i = 0; i < n; ++i) target[static_cast<std::size_t>(i)] = labels[i] > 0 ? high : low;
    auto objective = [&](double a, double b) {
        double total = 0.0;
        for (index_t i = 0; i < n; ++i) total += sigmoid_loss(decision[i] * a + b, target[static_cast<std::size_t>(i)]);
        return total;
    };
    double a = 0.0, b = std::log((n_neg + 1.0) / (n_pos + 1.0));
    double value = objective(a, b);
    constexpr int kMaxIter = 100;
    constexpr double kMinStep = 1e-10, kRidge = 1e-12, kGradientTol = 1e-5;
    for (int iter = 0; iter < kMaxIter; ++iter) {
        // Newton direction from the gradient and the (slightly ridged) Hessian.
        double h_aa = kRidge, h_bb = kRidge, h_ab = 0.0, g_a = 0.0, g_b = 0.0;
        for (index_t i = 0; i < n; ++i) {
            const double f = decision[i], z = f * a + b;
            double p, q;  // p = 1 / (1 + e^z), q = 1 - p, without overflow
            if (z >= 0.0) {
                const double e = std::exp(-z);
                p = e / (1.0 + e);
                q = 1.0 / (1.0 + e);
            } else {
                const double e = std::exp(z);
                p = 1.0 / (1.0 + e);
                q = e / (1.0 + e);
            }
            const double curvature = p * q, residual = target[static_cast<std::size_t>(i)] - p;
            h_aa += f * f * curvature;
            h_bb += curvature;
            h_ab += f * curvature;
            g_a += f * residual;
            g_b += residual;
        }
        if (std::fabs(g_a) < kGradientTol && std::fabs(g_b) < kGradientTol) break;
        const double det = h_aa * h_bb - h_ab * h_ab;
        const double d_a = -(h_bb * g_a - h_ab * g_b) / det;
        const double d_b = -(-h_ab * g_a + h_aa * g_b) / det;
        const double slope = g_a * d_a + g_b * d_b;
        // Backtracking with the Armijo condition.
        double step = 1.0;
        bool moved = false;
        while (step >= kMinStep) {
            const double na = a + step * d_a, nb = b + step * d_b, nv = objective(na, nb);
            if (nv < value + 1e-4 * step * slope) {
                a = na;
                b = nb;
                value = nv;
                moved = true;
                break;
            }
            step *= 0.5;
        }
        if (!moved) break;
    }
    return {a, b};
}

void pairwise_coupling(const double* pairwise, index_t n, int n_classes, double* out, int n_threads) {
    const int k = n_classes;
    if (k < 2) throw std::invalid_argument("pairwise coupling needs at least 2 classes");
    const index_t n_pairs = static_cast<index_t>(k) * (k - 1) / 2;
    // A few dozen coupling iterations over k^2 pairwise estimates per sample.
    const double work = 32.0 * static_cast<double>(n) * n_classes * n_classes;
    parallel_chunks(ceil_div(n, 256), team_size(work, n_threads), [&](std::int64_t chunk, int) {
        std::vector<double> r(static_cast<std::size_t>(k * k)), q(static_cast<std::size_t>(k * k)),
            qp(static_cast<std::size_t>(k));
        const index_t end = std::min<index_t>(n, (chunk + 1) * 256);
        for (index_t s = chunk * 256; s < end; ++s) {
            const double* rs = pairwise + s * n_pairs;
            index_t pair = 0;
            for (int i = 0; i < k; ++i)
                for (int j = i + 1; j < k; ++j) {
                    r[i * k + j] = rs[pair];
                    r[j * k + i] = 1.0 - rs[pair];
                    ++pair;
                }
            // min_p p' Q p subject to sum p = 1, Q_tt = sum_j r_jt^2,
            // Q_tj = -r_jt r_tj; solved coordinate-wise with renormalisation.
            for (int t = 0; t < k; ++t) {
                q[t * k + t] = 0.0;
                for (int j = 0; j < k; ++j) {
                    if (j == t) continue;
                    q[t * k + t] += r[j * k + t] * r[j * k + t];
                    q[t * k + j] = -r[j * k + t] * r[t * k + j];
                }
            }
            double* p = out + s * k;
            std::fill(p, p + k, 1.0 / k);
            const int max_iter = std::max(100, k);
            for (int iter = 0; iter < max_iter; ++iter) {
                double pqp = 0.0;
                for (int t = 0; t < k; ++t) {
                    qp[t] = 0.0;
                    for (int j = 0; j < k; ++j) qp[t] += q[t * k + j] * p[j];
                    pqp += p[t] * qp[t];
                }
                double worst = 0.0;
                for (int t = 0; t < k; ++t) worst = std::max(worst, std::fabs(qp[t] - pqp));
                if (worst < 0.005 / k) break;
                for (int t = 0; t < k; ++t) {
                    const double diff = (-qp[t] + pqp) / q[t * k + t];
                    p[t] += diff;
                    const double scale = 1.0 + diff;
                    pqp = (pqp + diff * (diff * q[t * k + t] + 2.0 * qp[t])) / (scale * scale);
                    for (int j = 0; j < k; ++j) {
                        qp[j] = (qp[j] + diff * q[t * k + j]) / scale;
                        p[j] /= scale;
                    }
                }
            }
        }
    });
}

}  // namespace zoo::svm
