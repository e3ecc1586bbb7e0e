from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from aduan.lib.errors import AduanError
from aduan.triage.models import Kind
from aduan.triage.services import triage_due, triage_train


class Command(BaseCommand):
    help = (
        "Train the triage models (category, agency) from the verified history, check each "
        "on a time split, and make the new versions active."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            choices=Kind.values,
            action="append",
            help="Train only this kind (repeatable; default both).",
        )
        parser.add_argument(
            "--no-check",
            action="store_true",
            help="Skip the time-split check (trains once instead of twice).",
        )
        parser.add_argument(
            "--if-due",
            action="store_true",
            help=(
                "Train only when the worker would: no model yet, or the active one older "
                "than ADUAN_TRIAGE_TRAIN_HOURS with history since (`make run` asks this)."
            ),
        )
        parser.add_argument(
            "--latest",
            type=int,
            metavar="N",
            help="Learn from the N verified reports submitted last only (default: all).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["latest"] is not None and options["latest"] < 1:
            raise CommandError(_("--latest harus bilangan bulat 1 atau lebih."))
        if options["if_due"] and not triage_due():
            self.stdout.write(_("Model triase masih baru; tidak dilatih ulang."))
            return
        try:
            results = triage_train(
                kinds=options["kind"] or Kind.values,
                progress=not options["no_progress"],
                check=not options["no_check"],
                latest=options["latest"],
            )
        except AduanError as error:
            raise CommandError(str(error.message)) from None
        for result in results:
            style = self.style.SUCCESS if result.model is not None else self.style.WARNING
            self.stdout.write(style(result.message))
