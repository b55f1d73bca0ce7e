"""Journeys of a clerk and a manager in headless Chromium against `dondoc serve`: review states,
no lost update, Vietnamese dates, evidence, initialisms, and the pages on a 390 px phone.
Screenshots go to docs/screenshots/."""
from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import CORPUS
from .test_browser import DONDOC, click_and_load, serving, shot

PENDING = CORPUS / "seeds" / "000_1480374bd54b458c.txt"       # 687/LĐTBXH-TTr, awaiting review
TRACKED = [CORPUS / "seeds" / "001_e16342c4faedd0ca.txt", CORPUS / "seeds" / "004_aab771c767b14fb2.txt"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("journeys")
    env = {**os.environ, "DONDOC_DATA_DIR": str(data), "DONDOC_SEARCH": "sqlite", "DONDOC_OCR_WORKERS": "1",
           "DONDOC_OFFICE_LOCALITY": "tỉnh Đắk Lắk"}
    for name, role in (("vanthu", "clerk"), ("lanhdao", "manager")):
        subprocess.run(DONDOC + ["user", "add", name, "--role", role, "--password", "matkhau"], env=env, check=True,
                       capture_output=True)
    subprocess.run(DONDOC + ["ingest", "--confirm", *map(str, TRACKED)], env=env, check=True, capture_output=True)
    subprocess.run(DONDOC + ["ingest", str(PENDING)], env=env, check=True, capture_output=True)
    with serving(env) as url:
        yield url


def log_in(d, server, name):
    from selenium.webdriver.common.by import By
    d.delete_all_cookies()
    d.get(server + "/login")
    d.find_element(By.NAME, "username").send_keys(name)
    d.find_element(By.NAME, "password").send_keys("matkhau")
    click_and_load(d, d.find_element(By.CSS_SELECTOR, "#login-form button"))


def open_pending_review(d, server):
    """From the clerk's landing page (the review queue) to the dispatch awaiting review."""
    from selenium.webdriver.common.by import By
    d.get(server + "/")
    assert int(d.find_element(By.ID, "queue-count").text) == 1
    click_and_load(d, d.find_element(By.LINK_TEXT, "Soát xét"))


def task_fieldset(d, startswith):
    from selenium.webdriver.common.by import By
    for fs in d.find_elements(By.CSS_SELECTOR, "fieldset.task-edit"):
        if fs.find_element(By.CSS_SELECTOR, "textarea").get_attribute("value").startswith(startswith):
            return fs
    raise AssertionError(f"no task starting {startswith!r}")


def test_a_vietnamese_deadline_is_saved(server, browser):
    from selenium.webdriver.common.by import By
    d = browser
    log_in(d, server, "vanthu")
    open_pending_review(d, server)
    shot(d, "review-pending")
    field = task_fieldset(d, "Giao Sở LĐTBXH").find_element(By.CSS_SELECTOR, "input.deadlines")
    field.clear()
    field.send_keys("10/7/2026")
    click_and_load(d, d.find_element(By.ID, "save"))
    assert "Đã lưu" in d.find_element(By.CSS_SELECTOR, ".flash.ok").text
    assert task_fieldset(d, "Giao Sở LĐTBXH").find_element(By.CSS_SELECTOR, "input.deadlines").get_attribute("value") == "10/07/2026"


def test_a_bad_date_is_shown_beside_its_field_and_keeps_the_other_edits(server, browser):
    from selenium.webdriver.common.by import By
    d = browser
    log_in(d, server, "vanthu")
    open_pending_review(d, server)
    subject = d.find_element(By.ID, "f-subject")
    subject.clear()
    subject.send_keys("Trích yếu đã sửa trong trình duyệt")
    person = d.find_element(By.ID, "f-handler_person")
    person.send_keys("Nguyễn Thị Lan")
    field = task_fieldset(d, "Giao Sở LĐTBXH").find_element(By.CSS_SELECTOR, "input.deadlines")
    field.clear()
    field.send_keys("31/02/2026")
    click_and_load(d, d.find_element(By.ID, "save"))
    fs = task_fieldset(d, "Giao Sở LĐTBXH")
    error = fs.find_element(By.CSS_SELECTOR, ".field-error")
    assert "không có ngày 31/02/2026" in error.text and error.is_displayed()
    assert fs.find_element(By.CSS_SELECTOR, "input.deadlines").get_attribute("aria-invalid") == "true"
    assert d.find_element(By.ID, "f-subject").get_attribute("value") == "Trích yếu đã sửa trong trình duyệt"
    assert d.find_element(By.ID, "f-handler_person").get_attribute("value") == "Nguyễn Thị Lan"
    shot(d, "review-field-error")


def test_a_stale_tab_is_refused_with_the_message_and_the_input_kept(server, browser):
    from selenium.webdriver.common.by import By
    d = browser
    log_in(d, server, "vanthu")
    open_pending_review(d, server)
    first = d.current_window_handle
    url = d.current_url
    d.switch_to.new_window("tab")
    d.get(url)
    lead = task_fieldset(d, "Giao Sở LĐTBXH").find_element(By.CSS_SELECTOR, "input[name$='_lead']")
    lead.clear()
    lead.send_keys("Sở Tư pháp")
    click_and_load(d, d.find_element(By.ID, "save"))
    d.close()
    d.switch_to.window(first)                       # the stale tab, opened before that save
    text = task_fieldset(d, "Giao Sở LĐTBXH").find_element(By.CSS_SELECTOR, "textarea")
    text.clear()
    text.send_keys("Giao Sở LĐTBXH tổng hợp, báo cáo — bản sửa ở tab cũ")
    click_and_load(d, d.find_element(By.ID, "save"))
    message = d.find_element(By.CSS_SELECTOR, ".flash.stale").text
    assert "vanthu" in message and "Sở Tư pháp" in message and "sau khi bạn mở trang" in message
    kept = task_fieldset(d, "Giao Sở LĐTBXH tổng hợp").find_element(By.CSS_SELECTOR, "textarea").get_attribute("value")
    assert kept.endswith("bản sửa ở tab cũ")
    shot(d, "review-stale")


def test_pending_work_is_invisible_to_a_manager(server, browser):
    from selenium.webdriver.common.by import By
    d = browser
    log_in(d, server, "lanhdao")
    d.get(server + "/search?agency=Sở+LĐTBXH")
    assert "687/LĐTBXH-TTr" not in d.find_element(By.CSS_SELECTOR, "ol.hits").text
    d.get(server + "/agencies")
    assert "Ủy ban nhân dân cấp huyện" not in d.find_element(By.ID, "agency-list").text      # led only in 687, pending
    d.get(server + "/dispatches?review=pending")
    click_and_load(d, d.find_element(By.LINK_TEXT, "Soát xét"))
    task = next(a for a in d.find_elements(By.LINK_TEXT, "theo dõi"))
    click_and_load(d, task)
    assert "đang chờ soát xét" in d.find_element(By.ID, "not-tracked").text
    assert not d.find_elements(By.ID, "status-form")


def test_two_evidence_files_are_kept_on_a_task_in_progress(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    d = browser
    files = [tmp_path / "Báo cáo tiến độ tháng 10.pdf", tmp_path / "Biên bản làm việc.docx"]
    files[0].write_bytes(b"%PDF-1.4 bao cao tien do")
    files[1].write_bytes(b"bien ban")
    log_in(d, server, "lanhdao")
    d.get(server + "/search?agency=STC")
    assert "Sở Tài chính" in d.find_element(By.ID, "agency-match").text
    assert int(d.find_element(By.ID, "total").text.split()[0]) >= 1             # STC found
    shot(d, "search-initialism")
    click_and_load(d, d.find_element(By.CSS_SELECTOR, "ol.hits li a"))
    Select(d.find_element(By.ID, "f-status")).select_by_value("dang_thuc_hien")
    d.find_element(By.ID, "f-evidence_file").send_keys("\n".join(str(f) for f in files))
    d.find_element(By.ID, "f-evidence_note").send_keys("Đã bố trí một phần kinh phí")
    click_and_load(d, d.find_element(By.ID, "save-status"))
    listed = d.find_element(By.ID, "evidence").text
    assert "Báo cáo tiến độ tháng 10.pdf" in listed and "Biên bản làm việc.docx" in listed
    assert d.find_element(By.ID, "task-status").text.startswith("Đang thực hiện")
    shot(d, "task-evidence")


PHONE_PAGES = ["/", "/dashboard", "/search?agency=STC", "/agencies", "/dispatches", "/dispatches/3", "/tasks/1", "/upload"]


def test_every_page_fits_a_390_px_phone_with_the_menu_folded(server, browser):
    from selenium.webdriver.common.by import By
    d = browser
    log_in(d, server, "vanthu")
    d.set_window_size(390, 844)
    try:
        width = d.execute_script("return window.innerWidth")
        assert width <= 390
        for path in PHONE_PAGES:
            d.get(server + path)
            wide = d.execute_script("return document.documentElement.scrollWidth")
            assert wide <= width, f"{path} scrolls sideways: {wide} > {width}"
        d.get(server + "/dispatches")
        logout = d.find_element(By.ID, "logout")
        assert not logout.is_displayed()                      # behind the menu button
        shot(d, "phone")
        d.find_element(By.ID, "menu-toggle").click()
        assert logout.is_displayed() and logout.rect["x"] + logout.rect["width"] <= width
        shot(d, "phone-menu")
    finally:
        d.set_window_size(1400, 1000)
