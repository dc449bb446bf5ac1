"""``python -m rnnsheets``."""

from .cli import main

main()
