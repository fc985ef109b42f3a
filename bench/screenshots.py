"""Time the full go-live screenshot run: wall time, cost per image, and window mode against drawn mode.

    .venv/bin/python bench/screenshots.py [--frame drawn|window|both] [--repeat N]

Each run is the same as ``make screenshots``: it starts the shop and the
simulator, runs every scenario, runs the checklist and builds the package.
The runs go to bench/out/ (ignored by git). Window mode needs Xvfb; without
it only drawn mode is timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screenshots.run import EXIT_OK, Options, run_kit  # noqa: E402

OUT_DIR = ROOT / "bench" / "out"


def time_run(frame: str, index: int) -> tuple[float, int, float]:
    """Run the whole kit once; return the wall time in seconds, the image count and the package size in MB."""
    lines: list[str] = []
    started = time.perf_counter()
    result = run_kit(Options(frame=frame, out_dir=OUT_DIR, run_name=f"{frame}-{index}"), output=lines.append)
    elapsed = time.perf_counter() - started
    if result.exit_code != EXIT_OK:
        print("\n".join(lines[-20:]), file=sys.stderr)
        raise SystemExit(f"the {frame} run failed with exit status {result.exit_code}: {result.failure}")
    size = sum(archive.size_bytes for archive in result.archives) / 1_000_000
    return elapsed, len(result.records), size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frame", choices=("drawn", "window", "both"), default="both",
                        help="which capture mode to time (default: both when Xvfb is installed)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode; the median is reported (default: 1)")
    arguments = parser.parse_args(argv)

    frames = ["drawn", "window"] if arguments.frame == "both" else [arguments.frame]
    if "window" in frames and shutil.which("Xvfb") is None:
        if arguments.frame == "window":
            raise SystemExit("Xvfb is not installed, so window mode cannot be timed (apt-get install xvfb)")
        print("Xvfb is not installed: timing drawn mode only")
        frames = ["drawn"]

    shutil.rmtree(OUT_DIR, ignore_errors=True)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    medians: dict[str, float] = {}
    for frame in frames:
        runs = [time_run(frame, index) for index in range(arguments.repeat)]
        wall = statistics.median(run[0] for run in runs)
        images = runs[0][1]
        medians[frame] = wall / images
        print(f"{frame}: {wall:.1f} s wall for {images} images, {wall / images:.2f} s per image, "
              f"package {runs[0][2]:.1f} MB (runs: {', '.join(f'{run[0]:.1f} s' for run in runs)})")
    if len(medians) == 2:
        print(f"window / drawn, per image: {medians['window'] / medians['drawn']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
