"""Peak memory and time of each expanding file, at full size, read through dondoc's reading
pool (issue #12): the refusal must come in under 120 s with the reading processes under 1.5 GB.

    .venv/bin/python benchmarks/limits.py [--json]

Peak memory is the largest sum of resident memory (RSS) of every process below this one (the
pool's reading processes, their OCR workers and tesseract), sampled every 10 ms; this process
itself only waits."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402  (the files the regression tests make, here at full size)


def full_zip_bomb(path: Path, gigabytes: float = 5.0) -> Path:
    """A ~7 MB .docx whose document.xml inflates to `gigabytes` GB (the size probed in #12)."""
    chunk = b"a" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, body in hostile.DOCX_PARTS.items():
            z.writestr(name, body)
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><w:document xmlns:w="{hostile.W}"><w:body><w:p><w:r><w:t>'.encode())
            for _ in range(int(gigabytes * 1024)):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


class Peak:
    def __init__(self):
        self.me = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            total = 0
            for p in self.me.children(recursive=True):
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.01)

    def __enter__(self):
        self.t = threading.Thread(target=self._sample, daemon=True)
        self.t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.t.join()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from dondoc import config
    from dondoc.ingest.errors import IngestError
    from dondoc.ingest.pool import pool_for
    from dondoc.pipeline import read_file
    tmp = Path(tempfile.mkdtemp(prefix="dondoc-limits-"))
    settings = config.load(data_dir=tmp / "data")
    files = {
        "PDF một trang 200 × 200 inch": hostile.huge_page_pdf(tmp / "trang-lon.pdf"),
        "PDF 2.000 trang quét": hostile.many_pages_pdf(tmp / "hai-nghin.pdf"),
        "DOCX bom nén (giải ra 5 GB)": full_zip_bomb(tmp / "bom.docx"),
        "DOCX bom thực thể XML": hostile.entity_bomb_docx(tmp / "cuoi.docx"),
        "PNG 50.000 × 50.000 điểm ảnh": hostile.png_bomb(tmp / "anh.png"),
    }
    pool_for(settings).pid()            # the pool started: its idle processes are the baseline
    with Peak() as idle:
        time.sleep(0.5)
    rows = []
    for name, f in files.items():
        t = time.perf_counter()
        with Peak() as peak:
            try:
                read_file(f, settings)
                outcome = "đọc được"
            except IngestError as exc:
                outcome = f"từ chối: {exc.message}"
        rows.append({"file": name, "size_kb": round(f.stat().st_size / 1024), "seconds": round(time.perf_counter() - t, 2),
                     "peak_mb": round(peak.peak / 2**20), "outcome": outcome})
    if args.json:
        print(json.dumps({"idle_pool_mb": round(idle.peak / 2**20), "rows": rows}, ensure_ascii=False, indent=1))
        return
    print(f"bộ đọc khi rảnh: {idle.peak / 2**20:.0f} MB")
    print("| tệp | dung lượng | thời gian | bộ nhớ đỉnh (các tiến trình đọc) | kết quả |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['file']} | {r['size_kb']} KB | {r['seconds']} s | {r['peak_mb']} MB | {r['outcome']} |")


if __name__ == "__main__":
    main()
