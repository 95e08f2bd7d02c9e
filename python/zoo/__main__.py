"""Command line: ``python -m zoo tour | bench [ARGS] | --version | --help``."""

from __future__ import annotations

import argparse
import sys


def _version() -> str:
    from importlib import metadata

    import zoo

    version = getattr(zoo, "__version__", None)
    if version:
        return version
    try:
        return metadata.version("zoo")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m zoo",
        description="zoo: machine learning on a C++ core behind a scikit-learn-style API.",
    )
    parser.add_argument("--version", action="version", version=f"zoo {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "tour", help="train each algorithm on built-in data; show quality and time"
    )
    # The bench runner parses its own options (including --help), so this
    # subparser defines none and passes everything after "bench" through.
    commands.add_parser(
        "bench",
        add_help=False,
        help="compare speed with scikit-learn and mlpack (from a repository checkout; "
        "`python -m zoo bench --help` for options)",
    )
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "bench":
        from zoo._bench_entry import main as bench_main

        return bench_main(argv[argv.index("bench") + 1:])
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "tour":
        from zoo._tour import main as tour_main

        return tour_main([])
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
