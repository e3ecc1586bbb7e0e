import sys
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.core.keyrotation import (
    BATCH_SIZE,
    Rotation,
    RotationError,
    data_key_left,
    data_key_rotate,
)

# Wide enough for the longest table.column there is.
_WIDTH = 44


class Command(BaseCommand):
    help = (
        "Bring every reporter's data under ADUAN_DATA_KEY: encrypt again what a key of "
        "ADUAN_DATA_KEY_PREVIOUS encrypted and compute every lookup hash again "
        "(docs/keys.md). Safe while the application runs, and to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing: count what is still under a previous key (exit status 1 "
            "while anything is).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help="Rows per transaction (default %(default)s).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, check: bool, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        previous = len(settings.DATA_KEYS_PREVIOUS)
        self.stdout.write(f"Data key: ADUAN_DATA_KEY, and {previous} previous key(s) to read.")
        walk = data_key_left if check else data_key_rotate
        try:
            result = walk(batch_size=batch_size, progress=not options["no_progress"])
        except RotationError as error:
            raise CommandError(f"Stopped: {error}") from None
        if check:
            self._checked(result)
        else:
            self._rotated(result)

    def _rotated(self, result: Rotation) -> None:
        self._columns("Encrypted again under ADUAN_DATA_KEY:", result.encrypted)
        self._columns("Hashes computed again under ADUAN_DATA_KEY:", result.hashes)
        self._secrets(result)
        if result.changed_meanwhile:
            self.stdout.write(
                f"{result.changed_meanwhile:,} row(s) changed by the application while "
                "being read were left to it (it writes under the new key); `--check` "
                "counts what is left."
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {result.rows:,} rows read."))

    def _checked(self, result: Rotation) -> None:
        self._columns("Encrypted values read only with a previous key:", result.encrypted)
        self._columns("Hashes not under ADUAN_DATA_KEY:", result.hashes)
        for column, count in sorted(result.unreadable.items()):
            rows = ", ".join(str(pk) for pk in result.unreadable_rows[column])
            more = ", …" if count > len(result.unreadable_rows[column]) else ""
            self.stdout.write(
                self.style.ERROR(
                    f"  {column}: {count:,} value(s) no configured key reads (rows {rows}{more})"
                )
            )
        self._secrets(result)
        left, unreadable = result.left, sum(result.unreadable.values())
        if left or unreadable:
            said = []
            if left:
                said.append(f"{left:,} value(s) still under a previous key: run rotate_data_key")
            if unreadable:
                said.append(f"{unreadable:,} value(s) no configured key reads")
            self.stdout.write(self.style.WARNING(f"{'; '.join(said)} ({result.rows:,} rows)."))
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Nothing left under a previous key in {result.rows:,} rows: "
                "ADUAN_DATA_KEY_PREVIOUS may be removed (docs/keys.md)."
            )
        )

    def _columns(self, title: str, counts: Mapping[str, int]) -> None:
        if not counts:
            return
        self.stdout.write(title)
        for column, count in sorted(counts.items()):
            self.stdout.write(f"  {column:<{_WIDTH}}  {count:>12,}")

    def _secrets(self, result: Rotation) -> None:
        kept = {column: count for column, count in result.secrets.items() if count}
        self._columns(
            "Hashes of secrets never kept (API tokens and keys, one-time codes, SMS\n"
            "fingerprints), which cannot be computed again: a token or key used while\n"
            "the previous key is configured is hashed again; one not used by then stops\n"
            "working when it is removed (docs/keys.md). Rows holding one:",
            kept,
        )
