"""`liangxin user …` and `liangxin login-mode`, and commands under login."""

import io
import sys

from models import auth
from models import db as m
from models.database import close_database, open_database
from reports.cli import main
from tests.conftest import TOWN

PASSWORD = "long enough 1"


def cli(db, *args, stdin: str | None = None, monkeypatch=None, password: str | None = None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    if password is not None:
        monkeypatch.setenv("LIANGXIN_PASSWORD", password)
    try:
        return main(["--db", str(db), *args])
    finally:
        auth._session = None  # each command is its own process in real use


def test_accounts_and_login_mode_from_the_command_line(sqlite_db, capsys, monkeypatch, tmp_path):
    assert cli(sqlite_db, "login-mode", "on") == 1
    assert "管理员账号" in capsys.readouterr().err
    assert cli(sqlite_db, "user", "add", "admin", "--role", "管理员", "--password-stdin",
               stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 0
    assert cli(sqlite_db, "login-mode", "on") == 0
    assert cli(sqlite_db, "login-mode") == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "on"
    # From now on commands need a login.
    assert cli(sqlite_db, "user", "add", "li", "--role", "clerk", "--unit-code", TOWN, "--password-stdin",
               stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 1
    assert "请用 --user" in capsys.readouterr().err
    assert cli(sqlite_db, "--user", "admin", "user", "add", "li", "--role", "clerk", "--unit-code", TOWN,
               "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch, password="wrong password") == 1
    assert "用户名或密码不正确" in capsys.readouterr().err
    assert cli(sqlite_db, "--user", "admin", "user", "add", "li", "--role", "clerk", "--unit-code", TOWN,
               "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch, password=PASSWORD) == 0
    assert cli(sqlite_db, "--user", "li", "user", "list", monkeypatch=monkeypatch, password=PASSWORD) == 0
    out = capsys.readouterr().out
    assert f"li\tclerk\t填报员\t{TOWN}\t启用" in out and "admin\tadmin\t管理员" in out
    # A clerk may back up but not switch login off or restore.
    assert cli(sqlite_db, "--user", "li", "login-mode", "off", monkeypatch=monkeypatch, password=PASSWORD) == 1
    assert "无权修改设置" in capsys.readouterr().err
    assert cli(sqlite_db, "--user", "li", "backup", "--out", str(tmp_path / "b.sqlite3"),
               monkeypatch=monkeypatch, password=PASSWORD) == 0
    assert cli(sqlite_db, "--user", "li", "restore", str(tmp_path / "b.sqlite3"),
               monkeypatch=monkeypatch, password=PASSWORD) == 1
    assert "无权恢复备份" in capsys.readouterr().err
    # Passwords: the clerk changes its own; the administrator resets anyone's.
    assert cli(sqlite_db, "--user", "li", "user", "passwd", "li", "--password-stdin", stdin="another one 2\n",
               monkeypatch=monkeypatch, password=PASSWORD) == 0
    assert cli(sqlite_db, "--user", "li", "user", "passwd", "admin", "--password-stdin", stdin="hijack it 3\n",
               monkeypatch=monkeypatch, password="another one 2") == 1
    assert cli(sqlite_db, "--user", "admin", "user", "passwd", "li", "--password-stdin", stdin="reset by it 4\n",
               monkeypatch=monkeypatch, password=PASSWORD) == 0
    # Someone who left: disabled, it can no longer log in; the last administrator is not disabled.
    assert cli(sqlite_db, "--user", "admin", "user", "disable", "li", monkeypatch=monkeypatch, password=PASSWORD) == 0
    assert "已停用账号 li" in capsys.readouterr().out
    assert cli(sqlite_db, "--user", "li", "user", "list", monkeypatch=monkeypatch, password="reset by it 4") == 1
    assert cli(sqlite_db, "--user", "admin", "user", "list", monkeypatch=monkeypatch, password=PASSWORD) == 0
    assert f"li\tclerk\t填报员\t{TOWN}\t停用" in capsys.readouterr().out
    assert cli(sqlite_db, "--user", "admin", "user", "disable", "admin", monkeypatch=monkeypatch, password=PASSWORD) == 1
    assert "最后一个启用的管理员" in capsys.readouterr().err
    assert cli(sqlite_db, "--user", "admin", "user", "enable", "li", monkeypatch=monkeypatch, password=PASSWORD) == 0
    assert cli(sqlite_db, "--user", "admin", "login-mode", "off", monkeypatch=monkeypatch, password=PASSWORD) == 0
    open_database(sqlite_db)
    try:
        assert auth.verify_password("reset by it 4", m.User.get(m.User.name == "li").password_hash)
        refused = [(a.action, a.user) for a in m.AuditLog.select().where(m.AuditLog.action.startswith("refused:"))]
        assert ("refused:login", "") in refused and ("refused:login", "admin") in refused
        assert ("refused:settings", "li") in refused and ("refused:restore", "li") in refused
        assert ("refused:users", "li") in refused
    finally:
        close_database()


def test_new_password_must_be_given_somehow(sqlite_db, capsys, monkeypatch):
    assert cli(sqlite_db, "user", "add", "x", "--role", "admin", stdin="", monkeypatch=monkeypatch) == 1
    assert "--password-stdin" in capsys.readouterr().err
    assert cli(sqlite_db, "user", "add", "x", "--role", "admin", "--password-stdin", stdin="short\n",
               monkeypatch=monkeypatch) == 1
    assert "至少需要 8" in capsys.readouterr().err
