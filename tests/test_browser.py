"""The real pages in headless Chromium (Debian chromium + chromedriver) against `dondoc serve`
with its background worker: log in, upload a scanned PDF, wait for extraction, correct a
deadline, confirm, mark the task done with evidence, find it by agency, see the dashboard
change. Screenshots of the main pages go to docs/screenshots/."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from dondoc.domain import ReportClass, Status

from .conftest import ROOT, free_port

SHOTS = ROOT / "docs" / "screenshots"



DONDOC = [sys.executable, "-m", "dondoc.cli"]


@contextmanager
def serving(env: dict):
    """`dondoc serve` with its worker on a free loopback port, until the block ends: its URL, once
    the login page answers (a loaded machine may take a while to start it)."""
    import urllib.request
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # its output to a file: a pipe nobody reads would stop the server once full
    out = tempfile.NamedTemporaryFile(prefix="dondoc-serve-", suffix=".log", delete=False)
    proc = subprocess.Popen(DONDOC + ["serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(url + "/login", timeout=10) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"dondoc serve did not answer: {Path(out.name).read_text(errors='replace')[-2000:]}") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        out.close()
        Path(out.name).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("webdata")
    env = {**os.environ, "DONDOC_DATA_DIR": str(data), "DONDOC_SEARCH": "sqlite", "DONDOC_OCR_WORKERS": "2"}
    subprocess.run(DONDOC + ["user", "add", "admin", "--role", "admin", "--password", "matkhau"], env=env, check=True,
                   capture_output=True)
    with serving(env) as url:
        yield url


@pytest.fixture(scope="module")
def scanned_pdf(tmp_path_factory, tesseract):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from . import fixtures as fx
    lines = fx.plain_lines(fx.seed_text(), width=100)
    img = fx.degrade(fx.render_page(lines[:60], font_pt=8.5, margin_in=0.6), angle=0.8)
    path = tmp_path_factory.mktemp("scan") / "cong-van-687-scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(img.convert("RGB")), 0, 0, width=A4[0], height=A4[1])
    c.save()
    return path


def shot(drv, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    drv.save_screenshot(str(SHOTS / f"{name}.png"))


def wait_for(fn, timeout=120, step=0.5):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out")


def click_and_load(drv, element, timeout=30):
    """Click something that loads a new page and wait until that page has replaced the old one:
    Chromium may return from the click before the navigation it starts, and an element read then
    belongs to the page being thrown away."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    old = drv.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_):
        # stale; on a loaded machine chromium may say "node does not belong to the document" instead
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True
    WebDriverWait(drv, timeout).until(replaced)
    WebDriverWait(drv, timeout).until(lambda x: x.execute_script("return document.readyState") == "complete")


def test_clerk_and_manager_workflow_in_chromium(server, browser, scanned_pdf):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    d = browser
    d.get(server + "/login")
    shot(d, "login")
    d.find_element(By.NAME, "username").send_keys("admin")
    d.find_element(By.NAME, "password").send_keys("matkhau")
    click_and_load(d, d.find_element(By.CSS_SELECTOR, "#login-form button"))
    d.get(server + "/dashboard")
    before = int(d.find_element(By.CSS_SELECTOR, f'.stat[data-class="{ReportClass.ON_TIME}"] b').text)

    # upload a scanned PDF and wait for the worker
    d.get(server + "/upload")
    d.find_element(By.ID, "files").send_keys(str(scanned_pdf))
    d.find_element(By.ID, "send").click()
    def done_link():
        try:
            a = next((a for a in d.find_elements(By.CSS_SELECTOR, "#jobs td a")), None)
            return (a.text, a.get_attribute("href")) if a else None
        except StaleElementReferenceException:   # the row is redrawn as the job moves on
            return None
    text, href = wait_for(done_link, timeout=180)
    assert "nhiệm vụ" in text
    shot(d, "upload")
    d.get(href)

    # review: the task handed to the Sở LĐTBXH, its deadline corrected, then confirmed
    field = wait_for(lambda: next((i for i in d.find_elements(By.CSS_SELECTOR, "input.deadlines") if "20/11/2024" in i.get_attribute("value")), None), 10)
    fs = field.find_element(By.XPATH, "./ancestor::fieldset")
    assert "Sở Lao động - Thương binh và Xã hội" in fs.find_element(By.CSS_SELECTOR, "input[name$='_lead']").get_attribute("value")
    task_href = fs.find_element(By.LINK_TEXT, "theo dõi").get_attribute("href")
    field.clear()
    field.send_keys("25/11/2024")
    shot(d, "review")
    click_and_load(d, d.find_element(By.ID, "confirm"))
    assert "đưa vào theo dõi" in d.find_element(By.CSS_SELECTOR, ".flash.ok").text

    # the task: done, with evidence, on time against the corrected date
    d.get(task_href)
    assert "25/11/2024" in d.find_element(By.CSS_SELECTOR, "dl.meta").text
    Select(d.find_element(By.ID, "f-status")).select_by_value(Status.DONE)
    d.find_element(By.NAME, "completed_on").send_keys("22/11/2024")
    d.find_element(By.ID, "f-evidence_note").send_keys("Báo cáo số 101/BC-SLĐTBXH ngày 22/11/2024")
    click_and_load(d, d.find_element(By.ID, "save-status"))
    assert d.find_element(By.ID, "task-class").text == "Hoàn thành đúng hạn"
    assert "Báo cáo số 101" in d.find_element(By.ID, "history").text
    shot(d, "task")

    # found by agency (abbreviation), and counted on the dashboard
    d.get(server + "/search?agency=Sở+LĐTBXH")
    assert int(d.find_element(By.ID, "total").text.split()[0]) >= 1
    assert task_href.split(server)[1] in d.page_source
    shot(d, "search")
    d.get(server + "/dashboard")
    wait_for(lambda: d.execute_script("return typeof Chart !== 'undefined' && document.querySelector('#weeks').width > 0"), 10)
    after = int(d.find_element(By.CSS_SELECTOR, f'.stat[data-class="{ReportClass.ON_TIME}"] b').text)
    assert after == before + 1
    shot(d, "dashboard")
    click_and_load(d, d.find_element(By.LINK_TEXT, "Cơ quan"))
    click_and_load(d, d.find_element(By.PARTIAL_LINK_TEXT, "Sở Lao động - Thương binh và Xã hội"))
    shot(d, "agency")


def test_no_page_breaks_the_content_security_policy(server, browser):
    """Every page runs under a CSP without inline scripts or styles (issue #12): Chromium reports
    nothing the policy blocked, the dashboard's chart included."""
    d = browser
    d.get_log("browser")                      # what earlier tests left
    for path in ("/dashboard", "/search?q=bao+cao", "/agencies", "/dispatches", "/upload", "/admin/users",
                 "/admin/agencies", "/admin/check", "/login"):
        d.get(server + path)
        time.sleep(0.3)
    blocked = [e["message"] for e in d.get_log("browser") if "Content Security Policy" in e["message"]]
    assert blocked == []
