"""The command line. Its first act: serve regexes and dataclass methods from their stored compiled forms."""

from opencheck import compiled_forms

compiled_forms.install()
