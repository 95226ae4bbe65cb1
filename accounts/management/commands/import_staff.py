from __future__ import annotations

import sys
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.staff_import import roster_import

# Below this many rows a progress bar is only noise.
PROGRESS_FROM_ROWS = 500


class Command(BaseCommand):
    help = (
        "Import the HR staff roster from a CSV file (email, full_name or first_name/last_name, job_role, "
        "school, hire_date, optional preferred_name and preferred_language). Upserts by e-mail; "
        "all rows must be valid or nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="+",
            help="CSV file, or - to read standard input; or a OneRoster export: its zip, or users.csv and "
            "orgs.csv (and roles.csv for OneRoster 1.2)",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="The file is the whole roster: deactivate active staff missing from it (never superusers).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")

    def handle(self, *args, file: list[str], full: bool, dry_run: bool, **options):
        source = sys.stdin.buffer.read() if file == ["-"] else file
        progress = partial(_progress_bar, file=sys.stderr, disable=options["verbosity"] == 0)
        try:
            result = roster_import(source, full=full, dry_run=dry_run, progress=progress)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        if not result.ok:
            for problem in result.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was imported.")
        counts = ", ".join(f"{name} {count}" for name, count in result.counts().items())
        self.stdout.write(self.style.SUCCESS(f"{result.rows} rows: {counts}."))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")


def _progress_bar(iterable, *, total: int, desc: str, file, disable):
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        file=file,
        unit="rows",
        disable=True if total < PROGRESS_FROM_ROWS else disable,
    )
