"""Optional login and roles, enforced in the core: every refused write changes nothing and is in the audit log."""

import datetime as dt
from decimal import Decimal

import pytest

from models import auth
from models import db as m
from models.entries import delete_row, form_rows, reopen_period, replace_period_data, save_row, submit_period
from models.errors import DataError, LockedError, PermissionDenied
from models.units import add_unit, get_setting, set_setting
from tests.conftest import DISTRICT, TOWN, table_snapshot

P = "2025-10"
OTHER = "371002002"
PASSWORD = "long enough 1"


@pytest.fixture
def accounts(any_db):
    """A town clerk, a reviewer and an administrator; login switched on."""
    add_unit(code=OTHER, name="鲸园街道", level="town", parent_code=DISTRICT)
    auth.add_user(name="clerk", password=PASSWORD, role="填报员", unit_code=TOWN)
    auth.add_user(name="rev", password=PASSWORD, role="reviewer")
    auth.add_user(name="admin", password=PASSWORD, role="admin")
    auth.set_login_required(True)
    return any_db


def refusals(action: str) -> list[m.AuditLog]:
    return list(m.AuditLog.select().where(m.AuditLog.action == f"refused:{action}"))


def without_audit(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k != "audit_log"}


def test_login_off_changes_nothing_for_callers(sqlite_db):
    assert not auth.login_required()
    assert auth.require("settings", user="anyone") == "anyone"
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中"}, user="someone")
    assert m.Entry.get().updated_by == "someone"


def test_passwords_are_salted_scrypt_hashes(sqlite_db):
    auth.add_user(name="zhang", password=PASSWORD, role="admin")
    stored = m.User.get(m.User.name == "zhang").password_hash
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored
    assert auth.verify_password(PASSWORD, stored)
    assert not auth.verify_password(PASSWORD + "x", stored)
    assert auth.hash_password(PASSWORD) != auth.hash_password(PASSWORD)  # salted
    assert not auth.verify_password(PASSWORD, "md5$abc")  # unknown schemes never match
    assert PASSWORD not in str([a.new for a in m.AuditLog.select()])


def test_bad_accounts_are_refused_and_change_nothing(sqlite_db):
    before = table_snapshot()
    for kwargs, message in [
        ({"name": "a", "password": "short", "role": "admin"}, "至少需要 8"),
        ({"name": "a b", "password": PASSWORD, "role": "admin"}, "不能含空格"),
        ({"name": "a", "password": PASSWORD, "role": "boss"}, "角色 'boss' 不存在"),
        ({"name": "a", "password": PASSWORD, "role": "clerk"}, "须指定所属单位"),
        ({"name": "a", "password": PASSWORD, "role": "clerk", "unit_code": "999"}, "单位 999 不存在"),
    ]:
        with pytest.raises(DataError, match=message):
            auth.add_user(**kwargs)
    assert table_snapshot() == before
    with pytest.raises(DataError, match="管理员账号"):
        auth.set_login_required(True)
    assert not auth.login_required()


def test_nobody_logged_in_is_refused_and_audited(accounts):
    before = table_snapshot()
    with pytest.raises(PermissionDenied, match="请先登录"):
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中"})
    assert without_audit(table_snapshot()) == without_audit(before)
    [line] = refusals("edit")
    assert line.entity == "permission" and line.entity_key == TOWN and "请先登录" in line.reason


def test_clerk_edits_its_own_unit_only(accounts):
    auth.login("clerk", PASSWORD)
    saved = save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中"})
    assert m.Entry.get().updated_by == "clerk"  # the login, not what the caller claimed, is recorded
    assert {a.user for a in m.AuditLog.select().where(m.AuditLog.action == "edit")} == {"clerk"}
    before = table_snapshot()
    with pytest.raises(PermissionDenied, match=f"只能填报或修改数据本单位（{TOWN}）"):
        save_row(unit_code=OTHER, period=P, form_id="tasks", row_key="1", values={"status": "推进中"})
    with pytest.raises(PermissionDenied, match="只能"):
        replace_period_data(unit_code=OTHER, period=P, data={"figures": []})
    with pytest.raises(PermissionDenied, match="只能"):
        delete_row(unit_code=OTHER, period=P, form_id="tasks", row_key="1")
    with pytest.raises(PermissionDenied, match="不能以 rev 的名义"):
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"achieved": 1}, user="rev")
    assert without_audit(table_snapshot()) == without_audit(before)
    assert len(refusals("edit")) == 4 and {r.user for r in refusals("edit")} == {"clerk"}
    assert saved.values["status"] == "推进中"


def test_clerk_submits_but_cannot_reopen_merge_or_change_settings(accounts):
    auth.login("clerk", PASSWORD)
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "x"})
    submit_period(unit_code=TOWN, period=P)
    before = table_snapshot()
    with pytest.raises(PermissionDenied, match="填报员 clerk 无权退回"):
        reopen_period(unit_code=TOWN, period=P, reason="错了")
    with pytest.raises(PermissionDenied, match="无权汇总"):
        replace_period_data(unit_code=TOWN, period=P, data={}, action="merge")
    with pytest.raises(PermissionDenied, match="无权修改设置"):
        set_setting("plan_id", "taishan")
    with pytest.raises(PermissionDenied, match="无权管理填报单位"):
        add_unit(code="371002009", name="新街道", level="town", parent_code=DISTRICT)
    with pytest.raises(PermissionDenied, match="无权管理用户"):
        auth.add_user(name="mallory", password=PASSWORD, role="admin")
    with pytest.raises(PermissionDenied, match="无权管理用户"):
        auth.set_password(name="admin", password="taken over!")
    with pytest.raises(PermissionDenied):
        auth.set_login_required(False)
    assert without_audit(table_snapshot()) == without_audit(before)
    assert [len(refusals(a)) for a in ("reopen", "merge", "settings", "units", "users")] == [1, 1, 2, 1, 2]
    assert get_setting("plan_id") == "huancui" and auth.login_required()


def test_reviewer_reopens_with_reason_and_merges(accounts):
    auth.login("clerk", PASSWORD)
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "x"})
    submit_period(unit_code=TOWN, period=P)
    auth.login("rev", PASSWORD)
    with pytest.raises(LockedError):  # a submitted month refuses writes whoever asks
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "已完成"})
    reopen_period(unit_code=TOWN, period=P, reason="数据有误")
    line = m.AuditLog.get(m.AuditLog.action == "reopen")
    assert (line.user, line.reason) == ("rev", "数据有误")
    replace_period_data(unit_code=OTHER, period=P, action="merge",
                        data={"figures": [{"row_key": "appliance_recycling", "current": "12"}]})
    rows = {r.row_key: r for r in form_rows(unit_code=OTHER, period=P, form_id="figures")}
    assert rows["appliance_recycling"].values["current"] == Decimal(12)
    add_unit(code="371002009", name="新街道", level="town", parent_code=DISTRICT)  # a reviewer adds townships
    assert m.AuditLog.get(m.AuditLog.action == "add", m.AuditLog.entity_key == "371002009").user == "rev"
    with pytest.raises(PermissionDenied, match="审核员 rev 无权管理用户"):
        auth.add_user(name="x", password=PASSWORD, role="admin")


def test_admin_manages_users_and_settings_and_switches_login_off(accounts):
    auth.login("admin", PASSWORD)
    since = m.AuditLog.select().count()
    auth.add_user(name="clerk2", password=PASSWORD, role="clerk", unit_code=OTHER)
    set_setting("report_contact", "0631-1234567")
    auth.set_password(name="clerk", password="new password")
    assert [u.name for u in auth.list_users()] == ["admin", "clerk", "clerk2", "rev"]
    auth.set_login_required(False)
    assert not auth.login_required()
    changes = [(a.action, a.entity_key, a.user) for a in m.AuditLog.select().order_by(m.AuditLog.id).offset(since)]
    assert changes == [("add", "clerk2", "admin"), ("set", "report_contact", "admin"), ("passwd", "clerk", "admin"),
                       ("set", "login_required", "admin")]
    auth._session = None
    with pytest.raises(PermissionDenied):
        auth.set_login_required(True) or auth.require("users")  # switched back on: a login is needed again
    assert auth.login_required()


def test_a_disabled_account_cannot_log_in_or_act_and_the_last_admin_stays(accounts):
    auth.login("clerk", PASSWORD)  # logged in on its PC when the administrator disables it on another
    clerks_pc, auth._session = auth._session, None
    auth.login("admin", PASSWORD)
    auth.set_active(name="clerk", active=False)
    admins_pc, auth._session = auth._session, clerks_pc
    with pytest.raises(PermissionDenied):
        save_row(unit_code=TOWN, period="2025-10", form_id="tasks", row_key="1", values={"status": "推进中"})
    auth._session = admins_pc
    before = without_audit(table_snapshot())
    with pytest.raises(DataError, match="最后一个启用的管理员"):
        auth.set_active(name="admin", active=False)
    with pytest.raises(DataError, match="用户 nobody 不存在"):
        auth.set_active(name="nobody", active=False)
    assert without_audit(table_snapshot()) == before
    auth._session = None
    with pytest.raises(PermissionDenied):
        auth.login("clerk", PASSWORD)
    auth.login("admin", PASSWORD)
    auth.set_active(name="clerk", active=True)
    assert [(a.action, a.entity_key, a.user) for a in m.AuditLog.select().where(
        m.AuditLog.entity == "user", m.AuditLog.action.in_(["disable", "enable"])).order_by(m.AuditLog.id)] == [
        ("disable", "clerk", "admin"), ("enable", "clerk", "admin")]
    auth._session = None
    auth.login("clerk", PASSWORD)
    with pytest.raises(PermissionDenied, match="无权管理用户"):
        auth.set_active(name="rev", active=False)


def test_users_change_their_own_password(accounts):
    auth.login("clerk", PASSWORD)
    auth.set_password(name="clerk", password="my own new one")
    auth._session = None
    with pytest.raises(PermissionDenied):
        auth.login("clerk", PASSWORD)
    auth.login("clerk", "my own new one")


def test_failed_logins_back_off_and_are_audited(accounts, monkeypatch):
    clock = [dt.datetime(2025, 11, 3, 9, 0, 0)]
    monkeypatch.setattr(auth, "_now", lambda: clock[0])
    for _attempt in (1, 2):
        with pytest.raises(PermissionDenied, match="^用户名或密码不正确$"):
            auth.login("clerk", "wrong password")
    with pytest.raises(PermissionDenied, match="连续错误 3 次，请 30 秒后再试"):
        auth.login("clerk", "wrong password")
    account = m.User.get(m.User.name == "clerk")
    assert account.failed_attempts == 3 and account.locked_until == clock[0] + dt.timedelta(seconds=30)
    with pytest.raises(PermissionDenied, match="09:00:30 之后再试"):
        auth.login("clerk", PASSWORD)  # even the right password waits
    assert auth.current_user() is None
    clock[0] += dt.timedelta(seconds=31)
    with pytest.raises(PermissionDenied, match="连续错误 4 次，请 60 秒后再试"):
        auth.login("clerk", "still wrong")  # each further failure doubles the wait
    clock[0] += dt.timedelta(seconds=61)
    auth.login("clerk", PASSWORD)
    account = m.User.get(m.User.name == "clerk")
    assert (account.failed_attempts, account.locked_until) == (0, None)
    assert auth.current_user() == "clerk"
    assert len(refusals("login")) == 5
    with pytest.raises(PermissionDenied, match="^用户名或密码不正确$"):
        auth.login("nobody", PASSWORD)  # an unknown name answers like a wrong password
    assert auth._wait_after(40) == auth.LONGEST_WAIT


def test_session_belongs_to_its_database(accounts, tmp_path):
    from models.database import open_database

    auth.login("admin", PASSWORD)
    assert auth.current_user() == "admin"
    open_database(tmp_path / "other.sqlite3")
    assert auth.current_user() is None


def test_allowed_answers_for_the_gui_without_auditing(accounts):
    auth.login("clerk", PASSWORD)
    assert auth.allowed("edit", unit_code=TOWN) and not auth.allowed("edit", unit_code=OTHER)
    assert not auth.allowed("reopen") and not auth.allowed("users")
    assert refusals("edit") == []
