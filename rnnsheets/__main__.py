"""``python -m rnnsheets``."""

from .launch import main

main()
