"""sheet.html in a real headless Chromium: it renders, its math shows, answers get feedback."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from rnnsheets.cli import main


def test_sheet_in_a_browser(browser, tmp_path):
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["generate", "--seed", "3", "--format", "html", "--out",
                                  str(out)])
    assert r.exit_code == 0, r.output
    browser.get((out / "sheet.html").as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Recurrent neural networks by hand"
    assert len(browser.find_elements(By.TAG_NAME, "h3")) == 4

    # MathML is laid out: a matrix is taller than a line of text
    sizes = browser.execute_script(
        "var m = document.querySelector('mtable').closest('math').getBoundingClientRect();"
        "var t = document.querySelector('p').getBoundingClientRect();"
        "return [m.width, m.height, parseFloat(getComputedStyle(document.body).lineHeight)];")
    assert sizes[0] > 50 and sizes[1] > sizes[2]

    boxes = browser.find_elements(By.CSS_SELECTOR, ".answer")
    first, second = boxes[0], boxes[1]
    inputs = first.find_elements(By.TAG_NAME, "input")
    assert all(i.accessible_name for i in inputs)  # every input has a label
    for i in inputs:
        i.send_keys(i.get_attribute("data-answer"))
    first.find_element(By.CSS_SELECTOR, "button.check").click()
    assert first.find_element(By.CSS_SELECTOR, ".feedback").text == "Right: within tolerance."

    wrong = second.find_elements(By.TAG_NAME, "input")
    for i in wrong:
        i.send_keys(str(float(i.get_attribute("data-answer")) + 1))
    wrong[-1].send_keys(Keys.ENTER)  # Enter checks too, no mouse needed
    assert second.find_element(By.CSS_SELECTOR, ".feedback").text.startswith(
        "Not within tolerance")

    # what cannot be read is said to be unreadable, not wrong; commas and Unicode minus read
    third = boxes[2]
    cells = third.find_elements(By.TAG_NAME, "input")
    for c in cells:
        c.clear()
    cells[0].send_keys("abc")
    for c in cells[1:]:
        c.send_keys("1")
    third.find_element(By.CSS_SELECTOR, "button.check").click()
    feedback = third.find_element(By.CSS_SELECTOR, ".feedback").text
    assert feedback.startswith("Cannot read") and "abc" in feedback, feedback
    assert "Not within tolerance" not in feedback
    for c in cells:
        c.clear()
        value = c.get_attribute("data-answer")
        c.send_keys(value.replace("-", "\u2212").replace(".", ","))  # as a phone keyboard may
    third.find_element(By.CSS_SELECTOR, "button.check").click()
    assert third.find_element(By.CSS_SELECTOR, ".feedback").text == "Right: within tolerance."
    cells[0].clear()
    third.find_element(By.CSS_SELECTOR, "button.check").click()
    assert cells[0].get_attribute("aria-invalid") is None  # no stale mark on a cleared box
    assert "decimals" in browser.page_source or "exact" in browser.page_source

    summary = browser.find_element(By.CSS_SELECTOR, "details summary")
    details = summary.find_element(By.XPATH, "..")
    assert details.get_attribute("open") is None
    summary.send_keys(Keys.ENTER)  # keyboard opens the solution
    assert details.get_attribute("open") is not None
    browser.save_screenshot(str(tmp_path / "sheet.png"))


def test_the_page_grades_by_each_entrys_tolerance(browser, tmp_path):
    """The page's own checker on a tanh sheet: the key rounded to the sheet's 4 decimals
    is right in every box; one unit of tolerance past it is wrong; an en dash reads as a
    minus and 1/0 cannot be read."""
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["generate", "--seed", "42", "--activation", "tanh",
                                  "--format", "html", "--out", str(out)])
    assert r.exit_code == 0, r.output
    browser.get((out / "sheet.html").as_uri())
    boxes = browser.find_elements(By.CSS_SELECTOR, ".answer")
    assert len(boxes) > 10
    for box in boxes:
        cells = box.find_elements(By.TAG_NAME, "input")
        for c in cells:
            c.send_keys(f"{float(c.get_attribute('data-answer')):.4f}".replace("-", "\u2013"))
        box.find_element(By.CSS_SELECTOR, "button.check").click()
        assert box.find_element(By.CSS_SELECTOR, ".feedback").text == "Right: within tolerance."
        c = cells[-1]
        past = float(c.get_attribute("data-answer")) + 2 * float(c.get_attribute("data-tol"))
        c.clear()
        c.send_keys(f"{past + 1e-6:.7f}")
        box.find_element(By.CSS_SELECTOR, "button.check").click()
        assert box.find_element(By.CSS_SELECTOR, ".feedback").text.startswith(
            "Not within tolerance")
    c.clear()
    c.send_keys("1/0")
    boxes[-1].find_element(By.CSS_SELECTOR, "button.check").click()
    assert boxes[-1].find_element(By.CSS_SELECTOR, ".feedback").text.startswith("Cannot read")


def test_download_my_answers_is_graded(browser, tmp_path):
    """The sheet's "Download my answers" holds the variant and every box as typed, and
    rnnsheets grade reads it: the boxes filled in right score, the empty ones are listed."""
    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["generate", "--seed", "3", "--variants", "2", "--format",
                                  "html", "--no-pdf", "--out", str(out)])
    assert r.exit_code == 0, r.output
    browser.get((out / "sheet.html").as_uri())
    browser.execute_script(
        "window.saved = null; HTMLAnchorElement.prototype.click = function () {};"
        "URL.createObjectURL = function (b) { b.text().then(function (t) { window.saved = t; });"
        " return 'about:blank'; };")
    variant = browser.find_elements(By.CSS_SELECTOR, "main > section")[1]
    filled = variant.find_elements(By.CSS_SELECTOR, ".answer")[0].find_elements(
        By.TAG_NAME, "input")
    for i in filled:
        i.send_keys(i.get_attribute("data-answer").replace(".", ","))  # a decimal comma
    variant.find_element(By.CSS_SELECTOR, "button.download").click()
    text = None
    for _ in range(50):
        text = browser.execute_script("return window.saved;")
        if text:
            break
        time.sleep(0.1)
    doc = json.loads(text)
    boxes = variant.find_elements(By.CSS_SELECTOR, "input[data-id]")
    assert doc["variant"] == "3-2" and len(doc["answers"]) == len(boxes)
    (tmp_path / "mine.json").write_text(text)
    r = CliRunner().invoke(main, ["grade", str(out), str(tmp_path / "mine.json")])
    assert r.exit_code == 0, r.output
    grades = (out / "grading" / "grades.csv").read_text().splitlines()
    assert grades[1].startswith(f"2,,{len(filled)},0,")
    assert len((out / "grading" / "unreadable.csv").read_text().splitlines()) == \
        1 + len(boxes) - len(filled)
