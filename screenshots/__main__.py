"""``python -m screenshots``: run the go-live screenshot kit."""

import sys

from .run import main

sys.exit(main())
