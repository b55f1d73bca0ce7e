"""`dondoc mail` against a real IMAP server (Debian dovecot, started by scripts/imap.sh as a
non-root user on free loopback ports, TLS with a CA of its own)."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import uuid
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from dondoc.cli import every_trigger, main
from dondoc.ingest.errors import IngestError
from dondoc.ingest.mail import MailAccount, connect
from dondoc.mail import run_account
from dondoc.storage import models as m
from dondoc.storage.db import session_scope

from .conftest import CORPUS, ROOT, require

SEED = CORPUS / "seeds" / "000_1480374bd54b458c.txt"


@pytest.fixture(scope="session")
def imap_server():
    require(shutil.which("dovecot") is not None or Path("/usr/sbin/dovecot").exists(), "dovecot (Debian dovecot-imapd)")
    d = Path(tempfile.mkdtemp(prefix="dondoc-imap-"))      # outside pytest's own folders: dovecot's user reads it
    subprocess.run([str(ROOT / "scripts" / "imap.sh"), "start", str(d)], check=True, capture_output=True, timeout=120)
    env = dict(line.split("=", 1) for line in (d / "imap.env").read_text().split())
    yield env
    subprocess.run([str(ROOT / "scripts" / "imap.sh"), "stop", str(d)], capture_output=True, timeout=60)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def account(imap_server):
    """A folder of its own for each test, on IMAPS, handled messages moved to another."""
    folder = "Den-" + uuid.uuid4().hex[:8]
    acc = MailAccount(host=imap_server["DONDOC_TEST_IMAP_HOST"], port=int(imap_server["DONDOC_TEST_IMAPS_PORT"]),
                      user=imap_server["DONDOC_TEST_IMAP_USER"], password=imap_server["DONDOC_TEST_IMAP_PASSWORD"],
                      cafile=imap_server["DONDOC_TEST_IMAP_CAFILE"], folder=folder, move_to=folder + "/Đã tiếp nhận",
                      name="Văn thư")
    c = connect(acc)
    c.create_folder(folder)
    c.logout()
    return acc


@pytest.fixture
def app_client(settings):
    from dondoc.web import create_app
    from dondoc.web.auth import create_user
    from .test_web import login
    app = create_app(settings, {"TESTING": True, "HUEY_IMMEDIATE": True})
    with session_scope(settings) as s:
        create_user(s, "vanthu", "matkhau", "clerk")
    c = app.test_client()
    login(c, "vanthu")
    return c


def message(subject: str, files: list[tuple[str, bytes]], message_id: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = "vanthu@so-ldtbxh.example.vn"
    msg["To"] = "congvanden@ubnd.example.vn"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@so-ldtbxh.example.vn>"
    msg.set_content("Kính gửi văn thư: xin gửi công văn đính kèm.")
    for name, data in files:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def deliver(acc: MailAccount, raw: bytes, folder: str | None = None) -> None:
    c = connect(acc)
    c.append(folder or acc.folder, raw)
    c.logout()


def folder_uids(acc: MailAccount, folder: str) -> list[int]:
    c = connect(acc)
    c.select_folder(folder)
    uids = c.search(["ALL"])
    c.logout()
    return uids


def count(settings, model) -> int:
    with session_scope(settings) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_every_attachment_is_ingested_like_an_upload_and_the_message_moved(settings, account, tmp_path):
    from . import fixtures as fx
    docx = fx.docx_file(tmp_path / "cv.docx", fx.seed_text("004_aab771c767b14fb2"))
    deliver(account, message("Công văn 687/LĐTBXH-TTr", [("687-LĐTBXH.txt", SEED.read_bytes()),
                                                          ("cv 004.docx", docx.read_bytes())]))
    r = run_account(settings, account, report=lambda _: None)
    assert r.done == ["Công văn 687/LĐTBXH-TTr"] and r.failed == []
    with session_scope(settings) as s:
        jobs = s.scalars(select(m.Job).order_by(m.Job.id)).all()
        assert [(j.filename, j.state, j.username) for j in jobs] == [
            ("687-LĐTBXH.txt", "done", "thư: Văn thư"), ("cv 004.docx", "done", "thư: Văn thư")]
        numbers = {d.dispatch.number for d in s.scalars(select(m.Document))}
    assert "687/LĐTBXH-TTr" in numbers and len(numbers) == 2
    assert folder_uids(account, account.folder) == [] and len(folder_uids(account, account.move_to)) == 1


def test_a_message_is_handled_once_even_when_it_comes_back(settings, account):
    acc = MailAccount(**{**account.__dict__, "move_to": ""})      # marked read, not moved
    raw = message("Công văn 687", [("687.txt", SEED.read_bytes())], "<cv-687@so-ldtbxh.example.vn>")
    deliver(acc, raw)
    assert run_account(settings, acc, report=lambda _: None).done == ["Công văn 687"]
    assert run_account(settings, acc, report=lambda _: None).done == []
    deliver(acc, raw)                   # the same message again (a second copy, same Message-ID)
    again = run_account(settings, acc, report=lambda _: None)
    assert again.done == [] and again.seen == 1
    assert count(settings, m.Job) == 1 and count(settings, m.Document) == 1


def test_the_same_file_in_another_message_is_the_same_document(settings, account):
    deliver(account, message("Công văn 687", [("687.txt", SEED.read_bytes())]))
    deliver(account, message("Fwd: Công văn 687", [("ban-chuyen-tiep.txt", SEED.read_bytes())]))
    r = run_account(settings, account, report=lambda _: None)
    assert len(r.done) == 2 and count(settings, m.Document) == 1


def test_a_failure_leaves_the_message_in_place_with_its_reason_on_the_upload_page(settings, account, app_client):
    import zipfile
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x.bin", b"\x00\x01")
    deliver(account, message("Hồ sơ nén", [("ho-so.zip", buf.getvalue())]))
    logged = []
    r = run_account(settings, account, report=logged.append)
    assert r.failed and "không được hỗ trợ" in r.failed[0][1]
    assert any("Lỗi thư «Hồ sơ nén»" in line for line in logged)
    assert len(folder_uids(account, account.folder)) == 1            # still where it was
    assert run_account(settings, account, report=lambda _: None).failed == []   # not retried, not moved
    assert len(folder_uids(account, account.folder)) == 1
    page = app_client.get("/upload").get_data(as_text=True)
    assert "Hồ sơ nén" in page and "không được hỗ trợ" in page


def test_starttls_and_a_wrong_password_or_an_untrusted_server_are_clear(imap_server):
    base = dict(host=imap_server["DONDOC_TEST_IMAP_HOST"], user=imap_server["DONDOC_TEST_IMAP_USER"],
                password=imap_server["DONDOC_TEST_IMAP_PASSWORD"], cafile=imap_server["DONDOC_TEST_IMAP_CAFILE"])
    connect(MailAccount(**base, port=int(imap_server["DONDOC_TEST_IMAP_PORT"]), security="starttls")).logout()
    with pytest.raises(IngestError, match="từ chối đăng nhập"):
        connect(MailAccount(**{**base, "password": "sai"}, port=int(imap_server["DONDOC_TEST_IMAPS_PORT"])))
    with pytest.raises(IngestError, match="chứng chỉ TLS"):
        connect(MailAccount(**{**base, "cafile": ""}, port=int(imap_server["DONDOC_TEST_IMAPS_PORT"])))


def test_dondoc_mail_reads_the_configured_accounts(settings, account, monkeypatch):
    deliver(account, message("Công văn 687", [("687.txt", SEED.read_bytes())]))
    monkeypatch.setenv("DONDOC_MAIL_ACCOUNTS", json.dumps([{k: v for k, v in account.__dict__.items()}]))
    r = CliRunner().invoke(main, ["mail"])
    assert r.exit_code == 0, r.output
    assert "Đã tiếp nhận thư «Công văn 687»" in r.output and count(settings, m.Document) == 1


def test_mail_can_run_on_a_schedule():
    assert every_trigger("10m", "Asia/Ho_Chi_Minh").interval.total_seconds() == 600
    assert "mon-fri" in str(every_trigger("mon-fri 07:00", "Asia/Ho_Chi_Minh"))
    with pytest.raises(ValueError):
        every_trigger("mỗi sáng", "Asia/Ho_Chi_Minh")


def test_an_edxml_message_attached_to_a_mail_becomes_a_dispatch_like_through_the_other_doors(settings, account, tmp_path):
    from dataclasses import replace

    from dondoc.edxml.parse import parse_status

    from . import edxml_messages as mk
    header = mk.from_gold(CORPUS / "seeds" / "000_1480374bd54b458c.gold.json", priority="1")
    data = mk.qcvn(header, [mk.corpus_file("seeds/000_1480374bd54b458c.txt", "687-LDTBXH-TTr.txt")])
    gateway = tmp_path / "vxp-gui-di"
    settings = replace(settings, edxml_outbox=str(gateway))
    deliver(account, message("Gói tin liên thông 687/LĐTBXH-TTr", [("687-LDTBXH-TTr.xml", data)]))
    r = run_account(settings, account, report=lambda _: None)
    assert r.done == ["Gói tin liên thông 687/LĐTBXH-TTr"] and r.failed == []
    with session_scope(settings) as s:
        [doc] = s.scalars(select(m.Document)).all()
        d = doc.dispatch
        assert doc.kind == "edxml" and [c["name"] for c in doc.children] == ["687-LDTBXH-TTr.txt"]
        assert (d.number, d.review, d.urgency, d.due_date.isoformat()) == ("687/LĐTBXH-TTr", "pending", "khan", "2024-11-20")
        assert len(d.tasks) == 6
    assert [parse_status(p.read_bytes()).code for p in gateway.glob("*.edxml")] == ["01"]
    # the same message again, SOAP-wrapped by another gateway (other bytes, same identifier): not stored twice
    deliver(account, message("Fwd: Gói tin liên thông 687/LĐTBXH-TTr", [("goi-tin.edxml", mk.soap(data))]))
    again = run_account(settings, account, report=lambda _: None)
    assert again.done == ["Fwd: Gói tin liên thông 687/LĐTBXH-TTr"]
    assert count(settings, m.Document) == 1
    with session_scope(settings) as s:
        assert s.scalar(select(m.EdxmlMessage.deliveries)) == 2


def test_a_truncated_edxml_attachment_leaves_the_mail_in_place_with_the_reason(settings, account):
    from . import edxml_messages as mk
    data = mk.qcvn(mk.from_gold(CORPUS / "seeds" / "000_1480374bd54b458c.gold.json"),
                   [mk.corpus_file("seeds/000_1480374bd54b458c.txt")])
    deliver(account, message("Gói tin hỏng", [("goi-tin.edxml", data[:2000])]))
    r = run_account(settings, account, report=lambda _: None)
    assert r.failed and "goi-tin.edxml" in r.failed[0][1] and "cắt cụt" in r.failed[0][1]
    assert len(folder_uids(account, account.folder)) == 1 and count(settings, m.Document) == 0
