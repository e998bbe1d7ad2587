"""The built-in plan files against the seed texts they were transcribed from."""

import re
from pathlib import Path

import pytest

from models.plans import BUILTIN_PLAN_IDS, builtin_plan
from tests.conftest import missing_prerequisite

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILE = {
    "huancui": "000_fa4172fda46ea5d1.txt",
    "anqiu": "001_b8cfb847e5d8f2e6.txt",
    "wuhai": "002_147a8dc579b3a254.txt",
    "liaocheng-jbsc": "003_cf974d91fd830bd1.txt",
    "taishan": "004_c6bb9be0dc119d7e.txt",
}
# Numbered tasks (保障措施 included) as counted by reading each document.
TASK_COUNT = {"huancui": 27, "anqiu": 22, "wuhai": 18, "liaocheng-jbsc": 33, "taishan": 25}


def squash(text: str) -> str:
    """Remove whitespace and unify punctuation the PDF extraction varies."""
    text = re.sub(r"\s+", "", text)
    return text.translate(str.maketrans("(),;:", "（），；：")).replace("+", "＋")


def seed_text(plan_id: str) -> str:
    if not SEEDS.exists():
        missing_prerequisite(f"seed texts not found at {SEEDS} (shared/ sits beside the project)")
    return squash((SEEDS / SEED_FILE[plan_id]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("plan_id", BUILTIN_PLAN_IDS)
def test_every_title_and_unit_appears_in_the_seed(plan_id):
    plan = builtin_plan(plan_id)
    text = seed_text(plan_id)
    missing = []
    for task in plan.tasks:
        for piece in (task.title, *task.lead_units, *task.responsible_units):
            if squash(piece) not in text:
                missing.append(f"task {task.no}: {piece}")
    for item in plan.annex:
        for piece in (item.title, *item.lead_units):
            if squash(piece) not in text:
                missing.append(f"annex {item.no}: {piece}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("plan_id", BUILTIN_PLAN_IDS)
def test_header_facts_appear_in_the_seed(plan_id):
    plan = builtin_plan(plan_id)
    text = seed_text(plan_id)
    # The seeds README names the issuer where an abridged text (002) does not print it.
    readme_row = next(line for line in (SEEDS / "README.md").read_text(encoding="utf-8").splitlines()
                      if SEED_FILE[plan_id] in line)
    assert squash(plan.issuing_body) in text or plan.issuing_body in readme_row
    for piece in (plan.jurisdiction, plan.document_no or "", plan.title):
        assert squash(piece) in text, piece
    assert plan.issued.isoformat() in readme_row


@pytest.mark.parametrize("plan_id", BUILTIN_PLAN_IDS)
def test_task_count_matches_the_document(plan_id):
    plan = builtin_plan(plan_id)
    assert TASK_COUNT[plan_id] is not None, "count the document's tasks and record it"
    assert len(plan.tasks) == TASK_COUNT[plan_id]


@pytest.mark.parametrize("plan_id", BUILTIN_PLAN_IDS)
def test_numbers_appear_in_the_seed(plan_id):
    text = seed_text(plan_id)
    for task in builtin_plan(plan_id).tasks:
        assert squash(task.no) in text, task.no
