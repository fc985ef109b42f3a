"""``python -m shop.simulator``: run the APS sandbox simulator on a local port."""

from __future__ import annotations

import argparse
import os
import sys

from . import SimulatorConfigError, create_app


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and serve the simulator until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m shop.simulator", description="Run the local APS sandbox simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("SIMULATOR_PORT") or 5050),
        help="TCP port to listen on (default: SIMULATOR_PORT or 5050)",
    )
    parser.add_argument("--debug", action="store_true", help="reload on code changes and show tracebacks")
    args = parser.parse_args(argv)

    try:
        app = create_app()
    except SimulatorConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    app.run(host=args.host, port=args.port, debug=args.debug, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
