"""A return read back from a workbook: the contract between the Excel reader and the merge."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class CellProblem:
    """What is wrong in a returned file and where: file, sheet and cell."""

    file: str
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{Path(self.file).name}: {where}: {self.message}" if where else f"{Path(self.file).name}: {self.message}"


@dataclass
class ReturnFile:
    """One unit's return for one month, as read from a workbook (program export or filled template)."""

    path: Path
    kind: str  # "return" (exported by the program) | "template" (filled by hand)
    unit_code: str
    unit_name: str
    parent_code: str | None
    period: str
    revision: int
    return_uuid: str | None  # None for a template filled by hand
    form_versions: dict[str, int]  # form id -> version
    data: dict[str, list[dict]]  # canonical rows per form, as models.entries.canonical_data gives
    stated_hash: str | None  # the hash written at export; None for templates
    computed_hash: str  # models.entries.content_hash(data)
    program_version: str = ""
    warnings: list[CellProblem] = field(default_factory=list)  # tolerated oddities worth showing
    # The fixed rows' keys and printed-text fingerprints the file's metadata lists (xlsx_layout.row_identity): the
    # merge compares the tasks' with this database's plan. Empty for a file without metadata.
    row_identities: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # models.entries.canonical_json(data) as the reader made it for computed_hash; "" when not kept. The merge
    # stores it as the record's payload instead of encoding the month a second time.
    canonical_text: str = field(default="", repr=False)

    @property
    def edited_after_export(self) -> bool:
        """True when the data no longer matches the hash written at export."""
        return self.stated_hash is not None and self.stated_hash != self.computed_hash
