"""peewee models: one database, SQLite by default or PostgreSQL for a shared office."""

from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

database = DatabaseProxy()


def read_snapshot():
    """A transaction that only reads: one consistent view of the data, without taking SQLite's write lock."""
    if isinstance(database.obj, SqliteDatabase):
        return database.atomic("DEFERRED")  # the others' atomic() take the lock first (models.database)
    return database.atomic()


def now() -> dt.datetime:
    """Return the current local time to the second (what the audit log and returns show)."""
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    """Key/value facts of this database: schema version, own unit, plan."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


def put_setting(key: str, value: str) -> None:
    """Insert or update a setting (an upsert both SQLite and PostgreSQL understand)."""
    Setting.insert(key=key, value=value).on_conflict(conflict_target=[Setting.key], update={Setting.value: value}).execute()


class PlanRecord(BaseModel):
    """A work plan loaded into this database; body is the validated plan file."""

    id = CharField(primary_key=True, max_length=64)
    title = TextField()
    jurisdiction = TextField()
    source = CharField(max_length=16)  # builtin | imported
    body = TextField()
    loaded_at = DateTimeField(default=now)


class TaskRecord(BaseModel):
    """A numbered task of a plan; seq is its position, no its label as printed."""

    plan = ForeignKeyField(PlanRecord, backref="tasks", on_delete="CASCADE")
    seq = IntegerField()
    no = CharField(max_length=32)
    section = TextField()
    title = TextField()
    lead_units = TextField()  # JSON list
    responsible_units = TextField()  # JSON list
    category = CharField(max_length=16)

    class Meta:
        indexes = ((("plan", "seq"), True),)


class TargetRecord(BaseModel):
    """A target of a task, or of the plan as a whole when task is null."""

    plan = ForeignKeyField(PlanRecord, backref="targets", on_delete="CASCADE")
    task = ForeignKeyField(TaskRecord, null=True, backref="targets", on_delete="CASCADE")
    year = IntegerField(null=True)
    indicator = TextField()
    indicator_key = CharField(max_length=64, null=True)
    value = DecimalField(max_digits=20, decimal_places=4, null=True, auto_round=True)
    unit = CharField(max_length=32, null=True)
    comparison = CharField(max_length=16)
    baseline_year = IntegerField(null=True)
    wording = TextField()


class OrgUnit(BaseModel):
    """A reporting unit: town, district or city, with its parent."""

    code = CharField(primary_key=True, max_length=32)
    name = TextField()
    level = CharField(max_length=16)  # town | district | city
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    created_at = DateTimeField(default=now)


class Entry(BaseModel):
    """One row of one form for a unit and month; data holds the form's input fields as JSON."""

    # No index of its own (index=False here and below): each of these tables' indexes starts with the unit, which
    # serves lookups by unit and the foreign key's checks, and one index fewer makes inserting a month ~15 % cheaper.
    # Databases made before keep theirs; it is harmless, and not worth a schema version.
    unit = ForeignKeyField(OrgUnit, backref="entries", on_delete="RESTRICT", index=False)
    period = CharField(max_length=7)  # YYYY-MM
    form_id = CharField(max_length=32)
    row_key = CharField(max_length=64)  # task seq, indicator key, or an event's uuid
    data = TextField()
    version = IntegerField(default=1)  # optimistic lock for shared databases
    updated_at = DateTimeField(default=now)
    updated_by = CharField(max_length=64, default="")

    class Meta:
        indexes = ((("unit", "period", "form_id", "row_key"), True), (("form_id", "period"), False))


class Baseline(BaseModel):
    """A unit's base-year value of an indicator (the 2023 base growth targets refer to)."""

    unit = ForeignKeyField(OrgUnit, on_delete="RESTRICT", index=False)
    indicator = CharField(max_length=64)
    year = IntegerField()
    value = DecimalField(max_digits=20, decimal_places=4, auto_round=True)

    class Meta:
        indexes = ((("unit", "indicator", "year"), True),)


class PeriodState(BaseModel):
    """Whether a unit's month is open for entry or submitted (locked)."""

    unit = ForeignKeyField(OrgUnit, on_delete="RESTRICT", index=False)
    period = CharField(max_length=7)
    state = CharField(max_length=16, default="open")  # open | submitted
    changed_at = DateTimeField(default=now)
    changed_by = CharField(max_length=64, default="")
    reason = TextField(default="")

    class Meta:
        indexes = ((("unit", "period"), True),)


class ReturnRecord(BaseModel):
    """One return (a unit's workbook for a month): exported here or merged from a file."""

    uuid = CharField(primary_key=True, max_length=36)
    unit = ForeignKeyField(OrgUnit, on_delete="RESTRICT", index=False)
    period = CharField(max_length=7)
    form_ids = TextField()  # JSON list of "id@version"
    revision = IntegerField()
    content_hash = CharField(max_length=64)
    source = CharField(max_length=16)  # export | merge
    status = CharField(max_length=16, default="current")  # current | superseded | conflict | rejected
    file_name = TextField(default="")
    payload = TextField()  # canonical JSON of the data, so older revisions stay in history
    flags = TextField(default="[]")  # JSON list: edited_after_export, soft_failures, template
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("unit", "period"), False),)


class AuditLog(BaseModel):
    """Every change and every refusal: who, when, what, old → new, and why."""

    at = DateTimeField(default=now)
    user = CharField(max_length=64, default="")
    action = CharField(max_length=32)
    entity = CharField(max_length=64)
    entity_key = TextField(default="")
    field = CharField(max_length=64, default="")
    old = TextField(null=True)
    new = TextField(null=True)
    reason = TextField(default="")


class User(BaseModel):
    """A login account, used when an administrator switches login on."""

    name = CharField(primary_key=True, max_length=64)
    role = CharField(max_length=16)  # clerk | reviewer | admin
    password_hash = TextField()
    unit = ForeignKeyField(OrgUnit, null=True, on_delete="RESTRICT")
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)


ALL_MODELS = [Setting, PlanRecord, TaskRecord, TargetRecord, OrgUnit, Entry, Baseline, PeriodState,
              ReturnRecord, AuditLog, User]
