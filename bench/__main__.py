"""`make bench`: runs every bench/bench_*.py module's `run(options)` and prints one report.

Each module returns a dict of measurements (numbers with units in the key names). `BENCH_ARGS="--only
storefront"` runs one; `--quick` asks modules for a smaller dataset (used to check the benches themselves);
`--products 10000` picks the storefront bench's catalogue size(s) instead of 1,000 / 10,000 / 100,000.
Each bench gets the environment the command started with: one bench's database settings (bench_graphql sets
DATABASE_URL for its in-process Django) must not send the next one to the wrong database.
"""

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", default=[], help="module name without bench_ prefix")
    parser.add_argument("--quick", action="store_true", help="small datasets, to check that benches run")
    parser.add_argument(
        "--products", type=int, action="append", default=[], help="storefront catalogue size (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="also write the report to this file")
    options = parser.parse_args()
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    if options.only:
        names = [n for n in names if n.removeprefix("bench_") in options.only]
    report: dict[str, dict] = {}
    failed = False
    environment = dict(os.environ)
    for name in names:
        os.environ.clear()
        os.environ.update(environment)
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            result = module.run(options)
        except Exception as exc:  # one broken bench must not hide the others' numbers
            failed = True
            result = {"error": f"{type(exc).__name__}: {exc}"}
        result["bench_seconds"] = round(time.perf_counter() - started, 1)
        report[name] = result
        for key, value in result.items():
            print(f"   {key}: {value}", flush=True)
    if options.json:
        options.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
