"""What a national admin may do in the Django admin, by role: manage the reference
data (DESIGN.md §3), with no rows in Django's permission tables to set up or forget.

The admin asks the authentication backends for model permissions; this backend
answers for an active national admin marked as staff (the admin site itself checks
the second factor). Nothing else: reports, their timelines and the outbox are never
reference data, and a superuser needs no backend to do everything.

Nothing here deletes what a report or a staff account points to (agencies, units,
categories: they are deactivated instead, and the database protects them anyway), nor
a deadline policy (a new regulation is a new row; old rows explain old deadlines).
Regional holidays and routing rules added by mistake are deleted."""

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db.models import Model

from aduan.accounts.models import User

# model (app_label.model_name) -> the actions allowed on it.
REFERENCE_DATA: dict[str, tuple[str, ...]] = {
    "accounts.user": ("view", "add", "change"),
    "agencies.agency": ("view", "add", "change"),
    "agencies.unit": ("view", "add", "change"),
    "agencies.unittype": ("view", "add", "change"),
    "categories.category": ("view", "add", "change"),
    "routing.routingrule": ("view", "add", "change", "delete"),
    "reports.deadlinepolicy": ("view", "add", "change"),
    "workdays.regionalholiday": ("view", "add", "change", "delete"),
    # Official codes from the reference data file: read (to pick one), never edited.
    "regions.region": ("view",),
}

NATIONAL_ADMIN_PERMISSIONS = frozenset(
    f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
    for label, actions in REFERENCE_DATA.items()
    for action in actions
)


def _is_national_admin(user: Any) -> bool:
    return bool(
        user.is_active
        and getattr(user, "role", None) == User.Role.NATIONAL_ADMIN
        and getattr(user, "is_staff", False)
    )


class NationalAdminBackend(BaseBackend):
    """Grants the national admin role the permissions above; authenticates nobody."""

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        return set(NATIONAL_ADMIN_PERMISSIONS) if _is_national_admin(user_obj) else set()

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        prefix = f"{app_label}."
        return any(perm.startswith(prefix) for perm in self.get_all_permissions(user_obj))
