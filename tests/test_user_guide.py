"""The user guide (resources/guide/user-guide.md) explains every warning the forms can give, in the words the program uses."""

import re
from pathlib import Path

from forms import all_forms

GUIDE = Path(__file__).resolve().parents[1] / "resources" / "guide" / "user-guide.md"


def test_every_rule_message_is_in_the_guides_table():
    guide = GUIDE.read_text(encoding="utf-8")
    missing = [rule.message for form in all_forms() for rule in form.rules
               if re.sub(r"\{\w+\}", "…", rule.message) not in guide]
    assert not missing, f"add these to the table of resources/guide/user-guide.md (values as …): {missing}"
