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
