import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def tex():
    """pdflatex and poppler are required; in CI (CI=true) their absence fails, never skips."""
    missing = [t for t in ("pdflatex", "pdftotext", "pdffonts") if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PDF tests, but {', '.join(missing)} is not installed")
        pytest.skip(f"not installed: {', '.join(missing)}")
    return True
