"""Optional login and roles: scrypt-hashed accounts, back-off after failed attempts, and the permission check.

Login is off until an administrator switches it on (setting ``login_required``). While it is off,
``require`` is a no-op and every caller acts as before. While it is on, every write in the core
service layer calls ``require(action, user=..., unit_code=...)`` first; it checks the account
logged in in this process, its role and (for a clerk) its unit, and records every refusal in the
audit log before raising PermissionDenied. Hiding buttons in the GUI is a courtesy on top of this.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from models import db as m
from models.audit import audit, audit_refusal
from models.errors import DataError, PermissionDenied

ROLES = {"clerk": "填报员", "reviewer": "审核员", "admin": "管理员"}
ROLE_BY_LABEL = {label: key for key, label in ROLES.items()}

# action -> (roles allowed, what the action is called in a refusal)
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "edit": (frozenset(ROLES), "填报或修改数据"),
    "submit": (frozenset(ROLES), "报送"),
    "reopen": (frozenset({"reviewer", "admin"}), "退回已报送的月份"),
    "merge": (frozenset({"reviewer", "admin"}), "汇总下级报表"),
    "accept": (frozenset({"reviewer", "admin"}), "接收报表"),
    "settings": (frozenset({"admin"}), "修改设置"),
    "units": (frozenset({"reviewer", "admin"}), "管理填报单位"),  # a district reviewer adds its townships
    "users": (frozenset({"admin"}), "管理用户"),
    "restore": (frozenset({"admin"}), "恢复备份"),
    "copy": (frozenset({"admin"}), "复制整个数据库"),  # copy-from: every account and the audit log go along
    "backup": (frozenset(ROLES), "备份"),
}
# A clerk acts only for its own unit; reviewers and administrators for any unit of this database.
UNIT_BOUND_ROLES = frozenset({"clerk"})

LOGIN_SETTING = "login_required"
MIN_PASSWORD_LENGTH = 8
FREE_ATTEMPTS = 3  # failures allowed before the account waits
FIRST_WAIT = dt.timedelta(seconds=30)  # doubles with every further failure ...
LONGEST_WAIT = dt.timedelta(hours=1)  # ... up to this
# scrypt cost: 16 MiB and about 50 ms per check on a modest PC; stored with each hash so it can grow later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
BAD_LOGIN = "用户名或密码不正确"


@dataclass(frozen=True)
class Session:
    """Who logged in in this process, and into which database."""

    name: str
    database_key: str


_session: Session | None = None


def _now() -> dt.datetime:
    """The clock used for back-off (tests replace it)."""
    return m.now()


# ---- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of a password, with its parameters, as one string."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches a hash made by hash_password (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected), maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


_DUMMY_HASH = None


def _dummy_check(password: str) -> None:
    """Spend the time of a real check, so that unknown names answer no faster than wrong passwords."""
    global _DUMMY_HASH
    _DUMMY_HASH = _DUMMY_HASH or hash_password("-")
    verify_password(password, _DUMMY_HASH)


def _check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DataError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    if password.strip() != password:
        raise DataError("密码首尾不能是空格")


# ---- login mode and session --------------------------------------------------------------------


def login_required() -> bool:
    """True when an administrator has switched login on for this database."""
    row = m.Setting.get_or_none(m.Setting.key == LOGIN_SETTING)
    return bool(row and row.value == "on")


def _database_key() -> str:
    """Name the open database, so a login to one database does not count in another."""
    database = m.database.obj
    if database is None:
        return ""
    params = getattr(database, "connect_params", {}) or {}
    return f"{type(database).__name__}:{database.database}:{params.get('host')}:{params.get('port')}:{params.get('options')}"


def current_user() -> str | None:
    """Return the name logged in to the open database in this process, or None."""
    if _session is None or _session.database_key != _database_key():
        return None
    return _session.name


def logout() -> None:
    """Forget this process's login."""
    global _session
    if _session is not None and _session.database_key == _database_key() and not m.database.is_closed():
        # Recorded in the database logged in to, while it is still open.
        with m.database.atomic():
            audit("logout", "user", _session.name, user=_session.name)
    _session = None


def lock_remaining(name: str) -> dt.timedelta | None:
    """How long an account must still wait after failed logins, or None."""
    account = m.User.get_or_none(m.User.name == name)
    if account is None or account.locked_until is None or account.locked_until <= _now():
        return None
    return account.locked_until - _now()


def _wait_after(failures: int) -> dt.timedelta | None:
    if failures < FREE_ATTEMPTS:
        return None
    return min(FIRST_WAIT * 2 ** (failures - FREE_ATTEMPTS), LONGEST_WAIT)


def login(name: str, password: str) -> Session:
    """Check a name and password and make that account this process's user; failures back off."""
    global _session
    account = m.User.get_or_none(m.User.name == name)
    if account is None or not account.active:
        _dummy_check(password)
        audit_refusal("login", "user", name, BAD_LOGIN if account is None else "账号已停用", user=name)
        raise PermissionDenied(BAD_LOGIN)
    now = _now()
    if account.locked_until is not None and account.locked_until > now:
        # Waiting accounts are refused without looking at the password, so guessing gains nothing.
        reason = f"密码连续错误 {account.failed_attempts} 次，请于 {account.locked_until:%H:%M:%S} 之后再试"
        audit_refusal("login", "user", name, reason, user=name)
        raise PermissionDenied(reason)
    if not verify_password(password, account.password_hash):
        with m.database.atomic():
            m.User.update(failed_attempts=m.User.failed_attempts + 1).where(m.User.name == name).execute()
            failures = m.User.get(m.User.name == name).failed_attempts
            wait = _wait_after(failures)
            if wait is not None:
                m.User.update(locked_until=now + wait).where(m.User.name == name).execute()
            audit("refused:login", "user", name, reason=f"{BAD_LOGIN}（第 {failures} 次）", user=name)
        if wait is not None:
            raise PermissionDenied(f"{BAD_LOGIN}；已连续错误 {failures} 次，请 {int(wait.total_seconds())} 秒后再试")
        raise PermissionDenied(BAD_LOGIN)
    with m.database.atomic():
        m.User.update(failed_attempts=0, locked_until=None).where(m.User.name == name).execute()
        audit("login", "user", name, user=name)
    _session = Session(name=name, database_key=_database_key())
    return _session


# ---- the permission check ----------------------------------------------------------------------


def require(action: str, *, user: str = "", unit_code: str | None = None) -> str:
    """Allow an action or raise PermissionDenied (and audit it); returns the name to record as the actor.

    A no-op while login is off: the caller's own ``user`` is returned unchanged.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not login_required():
        return user
    allowed, label = ACTIONS[action]
    name = current_user()
    key = unit_code or ""
    if name is None:
        _refuse(action, key, f"已启用登录：请先登录后再{label}", user)
    if user and user != name:
        _refuse(action, key, f"当前登录的是 {name}，不能以 {user} 的名义{label}", name)
    account = m.User.get_or_none(m.User.name == name)
    if account is None or not account.active:
        _refuse(action, key, f"账号 {name} 不存在或已停用", name)
    if account.role not in allowed:
        _refuse(action, key, f"{ROLES.get(account.role, account.role)} {name} 无权{label}", name)
    if unit_code is not None and account.role in UNIT_BOUND_ROLES and account.unit_id != unit_code:
        _refuse(action, key, f"{ROLES[account.role]} {name} 只能{label}本单位（{account.unit_id or '未指定'}）的数据，"
                             f"不能{label} {unit_code}", name)
    return name


def _refuse(action: str, key: str, reason: str, user: str):
    audit_refusal(action, "permission", key, reason, user=user)
    raise PermissionDenied(reason)


def allowed(action: str, *, unit_code: str | None = None) -> bool:
    """True when the current user may do an action (for greying out buttons; never audited)."""
    if not login_required():
        return True
    name = current_user()
    account = m.User.get_or_none(m.User.name == name) if name else None
    if account is None or not account.active or account.role not in ACTIONS[action][0]:
        return False
    return unit_code is None or account.role not in UNIT_BOUND_ROLES or account.unit_id == unit_code


# ---- accounts ----------------------------------------------------------------------------------


def role_key(role: str) -> str:
    """Accept a role by key (clerk) or by its Chinese name (填报员)."""
    key = ROLE_BY_LABEL.get(role, role)
    if key not in ROLES:
        raise DataError(f"角色 {role!r} 不存在：可选 " + "、".join(f"{k}（{v}）" for k, v in ROLES.items()))
    return key


def add_user(*, name: str, password: str, role: str, unit_code: str | None = None, user: str = "") -> m.User:
    """Create a login account; a clerk needs its unit. Only an administrator may, once login is on."""
    actor = require("users", user=user)
    role = role_key(role)
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise DataError(f"用户名 {name!r}：1–64 个字符，不能含空格")
    _check_password_policy(password)
    if role in UNIT_BOUND_ROLES and not unit_code:
        raise DataError(f"{ROLES[role]} {name} 须指定所属单位（--unit-code）")
    with m.database.atomic():
        if unit_code and not m.OrgUnit.get_or_none(m.OrgUnit.code == unit_code):
            raise DataError(f"单位 {unit_code} 不存在")
        if m.User.get_or_none(m.User.name == name):
            raise DataError(f"用户 {name} 已存在")
        account = m.User.create(name=name, role=role, password_hash=hash_password(password), unit=unit_code or None)
        audit("add", "user", name, new=f"{role} {unit_code or ''}".strip(), user=actor)
    return account


def set_password(*, name: str, password: str, user: str = "") -> None:
    """Set an account's password and lift any wait; administrators for anyone, others for themselves."""
    if not (login_required() and current_user() == name and (not user or user == name)):
        user = require("users", user=user)
    else:
        user = name
    _check_password_policy(password)
    with m.database.atomic():
        updated = m.User.update(password_hash=hash_password(password), failed_attempts=0, locked_until=None).where(
            m.User.name == name).execute()
        if not updated:
            raise DataError(f"用户 {name} 不存在")
        audit("passwd", "user", name, user=user)


def set_active(*, name: str, active: bool, user: str = "") -> None:
    """Disable an account (someone who left: it can no longer log in, its name stays in the audit log) or enable it
    again; administrators only. The last active administrator is not disabled while login is on."""
    actor = require("users", user=user)
    with m.database.atomic():
        account = m.User.get_or_none(m.User.name == name)
        if account is None:
            raise DataError(f"用户 {name} 不存在")
        if account.active == active:
            return
        if not active and account.role == "admin" and login_required() and not m.User.select().where(
                m.User.role == "admin", m.User.active == True, m.User.name != name).exists():  # noqa: E712
            raise DataError(f"{name} 是最后一个启用的管理员，不能停用：登录开启时就没有人能管理账号了。"
                            "请先添加另一个管理员，或先关闭登录")
        account.active = active
        account.save()
        audit("enable" if active else "disable", "user", name, old=str(not active), new=str(active), user=actor)


def list_users() -> list[m.User]:
    """Return every account, by name."""
    return list(m.User.select().order_by(m.User.name))


def set_login_required(on: bool, *, user: str = "") -> None:
    """Switch login on or off; switching it on needs an active administrator account to log in with."""
    from models.units import set_setting  # units imports this module

    if on and not m.User.select().where(m.User.role == "admin", m.User.active == True).exists():  # noqa: E712
        raise DataError("启用登录前须先建立至少一个管理员账号（liangxin user add NAME --role admin）")
    set_setting(LOGIN_SETTING, "on" if on else "off", user=user)


def password_from_environment(variable: str = "LIANGXIN_PASSWORD") -> str | None:
    """Return a password given to a script in the environment, or None."""
    return os.environ.get(variable) or None
