"""Files are read in worker processes from a pool (pebble), never in the web server or the
worker that asked: a process reused from file to file, with an address-space limit (RLIMIT_AS,
`reader_memory_mb`, inherited by the tesseract it runs), a time limit per page (SIGALRM
re-armed at every page read, a task timeout behind it), and killed with its parent.

Whatever a hostile file does there — runs out of memory, hangs, crashes the interpreter — comes
back as an IngestError naming the reason in Vietnamese; the pool replaces the process."""
from __future__ import annotations

import ctypes
import os
import resource
import signal
from concurrent.futures import TimeoutError as FutureTimeout
from functools import lru_cache
from pathlib import Path

from ..config import Settings
from .errors import IngestError
from .limits import Limits, check_pages

PROBE_SECONDS = 60
SLACK_SECONDS = 60          # opening, extraction of the whole text: on top of the pages' time
TASKS_PER_PROCESS = 100     # a reading process is replaced after this many files


class PageTimeout(Exception):
    pass


def _child_setup(memory_mb: int) -> None:
    try:   # die with the parent: a killed server leaves no reader running
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except OSError:
        pass
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _on_alarm(signum, frame):
    raise PageTimeout()


def _kind_of(mime: str) -> str:
    if mime == "application/pdf":
        return "PDF"
    if mime.startswith("image/"):
        return "ảnh"
    if "wordprocessingml" in mime or "msword" in mime or "opendocument" in mime:
        return "Word"
    return "văn bản"


def classify(exc: BaseException, mime: str) -> IngestError:
    """Every error a reader lets out, said in Vietnamese with its kind of file."""
    if isinstance(exc, IngestError):
        return exc
    if isinstance(exc, MemoryError):
        return IngestError("đọc tệp cần quá nhiều bộ nhớ (vượt giới hạn của tiến trình đọc tệp)", "memory")
    if isinstance(exc, PageTimeout):
        return IngestError("một trang đọc quá lâu (vượt giới hạn thời gian mỗi trang)", "timeout")
    if isinstance(exc, RuntimeError) and "timeout" in str(exc).lower():     # pytesseract's own timeout
        return IngestError("nhận dạng chữ (OCR) một trang quá lâu (vượt giới hạn thời gian mỗi trang)", "timeout")
    name = exc.__class__.__name__
    if "DecompressionBomb" in name:
        return IngestError("ảnh quá lớn khi giải nén — có thể là bom ảnh", "image_too_large")
    return IngestError(f"tệp {_kind_of(mime)} bị hỏng hoặc không đọc được ({name})", "corrupt")


# -- in the reading process ------------------------------------------------------------------

def _probe(path: str):
    from .probe import probe
    try:
        return probe(Path(path))
    except FileNotFoundError:
        raise IngestError("không tìm thấy tệp", "missing") from None
    except BaseException as exc:
        raise classify(exc, "application/octet-stream") from None


def _read(path: str, settings: Settings, progress, page_seconds: int):
    """Runs in the reading process: the reader, with a page clock re-armed at each page."""
    from .registry import read
    signal.signal(signal.SIGALRM, _on_alarm)

    def report(done: int, total: int | None) -> None:
        signal.setitimer(signal.ITIMER_REAL, page_seconds)
        if progress is not None:
            try:
                progress(done, total)
            except Exception:       # progress is for the eye: never fail a file for it
                pass
    mime = "application/octet-stream"
    try:
        from .detect import detect
        mime = detect(Path(path))
        signal.setitimer(signal.ITIMER_REAL, page_seconds)
        return read(Path(path), settings, progress=report)
    except BaseException as exc:
        err = classify(exc, mime)
        cause = exc if err is not exc else exc.__cause__
        if cause is not None:          # what the reader raised: its traceback goes to the log
            import traceback
            err.detail = "".join(traceback.format_exception(cause))[-4000:]
        raise err from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _pid() -> int:
    return os.getpid()


def _render(path: str, kind: str, number: int, limits: Limits) -> bytes:
    """One page as a PNG for the review page, within the pixel budget."""
    import io
    from PIL import Image
    from .limits import check_image, render_dpi
    buf = io.BytesIO()
    if kind == "pdf":
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(path)
        try:
            if not 1 <= number <= len(pdf):
                raise IngestError("không có trang này", "missing")
            page = pdf[number - 1]
            w, h = page.get_size()
            dpi = min(110, render_dpi(w, h, 110, limits, number))
            page.render(scale=dpi / 72).to_pil().save(buf, "PNG")
        finally:
            pdf.close()
    else:
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            if not 1 <= number <= frames:
                raise IngestError("không có trang này", "missing")
            im.seek(number - 1)
            check_image(im.width, im.height, limits, number)
            f = im.convert("RGB")
            f.thumbnail((1200, 1700))
            f.save(buf, "PNG")
    return buf.getvalue()


# -- in the process that asks ----------------------------------------------------------------

class ReadingPool:
    def __init__(self, processes: int, memory_mb: int):
        import multiprocessing
        from pebble import ProcessPool
        ctx = multiprocessing.get_context("forkserver")   # clean processes, not forks of a threaded server
        self.pool = ProcessPool(max_workers=processes, max_tasks=TASKS_PER_PROCESS, initializer=_child_setup,
                                initargs=(memory_mb,), context=ctx)

    def _run(self, fn, args, timeout: float, what: str):
        from pebble import ProcessExpired
        future = self.pool.schedule(fn, args=args, timeout=timeout)
        try:
            return future.result()
        except FutureTimeout:
            raise IngestError(f"{what} quá thời gian cho phép ({int(timeout)} giây); đã dừng", "timeout") from None
        except ProcessExpired as exc:
            why = "hết bộ nhớ cho phép" if exc.exitcode in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, 1) else "lỗi"
            raise IngestError(f"tiến trình đọc tệp dừng đột ngột ({why}, mã {exc.exitcode}) — tệp có thể được tạo "
                              "để làm hỏng chương trình đọc", "crashed") from None

    def probe(self, path: Path):
        return self._run(_probe, (str(path),), PROBE_SECONDS, "kiểm tra tệp")

    def read(self, path: Path, settings: Settings, progress=None):
        limits = Limits.of(settings)
        pr = self.probe(path)
        check_pages(pr.pages, limits)
        pages = pr.pages or 1
        return self._run(_read, (str(path), settings, progress, limits.page_seconds),
                         SLACK_SECONDS + pages * limits.page_seconds, "đọc tệp")

    def render(self, path: Path, kind: str, number: int, settings: Settings) -> bytes:
        return self._run(_render, (str(path), kind, number, Limits.of(settings)), 60, "dựng ảnh trang")

    def pid(self) -> int:
        """The id of a reading process (to see that processes are reused, not made per file)."""
        return self._run(_pid, (), 30, "kiểm tra tiến trình đọc tệp")

    def close(self) -> None:
        self.pool.stop()
        self.pool.join()


@lru_cache(maxsize=4)
def _pool(processes: int, memory_mb: int) -> ReadingPool:
    return ReadingPool(processes, memory_mb)


def pool_for(settings: Settings) -> ReadingPool:
    """This process's reading pool (started on first use, like the database engine)."""
    return _pool(max(1, settings.reader_processes), settings.reader_memory_mb)
