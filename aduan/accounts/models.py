from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: a citizen, or a staff member of one agency (and
    optionally one of its units) with one role. What a role may see or do is
    decided by the access policy, not here."""

    class Role(models.TextChoices):
        CITIZEN = "citizen", _("Warga")
        NATIONAL_ADMIN = "national_admin", _("Admin Nasional")
        AGENCY_ADMIN = "agency_admin", _("Admin Instansi")
        LIAISON = "liaison", _("Penghubung")
        SUPERVISOR = "supervisor", _("Pengawas")

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CITIZEN)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    unit = models.ForeignKey(
        "agencies.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="citizen", agency__isnull=True)
                | (~models.Q(role="citizen") & models.Q(agency__isnull=False)),
                name="user_staff_have_agency",
            ),
        ]

    @property
    def is_staff_member(self) -> bool:
        return self.role != self.Role.CITIZEN
