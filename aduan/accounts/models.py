from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aduan.lib.crypto import EncryptedTextField, KeyedHash

# The languages a citizen may choose for pages and messages (settings.LANGUAGES).
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]


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
    # Pages after sign-in and every message to this person are in this language.
    language = models.CharField(max_length=8, choices=LANGUAGES, default="id")

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("jamak", "pengguna")
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

    @property
    def needs_second_factor(self) -> bool:
        """More than a citizen's powers (a staff role, or a superuser): such an
        account signs in at the staff sign-in, with a second factor, and nowhere else."""
        return self.is_staff_member or self.is_superuser


class OneTimeCode(models.Model):
    """A six-digit code sent to a phone number or e-mail address to prove it is the
    citizen's: to confirm a sign-up (the account waits here, not yet created) or to
    reset a password. Only a keyed hash of the code is kept; it expires, allows a few
    tries, and a new request for the same identity replaces the old row (with a new
    token, so a browser holding the old one cannot use the new code).

    A password-reset row exists even for an identity without an account (``user``
    empty, code never sent), so the answer never tells whether an account exists."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Pendaftaran")
        PASSWORD_RESET = "password_reset", _("Atur ulang kata sandi")
        # Another phone number or address joins a signed-in citizen's account.
        ADD_IDENTITY = "add_identity", _("Tambah nomor HP atau surel")
        # A report written while signed out: the code files it (aduan/accounts/services.py).
        REPORT = "report", _("Laporan tanpa akun")

    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # Random and secret; the browser keeps it in its session to name this row.
    token = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8)  # a ChannelIdentity kind: phone, email (or x, to add one)
    identity = EncryptedTextField()
    identity_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Sign-up: the account to create once the code is confirmed.
    name = EncryptedTextField(blank=True)
    password = models.CharField(max_length=128, blank=True)  # hashed, as User.password
    language = models.CharField(max_length=8, choices=LANGUAGES, default="id")
    # Password reset: whose password (empty when nobody has this identity).
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    # What rotate_data_key recomputes under a new data key (aduan/lib/crypto.py); the
    # code itself is never kept, and a code lives minutes.
    keyed_hashes = (
        KeyedHash("identity_hash", of="identity", kind="kind"),
        KeyedHash("code_hash"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "identity_hash"], name="one_time_code_per_identity"
            )
        ]
        indexes = [models.Index(fields=["expires_at"], name="one_time_code_expiry")]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.pk}"


class ReportDraft(models.Model):
    """A report written by a signed-out citizen, waiting for the one-time code that
    proves their phone number or e-mail address (the REPORT code row it points to).
    It survives a wrong code, an expired one, a resend and a reload; it is filed and
    deleted once the code is confirmed, and it expires. What was written is kept
    encrypted; its files are kept already cleaned (aduan/reports/attachments.py), in
    rows of their own, so that a draft and its files go together."""

    # Random and secret; the browser keeps it in its session to name this draft.
    token = models.CharField(max_length=64, unique=True)
    fields = EncryptedTextField()  # JSON: what the two steps of the form held
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Set when a code is asked for: drafts are bounded per phone number or address.
    identity_hash = models.CharField(max_length=64, blank=True)
    code = models.OneToOneField(
        OneTimeCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )

    # Recomputed by rotate_data_key through the code row (or an identity) that keeps
    # the phone number or address in clear.
    keyed_hashes = (KeyedHash("identity_hash", elsewhere=True),)

    class Meta:
        indexes = [
            models.Index(fields=["expires_at"], name="report_draft_expiry"),
            models.Index(fields=["identity_hash"], name="report_draft_identity"),
        ]

    def __str__(self) -> str:
        return f"report draft {self.pk}"


class ReportDraftFile(models.Model):
    """One file of a draft, as clean_upload left it (nothing of the sender in it)."""

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="files")
    name = EncryptedTextField(blank=True)  # the uploader's, only to list it back to them
    content_type = models.CharField(max_length=64)
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"file {self.pk} of report draft {self.draft_id}"


class ApiToken(models.Model):
    """A citizen's key to the JSON API (an app on their phone). The token is shown
    once, when it is issued; only its keyed hash is kept, so a copy of the database
    signs nobody in. It expires (``settings.API_TOKEN_DAYS``) and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    # What the citizen calls it ("HP Android"), to tell their tokens apart.
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    # The token is never kept: rotate_data_key cannot recompute its hash; a token
    # used while the retired key is still configured is hashed again (tokens.py).
    keyed_hashes = (KeyedHash("token_hash"),)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"API token {self.pk} of user {self.user_id}"
