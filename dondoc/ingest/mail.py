"""The third door: dispatches that arrive as e-mail attachments, read from IMAP accounts.

This module speaks IMAP (IMAPClient) and MIME (the standard `email` package) only; what is done
with each message — ingesting its attachments once, keeping the outcome — is `dondoc.mail`'s.
Messages are fetched with BODY.PEEK, so reading one never marks it read; only a message handled
is marked (\\Seen and the keyword below) or moved.
"""
from __future__ import annotations

import email
import email.policy
import hashlib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr

from .errors import IngestError

HANDLED_KEYWORD = "DondocDaTiepNhan"     # set on a message handled when it is not moved


@dataclass(frozen=True)
class MailAccount:
    host: str
    user: str
    password: str = field(repr=False, default="")
    port: int = 0                   # 0: 993 for ssl, 143 otherwise
    security: str = "ssl"           # ssl | starttls | none (loopback only)
    folder: str = "INBOX"
    move_to: str = ""               # folder for handled messages; empty: mark them read instead
    cafile: str = ""                # an office's own CA for its mail server
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}/{self.folder}"

    @property
    def label(self) -> str:
        return self.name or self.key

    @classmethod
    def from_dict(cls, d: dict) -> "MailAccount":
        import os
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        if not known.get("password") and d.get("password_env"):
            known["password"] = os.environ.get(d["password_env"], "")
        if "port" in known:
            known["port"] = int(known["port"])
        missing = [k for k in ("host", "user") if not known.get(k)]
        if missing:
            raise ValueError(f"tài khoản thư thiếu {', '.join(missing)}")
        if known.get("security", "ssl") not in ("ssl", "starttls", "none"):
            raise ValueError(f"security phải là ssl, starttls hoặc none (không phải {known['security']})")
        return cls(**known)


@dataclass
class Attachment:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Message:
    uid: int
    message_id: str                 # the Message-ID header, or the raw message's checksum
    sender: str
    subject: str
    attachments: list[Attachment]


def parse(uid: int, raw: bytes) -> Message:
    """A fetched message: its identity and the files attached to it (a forwarded message's
    attachments included; the text of the mail itself is not a dispatch)."""
    msg: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)
    mid = (msg.get("Message-ID") or "").strip() or "sha256:" + hashlib.sha256(raw).hexdigest()
    files = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if not name and part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True) or b""
        if data:
            files.append(Attachment(name or f"tep-dinh-kem-{len(files) + 1}", data))
    return Message(uid, mid[:500], parseaddr(str(msg.get("From", "")))[1] or str(msg.get("From", "")),
                   str(msg.get("Subject", "")), files)


def connect(account: MailAccount, timeout: float = 60):
    """A logged-in IMAPClient, TLS verified against the system's or the office's CA."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError, LoginError
    ctx = ssl.create_default_context(cafile=account.cafile or None)
    port = account.port or (993 if account.security == "ssl" else 143)
    try:
        client = IMAPClient(account.host, port=port, ssl=account.security == "ssl", ssl_context=ctx, timeout=timeout)
        if account.security == "starttls":
            client.starttls(ctx)
        client.login(account.user, account.password)
    except LoginError as exc:
        raise IngestError(f"máy chủ thư {account.host} từ chối đăng nhập {account.user}", "mail_login") from exc
    except ssl.SSLError as exc:
        raise IngestError(f"không kiểm tra được chứng chỉ TLS của {account.host}: {exc.reason or exc}", "mail_tls") from exc
    except (OSError, IMAPClientError) as exc:
        raise IngestError(f"không kết nối được máy chủ thư {account.host}:{port} ({exc})", "mail_connect") from exc
    return client


class Mailbox:
    """One account's folder, open: list messages, fetch one, mark or move it once handled."""

    def __init__(self, account: MailAccount, client):
        self.account = account
        self.client = client
        try:
            client.select_folder(account.folder)
        except Exception as exc:
            raise IngestError(f"không mở được thư mục {account.folder} của {account.user}", "mail_folder") from exc
        self.can_move = b"MOVE" in client.capabilities()
        if account.move_to and not client.folder_exists(account.move_to):
            client.create_folder(account.move_to)

    def uids(self) -> list[int]:
        crit = ["ALL"] if self.account.move_to else ["NOT", "KEYWORD", HANDLED_KEYWORD]
        return sorted(self.client.search(crit))

    def fetch(self, uid: int) -> Message:
        data = self.client.fetch([uid], ["BODY.PEEK[]"])
        return parse(uid, data[uid][b"BODY[]"])

    def handled(self, uid: int) -> None:
        """Out of the way: moved to `move_to`, or marked read with dondoc's keyword."""
        if self.account.move_to:
            if self.can_move:
                self.client.move([uid], self.account.move_to)
            else:
                self.client.copy([uid], self.account.move_to)
                self.client.delete_messages([uid])
                self.client.uid_expunge([uid]) if b"UIDPLUS" in self.client.capabilities() else self.client.expunge()
        else:
            self.client.add_flags([uid], [b"\\Seen", HANDLED_KEYWORD.encode()])

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:
            pass
