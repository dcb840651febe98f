"""``python -m neurodyn_lab`` is the ``neurodyn-lab`` command."""

import sys

from neurodyn_lab.cli import main

sys.exit(main())
