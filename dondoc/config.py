"""One configuration for every entry point: environment variables over an optional TOML file.

Keys (environment / file):
  DONDOC_DATA_DIR      data_dir         where originals, the SQLite database and the queue live
  DONDOC_DATABASE_URL  database_url     SQLAlchemy URL (default: sqlite in the data folder)
  DONDOC_SEARCH        search_backend   "sqlite" (default) or "elasticsearch"
  DONDOC_ES_URL        es_url           Elasticsearch URL, e.g. http://127.0.0.1:9200
  DONDOC_ES_INDEX      es_index         index name prefix (default "dondoc")
  DONDOC_ES_SHARDS, DONDOC_ES_REPLICAS es_shards, es_replicas  of each new index (1, 0); a
                       cluster's nodes go in DONDOC_ES_URL separated by commas
  DONDOC_MAX_FILE_MB   max_file_mb      larger files are refused (default 50)
  DONDOC_DUE_SOON_DAYS due_soon_days    a task within its deadline is "sắp đến hạn" this many days ahead (default 7)
  DONDOC_OCR_WORKERS   ocr_workers      parallel OCR processes (default: all cores)
  DONDOC_OFFICE_LOCALITY office_locality the office's own province ("tỉnh Lâm Đồng"): its bodies come first
                       when an initialism such as STC fits every province's
  DONDOC_SMTP_HOST, _PORT, _SECURITY (none|starttls|ssl), _USER, _PASSWORD, _CAFILE, DONDOC_MAIL_FROM
                       smtp_* / mail_from  where digests are sent; _CAFILE trusts an office's own CA
  DONDOC_EDXML_OUTBOX  edxml_outbox     folder the edXML gateway sends status messages from
  DONDOC_EDXML_ORGAN_ID, _ORGAN_NAME, _DEPARTMENT   this office on the exchange (From of a status)
  DONDOC_MAIL_ACCOUNTS mail_accounts    IMAP accounts `dondoc mail` reads: TOML [[mail_accounts]] tables
                       (host, port, security, user, password or password_env, folder, move_to,
                       cafile, name), or the same as a JSON list in the environment
  DONDOC_MAX_PAGES, DONDOC_MAX_PAGE_PIXELS, DONDOC_READER_MEMORY_MB, DONDOC_PAGE_SECONDS, DONDOC_READER_PROCESSES
                       limits on reading: pages (300), pixels a page (50 million), memory of a
                       reading process (1536 MB), seconds a page (60), files read at once (2)
  DONDOC_JOB_STALE_SECONDS job_stale_seconds  a worker silent this long is dead, its job retried (60)
  DONDOC_QUEUE_URL     queue_url        the broker waking workers: redis://[:password@]host:port/db, so
                       `dondoc worker` processes on several machines share the queues (default:
                       huey on SQLite in the data folder, one machine)
  DONDOC_LOGIN_ACCOUNT_LIMIT, _ADDRESS_LIMIT, DONDOC_LOGIN_WINDOW_MINUTES
                       login_*          wrong passwords allowed per account (5) / address (20) in 15 min
  DONDOC_CONFIG        -                path of the TOML file (default: <data_dir>/dondoc.toml)
"""
from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    # Inside the checkout when run from one (the demo), else the user's data directory;
    # never the current working directory by accident.
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / "data"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dondoc"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    database_url: str = ""
    search_backend: str = "sqlite"
    es_url: str = ""
    es_index: str = "dondoc"
    es_shards: int = 1
    es_replicas: int = 0
    max_file_mb: int = 50
    due_soon_days: int = 7
    ocr_workers: int = 0
    secret_key: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_security: str = "none"  # none | starttls | ssl
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_cafile: str = ""        # CA certificates to trust for an office's own mail server
    mail_from: str = "dondoc@localhost"
    base_url: str = "http://127.0.0.1:5000"
    timezone: str = "Asia/Ho_Chi_Minh"
    # the national e-document exchange: where the gateway picks up status messages, and who this
    # office is there (its electronic identifier and name; default: as the message addressed it)
    edxml_outbox: str = ""
    edxml_organ_id: str = ""
    edxml_organ_name: str = ""
    edxml_department: str = ""
    mail_accounts: tuple = ()    # dicts, as in the TOML file (see dondoc.ingest.mail.MailAccount)
    job_stale_seconds: int = 60  # a worker silent this long is taken for dead; its job is retried
    queue_url: str = ""          # redis://… : the broker is Redis (else huey on SQLite in the data folder)
    max_pages: int = 300             # longer files are refused before they are read
    max_page_pixels: int = 50_000_000   # a bigger page is rendered at a lower resolution, or refused
    reader_memory_mb: int = 1536     # address space of a process that reads a file
    page_seconds: int = 60           # time to read one page, OCR included
    reader_processes: int = 2        # files read at once by this process's reading pool
    login_account_limit: int = 5     # wrong passwords for one account within the window
    login_address_limit: int = 20    # wrong passwords from one address within the window
    login_window_minutes: int = 15
    office_locality: str = ""

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'dondoc.sqlite3'}"

    @property
    def index_db_url(self) -> str:
        """Where the embedded search index lives: a SQLite file of its own in the data folder,
        whatever database holds the register (its size is then its own, and a rebuild gives its
        pages back)."""
        return f"sqlite:///{self.data_dir / 'search.sqlite3'}"

    @property
    def workers(self) -> int:
        return self.ocr_workers or os.cpu_count() or 1


_ENV = {f.name: "DONDOC_" + f.name.upper() for f in fields(Settings)}
_ENV["search_backend"] = "DONDOC_SEARCH"


def _coerce(name: str, value):
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if name == "data_dir":
        return Path(value).expanduser()
    if name == "mail_accounts":
        return tuple(json.loads(value) if isinstance(value, str) else value)
    if kind == "int":
        return int(value)
    return str(value)


def load(**overrides) -> Settings:
    """Settings from the TOML file, then the environment, then explicit overrides."""
    values: dict = {}
    env_data = os.environ.get(_ENV["data_dir"])
    data_dir = Path(env_data).expanduser() if env_data else _default_data_dir()
    cfg_path = Path(os.environ.get("DONDOC_CONFIG") or data_dir / "dondoc.toml")
    if cfg_path.exists():
        with open(cfg_path, "rb") as fh:
            for k, v in tomllib.load(fh).items():
                if k in _ENV:
                    values[k] = _coerce(k, v)
    for name, var in _ENV.items():
        if var in os.environ and os.environ[var] != "":
            values[name] = _coerce(name, os.environ[var])
    values.update({k: _coerce(k, v) if isinstance(v, (str, list)) else v for k, v in overrides.items() if v is not None})
    return replace(Settings(), **values)
