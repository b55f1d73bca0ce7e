"""The `dondoc` command line."""
from __future__ import annotations

import atexit
import gc
import json
import logging
import sys
from pathlib import Path

import click

from . import config, logs
from .domain import Status

log = logging.getLogger(__name__)


@click.group(help="dondoc: tiếp nhận văn bản, trích xuất nhiệm vụ, theo dõi và đôn đốc thực hiện.")
@click.option("--verbose", "-v", is_flag=True, help="In cả nhật ký chi tiết (debug) ra màn hình; nhật ký luôn được ghi vào dondoc.log trong thư mục dữ liệu.")
@click.pass_context
def main(ctx, verbose):
    # a command's objects (spaCy's vocabulary, the gazetteer, ...) die with the process: the
    # collections the interpreter runs at exit would only walk them all, 0.3-0.4 s of a one-file
    # `dondoc extract` (measured with `date` around the process); frozen, they are left alone.
    # Only the collector is spared: every exit handler (the reading pool's, logging's) still runs.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    ctx.obj = config.load()
    logs.setup(ctx.obj, verbose=verbose)


@main.command(help="Đọc và trích xuất một tệp mà không lưu (in JSON với --json).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In bản ghi dạng JSON.")
@click.pass_obj
def extract(settings, path, as_json):
    from concurrent.futures import ThreadPoolExecutor
    from .extraction import extract_text, read_file, reader_dict
    from .ingest.errors import IngestError
    # the file is read in the reading pool's process while this one imports the extractor
    # (spaCy): the two start-ups overlap instead of adding up
    with ThreadPoolExecutor(max_workers=1) as ex:
        reading = ex.submit(read_file, path, settings)
        import dondoc.nlp.extract  # noqa: F401
        try:
            result = reading.result()
        except IngestError as exc:
            click.echo(f"Lỗi: {path.name}: {exc.message}", err=True)
            sys.exit(1)
    record = extract_text(result.text, settings)
    data = record.to_dict()
    data["read"] = reader_dict(result)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        _print_record(data)


@main.group(help="Cơ sở dữ liệu.")
def db():
    pass


@db.command("upgrade", help="Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu lên phiên bản mới nhất.")
@click.pass_obj
def db_upgrade(settings):
    from .storage.db import upgrade
    upgrade(settings)
    click.echo(f"Cơ sở dữ liệu sẵn sàng: {settings.db_url}")


@main.command(help="Tiếp nhận tệp hoặc thư mục (đệ quy): đọc, trích xuất, lưu và đánh chỉ mục.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-index", is_flag=True, help="Không cập nhật chỉ mục tìm kiếm.")
@click.option("--confirm", is_flag=True, help="Đưa ngay nhiệm vụ vào theo dõi (sổ đã được soát xét), không chờ văn thư xác nhận.")
@click.pass_obj
def ingest(settings, paths, no_index, confirm):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from .ingest.errors import IngestError
    from .pipeline import collect, ingest_file
    from .storage.db import upgrade
    upgrade(settings)
    files = collect(list(paths))
    console = Console(stderr=True, soft_wrap=True)
    failed = stored = dup = pages = 0
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[pages]} trang"), TimeElapsedColumn(), console=console,
                  transient=not console.is_terminal) as progress:
        bar = progress.add_task("Tiếp nhận", total=len(files), pages=0)
        for f in files:
            progress.update(bar, description=f"Tiếp nhận {f.name[:40]}")
            try:
                if not f.exists():
                    raise IngestError("không tìm thấy tệp", "missing")
                out = ingest_file(f, settings, index=not no_index, confirm=confirm)
                pages += out.pages
                if out.duplicate:
                    dup += 1
                    console.print(f"Bỏ qua (đã có, mã {out.document_id}): {f}")
                else:
                    stored += 1
                    console.print(f"Đã lưu mã {out.document_id}: {f} — {out.pages} trang, {out.tasks} nhiệm vụ")
                for w in out.warnings:
                    console.print(f"  [yellow]Cảnh báo:[/] {w}")
            except IngestError as exc:
                failed += 1
                console.print(f"[red]Lỗi:[/] {f}: {exc.message}")
            except Exception as exc:
                failed += 1
                log.exception("ingesting %s failed", f)
                console.print(f"[red]Lỗi:[/] {f}: lỗi không xác định ({exc.__class__.__name__}: {exc}); chi tiết trong {logs.log_path(settings)}")
            progress.update(bar, advance=1, pages=pages)
    console.print(f"Xong: {stored} tệp mới, {dup} tệp trùng, {failed} tệp lỗi.")
    sys.exit(1 if failed else 0)


@main.command(help="Theo dõi một thư mục: tệp thả vào được tiếp nhận rồi chuyển sang done/ hoặc failed/.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--interval", default=1.0, show_default=True, help="Số giây giữa hai lần quét.")
@click.pass_obj
def watch(settings, folder, interval):
    from .edxml.outbox import flush as edxml_flush
    from .ingest.watch import watch as run
    from .pipeline import ingest_file
    from .storage.db import upgrade
    upgrade(settings)
    click.echo(f"Đang theo dõi {folder} (Ctrl+C để dừng)")
    try:
        run(folder, lambda p: ingest_file(p, settings), interval=interval, settle=interval, report=click.echo,
            after_pass=lambda: edxml_flush(settings))
    except KeyboardInterrupt:
        pass


@main.group(help="Liên thông văn bản điện tử (edXML): thông điệp trạng thái gửi lại nơi gửi.")
def edxml():
    pass


@edxml.command("status", help="Ghi mọi thông điệp trạng thái còn nợ nơi gửi vào thư mục gửi đi của gateway "
                              "(DONDOC_EDXML_OUTBOX); mã thoát ≠ 0 nếu còn thông điệp chưa ghi được.")
@click.pass_obj
def edxml_status(settings):
    from sqlalchemy import func, select
    from .edxml.outbox import queue, send
    from .storage import models as m
    from .storage.db import session_scope, upgrade
    upgrade(settings)
    if not settings.edxml_outbox:
        raise click.ClickException("chưa đặt thư mục gửi đi của gateway (DONDOC_EDXML_OUTBOX hoặc edxml_outbox)")
    with session_scope(settings) as s:
        queue(s)
    with session_scope(settings) as s:
        for path in send(s, settings):
            click.echo(f"Đã ghi {path}")
    with session_scope(settings) as s:
        left = s.scalar(select(func.count()).select_from(m.EdxmlStatus).where(m.EdxmlStatus.written_at.is_(None)))
        error = s.scalar(select(m.EdxmlStatus.last_error).where(m.EdxmlStatus.written_at.is_(None),
                                                                m.EdxmlStatus.last_error.is_not(None)).limit(1))
    if left:
        click.echo(f"Còn {left} thông điệp trạng thái chưa ghi được{': ' + error if error else ''}", err=True)
        sys.exit(1)


@main.command(help="In văn bản đã lưu theo mã.")
@click.argument("doc_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(settings, doc_id, as_json):
    from .storage.db import session_scope, upgrade
    from .storage import models as m
    from .export import dispatch_dict
    upgrade(settings)
    with session_scope(settings) as s:
        doc = s.get(m.Document, doc_id)
        if doc is None:
            click.echo(f"Không có văn bản mã {doc_id}.", err=True)
            sys.exit(1)
        data = dispatch_dict(doc)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))
        return
    click.echo(f"Tệp: {data['filename']} ({data['mime']}, {len(data['pages'])} trang)")
    for p in data["pages"]:
        how = {"text": "lớp chữ", "edxml": "lời phong bì edXML"}.get(p["method"]) or f"OCR, độ tin cậy {p['confidence']}"
        click.echo(f"  trang {p['number']}: {how}")
    _print_record(data)


@main.command("eval", help="Chấm điểm trích xuất trên corpus/ (văn bản gốc, bỏ dấu, OCR tiếng Anh).")
@click.argument("corpus", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def eval_cmd(corpus, as_json):
    from rich.console import Console
    from rich.table import Table
    from .config import PROJECT_ROOT
    from .evaluate import evaluate
    rows = evaluate(corpus or PROJECT_ROOT / "corpus")
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    t = Table("Tập", "Dạng", "VB", "Số/ngày/CQ/trích yếu", "NV P/R/F1", "Chủ trì", "Hạn F1", "(chủ trì, hạn) F1")
    for r in rows:
        h = r["header"]
        t.add_row(r["set"], r["variant"], str(r["docs"]), f"{h['number']:.2f}/{h['issued']:.2f}/{h['issuer']:.2f}/{h['subject']:.2f}",
                  f"{r['task_p']:.2f}/{r['task_r']:.2f}/{r['task_f1']:.2f}", f"{r['lead_acc']:.2f}",
                  f"{r['deadline_f1']:.2f}", f"{r['obligation_f1']:.2f}")
    Console().print(t)


@main.command(help="Tìm nhiệm vụ (hoặc văn bản với --van-ban) theo nội dung, cơ quan, hạn, trạng thái.")
@click.argument("text", required=False, default="")
@click.option("--agency", help="Cơ quan chủ trì hoặc phối hợp (tên đầy đủ hay viết tắt, ví dụ 'Sở LĐTBXH').")
@click.option("--issuer", help="Cơ quan ban hành.")
@click.option("--status", type=click.Choice([s.value for s in Status]))
@click.option("--due-after", type=click.DateTime(["%Y-%m-%d"]), help="Hạn từ ngày (YYYY-MM-DD).")
@click.option("--due-before", type=click.DateTime(["%Y-%m-%d"]), help="Hạn đến ngày (YYYY-MM-DD).")
@click.option("--issued-from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--issued-to", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--overdue", is_flag=True, help="Chỉ nhiệm vụ quá hạn chưa hoàn thành.")
@click.option("--sort", type=click.Choice(["relevance", "deadline", "issued"]), default="relevance", show_default=True)
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=20, show_default=True)
@click.option("--van-ban", "dispatches", is_flag=True, help="Tìm văn bản thay vì nhiệm vụ.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search(settings, text, agency, issuer, status, due_after, due_before, issued_from, issued_to, overdue, sort,
           page, per_page, dispatches, as_json):
    from dataclasses import asdict
    from .search.base import Query
    from .search.service import search_dispatches, search_tasks
    from .storage.db import upgrade
    upgrade(settings)
    q = Query(text=text, agency=agency, issuer=issuer, status=status,
              due_from=due_after.date() if due_after else None, due_to=due_before.date() if due_before else None,
              issued_from=issued_from.date() if issued_from else None, issued_to=issued_to.date() if issued_to else None,
              overdue=overdue, sort=sort, page=page, per_page=per_page)
    from .search.base import QueryTooLong, SearchUnavailable
    try:
        res = search_dispatches(settings, q) if dispatches else search_tasks(settings, q)
    except QueryTooLong as exc:
        click.echo(f"Lỗi: {exc}.", err=True)
        sys.exit(2)
    except SearchUnavailable as exc:
        click.echo(f"Lỗi: {exc} ({settings.search_backend})", err=True)
        sys.exit(3)
    if as_json:
        click.echo(json.dumps({"total": res.total, "hits": [asdict(h) for h in res.hits], "facets": res.facets},
                              ensure_ascii=False, indent=1))
        return
    click.echo(f"{res.total} kết quả")
    for h in res.hits:
        f = h.fields
        due = f.get("next_due") or "—"
        click.echo(f"[{h.id}] {f.get('number') or ''} hạn {due} — {h.snippet}")


@main.command(help="Dựng lại chỉ mục tìm kiếm từ cơ sở dữ liệu (không gián đoạn tìm kiếm).")
@click.option("--pending", is_flag=True, help="Chỉ đánh chỉ mục phần việc còn chờ (khi chỉ mục từng không phản hồi).")
@click.pass_obj
def reindex(settings, pending):
    from .search import outbox
    from .search.service import reindex as run
    from .storage.db import upgrade
    upgrade(settings)
    if pending:
        try:
            n = outbox.drain(settings)
        except Exception as exc:
            raise click.ClickException(f"chỉ mục chưa nhận được ({exc}); còn {outbox.pending(settings)} việc chờ") from exc
        click.echo(f"Đã đánh chỉ mục {n} văn bản còn chờ; còn {outbox.pending(settings)} việc chờ.")
        return
    n = run(settings)
    click.echo(f"Đã đánh chỉ mục lại {n} văn bản ({settings.search_backend}).")


@main.command(help="Kiểm tra: cơ sở dữ liệu với chỉ mục tìm kiếm, tệp gốc với mã SHA-256, việc nền với tiến trình xử lý.")
@click.option("--fix", is_flag=True, help="Sửa những gì sửa được: đánh chỉ mục lại văn bản lệch, đưa việc bị treo về hàng đợi.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def check(settings, fix, as_json):
    from .check import run
    from .storage.db import upgrade
    upgrade(settings)
    report = run(settings, fix=fix)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        c = report.counts
        click.echo(f"Đã kiểm tra {c.get('dispatches', 0)} văn bản (chỉ mục: {c.get('indexed', 0)}, chờ đánh chỉ mục: "
                   f"{c.get('index_pending', 0)}), {c.get('files', 0)} tệp, {c.get('jobs_queued', 0)} việc chờ, "
                   f"{c.get('workers', 0)} tiến trình xử lý.")
        for f in report.findings:
            click.echo(f"{'Đã sửa' if f.fixed else 'Sai lệch'} [{f.area}]: {f.message}")
        click.echo("Không có sai lệch." if not report.findings else
                   ("Đã sửa mọi sai lệch." if report.clean else "Còn sai lệch chưa sửa (chạy lại với --fix, hoặc xem từng dòng)."))
    sys.exit(0 if report.clean else 1)


@main.group(help="Người dùng của ứng dụng web.")
def user():
    pass


@user.command("add", help="Tạo người dùng (vai trò: clerk, manager, agency_staff, admin).")
@click.argument("username")
@click.option("--role", type=click.Choice(["clerk", "manager", "agency_staff", "admin"]), default="admin", show_default=True)
@click.option("--agency", help="Cơ quan của cán bộ đơn vị (agency_staff), tên đầy đủ hay viết tắt.")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True)
@click.option("--email")
@click.option("--if-missing", is_flag=True, help="Không báo lỗi nếu người dùng đã có.")
@click.pass_obj
def user_add(settings, username, role, agency, password, email, if_missing):
    from sqlalchemy import select
    from .search.service import agency_named
    from .storage import models as m
    from .storage.db import session_scope, upgrade
    from .web.auth import create_user
    upgrade(settings)
    with session_scope(settings) as s:
        if s.scalar(select(m.User).where(m.User.username == username)):
            if if_missing:
                click.echo(f"Người dùng {username} đã có.")
                return
            click.echo(f"Lỗi: người dùng {username} đã có.", err=True)
            sys.exit(1)
        agency_id = None
        if agency:
            found = agency_named(s, settings, agency)
            if found is None:
                raise click.ClickException(f"không có cơ quan “{agency}” trong danh mục")
            agency_id = found.id
        try:
            create_user(s, username, password, role, email, agency_id)
        except ValueError as exc:          # too short a password, an unknown role
            raise click.ClickException(f"không tạo được người dùng {username}: {exc}") from exc
    click.echo(f"Đã tạo {username} ({role}).")


@main.command(help="In văn bản với dấu tiếng Việt được khôi phục (văn bản gõ không dấu hoặc OCR mất dấu).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tệp mô hình khác mô hình đóng gói sẵn.")
@click.pass_obj
def restore(settings, path, model_path):
    from .ingest.errors import IngestError
    from .extraction import read_file
    from .restore import ModelError, load
    try:
        text = read_file(path, settings).text
        restorer = load(str(model_path) if model_path else None)
    except IngestError as exc:
        click.echo(f"Lỗi: {path.name}: {exc.message}", err=True)
        sys.exit(1)
    except ModelError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    out = restorer.restore(text)
    sys.stdout.buffer.write(out.text.encode("utf-8"))
    if not out.text.endswith("\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


@main.command("train-restorer", help="Huấn luyện mô hình khôi phục dấu từ corpus chưa gán nhãn (không dùng văn bản của tập có nhãn).")
@click.option("--corpus", "corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Thư mục văn bản .txt để huấn luyện (mặc định: shared/corpus/unlabelled/text).")
@click.option("--labelled", "labelled", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Thư mục tập có nhãn cần loại khỏi dữ liệu huấn luyện (mặc định: mọi tập của corpus/ và shared/corpus).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Tệp mô hình ghi ra (mặc định: mô hình đóng gói).")
def train_restorer(corpus_dir, labelled, out):
    from .restore import MODEL_PATH
    from .restore.train import build, labelled_folders, shared_corpus
    shared = shared_corpus()
    if corpus_dir is None:
        if shared is None:
            raise click.ClickException("không tìm thấy shared/corpus/unlabelled/text; chỉ rõ bằng --corpus")
        corpus_dir = shared / "unlabelled" / "text"
    folders = list(labelled) or labelled_folders(shared)
    out = out or MODEL_PATH
    model = build(corpus_dir, folders, out)
    meta = model.meta
    click.echo(f"Đã huấn luyện trên {meta['training_texts']} văn bản ({meta['training_tokens']:,} từ tố) "
               f"và {meta['names']} tên cơ quan, địa danh; bỏ {len(meta['excluded'])} văn bản trùng nội dung tập có nhãn:")
    for name, lab in meta["excluded"].items():
        click.echo(f"  {name}  (= {lab})")
    click.echo(f"Mô hình: {out} ({out.stat().st_size / 2**20:.1f} MB; {meta['vocab']:,} từ, "
               f"{meta['bigrams']:,} cặp, {meta['trigrams']:,} bộ ba)")


@main.command(help="Chạy ứng dụng web cùng tiến trình xử lý nền.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--worker/--no-worker", "with_worker", default=True, show_default=True,
              help="Xử lý việc nền ngay trong tiến trình web; --no-worker khi đã chạy riêng `dondoc worker`.")
@click.pass_obj
def serve(settings, host, port, with_worker):
    from waitress import serve as run
    from .web import create_app
    import signal
    app = create_app(settings)
    worker = app.extensions["worker"]
    if with_worker:
        worker.start()    # takes back the jobs a killed server left running, then consumes both queues

    def stop(signum, frame):   # huey's consumer takes SIGTERM for itself; stop the whole server
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    click.echo(f"dondoc đang chạy tại http://{host}:{port} (Ctrl+C để dừng)")
    try:
        run(app, host=host, port=port, threads=8)
    except KeyboardInterrupt:
        pass
    finally:
        if with_worker:
            worker.stop()


@main.command(help="Tiến trình xử lý việc nền (đọc tệp, nhận dạng chữ, đánh chỉ mục) cho các hàng đợi đã chọn. "
                   "Chạy nhiều tiến trình, trên nhiều máy khi DONDOC_QUEUE_URL trỏ tới Redis.")
@click.option("--queue", "queues", multiple=True, type=click.Choice(["default", "ocr"]),
              help="Hàng đợi xử lý (nhắc lại để lấy cả hai; mặc định: cả hai). "
                   "ocr: bản quét, tệp lớn; default: việc nhanh.")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64), help="Số việc chạy cùng lúc mỗi hàng đợi.")
@click.pass_obj
def worker(settings, queues, threads):
    import signal
    import threading
    from .jobs.worker import Worker
    from .storage.db import upgrade
    upgrade(settings)
    w = Worker(settings)
    chosen = list(queues) or ["default", "ocr"]
    w.start(chosen, threads=threads)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):   # huey's consumer would take SIGTERM for itself
        signal.signal(sig, lambda signum, frame: done.set())
    broker = "Redis" if settings.queue_url else "SQLite"
    click.echo(f"Tiến trình xử lý {w.id} nhận hàng đợi {', '.join(chosen)} ({broker}); Ctrl+C để dừng.", err=True)
    try:
        done.wait()
    finally:
        w.stop()


@main.command(help="Gửi bản tin hạn: nhiệm vụ sắp đến hạn và quá hạn tới từng cơ quan và người đăng ký.")
@click.option("--days", type=int, help="Số ngày tới được coi là sắp đến hạn (mặc định: due_soon_days, 7).")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False, path_type=Path), help="Ghi thư ra thư mục này thay vì gửi.")
@click.option("--every", help="Chạy theo lịch, ví dụ 'mon-fri 07:00' (giờ Việt Nam).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Ngày coi là hôm nay (mặc định: hôm nay).")
@click.pass_obj
def digest(settings, days, dry_run, every, today):
    from .digest.send import run, schedule
    from .storage.db import upgrade
    trigger = _trigger(schedule, every, settings.timezone)
    upgrade(settings)

    def once():
        out = run(settings, today.date() if today else None, days, dry_run)
        for key, addr in out.sent:
            click.echo(f"Đã gửi {key} tới {addr}")
        for key, addr in out.skipped:
            click.echo(f"Đã gửi hôm nay, bỏ qua: {key} tới {addr}")
        for f in out.written:
            click.echo(f"Đã ghi {f}")
        for key, addr, err in out.failed:
            click.echo(f"Lỗi gửi {key} tới {addr}: {err} (sẽ gửi lại lần chạy sau)", err=True)
        return out
    if not every:
        sys.exit(1 if once().failed else 0)
    _run_on_schedule(once, trigger, every, settings.timezone, "Bản tin hạn sẽ được gửi")


def _trigger(make, every: str | None, timezone: str):
    """The APScheduler trigger of `--every`, or None to run once; a bad spec is a usage error."""
    if not every:
        return None
    try:
        return make(every, timezone)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from exc


def _run_on_schedule(once, trigger, every: str, timezone: str, what: str) -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler
    sched = BlockingScheduler(timezone=timezone)
    sched.add_job(once, trigger, max_instances=1, coalesce=True)
    click.echo(f"{what} theo lịch '{every}' ({timezone}). Ctrl+C để dừng.")
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def every_trigger(spec: str, timezone: str):
    """`--every`: an interval ("10m", "15 phút", "1h") or the digests' weekly form ("mon-fri 07:00")."""
    import re
    m = re.fullmatch(r"\s*(\d+)\s*(m|min|phút|h|giờ)\s*", spec)
    if m:
        from apscheduler.triggers.interval import IntervalTrigger
        n = int(m.group(1))
        if n <= 0:
            raise ValueError("khoảng thời gian phải lớn hơn 0")
        return IntervalTrigger(minutes=n) if m.group(2) in ("m", "min", "phút") else IntervalTrigger(hours=n)
    from .digest.send import schedule
    return schedule(spec, timezone)


@main.command(help="Đọc thư điện tử từ các tài khoản IMAP đã cấu hình: mỗi tệp đính kèm được tiếp nhận như tệp tải lên.")
@click.option("--every", help="Chạy theo lịch: '10m' (mỗi 10 phút), '1h', hoặc 'mon-fri 07:00' (giờ Việt Nam).")
@click.pass_obj
def mail(settings, every):
    from .mail import accounts, run
    from .storage.db import upgrade
    try:
        accs = accounts(settings)
    except (TypeError, ValueError) as exc:
        raise click.UsageError(f"cấu hình mail_accounts không hợp lệ: {exc}") from exc
    if not accs:
        raise click.UsageError("chưa cấu hình tài khoản thư nào (mail_accounts trong dondoc.toml, hoặc DONDOC_MAIL_ACCOUNTS)")
    trigger = _trigger(every_trigger, every, settings.timezone)
    upgrade(settings)

    def once():
        runs = run(settings, report=click.echo)
        for r in runs:
            click.echo(f"{r.account}: {len(r.done)} thư đã tiếp nhận, {len(r.failed)} thư lỗi")
        return runs
    if not every:
        sys.exit(1 if any(r.failed for r in once()) else 0)
    _run_on_schedule(once, trigger, every, settings.timezone, "Thư sẽ được đọc")


def _print_record(d: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    c = Console()
    c.print(f"[bold]{d.get('kind') or 'Văn bản'}[/] số {d.get('number') or '—'} ngày {d.get('issued') or '—'}")
    c.print(f"Cơ quan ban hành: {d.get('issuer') or '—'}")
    c.print(f"Trích yếu: {d.get('subject') or '—'}")
    t = Table("#", "Nhiệm vụ", "Chủ trì", "Hạn")
    for i, task in enumerate(d["tasks"], 1):
        t.add_row(str(i), task["text"][:120], "; ".join(task["lead"]), ", ".join(x["date"] or "" for x in task["deadlines"]))
    c.print(t)
    for w in d.get("warnings", []):
        c.print(f"[yellow]Cảnh báo:[/] {w}")


if __name__ == "__main__":
    main()
