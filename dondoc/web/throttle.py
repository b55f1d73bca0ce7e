"""Login throttling, kept in the database so every web process counts the same failures:
too many wrong passwords for one account, or from one address, within the window and further
attempts are refused without looking at the password."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select

from ..config import Settings
from ..storage import models as m


def _since(settings: Settings) -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=settings.login_window_minutes)


def blocked(db, settings: Settings, username: str, address: str) -> bool:
    since = _since(settings)
    by_account = db.scalar(select(func.count()).select_from(m.LoginFailure)
                           .where(m.LoginFailure.username == username, m.LoginFailure.at >= since))
    if by_account >= settings.login_account_limit:
        return True
    by_address = db.scalar(select(func.count()).select_from(m.LoginFailure)
                           .where(m.LoginFailure.address == address, m.LoginFailure.at >= since))
    return by_address >= settings.login_address_limit


def failed(db, username: str, address: str) -> None:
    db.add(m.LoginFailure(username=username[:80], address=address[:64]))
    db.flush()


def succeeded(db, settings: Settings, username: str) -> None:
    """A right password clears its account's failures (the address keeps its count); old rows go."""
    db.execute(delete(m.LoginFailure).where(m.LoginFailure.username == username))
    db.execute(delete(m.LoginFailure).where(m.LoginFailure.at < _since(settings) - timedelta(days=1)))


def message(settings: Settings) -> str:
    return (f"Đăng nhập sai quá nhiều lần. Tài khoản hoặc địa chỉ này tạm bị khóa; "
            f"vui lòng thử lại sau {settings.login_window_minutes} phút.")
