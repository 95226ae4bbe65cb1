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

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_save, pre_save


class RowReader[M: Model]:
    """Reads every concrete column of `model` (but `defer`'s, left deferred) from a table aliased `alias`."""

    def __init__(self, model: type[M], alias: str, *, defer: tuple[str, ...] = ()) -> None:
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if field.name not in defer]
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
    """Inserts instances of `model` with hand-written INSERTs, as the ORM writes them.

    For the small inserts on a hot path (a join's membership, growth-chart event and e-mails), where
    compiling the ORM's INSERT cost more than running it. Each value goes through the field's own
    `pre_save` and `get_db_prep_save`, as the ORM's; an auto-numbered id is left to the database, and so is
    a `db_default` the instance did not set (DEFAULT). Like `bulk_create` it sends no signal, so it refuses a
    model that has a pre_save or post_save receiver: one added later would otherwise be skipped in silence.
    """

    CHUNK_ROWS = 1000  # well under PostgreSQL's 65,535 parameters a statement for any of our tables

    def __init__(self, model: type[M]) -> None:
        opts = model._meta
        self.model = model
        self.fields = [
            field
            for field in opts.concrete_fields
            if not field.generated and not (field.primary_key and isinstance(field, AutoFieldMixin))
        ]
        self._table = opts.db_table
        self._columns = [field.column for field in self.fields]
        self._pk_column = opts.pk.column

    def _statement(self, objects: Sequence[M], connection) -> tuple[str, list[Any]]:
        if pre_save.has_listeners(self.model) or post_save.has_listeners(self.model):
            raise ImproperlyConfigured(
                f"{self.model.__name__} has save signal receivers, which RowWriter would skip: use the ORM."
            )
        rows, params = [], []
        for instance in objects:
            marks = []
            for field in self.fields:
                value = field.pre_save(instance, True)
                if isinstance(value, DatabaseDefault):
                    marks.append("DEFAULT")
                else:
                    marks.append("%s")
                    params.append(field.get_db_prep_save(value, connection))
            rows.append(f"({', '.join(marks)})")
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self._columns)
        return f"INSERT INTO {quote(self._table)} ({columns}) VALUES {', '.join(rows)}", params  # noqa: S608

    def insert(self, objects: Sequence[M], *, using: str = DEFAULT_DB_ALIAS) -> int:
        """Write `objects` (their ids are not read back); returns how many rows were written."""
        connection = connections[using]
        with connection.cursor() as cursor:
            for start in range(0, len(objects), self.CHUNK_ROWS):
                cursor.execute(*self._statement(objects[start : start + self.CHUNK_ROWS], connection))
        return len(objects)

    def insert_one(
        self, instance: M, *, along: Sequence[tuple[RowWriter, Sequence[Model]]] = (), using: str = DEFAULT_DB_ALIAS
    ) -> M:
        """Write `instance` and set its id, with `along`'s rows written by the same statement.

        One round trip: each of `along` is a data-modifying WITH clause of the statement that inserts
        `instance`, so a constraint that refuses any row (a unique one, say) refuses them all, as one
        statement. `along` is for a few rows each, not for chunks.
        """
        connection = connections[using]
        clauses, params = [], []
        for position, (writer, objects) in enumerate(along):
            if objects:
                sql, values = writer._statement(objects, connection)
                clauses.append(f"w{position} AS ({sql})")
                params += values
        sql, values = self._statement([instance], connection)
        prefix = f"WITH {', '.join(clauses)} " if clauses else ""
        with connection.cursor() as cursor:
            cursor.execute(f"{prefix}{sql} RETURNING {connection.ops.quote_name(self._pk_column)}", params + values)
            (instance.pk,) = cursor.fetchone()
        instance._state.adding = False
        instance._state.db = using
        return instance
