import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def tex():
    """pdflatex, lualatex and poppler are required; in CI (CI=true) their absence fails,
    never skips."""
    missing = [t for t in ("pdflatex", "lualatex", "pdftotext", "pdffonts")
               if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PDF tests, but {', '.join(missing)} is not installed")
        pytest.skip(f"not installed: {', '.join(missing)}")
    return True


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Selenium; required in CI, skipped elsewhere if absent."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_exe = shutil.which("chromedriver")
    if not (chromium and driver_exe):
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests, but chromium/chromedriver is missing")
        pytest.skip("chromium and chromedriver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1100,1400"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_exe), options=opts)
    yield driver
    driver.quit()


#: axe-core, installed from the npm registry by scripts/setup.sh (tests/axe/package.json
#: pins it; it is a test tool only and never ships in a build).
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe():
    """The source of axe.min.js; required in CI, skipped elsewhere if not installed."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the accessibility test, but {AXE} is missing "
                        "(scripts/setup.sh installs it with npm)")
        pytest.skip("axe-core is not installed: run scripts/setup.sh")
    return AXE.read_text("utf-8")
