"""Run Attune's benchmarks against PostgreSQL.

    python -m bench                  # every benchmark
    python -m bench cohort_progress  # one of them

Each benchmark builds its data in a fresh database (created and dropped like a test
database, named after DATABASE_URL's, default postgres://postgres@127.0.0.1:5432/attune_bench;
the growth benchmarks, run one after another, share theirs: bench/registry.py),
times Attune and a raw-SQL / COPY baseline that produces the same rows in the same run,
takes the median of several runs, and ends with the line

    NAME: ratio X (attune A s, baseline B s, N rows)

where X = A / B (lower is better; 1.0 would mean Attune is as fast as the bare SQL).
"""

import argparse
import contextlib
import itertools
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/attune_bench"


@dataclass
class Result:
    name: str
    attune: float
    baseline: float
    rows: int

    def line(self) -> str:
        ratio = self.attune / self.baseline if self.baseline else float("inf")
        return (
            f"{self.name}: ratio {ratio:.2f} (attune {self.attune:.4f} s, "
            f"baseline {self.baseline:.4f} s, {self.rows} rows)"
        )


def median_time(run: Callable[[], object], *, repeat: int, before: Callable | None = None):
    """Median wall time of `repeat` runs of `run`; `before` runs untimed before each."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _setup_django():
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if not os.environ["DATABASE_URL"].startswith(("postgres", "pgsql")):
        sys.exit("Benchmarks run on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    import django

    django.setup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per side (median)")
    args = parser.parse_args(argv)
    _setup_django()
    # whitenoise notices that collectstatic has not run; the benchmarks serve no files.
    warnings.filterwarnings("ignore", "No directory at")

    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.registry import BENCHMARKS, DATABASE_GROUPS

    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; known: {sorted(BENCHMARKS)}")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    names = args.names or list(BENCHMARKS)
    try:
        for group, members in itertools.groupby(names, key=lambda n: DATABASE_GROUPS.get(n, n)):
            with _fresh_database(connection, group):
                for name in members:
                    results = BENCHMARKS[name](repeat=args.repeat)
                    # A benchmark measured at several sizes answers one result for each.
                    for result in results if isinstance(results, list) else [results]:
                        print(result.line(), flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


@contextlib.contextmanager
def _fresh_database(connection, name: str):
    """Run one benchmark (or a group of them: DATABASE_GROUPS) in its own copy of the
    migrated database.

    Reports that read the whole organisation (HR's) would otherwise count the rows an
    earlier benchmark left behind, and each benchmark's timings would depend on which ran
    before it. PostgreSQL copies the migrated template in about a second."""
    from django.conf import settings

    template = connection.settings_dict["NAME"]
    connection.close()
    connection.creation.clone_test_db(suffix=name, verbosity=0, autoclobber=True)
    clone = connection.creation.get_test_db_clone_settings(name)["NAME"]
    connection.settings_dict["NAME"] = clone
    settings.DATABASES[connection.alias]["NAME"] = clone
    try:
        yield
    finally:
        connection.settings_dict["NAME"] = template
        connection.creation.destroy_test_db(template, verbosity=0, suffix=name)


if __name__ == "__main__":
    sys.exit(main())
