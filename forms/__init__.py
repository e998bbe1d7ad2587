"""Return forms, declared once as data in forms/defs/ and validated on load."""

from forms.registry import FORM_IDS, all_forms, get_form, load_form_file

__all__ = ["FORM_IDS", "all_forms", "get_form", "load_form_file"]
