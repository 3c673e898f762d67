"""``python -m mesoplan``: the same as the ``mesoplan`` command."""

from .entrypoints.cli import main

main()
