"""Where restored diacritics show: stored beside the original at ingest, on the review and task
pages, in digests, exports and the search index; the original stays what spans point into."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dondoc.nlp.fold import fold
from dondoc.nlp.textprep import collapse
from dondoc.pipeline import ingest_file
from dondoc.storage import models as m
from dondoc.storage.db import session_scope

from .conftest import CORPUS

STRIPPED = CORPUS / "dev2-variants" / "stripped" / "008.txt"      # VPCP 3722, typed without diacritics
GARBLED = CORPUS / "seeds-variants" / "ocr_eng" / "000_1480374bd54b458c.txt"


def _dispatch(s, doc_id) -> m.Dispatch:
    return s.get(m.Document, doc_id).dispatch


def test_a_stripped_dispatch_is_stored_with_a_restored_copy_beside_the_original(settings):
    out = ingest_file(STRIPPED, settings, index=False)
    with session_scope(settings) as s:
        d = _dispatch(s, out.document_id)
        assert d.restored_mode == "stripped" and d.restored_map is None
        assert "Kính gửi:" in d.text_restored and "Kinh gui:" in d.text
        assert fold(d.text_restored) == fold(d.text)
        assert d.tasks
        for t in d.tasks:
            assert collapse(d.text[t.span_start:t.span_end]) == t.text          # spans point into the original
            assert t.shown_text == t.text_restored != t.text and fold(t.text_restored) == fold(t.text)


def test_a_garbled_dispatch_keeps_a_map_back_to_the_original(settings):
    out = ingest_file(GARBLED, settings, index=False)
    with session_scope(settings) as s:
        d = _dispatch(s, out.document_id)
        assert d.restored_mode == "garbled" and d.restored_map
        at = d.text_restored.index("Kính gửi")
        r, o, n = next(run for run in d.restored_map if run[0] <= at < run[0] + run[2])
        assert d.text[o + at - r:o + at - r + 4] == "Kinh"


def test_a_dispatch_with_its_diacritics_gets_no_copy(settings):
    out = ingest_file(CORPUS / "dev" / "002.txt", settings, index=False)
    with session_scope(settings) as s:
        d = _dispatch(s, out.document_id)
        assert d.text_restored is None and all(t.text_restored is None for t in d.tasks)


def test_a_clerks_new_wording_replaces_the_restored_copy(settings):
    out = ingest_file(STRIPPED, settings, index=False)
    with session_scope(settings) as s:
        t = _dispatch(s, out.document_id).tasks[0]
        t.text = t.text                       # saving the form unchanged keeps it
        assert t.text_restored
        t.text = "Bộ Tư pháp có ý kiến trước ngày 10/5/2026."
        assert t.text_restored is None and t.shown_text == "Bộ Tư pháp có ý kiến trước ngày 10/5/2026."


def test_review_and_task_pages_show_the_restored_text_marked_as_restored(settings):
    from dondoc.web import create_app
    from dondoc.web.auth import create_user

    from .test_web import login
    app = create_app(settings, {"TESTING": True, "HUEY_IMMEDIATE": True})
    with session_scope(settings) as s:
        create_user(s, "vanthu", "matkhau", "clerk")
    out = ingest_file(STRIPPED, settings, index=False)
    with session_scope(settings) as s:
        d = _dispatch(s, out.document_id)
        restored_line = d.text_restored.splitlines()[15]
        task_id, task_text = d.tasks[0].id, d.tasks[0].text_restored
    c = app.test_client()
    login(c, "vanthu")
    html = c.get(f"/dispatches/{out.document_id}").get_data(as_text=True)
    assert "Bản khôi phục dấu" in html and '<pre id="text-restored">' in html
    assert restored_line in html and "Kinh gui:" in html            # the original stays, highlighted
    page = c.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert task_text in page and "nguyên văn" in page


def test_digests_exports_and_the_index_carry_the_restored_task_text(settings):
    from dondoc.digest.build import build
    from dondoc.search.documents import dispatch_doc
    from dondoc.tracking.books import tracked_tasks
    from dondoc.web.reports import TASK_COLUMNS, task_rows
    text = [c.title for c in TASK_COLUMNS].index("Nhiệm vụ")
    out = ingest_file(STRIPPED, settings, index=False, confirm=True)
    with session_scope(settings) as s:
        for a in s.scalars(select(m.Agency)):
            a.emails = ["vanphong@example.gov.vn"]
        s.flush()
        d = _dispatch(s, out.document_id)
        restored = {t.text_restored for t in d.tasks}
        items = [i.text for dg in build(s, date(2026, 5, 4), 7) for i in dg.overdue + dg.due_soon]
        assert items and set(items) <= restored
        assert {row[text] for row in task_rows(tracked_tasks(s), date(2026, 5, 4))} <= restored
        doc = dispatch_doc(d)
        assert {t["text"] for t in doc["tasks"]} == restored and doc["text"] == d.text_restored
        assert doc["folded"] == fold(d.text)
