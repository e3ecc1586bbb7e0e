import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from aduan.triage.evaluate import (
    EvaluationError,
    evaluate,
    evaluation_text,
    examples_from_csv,
    history_examples_for,
)


class Command(BaseCommand):
    help = (
        "Measure the triage classifier: on a CSV file (by time with --time-column, else "
        "stratified 5-fold cross-validation), or on the verified history (--history)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--data", type=Path, help="A CSV file (UTF-8).")
        source.add_argument(
            "--history",
            action="store_true",
            help="The verified reports, by time: category and agency.",
        )
        parser.add_argument("--text-column", help="The column of the texts.")
        parser.add_argument("--label-column", help="The column of the labels.")
        parser.add_argument(
            "--time-column", help="Train on the earliest 80%% by this column (numbers or dates)."
        )
        parser.add_argument("--delimiter", default=",", help="The column separator (default ,).")
        parser.add_argument("--json", action="store_true", help="One JSON object.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = not options["no_progress"]
        try:
            if options["history"]:
                results = {
                    target: self._run(history_examples_for(target), True, progress, target)
                    for target in ("category", "agency")
                }
                self._write(results, options["json"], titled=True)
                return
            if not options["text_column"] or not options["label_column"]:
                raise CommandError(
                    _("--data memerlukan --text-column dan --label-column."), returncode=2
                )
            examples = examples_from_csv(
                options["data"],
                text_column=options["text_column"],
                label_column=options["label_column"],
                time_column=options["time_column"],
                delimiter=options["delimiter"].replace("\\t", "\t"),
            )
            result = self._run(examples, bool(options["time_column"]), progress, "")
            self._write({"": result}, options["json"], titled=False)
        except EvaluationError as error:
            raise CommandError(str(error), returncode=2) from None

    def _run(self, examples: Any, by_time: bool, progress: bool, title: str) -> dict[str, Any]:
        with tqdm(
            total=0, desc=title or "triage", unit=" step", file=sys.stderr, disable=not progress
        ) as bar:

            def step(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            return evaluate(examples, by_time=by_time, progress=step)

    def _write(self, results: dict[str, dict[str, Any]], as_json: bool, *, titled: bool) -> None:
        if as_json:
            body = results if titled else results[""]
            self.stdout.write(json.dumps(body, ensure_ascii=False, sort_keys=True))
            return
        for title, result in results.items():
            self.stdout.write(evaluation_text(result, title=title.upper() if titled else ""))
