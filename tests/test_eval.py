"""The extractor against the gold of corpus/ (score.py), held to the goals of the extraction
issue. A drop below them fails the suite."""
import pytest

from dondoc.evaluate import score_set

from .conftest import CORPUS


@pytest.fixture(scope="module")
def scores():
    out = {}
    for name in ("seeds", "dev"):
        for variant in (None, "stripped", "ocr_eng"):
            out[(name, variant or "clean")] = score_set(CORPUS, name, variant)
    return out


@pytest.mark.parametrize("name", ["seeds", "dev"])
def test_clean_text_meets_the_goals(scores, name):
    s = scores[(name, "clean")]
    assert s["task_f1"] >= 0.90 and s["lead_acc"] >= 0.90
    assert s["deadline_f1"] >= 0.95 and s["obligation_f1"] >= 0.90
    assert min(s["header"].values()) >= 0.95


@pytest.mark.parametrize("name", ["seeds", "dev"])
def test_stripped_text_is_within_five_points_of_clean(scores, name):
    clean, stripped = scores[(name, "clean")], scores[(name, "stripped")]
    for key in ("task_f1", "lead_acc", "deadline_f1", "obligation_f1"):
        assert stripped[key] >= clean[key] - 0.05, key


@pytest.mark.parametrize("name", ["seeds", "dev"])
def test_ocr_eng_text_task_f1(scores, name):
    assert scores[(name, "ocr_eng")]["task_f1"] >= 0.80


@pytest.mark.parametrize("name", ["seeds", "dev"])
def test_ocr_eng_text_deadline_f1(scores, name):
    assert scores[(name, "ocr_eng")]["deadline_f1"] >= 0.80


@pytest.fixture(scope="module")
def dev2():
    return {v: score_set(CORPUS, "dev2", None if v == "clean" else v)
            for v in ("clean", "stripped", "ocr_eng", "real_pdf_read", "scan_read")}


def test_dev2_holds_what_it_reached_since_it_was_seen(dev2):
    """dev2 is tuned on since 2026-12-01: the suite keeps its figures from sliding back."""
    for v in ("clean", "stripped"):
        assert dev2[v]["task_f1"] >= 0.93 and dev2[v]["lead_acc"] >= 0.92 and dev2[v]["deadline_f1"] >= 0.95
    assert dev2["ocr_eng"]["task_f1"] >= 0.78 and dev2["ocr_eng"]["lead_acc"] >= 0.75


def test_real_pdfs_and_scans_as_dondoc_reads_them(dev2):
    assert dev2["real_pdf_read"]["header"]["issuer"] >= 0.95 and dev2["real_pdf_read"]["task_f1"] >= 0.90
    assert dev2["scan_read"]["task_f1"] >= 0.80 and dev2["scan_read"]["lead_acc"] >= 0.90


@pytest.fixture(scope="module")
def dev3():
    return {v: score_set(CORPUS, "dev3", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev3_holds_what_it_reached_since_it_was_seen(dev3):
    """dev3 was annotated blind and scored once on 2026-12-02 (task F1 .86, lead .83, (lead, date)
    .32); tuned on since: the suite keeps its figures from sliding back."""
    for v in ("clean", "stripped"):
        assert dev3[v]["task_f1"] >= 0.90 and dev3[v]["lead_acc"] >= 0.90 and dev3[v]["obligation_f1"] >= 0.80
        assert min(dev3[v]["header"].values()) >= 0.95
    assert dev3["ocr_eng"]["task_f1"] >= 0.80 and dev3["ocr_eng"]["obligation_f1"] >= 0.85


@pytest.fixture(scope="module")
def dev4():
    return {v: score_set(CORPUS, "dev4", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev4_holds_what_it_reached_since_it_was_seen(dev4):
    """dev4 was annotated blind and scored once on 2026-12-02 (task F1 .79, lead .76, deadline .57,
    (lead, date) .36); tuned on since: the suite keeps its figures from sliding back."""
    for v in ("clean", "stripped"):
        assert dev4[v]["task_f1"] >= 0.88 and dev4[v]["lead_acc"] >= 0.97 and dev4[v]["deadline_f1"] >= 0.88
        assert dev4[v]["obligation_f1"] >= 0.75
    assert dev4["ocr_eng"]["task_f1"] >= 0.86 and dev4["ocr_eng"]["deadline_f1"] >= 0.85 and dev4["ocr_eng"]["lead_acc"] >= 0.88


@pytest.fixture(scope="module")
def dev5():
    return {v: score_set(CORPUS, "dev5", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev5_holds_what_it_reached_since_it_was_seen(dev5):
    """dev5 was annotated blind and scored once on 2026-12-02 (task F1 .89, lead .89, deadline 1.00,
    (lead, date) .82; OCR task F1 .81, lead .74); tuned on since: the suite keeps its figures."""
    for v in ("clean", "stripped"):
        assert dev5[v]["task_f1"] >= 0.88 and dev5[v]["lead_acc"] >= 0.90 and dev5[v]["deadline_f1"] >= 0.95
        assert dev5[v]["obligation_f1"] >= 0.90 and min(dev5[v]["header"].values()) >= 0.95
    assert dev5["ocr_eng"]["task_f1"] >= 0.85 and dev5["ocr_eng"]["deadline_f1"] >= 0.90 and dev5["ocr_eng"]["lead_acc"] >= 0.87


@pytest.fixture(scope="module")
def dev6():
    return {v: score_set(CORPUS, "dev6", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev6_holds_what_it_reached_since_it_was_seen(dev6):
    """dev6 (two documents, four required tasks) was annotated blind and scored once on 2026-12-02
    (task F1 .90, lead 1.00, deadline .50, (lead, date) .20); tuned on since."""
    for v in ("clean", "stripped"):
        assert dev6[v]["task_f1"] >= 0.85 and dev6[v]["lead_acc"] >= 0.95 and dev6[v]["deadline_f1"] >= 0.95
    assert dev6["ocr_eng"]["task_f1"] >= 0.80 and dev6["ocr_eng"]["deadline_f1"] >= 0.95


@pytest.fixture(scope="module")
def dev7():
    return {v: score_set(CORPUS, "dev7", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev7_holds_what_it_reached_since_it_was_seen(dev7):
    """dev7 (seven documents, twenty required tasks) was annotated blind and scored once on
    2026-12-03 (task F1 .77: precision .65; lead 1.00; header 1.00); tuned on since."""
    for v in ("clean", "stripped"):
        assert dev7[v]["task_f1"] >= 0.90 and dev7[v]["lead_acc"] >= 0.95 and min(dev7[v]["header"].values()) >= 0.95
    assert dev7["ocr_eng"]["task_f1"] >= 0.75 and dev7["ocr_eng"]["lead_acc"] >= 0.90


def test_dev8_holds_what_it_reached_since_it_was_seen():
    """dev8 (one regulation, three required tasks of nineteen) was annotated blind and scored once
    on 2026-12-03 (task P .33, F1 .50; lead 1.00; header 1.00); tuned on since."""
    for v in (None, "stripped", "ocr_eng"):
        r = score_set(CORPUS, "dev8", v)
        assert r["task_r"] >= 0.95 and r["lead_acc"] >= 0.95 and min(r["header"].values()) >= 0.95
    assert score_set(CORPUS, "dev8", None)["task_p"] >= 0.88 and score_set(CORPUS, "dev8", "stripped")["task_p"] >= 0.80


@pytest.fixture(scope="module")
def dev9():
    return {v: score_set(CORPUS, "dev9", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev9_holds_what_it_reached_since_it_was_seen(dev9):
    """dev9 (six Công báo decisions and resolutions, 134 required tasks, three appendix tables)
    was annotated blind and scored once on 2026-12-04 (task F1 .92, lead .80, deadline .93,
    (lead, date) .83; OCR task F1 .83, lead .67); tuned on since."""
    for v in ("clean", "stripped"):
        assert dev9[v]["task_f1"] >= 0.95 and dev9[v]["lead_acc"] >= 0.88 and dev9[v]["deadline_f1"] >= 0.90
    assert min(dev9["clean"]["header"].values()) >= 0.95
    assert dev9["ocr_eng"]["task_f1"] >= 0.91 and dev9["ocr_eng"]["lead_acc"] >= 0.83 and dev9["ocr_eng"]["deadline_f1"] >= 0.87


@pytest.fixture(scope="module")
def dev10():
    return {v: score_set(CORPUS, "dev10", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev10_holds_what_it_reached_since_it_was_seen(dev10):
    """dev10 (three long Công báo documents, 194 required tasks) was annotated blind and scored
    once on 2026-12-04 (task F1 .87, lead .89, deadline .86, (lead, date) .92; OCR task F1 .80,
    lead .82); tuned on since."""
    for v in ("clean", "stripped"):
        assert dev10[v]["task_f1"] >= 0.92 and dev10[v]["lead_acc"] >= 0.88 and dev10[v]["obligation_f1"] >= 0.93
    assert min(dev10["clean"]["header"].values()) >= 0.95
    assert dev10["ocr_eng"]["task_f1"] >= 0.82 and dev10["ocr_eng"]["lead_acc"] >= 0.80


@pytest.fixture(scope="module")
def dev11():
    return {v: score_set(CORPUS, "dev11", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev11_holds_what_it_reached_since_it_was_seen(dev11):
    """dev11 (eight circulars and decrees, 46 required tasks; two assign nothing required) was
    annotated blind and scored once on 2026-12-04 (task P .69, F1 .77, lead .80; number and date
    .88; OCR task F1 .69); tuned on since."""
    for v in ("clean", "stripped"):
        assert dev11[v]["task_f1"] >= 0.87 and dev11[v]["task_p"] >= 0.83 and dev11[v]["lead_acc"] >= 0.88
    assert min(dev11["clean"]["header"].values()) >= 0.95
    assert dev11["ocr_eng"]["task_f1"] >= 0.72 and dev11["ocr_eng"]["lead_acc"] >= 0.85


@pytest.fixture(scope="module")
def dev12():
    return {v: score_set(CORPUS, "dev12", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev12_holds_what_it_reached_since_it_was_seen(dev12):
    """dev12 (eight more circulars, decrees and decisions, 19 required tasks; five assign nothing
    required) was annotated blind and scored once on 2026-12-04 (task P .59, F1 .74, lead 1.00 on
    aab8a2a; P .54, F1 .70 on the day's first code); tuned on since."""
    for v in ("clean", "stripped"):
        assert dev12[v]["task_f1"] >= 0.77 and dev12[v]["task_r"] >= 0.95 and dev12[v]["lead_acc"] >= 0.95
    assert min(dev12["clean"]["header"].values()) >= 0.95
    assert dev12["ocr_eng"]["task_f1"] >= 0.70 and dev12["ocr_eng"]["lead_acc"] >= 0.95


@pytest.fixture(scope="module")
def dev13():
    return {v: score_set(CORPUS, "dev13", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev13_holds_what_it_reached_when_it_was_seen(dev13):
    """dev13 (three Government action programmes and a scheme with task tables, 162 required tasks)
    was annotated blind and scored once on 2026-12-04 (P .89 R .84 F1 .86, lead .71 on 210f766);
    tuned on since (lead .87)."""
    for v in ("clean", "stripped"):
        assert dev13[v]["task_f1"] >= 0.84 and dev13[v]["lead_acc"] >= 0.83 and dev13[v]["deadline_f1"] >= 0.85
    assert min(dev13["clean"]["header"].values()) >= 0.95
    assert dev13["ocr_eng"]["task_f1"] >= 0.76 and dev13["ocr_eng"]["lead_acc"] >= 0.68


@pytest.fixture(scope="module")
def dev14():
    return {v: score_set(CORPUS, "dev14", None if v == "clean" else v) for v in ("clean", "stripped", "ocr_eng")}


def test_dev14_holds_what_it_reached_when_it_was_seen(dev14):
    """dev14 (a Government action programme with four appendix tables and a short resolution, 236
    required tasks) was annotated blind and scored once on 2026-12-06 (F1 .98, lead .85, (lead,
    date) F1 .53; OCR F1 .30 on 9fbb2c4); tuned on since: a time column before the lead column,
    numbered lead cells, a header whose `TT` OCR lost."""
    for v in ("clean", "stripped"):
        assert dev14[v]["task_f1"] >= 0.95 and dev14[v]["lead_acc"] >= 0.88 and dev14[v]["obligation_f1"] >= 0.94
    assert min(dev14["clean"]["header"].values()) >= 0.95
    assert dev14["ocr_eng"]["task_f1"] >= 0.94 and dev14["ocr_eng"]["obligation_f1"] >= 0.87
