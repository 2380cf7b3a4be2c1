"""Hot-path SQL without the ORM's per-call compilation.

The ORM compiles every query afresh: on the two-core machines we measure on that is
1–2 ms of Python per statement, several times what the database itself takes. The few
statements that every request or every case action runs (the session and its user, a
case's row lock, the history, notification and audit appends) are therefore compiled
once per process here and run again with new parameters. Everything else keeps using the
ORM as usual.

- :class:`Prepared`: a queryset compiled once; calling it with new parameter values
  returns model instances (``select_related`` included) or, for a ``values()`` queryset,
  dicts — with the database converters applied, exactly as the ORM would.
- :func:`insert` / :func:`update`: one row, SQL built once per model (and per set of
  columns), values prepared by the fields themselves (``pre_save``, ``get_db_prep_save``).
  Like ``QuerySet.update`` they send no ``pre_save``/``post_save`` signals; models that
  need those keep using ``save()``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connections, models
from django.db.models.query import ModelIterable, get_related_populators


@contextlib.contextmanager
def hot_cursor(using: str = "default") -> Iterator[Any]:
    """A cursor for statements run again and again.

    On PostgreSQL it binds parameters on the server, so the statement text is the same on
    every call and psycopg prepares it after a few calls: the server then skips parsing
    and planning, which costs more than running these one-row statements. (Django's
    default client-side binding inlines the values, so no two texts are alike.)

    When nothing observes the queries (no query log, no execute wrapper) one psycopg
    cursor per connection is reused and Django's cursor wrapper is skipped: together
    about 0.1 ms of Python per statement, a tenth of an action. Errors still come out as
    Django's, and a broken transaction still refuses further statements. When queries are
    observed (``DEBUG``, ``assertNumQueries``, the test suite's query counts), they go
    through Django's wrapper and are seen like any other.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Off by default in Django (for poolers in transaction mode, which this
        # deployment does not use); it only concerns server-binding cursors like this one.
        raw.prepare_threshold = PREPARE_AFTER
    if connection.queries_logged or connection.execute_wrappers:
        with connection._prepare_cursor(ServerBindingCursor(raw)) as cursor:
            yield cursor
        return
    connection.validate_no_broken_transaction()
    cursor = getattr(connection, "_tongban_cursor", None)
    if cursor is None or cursor.connection is not raw or cursor.closed:
        cursor = connection._tongban_cursor = ServerBindingCursor(raw)
    with connection.wrap_database_errors:
        yield cursor


PREPARE_AFTER = 2

# Parameter markers for compiling: values a real query never uses, found again in the
# compiled parameters by identity of value.
_MARKER_BASE = -7_316_290_000


class _Compiled:
    __slots__ = (
        "compiler",
        "converters",
        "mode",
        "names",
        "params",
        "populate",
        "slots",
        "sql",
    )

    def __init__(self, sql, params, slots, compiler, mode, names):
        self.sql = sql
        self.params = params
        self.slots = slots
        self.compiler = compiler
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("composite primary keys are not supported here")
        self.converters = compiler.get_converters(fields)
        self.mode = mode
        self.names = names
        self.populate = None if mode == "values" else _Populate(compiler)


class Prepared:
    """A queryset built by ``build(*markers)``, compiled once per database alias.

    ``build`` receives one marker per parameter and must use each exactly where the real
    value goes (``lambda pk: Case.objects.filter(pk=pk)``). Markers are integers, so a
    parameter must be an integer or something the field accepts in its place (an id, or
    a text: a text field makes the marker its string, found again as such).
    """

    def __init__(self, build: Callable[..., models.QuerySet], arity: int = 1) -> None:
        self._build = build
        self._arity = arity
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str) -> _Compiled:
        markers = [_MARKER_BASE - n for n in range(self._arity)]
        queryset = self._build(*markers)
        query = queryset.query
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        texts = [str(marker) for marker in markers]
        slots = []
        for position, value in enumerate(params):
            if isinstance(value, int) and value in markers:
                slots.append((position, markers.index(value)))
            elif isinstance(value, str) and value in texts:
                slots.append((position, texts.index(value)))
        if sorted(index for _, index in slots) != list(range(self._arity)):
            raise ValueError("each marker must appear once in the compiled query")
        if not issubclass(queryset._iterable_class, ModelIterable):  # a values() query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            mode = "values"
        else:
            names = None
            mode = "models"
        return _Compiled(sql, list(params), slots, compiler, mode, names)

    def compiled(self, using: str = "default") -> _Compiled:
        found = self._compiled.get(using)
        if found is None:
            with self._lock:
                found = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = found
        return found

    def rows(self, *values: Any, using: str = "default") -> list:
        """The query's results for these parameter values."""
        compiled = self.compiled(using)
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = values[index]
        with hot_cursor(using) as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        compiler = compiled.compiler
        rows = (
            list(compiler.apply_converters(fetched, compiled.converters))
            if compiled.converters
            else fetched
        )
        if compiled.mode == "values":
            return [dict(zip(compiled.names, row, strict=False)) for row in rows]
        return compiled.populate(rows, using)

    def first(self, *values: Any, using: str = "default"):
        found = self.rows(*values, using=using)
        return found[0] if found else None


class _Populate:
    """Rows to model instances, as ``ModelIterable`` does (select_related populated); the
    column layout is worked out once per compiled query."""

    def __init__(self, compiler) -> None:
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        self.start = klass_info["select_fields"][0]
        self.end = klass_info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, compiler.using)
        self.annotations = list(compiler.annotation_col_map.items())

    def __call__(self, rows: Sequence[Sequence[Any]], using: str) -> list[models.Model]:
        objects = []
        for row in rows:
            obj = self.model.from_db(using, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:  # ``annotate()``: set on each instance
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class WithChildren:
    """A row and its children by a foreign key back to it, each child with some of its own
    foreign keys, in one statement (``LEFT JOIN``): what ``select_related`` cannot follow
    and ``prefetch_related`` reads in two. Calling it with a primary key returns the
    parent (or None) and its children, ordered by ``order`` (columns of the child).

    ``WithChildren(User, StaffAssignment, "user", ["agency", "window"], ["role", "id"])``
    """

    def __init__(
        self,
        parent: type[models.Model],
        child: type[models.Model],
        link: str,
        related: Sequence[str],
        order: Sequence[str],
    ) -> None:
        self.parent, self.child, self.link = parent, child, link
        self.related, self.order = list(related), list(order)
        self._built: dict[str, tuple] = {}

    def _build(self, using: str) -> tuple:
        connection = connections[using]
        quote = connection.ops.quote_name
        child_meta = self.child._meta
        # (alias, model, its fields): the parent, the child, then each related model.
        tables = [("t0", self.parent), ("t1", self.child)]
        tables += [
            (f"t{n + 2}", child_meta.get_field(name).related_model)
            for n, name in enumerate(self.related)
        ]
        columns, layout = [], []
        for alias, model in tables:
            fields = list(model._meta.concrete_fields)
            start = len(columns)
            for field in fields:
                col = field.get_col(alias)
                converters = connection.ops.get_db_converters(col) + col.get_db_converters(
                    connection
                )
                columns.append((f"{alias}.{quote(field.column)}", col, converters))
            layout.append((model, [f.attname for f in fields], start, len(columns)))
        link_column = quote(child_meta.get_field(self.link).column)
        joins = [
            f"LEFT JOIN {quote(child_meta.db_table)} t1 ON t1.{link_column} = t0."
            f"{quote(self.parent._meta.pk.column)}"
        ]
        for n, name in enumerate(self.related):
            field = child_meta.get_field(name)
            target = field.related_model._meta
            joins.append(
                f"LEFT JOIN {quote(target.db_table)} t{n + 2} ON t{n + 2}."
                f"{quote(target.pk.column)} = t1.{quote(field.column)}"
            )
        order = ", ".join(f"t1.{quote(child_meta.get_field(n).column)}" for n in self.order)
        statement = (
            f"SELECT {', '.join(c[0] for c in columns)}"  # noqa: S608 — names from models
            f" FROM {quote(self.parent._meta.db_table)} t0 {' '.join(joins)}"
            f" WHERE t0.{quote(self.parent._meta.pk.column)} = %s ORDER BY {order}"
        )
        return statement, columns, layout

    def __call__(self, pk: Any, using: str = "default") -> tuple[models.Model | None, list]:
        built = self._built.get(using)
        if built is None:
            built = self._built[using] = self._build(using)
        statement, columns, layout = built
        with hot_cursor(using) as cursor:
            cursor.execute(statement, [pk])
            rows = cursor.fetchall()
        if not rows:
            return None, []
        connection = connections[using]
        parent, children = None, []
        link = self.child._meta.get_field(self.link)
        related = [self.child._meta.get_field(name) for name in self.related]
        for raw in rows:
            values = list(raw)
            for position, (_sql, col, converters) in enumerate(columns):
                for converter in converters:
                    values[position] = converter(values[position], col, connection)
            instances = []
            for model, names, start, end in layout:
                row = values[start:end]
                key = row[names.index(model._meta.pk.attname)]
                instances.append(None if key is None else model.from_db(using, names, row))
            if parent is None:
                parent = instances[0]
            child = instances[1]
            if child is None:  # no children: the LEFT JOIN's one row of NULLs
                continue
            link.set_cached_value(child, parent)
            for field, instance in zip(related, instances[2:], strict=True):
                field.set_cached_value(child, instance)
            children.append(child)
        return parent, children


# ---------------------------------------------------------------- writes


@functools.cache
def _insert_statement(model: type[models.Model], using: str, rows: int, returning: bool):
    meta = model._meta
    # The generated primary key is left to the database, as ``save()`` does.
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    quote = connections[using].ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([row] * rows)
    # Identifiers from the model, quoted; values always go as parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return sql, _Columns(fields, _plain_checks(fields, connections[using].vendor))


class _Columns(list):
    """An INSERT's fields, with the check per field that a value may go as it is."""

    def __init__(self, fields: list, plain: tuple) -> None:
        super().__init__(fields)
        self.plain = plain


def insert(obj: models.Model, *, using: str = "default") -> models.Model:
    """INSERT ``obj`` and set its pk: the database's when it generates it (an auto id),
    else the one ``obj`` already has (a UUID made by its default)."""
    insert_many([obj], using=using)
    return obj


def insert_many(objs: Sequence[models.Model], *, using: str = "default") -> None:
    """INSERT rows of one model in one statement and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_many takes rows of one model")
    connection = connections[using]
    returning = connection.features.can_return_rows_from_bulk_insert
    if not returning and len(objs) > 1:
        for obj in objs:
            insert_many([obj], using=using)
        return
    sql, fields = _insert_statement(model, using, len(objs), returning)
    values = _prepared_values(objs, fields, connection)
    with hot_cursor(using) as cursor:
        cursor.execute(sql, values)
        if returning:
            keys = [row[0] for row in cursor.fetchall()]  # in VALUES order, as bulk_create
        else:
            meta = model._meta
            keys = [connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)]
    _mark_saved(objs, keys, using)


def insert_many_and_update(
    objs: Sequence[models.Model],
    updated: models.Model,
    names: Iterable[str],
    *,
    riders: Sequence[models.Model] = (),
    using: str = "default",
) -> None:
    """:func:`insert_many` then :func:`update`, in one statement on PostgreSQL (the
    inserts as data-modifying ``WITH`` parts): one round trip for an append that moves a
    head row (the audit chain's).

    ``riders``: more rows to insert on the way, of any models, whose primary keys are
    already set (UUIDs) — nothing is read back for them."""
    connection = connections[using]
    names = tuple(names)
    if connection.vendor != "postgresql" or not objs or not names:
        for group in _by_model(riders):
            insert_many(group, using=using)
        insert_many(objs, using=using)
        update(updated, names, using=using)
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_many_and_update takes rows of one model")
    parts, values = [], []
    for n, group in enumerate(_by_model(riders)):
        rider_sql, rider_fields = _insert_statement(type(group[0]), using, len(group), False)
        parts.append(f"rider{n} AS ({rider_sql})")
        values += _prepared_values(group, rider_fields, connection)
    insert_sql, fields = _insert_statement(model, using, len(objs), True)
    parts.append(f"inserted AS ({insert_sql})")
    values += _prepared_values(objs, fields, connection)
    update_sql, update_fields = _update_statement(type(updated), names, using)
    key = connection.ops.quote_name(model._meta.pk.column)
    # Keys of one multi-row INSERT come from the sequence in VALUES order.
    statement = (
        f"WITH {', '.join(parts)} {update_sql}"  # noqa: S608 — names from the models
        f" RETURNING (SELECT array_agg({key} ORDER BY {key}) FROM inserted)"
    )
    values += [f.get_db_prep_save(f.pre_save(updated, False), connection) for f in update_fields]
    values.append(updated.pk)
    with hot_cursor(using) as cursor:
        cursor.execute(statement, values)
        row = cursor.fetchone()
    keys = row[0] if row else None
    if not keys or len(keys) != len(objs):
        raise RuntimeError(f"the row to update ({updated._meta.label} {updated.pk}) is gone")
    _mark_saved(objs, keys, using)
    _mark_saved(riders, [rider.pk for rider in riders], using)


def _by_model(rows: Sequence[models.Model]) -> list[list[models.Model]]:
    groups: dict[type, list] = {}
    for row in rows:
        groups.setdefault(type(row), []).append(row)
    return list(groups.values())


def _mark_saved(objs: Sequence[models.Model], keys: Sequence[Any], using: str) -> None:
    for obj, pk in zip(objs, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using


def savepoint_depth(using: str = "default") -> int:
    """Savepoints open now (``atomic(savepoint=False)`` blocks are listed as None: they
    roll back with their outer block). What is kept for a batched write remembers the
    depth it was kept at, so a savepoint rolled back never leaves it behind."""
    return sum(1 for sid in connections[using].savepoint_ids if sid)


def _prepared_values(objs: Sequence[models.Model], fields: _Columns, connection) -> list:
    values = []
    for obj in objs:
        for field, is_plain in zip(fields, fields.plain, strict=True):
            if is_plain is not None:
                value = getattr(obj, field.attname)
                if value is None or is_plain(value):
                    values.append(value)  # what the field would make of it anyway
                    continue
            values.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    return values


def _is_text(value: Any) -> bool:
    return isinstance(value, str)  # choices' members too: the field passes them on as is


def _is_integer(value: Any) -> bool:
    return type(value) is int  # not a bool: the field would make it 0 or 1


def _is_aware_moment(value: Any) -> bool:
    return type(value) is dt.datetime and value.tzinfo is not None


def _is_day(value: Any) -> bool:
    return type(value) is dt.date


def _is_uuid(value: Any) -> bool:
    return type(value) is uuid.UUID


# Field classes whose values of some Python types go to PostgreSQL exactly as they are
# (the field's own preparation would return them unchanged): preparing every value
# through its field cost more than the statement itself on a wide row.
_PLAIN = {
    models.CharField: _is_text,
    models.TextField: _is_text,
    models.IntegerField: _is_integer,
    models.BigIntegerField: _is_integer,
    models.SmallIntegerField: _is_integer,
    models.PositiveIntegerField: _is_integer,
    models.PositiveSmallIntegerField: _is_integer,
    models.PositiveBigIntegerField: _is_integer,
    models.BooleanField: lambda value: type(value) is bool,
    models.ForeignKey: _is_integer,
    models.OneToOneField: _is_integer,
    models.DateTimeField: _is_aware_moment,
    models.DateField: _is_day,
    models.UUIDField: _is_uuid,
}


def _plain_checks(fields: list, vendor: str) -> tuple:
    """Per field, the check that a value may go as it is, or None where the field always
    prepares it (another database, a date set on saving, a key that is not an id)."""
    if vendor != "postgresql":
        return tuple(None for _ in fields)
    checks = []
    for field in fields:
        check = _PLAIN.get(type(field))
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            check = None
        if isinstance(field, models.ForeignKey) and not isinstance(
            field.target_field, models.AutoField | models.BigAutoField | models.SmallAutoField
        ):
            check = None
        checks.append(check)
    return tuple(checks)


@functools.cache
def _update_statement(model: type[models.Model], names: tuple[str, ...], using: str):
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    quote = connections[using].ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, key = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    return sql, fields


def update(obj: models.Model, names: Iterable[str], *, using: str = "default") -> None:
    """UPDATE the columns ``names`` of ``obj``'s row (like ``save(update_fields=…)``)."""
    names = tuple(names)
    if not names:
        return
    connection = connections[using]
    sql, fields = _update_statement(type(obj), names, using)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    values.append(obj.pk)
    with hot_cursor(using) as cursor:
        cursor.execute(sql, values)


__all__ = [
    "Prepared",
    "WithChildren",
    "hot_cursor",
    "insert",
    "insert_many",
    "insert_many_and_update",
    "savepoint_depth",
    "update",
]
