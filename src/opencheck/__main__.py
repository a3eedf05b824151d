"""`python -m opencheck`."""

import sys

from opencheck.cli.app import main

sys.exit(main())
