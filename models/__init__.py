"""The core's data layer: plans, org units, entries, returns and the audit log. Never imports Qt."""
