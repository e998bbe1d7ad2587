"""The command line's --db: a mistyped path or schema is refused, not made; URLs are decoded and never shown with
their password; Ctrl-C and a closed pipe end a command in words (or silently), never with a traceback."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest

from models.database import PostgresTarget, close_database, open_database, postgres_target
from models.errors import SchemaError
from reports.cli import main
from tests.conftest import PG_URL, TOWN, require_postgres
from tests.test_cli_core import ROOT, run_cli


@pytest.mark.parametrize("command", [["unit", "list"], ["check"], ["submit", "--period", "2025-10"],
                                     ["export", "--period", "2025-10", "--out", "returns"], ["completeness", "--period", "2025-10"],
                                     ["login-mode"], ["user", "list"]])
def test_a_mistyped_db_path_is_refused_and_not_created(tmp_path, capsys, command):
    typo = tmp_path / "liangxn.sqlite3"
    assert main(["--db", str(typo), *command]) == 1
    said = capsys.readouterr().err
    assert f"{typo}：没有这个数据库文件，程序没有新建它" in said and "--db" in said
    assert not typo.exists() and not typo.with_name(typo.name + "-wal").exists()


def test_without_db_a_pc_with_no_database_yet_is_told_to_set_it_up(tmp_path, capsys):
    assert main(["unit", "list"]) == 1
    said = capsys.readouterr().err
    assert "本机还没有数据库" in said and "首次设置" in said
    assert not (tmp_path / "userdata" / "liangxin.sqlite3").exists()


def test_the_commands_that_set_a_database_up_still_make_it(tmp_path, capsys, monkeypatch):
    admin_first = tmp_path / "accounts-first.sqlite3"
    monkeypatch.setenv("LIANGXIN_NEW_PASSWORD", "Zhang-2025-secret")
    assert main(["--db", str(admin_first), "user", "add", "admin", "--role", "管理员"]) == 0, capsys.readouterr().err
    assert main(["--db", str(admin_first), "init", "--plan", "huancui", "--unit-code", TOWN,
                 "--unit-name", "环翠楼街道", "--level", "town"]) == 0, capsys.readouterr().err
    assert main(["--db", str(admin_first), "unit", "list"]) == 0
    assert TOWN in capsys.readouterr().out


def test_ctrl_c_at_a_prompt_ends_the_command_in_words_and_saves_nothing(tmp_path):
    db = tmp_path / "town.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "desktop.launcher", "--db", str(db), "user", "add", "admin",
                             "--role", "管理员", "--password-stdin"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not db.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the database is opened (made) just before the password is read from stdin
    time.sleep(0.5)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "已中断" in err and "Traceback" not in err
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM user").fetchone() == (0,)
    finally:
        con.close()


def test_a_listing_read_only_in_part_ends_quietly(tmp_path):
    db = tmp_path / "town.sqlite3"
    assert run_cli("init", "--plan", "huancui", "--unit-code", TOWN, "--unit-name", "环翠楼街道",
                   "--level", "town", db=db).returncode == 0
    con = sqlite3.connect(db)
    with con:  # more lines than a pipe holds: the program is still writing when the reader stops
        con.executemany("INSERT INTO org_unit (code, name, level, parent_id, created_at) VALUES (?, ?, 'town', ?, "
                        "'2025-01-01 00:00:00')", [(f"{TOWN}{i:04d}", f"第{i}村" * 4, TOWN) for i in range(4000)])
    con.close()
    proc = subprocess.Popen([sys.executable, "-m", "desktop.launcher", "--db", str(db), "unit", "list"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith(TOWN)  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert err == ""


def test_a_url_is_taken_apart_with_its_escapes_decoded():
    where = postgres_target("postgresql://li%40ms:p%40ss%3Aw%2Fd@db.example:6543/%E4%B8%A4%E6%96%B0?schema=huancui")
    assert where == PostgresTarget(database="两新", user="li@ms", password="p@ss:w/d", host="db.example", port=6543,
                                   schema="huancui", shown="postgresql://li%40ms:***@db.example:6543/"
                                   "%E4%B8%A4%E6%96%B0?schema=huancui")


@pytest.mark.parametrize("url, said", [
    ("postgresql://clerk:s3cret-pw@127.0.0.1:54x2/test", "端口必须是 1–65535 之间的数字"),
    ("postgresql://clerk:s3cret-pw@127.0.0.1:99999/test", "端口必须是 1–65535 之间的数字"),
    ("postgresql://clerk:s3cret-pw@127.0.0.1:5432/test?schema=a-b", "只能由字母、数字和 _ 组成"),
])
def test_a_malformed_url_is_refused_in_words_without_its_password(url, said):
    done = run_cli("check", db=url)
    assert done.returncode == 1
    assert said in done.stderr and "clerk:***@127.0.0.1" in done.stderr
    assert "s3cret-pw" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def _server(sql: str, params=()):
    import psycopg2

    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def test_a_mistyped_schema_is_refused_and_not_created():
    require_postgres()
    typo = f"lx_typo_{uuid.uuid4().hex[:8]}"
    done = run_cli("check", db=f"{PG_URL}?schema={typo}")
    assert done.returncode == 1, done.stdout
    assert f"服务器上没有 schema“{typo}”，程序没有新建它" in done.stderr
    assert _server("SELECT 1 FROM pg_namespace WHERE nspname = %s", (typo,)) == []


@pytest.fixture
def role_with_at_sign():
    """A login role whose name holds an @, as a URL must write it escaped (%40); dropped afterwards."""
    require_postgres()
    role = f"li@ms_{uuid.uuid4().hex[:6]}"
    _server(f'CREATE ROLE "{role}" LOGIN')
    _server(f'GRANT CREATE ON DATABASE test TO "{role}"')
    yield role
    close_database()
    _server(f'DROP OWNED BY "{role}" CASCADE')
    _server(f'DROP ROLE "{role}"')


def test_a_user_name_with_an_escaped_at_sign_connects_as_that_user(role_with_at_sign):
    schema = f"lx_{uuid.uuid4().hex[:8]}"
    url = PG_URL.replace("postgresql://", f"postgresql://{role_with_at_sign.replace('@', '%40')}@", 1)
    open_database(f"{url}?schema={schema}")
    from models import db as m

    assert m.database.execute_sql("SELECT current_user").fetchone() == (role_with_at_sign,)


def test_a_missing_schema_is_refused_on_open_when_asked_not_to_create(pg_url):
    with pytest.raises(SchemaError, match="程序没有新建它"):
        open_database(pg_url, create=False)
    open_database(pg_url)  # the program's own start (and init) still make it
    close_database()
    open_database(pg_url, create=False)


@pytest.mark.parametrize("command", [["export", "--period", "2025-10"], ["summary", "--period", "2025-10"],
                                     ["template", "--unit-code", TOWN, "--period", "2025-10"]])
def test_out_is_a_folder_and_a_file_name_given_there_is_refused(sqlite_db, tmp_path, capsys, command):
    close_database()
    named = tmp_path / "十月.xlsx"
    with pytest.raises(SystemExit) as ended:
        main(["--db", str(sqlite_db), *command, "--out", str(named)])
    assert ended.value.code == 2
    assert f"{named}：--out 给出报表要写入的文件夹，不是文件名" in capsys.readouterr().err
    assert not named.exists()  # no folder of that name made
    with pytest.raises(SystemExit):
        main(["--db", str(sqlite_db), *command, "--out", str(sqlite_db)])
    assert f"{sqlite_db} 是文件，不是文件夹" in capsys.readouterr().err


def test_libpq_parameters_in_the_url_reach_the_connection(pg_url):
    # sslmode=require against this test server (no TLS) must fail: dropping it would connect without TLS.
    done = run_cli("check", db=f"{pg_url}&sslmode=require")
    assert done.returncode == 1
    assert "SSL" in done.stderr and "Traceback" not in done.stderr
    open_database(f"{pg_url}&application_name=liangxin%20huancui")
    from models import db as m

    assert m.database.execute_sql("SELECT current_setting('application_name')").fetchone() == ("liangxin huancui",)
    close_database()
    from models.backup import BackupError, inspect_database

    with pytest.raises(BackupError, match="SSL"):
        inspect_database(f"{pg_url}&sslmode=require")  # 设置 asks the same server the same way


def test_connection_parameters_that_belong_in_the_url_itself_are_refused():
    with pytest.raises(SchemaError, match=r"参数 options、password 不能写在 \? 之后"):
        postgres_target("postgresql://u@h/db?password=x&options=-c%20a%3Db&schema=s")
