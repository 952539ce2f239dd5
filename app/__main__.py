"""``python -m app``: the same as the ``ruankao-watch`` console script."""

import sys

from app.cli import main

sys.exit(main())
