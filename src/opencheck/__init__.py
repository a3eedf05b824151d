"""opencheck: tell whether an AI model is really open."""

__version__ = "0.1.0"
