"""The command line. Its first acts make start-up cheap: a lazier collector, and compiled forms from the last run."""

import gc

# Start-up allocates a few hundred thousand objects (modules, classes, functions, tables) and next to no garbage
# cycles: at the default threshold (700) the collector ran ~70 times over them, about 5 % of a small check's CPU.
# A young generation of 100,000 still collects the cycles a long batch makes, at a few megabytes of memory at most.
# Set before anything else is imported here, the compiled forms' own loading included.
gc.set_threshold(100_000, *gc.get_threshold()[1:])

from opencheck import compiled_forms  # noqa: E402

compiled_forms.install()
