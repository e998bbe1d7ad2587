"""The core's data layer: plans, org units, entries, returns and the audit log. Never imports Qt."""

from models.pgdriver import import_peewee

import_peewee()  # before any module here imports peewee: its PostgreSQL driver is loaded only when one is opened
