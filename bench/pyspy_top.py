"""Summarise py-spy's raw (collapsed-stack) output: the share of samples per function.

    python3 -m venv /tmp/pyspy && /tmp/pyspy/bin/pip install py-spy      # scratch venv
    /tmp/pyspy/bin/py-spy record --pid <gunicorn worker> -d 10 -r 100 --idle -f raw -o w.raw
    .venv/bin/python bench/pyspy_top.py w.raw [more.raw ...] [--top 40]

With --idle the shares are of wall time (waiting for PostgreSQL or a lock counts), without it
of the time the worker was running.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path


def frame_name(frame: str) -> str:
    """'post (motcua/dossiers/api.py:98)' → 'post (api.py)'."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for path in args.files:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = [frame_name(f) for f in stack.split(";")]
            for name in set(frames):
                inclusive[name] += n
            own[frames[-1]] += n
    print(f"{total} samples")
    print("inclusive (the function or anything it called):")
    for name, n in inclusive.most_common(args.top):
        print(f"  {n / total:6.1%}  {name}")
    print("self (the function itself):")
    for name, n in own.most_common(min(args.top, 20)):
        print(f"  {n / total:6.1%}  {name}")


if __name__ == "__main__":
    main()
