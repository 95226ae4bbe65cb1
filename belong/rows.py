"""Model instances from the columns of a hand-written statement, as the ORM would build them; and rows
inserted by a hand-written INSERT, as the ORM would write them.

For the few reads on every request where compiling the ORM's query costs more than running it (a group's
page: 73 columns, most of them translations, plus its schools and the viewer's membership in one round
trip, compiled in ~1.7 ms against ~0.2 ms to read and build by hand). The statement is written once per
process from the model's own fields, so a new column is read without anyone touching the SQL, and each
value goes through the same database converters the ORM applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


class RowReader[M: Model]:
    """Reads every concrete column of `model` from a table aliased `alias` in a statement."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        self.attnames = [field.attname for field in self.fields]
        self.columns = ", ".join(f'{alias}."{field.column}"' for field in self.fields)
        self.width = len(self.fields)
        self._converters: list[tuple[int, list, Any]] | None = None

    def _converters_for(self, connection) -> list[tuple[int, list, Any]]:
        if self._converters is None:
            converters = []
            for position, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
                if found:
                    converters.append((position, found, column))
            self._converters = converters
        return self._converters

    def build(self, values: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> M:
        """The instance for `values` (this reader's columns, in order), as loaded from `using`."""
        connection = connections[using]
        converters = self._converters_for(connection)
        if converters:
            values = list(values)
            for position, functions, column in converters:
                for convert in functions:
                    values[position] = convert(values[position], column, connection)
        return self.model.from_db(using, self.attnames, values)


class RowWriter[M: Model]:
    """Inserts instances of `model` with one hand-written INSERT a chunk, as `bulk_create` writes them.

    For the small inserts on a hot path (a join's growth-chart event and e-mails), where compiling the
    ORM's INSERT cost more than running it. Each value goes through the field's own `pre_save` and
    `get_db_prep_save`, as the ORM's; columns the database fills (the id, `db_default`s) are left to it.
    Unlike `bulk_create` it sends no signal (neither does bulk_create) and does not read back the ids.
    """

    CHUNK_ROWS = 1000  # well under PostgreSQL's 65,535 parameters a statement for any of our tables

    def __init__(self, model: type[M]) -> None:
        opts = model._meta
        self.model = model
        self.fields = [
            field
            for field in opts.concrete_fields
            if not field.db_returning and not field.has_db_default() and not field.generated
        ]
        self._table = opts.db_table
        self._columns = [field.column for field in self.fields]

    def insert(self, objects: Sequence[M], *, using: str = DEFAULT_DB_ALIAS) -> int:
        """Write `objects`; returns how many rows were written."""
        connection = connections[using]
        quote = connection.ops.quote_name
        head = f"INSERT INTO {quote(self._table)} ({', '.join(quote(c) for c in self._columns)}) VALUES "  # noqa: S608
        row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        with connection.cursor() as cursor:
            for start in range(0, len(objects), self.CHUNK_ROWS):
                chunk = objects[start : start + self.CHUNK_ROWS]
                params = [
                    field.get_db_prep_save(field.pre_save(instance, True), connection)
                    for instance in chunk
                    for field in self.fields
                ]
                cursor.execute(head + ", ".join([row] * len(chunk)), params)
        return len(objects)
