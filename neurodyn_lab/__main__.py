"""``python -m neurodyn_lab`` is the ``neurodyn-lab`` command."""

import sys

from neurodyn_lab.cli import main

if __name__ == "__main__":  # importing the module (e.g. to collect doctests) runs nothing
    sys.exit(main())
