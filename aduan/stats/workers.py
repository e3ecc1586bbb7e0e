"""The processes a rebuild may work reports out in (``stats_rebuild(processes=…)``).

A new interpreter imports this module before Django is set up, so it imports
nothing of the app at the top: ``start`` sets Django up, on the database the
rebuild reads, and only then are the statistics imported."""

import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aduan.stats.facts import Book

_book: "Book | None" = None


def start(database: dict[str, Any]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict.update(database)


def range_worked(
    bounds: tuple[int, int], now: datetime
) -> tuple[int, list[tuple[Any, ...]], list[tuple[int, datetime]]]:
    """The reports of the id range worked out as of ``now``: how many, their
    contributions, and when each changes next."""
    from aduan.stats.facts import Book
    from aduan.stats.services import range_worked as worked

    global _book  # one per process: its clocks and policies, looked up once
    if _book is None:
        _book = Book()
    return worked(bounds, _book, now)
