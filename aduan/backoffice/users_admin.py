"""The users' pages of the Django admin: staff accounts with their role, agency and
unit, and the national admin's actions on them (reset a second factor)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aduan.accounts.models import User
from aduan.backoffice import services
from aduan.lib.errors import InvalidInput


class _AssignmentCheck(forms.ModelForm):  # type: ignore[type-arg]
    """Role, agency and unit must fit together (the rule is a service's); a bad
    combination is a message on the form, not a database error."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role", getattr(self.instance, "role", User.Role.CITIZEN))
        try:
            services.staff_assignment_check(
                role=role, agency=cleaned.get("agency"), unit=cleaned.get("unit")
            )
        except InvalidInput as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, str(error.message))
        return cleaned


class StaffCreationForm(_AssignmentCheck, AdminUserCreationForm[User]):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "agency", "unit")


class StaffChangeForm(_AssignmentCheck, UserChangeForm[User]):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = (  # type: ignore[assignment]
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "role",
            "agency",
            "unit",
            "language",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


def _without(fields: Any, removed: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(field for field in fields if field not in removed)


@admin.register(User)
class AduanUserAdmin(UserAdmin[User]):
    """Staff accounts: created here with a role, an agency and optionally a unit; they
    choose their second factor at their first sign-in. A citizen's account shows only
    what managing it needs (its random username, whether it is active): the
    citizen's name and contacts live encrypted with the reporter, never here."""

    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ("username", "staff_name", "role", "agency", "unit", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    list_select_related = ("agency", "unit")
    search_fields = ("username", "first_name", "last_name")
    autocomplete_fields = ("agency", "unit")
    actions = ("reset_second_factor",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Petugas"), {"fields": ("first_name", "last_name", "email", "role", "agency", "unit")}),
        (_("Bahasa"), {"fields": ("language",)}),
        (
            _("Hak akses"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Petugas"), {"fields": ("first_name", "last_name", "email", "role", "agency", "unit")}),
    )
    citizen_fieldsets = ((None, {"fields": ("username", "role", "is_active", "date_joined")}),)
    # Only a superuser makes superusers or hands out permissions and groups: a
    # national admin's rights come from the role (aduan/backoffice/permissions.py).
    superuser_only_fields = ("is_superuser", "groups", "user_permissions")

    def _is_citizen(self, obj: User | None) -> bool:
        return obj is not None and obj.role == User.Role.CITIZEN

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        if self._is_citizen(obj):
            return self.citizen_fieldsets
        fieldsets = super().get_fieldsets(request, obj)
        if _is_superuser(request):
            return fieldsets
        return tuple(
            (name, {**options, "fields": _without(options["fields"], self.superuser_only_fields)})
            for name, options in fieldsets
        )

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """A national admin changes staff accounts, never a superuser's (its password
        or second factor would be theirs to take) nor a citizen's (a password set here
        would open the citizen's reports and contacts, anonymous ones included)."""
        untouchable = obj is not None and (obj.is_superuser or self._is_citizen(obj))
        if untouchable and not _is_superuser(request):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Only a superuser turns an account into a citizen's: the admin makes staff."""
        if db_field.name == "role" and not _is_superuser(request):
            kwargs["choices"] = [
                (value, label) for value, label in User.Role.choices if value != User.Role.CITIZEN
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        if self._is_citizen(obj):
            return ("username", "role", "date_joined")
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("Nama petugas"), ordering="first_name")
    def staff_name(self, user: User) -> str:
        return user.get_full_name() if user.is_staff_member else "—"

    @admin.action(
        description=_("Atur ulang verifikasi dua langkah (ponsel hilang)"),
        permissions=("change",),
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        if not _is_superuser(request):
            queryset = queryset.filter(is_superuser=False).exclude(role=User.Role.CITIZEN)
        count = 0
        for user in queryset:
            services.second_factor_reset(user=user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Verifikasi dua langkah %(n)d akun diatur ulang; pemiliknya mendaftarkan "
                "aplikasi lagi saat masuk.",
                "Verifikasi dua langkah %(n)d akun diatur ulang; pemiliknya mendaftarkan "
                "aplikasi lagi saat masuk.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )
