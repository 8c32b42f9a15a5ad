"""Shared CTEs, computed once: Spark inlines every reference to a CTE into the plan.

DuckDB computes a CTE that a statement reads twice once; Spark copies its plan into each
place that reads it, and a CTE read by CTEs that are themselves read twice multiplies:
a Phase 3 statement's plan scanned ``nba_raw.schedule`` 174 times, and most of its time
went into optimizing and running those copies. Here a statement is split into stages: each
top-level CTE read more than once becomes a query of its own, computed once by the caller
(``localCheckpoint``) and registered as a session temp view, and the statement reads the
view. CTEs read once stay inline. The rows are the same: a CTE is a named subquery, and a
view of its rows is what DuckDB reads too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp

PREFIX = "_bc_cte_"


@dataclass(frozen=True)
class Staged:
    """``stages``: (view name, Spark SELECT) in dependency order; ``final``: the statement
    reading those views."""
    stages: tuple[tuple[str, str], ...]
    final: str

    def private(self) -> Staged:
        """The same statement with view names of its own: temp views are the session's,
        and two statements of one template running at once (a stage's processors on
        threads, work ahead in the background) must not drop each other's views."""
        if not self.stages:
            return self
        tag = f"{PREFIX}{uuid.uuid4().hex[:12]}_"
        return Staged(tuple((v.replace(PREFIX, tag, 1), q.replace(PREFIX, tag))
                            for v, q in self.stages), self.final.replace(PREFIX, tag))


def _references(node: exp.Expression, names: set[str]) -> list[str]:
    return [t.name for t in node.find_all(exp.Table)
            if not t.args.get("db") and t.name in names]


@lru_cache(maxsize=512)
def stage(sql: str) -> Staged:
    """Split a Spark SELECT whose top-level CTEs are read more than once; others as is."""
    try:
        tree = sqlglot.parse_one(sql, read="spark")
    except sqlglot.errors.ParseError:
        return Staged((), sql)
    with_ = tree.args.get("with_")
    if not isinstance(tree, exp.Select | exp.Union) or with_ is None or with_.recursive:
        return Staged((), sql)
    ctes = list(with_.expressions)
    names = {c.alias_or_name for c in ctes}
    reads: dict[str, int] = dict.fromkeys(names, 0)
    body = tree.copy()
    body.set("with_", None)
    for node in [c.this for c in ctes] + [body]:
        for name in _references(node, names):
            reads[name] += 1
    shared = {n for n, k in reads.items() if k > 1}
    if not shared:
        return Staged((), sql)

    def rename(node: exp.Expression) -> exp.Expression:
        for t in list(node.find_all(exp.Table)):
            if not t.args.get("db") and t.name in shared:
                alias = t.alias or t.name
                t.replace(exp.to_table(PREFIX + t.name).as_(alias) if alias
                          else exp.to_table(PREFIX + t.name))
        return node

    stages: list[tuple[str, str]] = []
    inline: list[exp.CTE] = []   # CTEs read once, with the shared ones renamed in them
    for cte in ctes:
        name = cte.alias_or_name
        query = rename(cte.this.copy())
        if name in shared:
            # the CTEs it reads inline (read once, so only here) travel with it
            used = _closure(query, inline)
            if used:
                query.set("with_", exp.With(expressions=[c.copy() for c in used]))
            stages.append((PREFIX + name, query.sql("spark")))
        else:
            inline.append(exp.CTE(this=query, alias=exp.TableAlias(this=exp.to_identifier(name))))
    final = rename(body)
    used = _closure(final, inline)
    if used:
        final.set("with_", exp.With(expressions=[c.copy() for c in used]))
    return Staged(tuple(stages), final.sql("spark"))


def _closure(node: exp.Expression, inline: list[exp.CTE]) -> list[exp.CTE]:
    """The inline CTEs ``node`` reads, directly or through each other, in their order."""
    by_name = {c.alias_or_name: c for c in inline}
    wanted: set[str] = set()
    todo = _references(node, set(by_name))
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo.extend(_references(by_name[name].this, set(by_name)))
    return [c for c in inline if c.alias_or_name in wanted]
