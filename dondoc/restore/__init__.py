"""Diacritic restoration for Vietnamese administrative text (issue #15).

    from dondoc.restore import default_restorer
    default_restorer().restore("De nghi So Y te bao cao truoc ngay 30/9").text
    # 'Đề nghị Sở Y tế báo cáo trước ngày 30/9'

model (file format) · train (corpus -> model) · decode (Viterbi) · restorer (texts) · ocr
(rescoring Tesseract's Vietnamese words).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .model import Model, ModelError
from .restorer import Restoration, Restorer

MODEL_PATH = Path(__file__).resolve().parent / "data" / "vi-admin-3gram.bin"


@lru_cache(maxsize=2)
def load(path: str | None = None) -> Restorer:
    """The restorer of a model file (the packaged one by default), read once per process."""
    return Restorer(Model.load(Path(path) if path else MODEL_PATH))


def default_restorer() -> Restorer:
    return load(None)


__all__ = ["Model", "ModelError", "Restoration", "Restorer", "load", "default_restorer", "MODEL_PATH"]
