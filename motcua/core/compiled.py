"""Queries that run on every request, compiled by the ORM once per process.

The ORM turns a queryset into SQL each time it is evaluated; for the lookups every API request
or step action makes (the user of a token, a staff member's roles, the rows a step action locks)
that compilation costs four to eight times running them (a dossier's lock: 0.8 ms to compile,
0.16 ms to run; docs/benchmarks.md). `Compiled` keeps the SQL of a queryset built with a
stand-in value and runs it with the real one, so the queryset stays the one definition of the
lookup; the rows go through the ORM's own converters (the compiler's, found once), so they
are what the queryset would give on every database. `CompiledModel` builds model instances,
with the to-one relations it names, from such rows (`Model.from_db`, as the ORM does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# The stand-in for a primary or foreign key: no row has a negative id.
ID_STAND_IN = -770_077


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    compiler: SQLCompiler  # converts the rows; read only once compiled
    converters: dict[int, Any]  # the compiler's, found once (results_iter finds them per call)


class Compiled:
    def __init__(self, build: Callable[[Any], QuerySet[Any]], stand_in: Any) -> None:
        """`build(value)` gives the queryset for `value`; `stand_in` is a value of the same
        type that no real call uses and that appears nowhere else in the query."""
        self._build = build
        self._stand_in = stand_in
        self._statements: dict[str, _Statement] = {}

    def _is_stand_in(self, param: Any) -> bool:
        return type(param) is type(self._stand_in) and param == self._stand_in

    def _compiled(self, using: str) -> _Statement:
        if using not in self._statements:
            compiler = self._build(self._stand_in).query.get_compiler(using)
            sql, params = compiler.as_sql()
            if sum(map(self._is_stand_in, params)) != 1:
                raise RuntimeError(f"the stand-in {self._stand_in!r} is not one parameter of "
                                   f"{sql}")
            columns = [column for column, _sql, _alias in compiler.select[:compiler.col_count]]
            self._statements[using] = _Statement(sql, tuple(params), compiler,
                                                 compiler.get_converters(columns))
        return self._statements[using]

    def statement(self, using: str = "default") -> tuple[str, tuple[Any, ...]]:
        compiled = self._compiled(using)
        return compiled.sql, compiled.params

    def rows(self, value: Any, using: str = "default") -> list[tuple[Any, ...]]:
        """The rows for `value`, as the queryset's `values_list` would give them."""
        compiled = self._compiled(using)
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql,
                           [value if self._is_stand_in(p) else p for p in compiled.params])
            fetched = cursor.fetchall()
        if not compiled.converters:
            return [tuple(row) for row in fetched]
        return [tuple(row) for row in
                compiled.compiler.apply_converters(fetched, compiled.converters)]


@dataclass(frozen=True)
class _Part:
    """One model of the read: the main one (path "") or a to-one relation."""

    path: str
    model: type[Model]
    attnames: tuple[str, ...]
    parent: str | None  # the path it hangs from; None for the main model
    field: str  # its name on the parent


class CompiledModel(Generic[M]):
    """Instances of `build(value)`'s model, with the to-one relations in `related` (paths as
    for `select_related`, e.g. "run__process") read in the same statement and set on them."""

    def __init__(self, build: Callable[[Any], QuerySet[M]], stand_in: Any,
                 related: Sequence[str] = ()) -> None:
        self._build = build
        self._stand_in = stand_in
        self._related = tuple(related)
        self._parts: list[_Part] = []
        self._query = Compiled(lambda value: build(value).values_list(*self._columns()),
                               stand_in)

    def _columns(self) -> list[str]:
        if not self._parts:
            self._parts = self._plan(self._build(self._stand_in).model)
        return [f"{part.path}__{name}" if part.path else name
                for part in self._parts for name in part.attnames]

    def _plan(self, model: type[Model]) -> list[_Part]:
        paths = sorted({"__".join(path.split("__")[:depth])
                        for path in self._related
                        for depth in range(1, len(path.split("__")) + 1)},
                       key=lambda path: path.count("__"))
        parts = [_Part("", model, _attnames(model), None, "")]
        by_path = {"": model}
        for path in paths:
            parent, _, name = path.rpartition("__")
            related = by_path[parent]._meta.get_field(name).related_model
            if not isinstance(related, type) or not issubclass(related, Model):
                raise ValueError(f"{path} is not a to-one relation")
            by_path[path] = related
            parts.append(_Part(path, related, _attnames(related), parent, name))
        return parts

    def statement(self, using: str = "default") -> tuple[str, tuple[Any, ...]]:
        return self._query.statement(using)

    def all(self, value: Any, using: str = "default") -> list[M]:
        rows = self._query.rows(value, using)
        return [self._instance(row, using) for row in rows]

    def first(self, value: Any, using: str = "default") -> M | None:
        """The first instance for `value` (the one, for a key), or None."""
        found = self.all(value, using)
        return found[0] if found else None

    def get(self, value: Any, using: str = "default") -> M:
        """The one instance for `value`; the model's DoesNotExist when there is none."""
        found = self.first(value, using)
        if found is None:
            raise self._parts[0].model.DoesNotExist()  # type: ignore[attr-defined]  # every model has it
        return found

    def _instance(self, row: tuple[Any, ...], using: str) -> M:
        built: dict[str, Model | None] = {}
        start = 0
        for part in self._parts:
            values = row[start:start + len(part.attnames)]
            start += len(part.attnames)
            parent = built.get(part.parent) if part.parent is not None else None
            if part.parent is not None and (parent is None or all(v is None for v in values)):
                built[part.path] = None  # a null relation (or one under a null relation)
                continue
            instance = part.model.from_db(using, part.attnames, values)
            built[part.path] = instance
            if parent is not None:
                setattr(parent, part.field, instance)
        main = built[""]
        assert main is not None
        return main  # type: ignore[return-value]  # built from the queryset's own model


def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)
