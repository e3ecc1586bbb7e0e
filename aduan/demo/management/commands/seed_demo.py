from typing import Any

from django.core.management.base import BaseCommand, CommandError

from aduan.demo.services import DEMO_PASSWORD, demo_accounts_create
from aduan.lib.errors import AduanError


class Command(BaseCommand):
    help = "Create the demo data set (demo mode only): the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            accounts = demo_accounts_create()
        except AduanError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password {DEMO_PASSWORD}):"))
        for account, user in accounts:
            where = f" — {user.unit or user.agency}" if user.agency else ""
            self.stdout.write(f"  {account.username:<20} {user.get_role_display()}{where}")
