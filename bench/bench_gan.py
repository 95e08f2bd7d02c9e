"""GANs on the 2-D mode-collapse tests: zoo.GAN's speed against PyTorch, and
how many modes each remedy covers.

The work (both libraries, float32): a generator from a 2-D standard normal
latent through two ReLU layers of 128 units to a linear 2-D output, and a
discriminator from the 2-D input through two leaky-ReLU layers of 128 units
(slope 0.01) to one logit, with or without spectral normalisation of its
three weight matrices (one power iteration per discriminator step); Adam
with betas 0.5/0.999 and eps 1e-8, learning rate 2e-4 for both networks,
the non-saturating loss.
One epoch is one pass over the data in shuffled mini-batches of 128: each
real batch gives one discriminator step against as many generated rows
(generated without gradients, real and generated rows through the
discriminator as one batch), and after every n_critic discriminator steps
the generator takes one step on a fresh latent batch of 128 (gradients
through the discriminator to its input only, not into its weights).

Two parts:

- ``CASES`` for the benchmark runner (``python -m zoo bench --only gan``):
  the time per epoch of that GAN in zoo and in PyTorch on CPU, with the
  modes the trained generator covers as the quality columns.
- The quality table (``python -m bench.bench_gan``, from the repository
  root): modes covered and the share of high-quality samples
  (:func:`zoo.metrics.mode_coverage` on 2,500 samples) on the ring of 8
  Gaussians and the grid of 25, over 5 seeds, for the plain GAN and each
  remedy. ``--library pytorch`` runs the recipes the PyTorch reference
  supports (loss, n_critic, weight clipping, learning rates), to compare
  zoo's numbers with the same GAN written in PyTorch.

    python -m bench.bench_gan                       # every recipe, ring and grid, seeds 0-4
    python -m bench.bench_gan --recipe plain --recipe minibatch-std --data ring
    python -m bench.bench_gan --library pytorch --recipe plain --epochs 40
    python -m bench.bench_gan --list                # the recipes
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import importlib.util
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

import numpy as np

import zoo
from zoo.datasets import make_gaussian_grid, make_gaussian_ring
from zoo.metrics import mode_coverage

from .harness import Case

# PyTorch is imported when a case or run needs it: loading its OpenMP
# runtime into the process is no business of the other benchmarks.
HAVE_TORCH = importlib.util.find_spec("torch") is not None
# zoo.GAN is being written; until it lands there is no zoo side to time.
HAVE_ZOO_GAN = hasattr(zoo, "GAN")

GENERATOR_LAYERS = (128, 128)
DISCRIMINATOR_LAYERS = (128, 128)
LATENT_DIM = 2
BATCH_SIZE = 128
GENERATOR_LEARNING_RATE = 2e-4
DISCRIMINATOR_LEARNING_RATE = 2e-4
BETAS = (0.5, 0.999)
EPS = 1e-8
LEAKY_SLOPE = 0.01

DATA_SEED = 0
N_TRAIN = 10_000          # 79 mini-batches of 128 per epoch
# Epochs per fit: the ring converges within about 4,700 generator steps; the
# grid's 25 narrow modes need about 20,000 (measured: the spectral-norm GAN
# covered 4 of 25 after 125 epochs, all 25 from 225 on).
EPOCHS = {"ring": 60, "grid": 300}
N_EVAL_SAMPLES = 2_500    # the generated samples mode_coverage judges, as in VEEGAN
SEEDS = 5
TIMED_EPOCHS = 5


@dataclasses.dataclass(frozen=True)
class Mixture:
    """A mode-collapse test: training data and the truth to judge samples by."""

    name: str
    X: np.ndarray          # float32 (n, 2)
    centers: np.ndarray    # (n_modes, 2)
    std: float


@functools.lru_cache(maxsize=4)
def mixture(name: str, n_samples: int = N_TRAIN) -> Mixture:
    """The ring of 8 Gaussians (std 0.02) or the 5 x 5 grid (std 0.05)."""
    make, std = {"ring": (make_gaussian_ring, 0.02), "grid": (make_gaussian_grid, 0.05)}[name]
    X, _, centers = make(n_samples, std=std, random_state=DATA_SEED, dtype=np.float32, return_centers=True)
    return Mixture(name, X, centers.astype(np.float64), std)


def coverage(data: Mixture, sample: Callable[[int, int], np.ndarray], seed: int = 0) -> dict:
    """Modes covered and the high-quality share of N_EVAL_SAMPLES generated points."""
    result = mode_coverage(sample(N_EVAL_SAMPLES, seed), data.centers, data.std)
    return {"modes_covered": result.modes_covered, "high_quality": result.high_quality_fraction}


# ------------------------------------------------------------------ zoo


def fit_zoo_gan(X: np.ndarray, params: dict, epochs: int, seed: int, threads: int):
    """zoo's side: the GAN of the module docstring, plus a recipe's changes.
    Returns sample(n, seed) -> (n, 2) array."""
    model = zoo.GAN(
        GENERATOR_LAYERS,
        DISCRIMINATOR_LAYERS,
        LATENT_DIM,
        **{
            "generator_learning_rate": GENERATOR_LEARNING_RATE,
            "discriminator_learning_rate": DISCRIMINATOR_LEARNING_RATE,
            "batch_size": BATCH_SIZE,
            "spectral_norm": False,
            **params,
        },
        epochs=epochs,
        random_state=seed,
        n_jobs=threads,
    ).fit(X)
    return lambda n, sample_seed: model.sample(n, random_state=sample_seed)


# -------------------------------------------------------------- PyTorch


@functools.lru_cache(maxsize=1)
def _torch():
    return importlib.import_module("torch")


# What the PyTorch reference implements of the recipes' parameters.
TORCH_PARAMETERS = {"loss", "n_critic", "weight_clip", "generator_learning_rate", "discriminator_learning_rate",
                    "spectral_norm"}


def _torch_logit_losses(loss: str):
    """(discriminator loss on real logits, on generated logits, generator
    loss on generated logits), each a mean over the batch."""
    F = _torch().nn.functional
    if loss in ("non_saturating", "minimax"):
        generator = (lambda fake: F.softplus(-fake).mean()) if loss == "non_saturating" else (
            lambda fake: -F.softplus(fake).mean())  # minimises log(1 - sigmoid)
        return (lambda real: F.softplus(-real).mean(), lambda fake: F.softplus(fake).mean(), generator)
    if loss == "least_squares":
        return (lambda real: 0.5 * ((real - 1) ** 2).mean(), lambda fake: 0.5 * (fake**2).mean(),
                lambda fake: 0.5 * ((fake - 1) ** 2).mean())
    if loss == "hinge":
        return (lambda real: F.relu(1 - real).mean(), lambda fake: F.relu(1 + fake).mean(),
                lambda fake: -fake.mean())
    if loss == "wasserstein":
        return (lambda real: -real.mean(), lambda fake: fake.mean(), lambda fake: -fake.mean())
    raise ValueError(f"the PyTorch reference has no loss {loss!r}")


def fit_torch_gan(X: np.ndarray, params: dict, epochs: int, seed: int, threads: int):
    """The same GAN, written in PyTorch as one would for speed: a plain loop
    over index permutations, real and generated rows through the
    discriminator as one batch, no weight gradients for the discriminator
    on the generator's step. PyTorch's default initialisation.
    Returns sample(n, seed) -> (n, 2) array."""
    unknown = set(params) - TORCH_PARAMETERS
    if unknown:
        raise ValueError(f"the PyTorch reference does not implement {sorted(unknown)}")
    torch = _torch()
    nn = torch.nn
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    n_critic = params.get("n_critic", 1)
    clip = params.get("weight_clip")
    real_loss, fake_loss, generator_loss = _torch_logit_losses(params.get("loss", "non_saturating"))

    def stack(sizes, activation, linear=nn.Linear):
        layers = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [linear(fan_in, fan_out), activation()]
        return nn.Sequential(*layers[:-1])  # a linear output

    def spectral_linear(fan_in, fan_out):  # one power iteration per training forward, as zoo
        return nn.utils.parametrizations.spectral_norm(nn.Linear(fan_in, fan_out))

    n_features = X.shape[1]
    generator = stack((LATENT_DIM, *GENERATOR_LAYERS, n_features), nn.ReLU)
    discriminator = stack((n_features, *DISCRIMINATOR_LAYERS, 1), lambda: nn.LeakyReLU(LEAKY_SLOPE),
                          spectral_linear if params.get("spectral_norm") else nn.Linear)
    generator_optimizer = torch.optim.Adam(
        generator.parameters(), lr=params.get("generator_learning_rate", GENERATOR_LEARNING_RATE),
        betas=BETAS, eps=EPS)
    discriminator_optimizer = torch.optim.Adam(
        discriminator.parameters(), lr=params.get("discriminator_learning_rate", DISCRIMINATOR_LEARNING_RATE),
        betas=BETAS, eps=EPS)

    data = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    n = data.shape[0]
    m = min(BATCH_SIZE, n)
    rng = torch.Generator().manual_seed(seed)
    phase = 0  # discriminator steps since the last generator step, across epochs
    for _ in range(epochs):
        order = torch.randperm(n, generator=rng)
        for start in range(0, n, m):
            real = data[order[start:start + m]]
            rows = real.shape[0]
            with torch.no_grad():
                fake = generator(torch.randn(rows, LATENT_DIM, generator=rng))
            logits = discriminator(torch.cat([real, fake]))
            loss = real_loss(logits[:rows]) + fake_loss(logits[rows:])
            discriminator_optimizer.zero_grad(set_to_none=True)
            loss.backward()
            discriminator_optimizer.step()
            if clip:
                with torch.no_grad():
                    for weight in discriminator.parameters():
                        weight.clamp_(-clip, clip)
            phase += 1
            if phase < n_critic:
                continue
            phase = 0
            discriminator.requires_grad_(False)
            loss = generator_loss(discriminator(generator(torch.randn(m, LATENT_DIM, generator=rng))))
            generator_optimizer.zero_grad(set_to_none=True)
            loss.backward()
            generator_optimizer.step()
            discriminator.requires_grad_(True)

    def sample(count, sample_seed):
        latent = torch.randn(count, LATENT_DIM, generator=torch.Generator().manual_seed(sample_seed))
        with torch.no_grad():
            return generator(latent).numpy().astype(np.float64)

    return sample


FITTERS = {"zoo": fit_zoo_gan, "pytorch": fit_torch_gan}


# ------------------------------------------------ the timed cases (harness)


@dataclasses.dataclass(frozen=True)
class Problem:
    data: Mixture
    epochs: int


def timing_setup(quick: bool) -> Problem:
    if HAVE_TORCH:
        _torch()  # import untimed
    if quick:  # the harness counts a quick call as one epoch
        return Problem(mixture("ring", 512), epochs=1)
    return Problem(mixture("ring"), epochs=TIMED_EPOCHS)


def timing_contenders(params: dict) -> dict:
    def contender(fit):
        return lambda p, threads, seed: fit(p.data.X, params, p.epochs, seed, threads)

    runs = {"zoo": contender(fit_zoo_gan)}
    if HAVE_TORCH:
        runs["PyTorch"] = contender(fit_torch_gan)
    return runs


def timed_case(name: str, params: dict, discriminator: str) -> Case:
    return Case(
        name=name,
        description=(
            f"GAN training, {TIMED_EPOCHS} epochs from a fresh model, time per epoch: generator "
            f"2-128-128-2 (ReLU, linear output), discriminator 2-128-128-1 ({discriminator}), "
            "non-saturating loss, Adam (betas 0.5/0.999, eps 1e-8, learning rate 2e-4 for both), batch size "
            "128, n_critic 1: per shuffled real batch one discriminator step against as many generated rows, "
            "then one generator step on 128 fresh latent rows; float32. "
            f"Data: the ring of 8 Gaussians (make_gaussian_ring, std 0.02), {N_TRAIN:,} points, seed "
            f"{DATA_SEED}. Quality (untimed): modes covered and the high-quality share of "
            f"{N_EVAL_SAMPLES:,} samples after these few epochs (the quality table in bench_gan.py "
            "trains to convergence). PyTorch: a plain loop over index permutations, "
            "torch.set_num_threads(threads)."
        ),
        setup=timing_setup,
        contenders=timing_contenders(params),
        quality=lambda problem, sample: coverage(problem.data, sample),
        per=TIMED_EPOCHS,
        unit="epoch",
    )


CASES = [
    timed_case("gan-ring8-b128", {}, "leaky ReLU 0.01, one logit"),
    timed_case("gan-ring8-b128-spectral", {"spectral_norm": True},
               "leaky ReLU 0.01, one logit, spectral normalisation: zoo's default GAN; PyTorch "
               "torch.nn.utils.parametrizations.spectral_norm on each Linear"),
] if HAVE_ZOO_GAN else []


# ------------------------------------------------------ the quality table


@dataclasses.dataclass(frozen=True)
class Recipe:
    params: dict     # GAN keywords on top of the module's defaults
    note: str


# The plain GAN: zoo's defaults without spectral normalisation (one learning
# rate, DCGAN's 2e-4, for both networks). Every remedy changes only its own
# parameters of the plain GAN.
PLAIN = {"generator_learning_rate": 2e-4, "discriminator_learning_rate": 2e-4, "spectral_norm": False}
RECIPES = {
    "plain": Recipe(PLAIN, "non-saturating loss, one learning rate (2e-4)"),
    "minimax": Recipe({**PLAIN, "loss": "minimax"}, "the original minimax loss"),
    "least-squares": Recipe({**PLAIN, "loss": "least_squares"}, "least-squares loss (LSGAN)"),
    "hinge": Recipe({**PLAIN, "loss": "hinge"}, "hinge loss"),
    "two-time-scale": Recipe({**PLAIN, "generator_learning_rate": 1e-4, "discriminator_learning_rate": 4e-4},
                             "learning rates 1e-4 generator, 4e-4 discriminator"),
    "wgan-clip": Recipe({**PLAIN, "loss": "wasserstein", "weight_clip": 0.01, "n_critic": 5},
                        "Wasserstein loss, weights clipped to 0.01, n_critic 5"),
    "wgan-spectral": Recipe({**PLAIN, "loss": "wasserstein", "spectral_norm": True, "n_critic": 5},
                            "Wasserstein loss, spectral normalisation, n_critic 5"),
    "spectral-norm": Recipe({**PLAIN, "spectral_norm": True}, "spectral normalisation (zoo's default GAN)"),
    "minibatch-discrimination": Recipe({**PLAIN, "minibatch_discrimination": 16},
                                       "mini-batch discrimination, 16 kernels"),
    "minibatch-std": Recipe({**PLAIN, "minibatch_std": True}, "mini-batch standard deviation feature"),
}


def quality_run(library: str, data_name: str, params: dict, epochs: int, seed: int) -> dict:
    """One fit on one seed, judged; one thread, so processes run side by side."""
    data = mixture(data_name)
    started = time.perf_counter()
    sample = FITTERS[library](data.X, params, epochs, seed, 1)
    seconds = time.perf_counter() - started
    return {**coverage(data, sample, seed), "seed": seed, "seconds": seconds}


def quality_table(rows: list[dict]) -> str:
    """Markdown: one line per (recipe, data), the seeds' results side by side."""
    lines = ["| recipe | data | modes covered per seed | mean modes | seeds with every mode | "
             "mean high-quality share |", "|---|---|---|--:|--:|--:|"]
    for row in rows:
        modes = [run["modes_covered"] for run in row["runs"]]
        every = sum(covered == row["n_modes"] for covered in modes)
        lines.append(
            f"| {row['recipe']} | {row['data']} | {' '.join(map(str, modes))} (of {row['n_modes']}) | "
            f"{statistics.fmean(modes):.1f} | {every} of {len(modes)} | "
            f"{statistics.fmean(run['high_quality'] for run in row['runs']):.3f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--library", choices=sorted(FITTERS), default="zoo")
    parser.add_argument("--recipe", action="append", choices=sorted(RECIPES),
                        help="a recipe to run (repeat for several; default: all)")
    parser.add_argument("--data", action="append", choices=("ring", "grid"),
                        help="a mixture (repeat for both; default: ring and grid)")
    parser.add_argument("--epochs", type=int, help=f"epochs per fit (default per mixture: {EPOCHS})")
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"random_state 0 .. SEEDS-1 (default {SEEDS})")
    parser.add_argument("--processes", type=int, default=1, help="fits run at once (default 1)")
    parser.add_argument("--list", action="store_true", help="list the recipes and exit")
    args = parser.parse_args(argv)

    if args.list:
        for name, recipe in RECIPES.items():
            print(f"{name:25} {recipe.note}: {recipe.params}")
        return 0
    recipes = args.recipe or list(RECIPES)
    if args.library == "pytorch":
        skipped = [name for name in recipes if set(RECIPES[name].params) - TORCH_PARAMETERS]
        if skipped:
            print(f"not in the PyTorch reference, skipped: {', '.join(skipped)}", file=sys.stderr)
        recipes = [name for name in recipes if name not in skipped]
    if args.library == "zoo" and not HAVE_ZOO_GAN:
        print("this zoo has no GAN yet; --library pytorch runs the reference", file=sys.stderr)
        return 2
    datasets = args.data or ["ring", "grid"]
    epochs = {name: args.epochs or EPOCHS[name] for name in datasets}

    def epochs_for(recipe: str, data_name: str) -> int:
        # As many generator steps for every recipe: n_critic discriminator steps per generator step
        # means n_critic times the epochs (measured: the Wasserstein GAN with spectral norm covered 1-3
        # ring modes after 60 epochs at n_critic 5, 8 after 200).
        return epochs[data_name] * RECIPES[recipe].params.get("n_critic", 1)

    print(f"{args.library}: {epochs} epochs (times n_critic) of {N_TRAIN:,} points, batch {BATCH_SIZE}; "
          f"{N_EVAL_SAMPLES:,} samples judged; seeds 0-{args.seeds - 1}", flush=True)

    rows = []
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        jobs = [(name, data_name, [pool.submit(quality_run, args.library, data_name, RECIPES[name].params,
                                               epochs_for(name, data_name), seed)
                                   for seed in range(args.seeds)])
                for name in recipes for data_name in datasets]
        for name, data_name, futures in jobs:
            runs = [future.result() for future in futures]
            rows.append({"recipe": name, "data": data_name, "runs": runs,
                         "n_modes": len(mixture(data_name).centers)})
            print(f"{name:25} {data_name}: modes {[run['modes_covered'] for run in runs]}, high quality "
                  f"{[round(run['high_quality'], 3) for run in runs]}, "
                  f"mean fit {statistics.fmean(run['seconds'] for run in runs):.1f} s", flush=True)
    print()
    print(quality_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
