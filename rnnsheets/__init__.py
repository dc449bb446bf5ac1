"""rnnsheets: fresh recurrent-neural-network worksheets with answer keys that are right."""

__version__ = "0.1.0"
