#include "zoo/envs/taxi.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace zoo::rl {

namespace {

// The map as gymnasium draws it: walls '|' sit between the cells, which are
// at odd columns 2 * col + 1 of each text row 1 + row.
constexpr const char* kMap[7] = {
    "+---------+",
    "|R: | : :G|",
    "| : | : : |",
    "| : : : : |",
    "| | : | : |",
    "|Y| : |B: |",
    "+---------+",
};
constexpr int kSize = 5;
constexpr int kStands = 4;
constexpr int kStandRow[kStands] = {0, 0, 4, 4};  // R, G, Y, B
constexpr int kStandCol[kStands] = {0, 4, 0, 3};
constexpr int kInTaxi = kStands;
enum Action { kSouth = 0, kNorth = 1, kEast = 2, kWest = 3, kPickup = 4, kDropoff = 5 };

struct Cell {
    int row, col;
};

struct Decoded {
    int row, col, passenger, destination;
};

std::int64_t encode(int row, int col, int passenger, int destination) {
    return ((static_cast<std::int64_t>(row) * kSize + col) * (kStands + 1) + passenger) * kStands + destination;
}

Decoded decode(std::int64_t s) {
    Decoded d;
    d.destination = static_cast<int>(s % kStands);
    s /= kStands;
    d.passenger = static_cast<int>(s % (kStands + 1));
    s /= kStands + 1;
    d.col = static_cast<int>(s % kSize);
    d.row = static_cast<int>(s / kSize);
    return d;
}

// The separator east of a cell (text column 2 * col + 2) and west of it (2 * col).
bool open_east(int row, int col) { return kMap[1 + row][2 * col + 2] == ':'; }
bool open_west(int row, int col) { return kMap[1 + row][2 * col] == ':'; }

int stand_at(int row, int col) {
    for (int i = 0; i < kStands; ++i)
        if (kStandRow[i] == row && kStandCol[i] == col) return i;
    return -1;
}

int clamp_index(int i) { return std::clamp(i, 0, kSize - 1); }

// A sideways slip in the rain. gymnasium checks the separator next to the
// clamped target (west of it for an eastward slip, east of it for a
// westward one) and stays put when that is a wall.
Cell slip(int row, int col, int row_step, int col_step) {
    const int new_row = clamp_index(row + row_step), new_col = clamp_index(col + col_step);
    if (col_step == 1 && kMap[1 + new_row][2 * new_col] != ':') return {row, col};
    if (col_step == -1 && kMap[1 + new_row][2 * new_col + 2] != ':') return {row, col};
    return {new_row, new_col};
}

double validated_probability(double p, const char* name) {
    if (!(p >= 0.0 && p <= 1.0))
        throw std::invalid_argument(std::string(name) + " must lie in [0, 1], got " + std::to_string(p));
    return p;
}

// Pickup and dropoff leave the taxi where it is and never slip, rain or not;
// only the passenger's place, the reward and the ending change.
toy_text::Outcome pickup_or_dropoff(int row, int col, int passenger, int destination, int action) {
    toy_text::Outcome o{1.0, 0, -1.0, false};
    int new_passenger = passenger;
    if (action == kPickup) {
        if (passenger < kStands && kStandRow[passenger] == row && kStandCol[passenger] == col)
            new_passenger = kInTaxi;
        else
            o.reward = -10.0;
    } else {
        const int stand = stand_at(row, col);
        if (passenger == kInTaxi && stand == destination) {
            new_passenger = destination;
            o.terminated = true;
            o.reward = 20.0;
        } else if (passenger == kInTaxi && stand >= 0) {
            // Dropped at another stand: the passenger waits there, no penalty.
            new_passenger = stand;
        } else {
            o.reward = -10.0;
        }
    }
    o.next_state = encode(row, col, new_passenger, destination);
    return o;
}

}  // namespace

Taxi::Taxi(bool is_rainy, bool fickle_passenger, double rainy_probability, double fickle_probability)
    : is_rainy_(is_rainy),
      fickle_passenger_(fickle_passenger),
      rainy_probability_(validated_probability(rainy_probability, "rainy_probability")),
      fickle_probability_(validated_probability(fickle_probability, "fickle_probability")),
      table_(kStates, kActions),
      action_masks_(static_cast<std::size_t>(kStates * kActions), 0) {
    // Start anywhere, with the passenger waiting at a stand other than their destination.
    std::vector<double> start(kStates, 0.0);
    double n_starts = 0.0;
    for (std::int64_t s = 0; s < kStates; ++s) {
        const Decoded d = decode(s);
        n_starts += d.passenger < kStands && d.passenger != d.destination;
    }
    for (std::int64_t s = 0; s < kStates; ++s) {
        const Decoded d = decode(s);
        if (d.passenger < kStands && d.passenger != d.destination) start[static_cast<std::size_t>(s)] = 1.0 / n_starts;
    }
    start_sums_ = toy_text::running_sums(start);

    // Forward, then the two sideways slips, for each heading (south, north, east, west).
    static constexpr int kForward[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    static constexpr int kSideA[4][2] = {{0, 1}, {0, -1}, {-1, 0}, {1, 0}};
    static constexpr int kSideB[4][2] = {{0, -1}, {0, 1}, {1, 0}, {-1, 0}};
    const double lateral_probability = (1.0 - rainy_probability_) / 2.0;

    for (std::int64_t s = 0; s < kStates; ++s) {
        const Decoded d = decode(s);
        const int row = d.row, col = d.col, passenger = d.passenger, destination = d.destination;
        for (int a = 0; a < kActions; ++a) {
            if (a == kPickup || a == kDropoff) {
                table_.add(s, a, pickup_or_dropoff(row, col, passenger, destination, a));
                continue;
            }
            const bool can_move = (a == kSouth && row < kSize - 1) || (a == kNorth && row > 0) ||
                                  (a == kEast && open_east(row, col)) || (a == kWest && open_west(row, col));
            const Cell ahead = can_move ? Cell{clamp_index(row + kForward[a][0]), clamp_index(col + kForward[a][1])}
                                        : Cell{row, col};
            auto to = [&](Cell c, double p) {
                return toy_text::Outcome{p, encode(c.row, c.col, passenger, destination), -1.0, false};
            };
            if (!is_rainy_) {
                table_.add(s, a, to(ahead, 1.0));
                continue;
            }
            // Even a blocked move keeps three outcomes (all staying put): the
            // draw, and the probability reported, depend on the list.
            const Cell side_a = can_move ? slip(row, col, kSideA[a][0], kSideA[a][1]) : Cell{row, col};
            const Cell side_b = can_move ? slip(row, col, kSideB[a][0], kSideB[a][1]) : Cell{row, col};
            table_.add(s, a, to(ahead, rainy_probability_));
            table_.add(s, a, to(side_a, lateral_probability));
            table_.add(s, a, to(side_b, lateral_probability));
        }

        std::int8_t* mask = &action_masks_[static_cast<std::size_t>(s * kActions)];
        const int stand = stand_at(row, col);
        mask[kSouth] = row < kSize - 1;
        mask[kNorth] = row > 0;
        mask[kEast] = col < kSize - 1 && open_east(row, col);
        mask[kWest] = col > 0 && open_west(row, col);
        mask[kPickup] = passenger < kStands && stand == passenger;
        mask[kDropoff] = passenger == kInTaxi && stand >= 0;
    }
}

void Taxi::reset(const Taxi& env, State& state, float* observation) {
    state.s = toy_text::categorical_sample(env.start_sums_, state.rng);
    // The draw happens only when the option is on, as in gymnasium's short-circuit `and`.
    state.fickle_step = env.fickle_passenger_ && NumpyRandom(state.rng).random() < env.fickle_probability_;
    observation[0] = static_cast<float>(state.s);
}

Transition Taxi::step(const Taxi& env, State& state, std::int64_t action, float* observation) {
    const Decoded before = decode(toy_text::checked_state(state.s, kStates));
    const toy_text::Outcome& taken = env.table_.sample(state.s, action, state.rng);
    std::int64_t next = taken.next_state;
    const Decoded after = decode(next);
    // A fickle passenger already aboard may pick a new destination once,
    // right after the taxi first moves; the new one is drawn uniformly among
    // the other three (gymnasium's np_random.choice over that list).
    if (env.fickle_passenger_ && state.fickle_step && before.passenger == kInTaxi &&
        (after.row != before.row || after.col != before.col)) {
        state.fickle_step = 0;
        const int pick = static_cast<int>(NumpyRandom(state.rng).integers(0, kStands - 1));
        const int destination = pick < before.destination ? pick : pick + 1;
        next = encode(after.row, after.col, after.passenger, destination);
    }
    state.s = next;
    observation[0] = static_cast<float>(next);
    return toy_text::report(taken);
}

}  // namespace zoo::rl
