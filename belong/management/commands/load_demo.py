import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from belong import demo

# Each app adds its demo data in `<app>/demo.py: load(stdout, people)`, in this order.
APP_DEMOS = ["groups.demo", "meetings.demo", "equity_plan.demo", "comments.demo", "funding.demo", "spaces.demo"]


class Command(BaseCommand):
    help = "Load (or refresh) the fictional demo district. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        with transaction.atomic():
            people = demo.load(self.stdout)
            for module_name in APP_DEMOS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                module.load(self.stdout, people)
        self.stdout.write(
            self.style.SUCCESS(f"Demo district ready. Every demo account's password is {demo.DEMO_PASSWORD!r}:")
        )
        for role, user in people.items():
            self.stdout.write(f"  {role:<10} {user.email:<28} {user.full_name}")
