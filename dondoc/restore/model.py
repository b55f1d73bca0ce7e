"""The restorer's model file: a syllable trigram language model with its vocabulary.

One binary file, read in a few milliseconds: a magic line, one line of JSON (metadata and the
place of every array), then the arrays' raw little-endian bytes. Written without timestamps, so
the same corpus always gives the same bytes (`make model` is reproducible to the byte).

Tables, all sorted by key, ids of 16 bits:
  uni_lp, uni_bo       natural-log probability and back-off weight of every word id
  bi_keys (a<<16|b)    bi_lp, bi_bo
  tri_keys (a<<32|b<<16|c)  tri_lp
  case_lp              log P(how the word is written: lower, Title, UPPER, MiXed | word)
Probabilities are interpolated modified Kneser–Ney (Chen & Goodman), stored as float16.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"DONDOC-RESTORER 1\n"
BITS = 16
MAX_VOCAB = 1 << BITS
_ARRAYS = ("uni_lp", "uni_bo", "bi_keys", "bi_lp", "bi_bo", "tri_keys", "tri_lp", "case_lp")
_STORED = {"uni_lp": "<f2", "uni_bo": "<f2", "bi_keys": "<u4", "bi_lp": "<f2", "bi_bo": "<f2",
           "tri_keys": "<u8", "tri_lp": "<f2", "case_lp": "<f2"}


class ModelError(Exception):
    """The model file is missing, of another format or damaged."""


@dataclass
class Model:
    vocab: list[str]
    uni_lp: np.ndarray
    uni_bo: np.ndarray
    bi_keys: np.ndarray
    bi_lp: np.ndarray
    bi_bo: np.ndarray
    tri_keys: np.ndarray
    tri_lp: np.ndarray
    case_lp: np.ndarray                 # (vocab, 4): log P(written lower/title/upper/mixed | word)
    meta: dict = field(default_factory=dict)

    def save(self, path: Path) -> None:
        header = {"meta": self.meta, "vocab": self.vocab, "arrays": {}}
        blobs = []
        offset = 0
        for name in _ARRAYS:
            a = np.ascontiguousarray(getattr(self, name), dtype=_STORED[name])
            header["arrays"][name] = {"dtype": _STORED[name], "length": int(a.size), "offset": offset}
            blobs.append(a.tobytes())
            offset += len(blobs[-1])
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(MAGIC)
            fh.write(json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
            for b in blobs:
                fh.write(b)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "Model":
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ModelError(f"không đọc được mô hình khôi phục dấu {path}: {exc.strerror}") from exc
        if not data.startswith(MAGIC):
            raise ModelError(f"{path} không phải mô hình khôi phục dấu của dondoc")
        try:
            end = data.index(b"\n", len(MAGIC))
            header = json.loads(data[len(MAGIC):end])
            base = end + 1
            arrays = {}
            for name in _ARRAYS:
                spec = header["arrays"][name]
                a = np.frombuffer(data, dtype=spec["dtype"], count=spec["length"], offset=base + spec["offset"])
                # probabilities are added up in float32; keys keep their width
                arrays[name] = a.astype(np.float32) if a.dtype.kind == "f" else a
            arrays["case_lp"] = arrays["case_lp"].reshape(-1, 4)
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise ModelError(f"mô hình khôi phục dấu {path} bị hỏng") from exc
        return cls(vocab=header["vocab"], meta=header["meta"], **arrays)
