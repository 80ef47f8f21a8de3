"""Platform forms. They validate input; services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .models import Department, Membership, Organisation, Scope, User
from .validators import MAX_PK, SINGLE_LINE, pk_out_of_range

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Django 6.1's label for an empty choice; named here so Ume's catalogue translates it.
BLANK_CHOICE_LABEL = _("- Select an option -")


def _check_pk(field, value) -> None:
    """Refuse ids no database column can hold before they reach the query (SQLite raises
    OverflowError and PostgreSQL DataError on them: tampered input must not be a 500)."""
    if value in field.empty_values:
        return
    if pk_out_of_range(value):
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        _check_pk(self, value)
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else [value]:
            _check_pk(self, pk)
        return super()._check_values(value)


def safe_formfield(db_field, **kwargs):
    """ModelForm fields for relations use the bounded-id fields above."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", SafeModelChoiceField)
    return db_field.formfield(**kwargs)


class VersionedModelForm(forms.ModelForm):
    """Carries the record's version so a stale edit is refused (ume.core.locking)."""

    class Meta:
        formfield_callback = safe_formfield

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_PK
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An edit must say which version it was based on (a new record has none yet).
        self.fields["version"].required = bool(self.instance.pk)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def changed_data_dict(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data
        }


class OrganisationForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Organisation
        fields = [
            "name",
            "name_en",
            "industry",
            "employee_count",
            "business_type",
            "it_dependency",
            "has_public_systems",
            "holds_personal_data_at_scale",
            "develops_software",
            "require_mfa",
            "api_token_max_days",
            "fiscal_year_end_month",
            "tax_filing_extension_months",
        ]


class ScopeForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Scope
        fields = [
            "name",
            "boundaries",
            "sites",
            "certification_body",
            "certificate_number",
            "certified_on",
            "certificate_expires_on",
            "is_active",
        ]
        widgets = {
            "certified_on": DATE,
            "certificate_expires_on": DATE,
            "boundaries": forms.Textarea(attrs={"rows": 4}),
            "sites": forms.Textarea(attrs={"rows": 3}),
        }


class DepartmentForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Department
        fields = ["name", "scopes", "head"]
        widgets = {"scopes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].queryset = Scope.objects.filter(organisation=organisation)
        self.fields["head"].queryset = User.objects.filter(
            memberships__organisation=organisation, memberships__is_active=True
        ).distinct()


class RoleFieldsMixin(forms.Form):
    def limit_choices(self, organisation: Organisation) -> None:
        self.fields["scope"].queryset = Scope.objects.filter(
            organisation=organisation, is_active=True
        )
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)


class InvitationForm(RoleFieldsMixin):
    email = forms.EmailField(label=_("e-mail address"), max_length=254, validators=SINGLE_LINE)
    full_name = forms.CharField(
        label=_("full name"), max_length=150, required=False, validators=SINGLE_LINE
    )
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    scope = SafeModelChoiceField(
        label=_("ISMS scope"),
        queryset=Scope.objects.none(),
        required=False,
        empty_label=_("All ISMS scopes"),
    )
    department = SafeModelChoiceField(
        label=_("department"), queryset=Department.objects.none(), required=False
    )
    valid_until = forms.DateField(
        label=_("access valid until"),
        required=False,
        widget=DATE,
        help_text=_("Required for external auditors."),
    )


class MembershipForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Membership
        fields = ["role", "scope", "department", "valid_until"]
        widgets = {"valid_until": DATE}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = Scope.objects.filter(organisation=organisation)
        self.fields["scope"].empty_label = _("All ISMS scopes")
        self.fields["department"].queryset = Department.objects.filter(organisation=organisation)


class AddRoleForm(RoleFieldsMixin):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    scope = SafeModelChoiceField(
        label=_("ISMS scope"),
        queryset=Scope.objects.none(),
        required=False,
        empty_label=_("All ISMS scopes"),
    )
    department = SafeModelChoiceField(
        label=_("department"), queryset=Department.objects.none(), required=False
    )
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=DATE)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=150, validators=SINGLE_LINE)
    password1 = forms.CharField(label=_("password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("password (again)"), widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class ApiTokenForm(forms.Form):
    """Issue an API token: a name, how long it lives, and whether it may write."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        validators=SINGLE_LINE,
        help_text=_("Where the token is used, e.g. “Asset inventory script”."),
    )
    days = forms.TypedChoiceField(label=_("Valid for"), coerce=int)
    read_only = forms.BooleanField(label=_("Read-only"), required=False)

    def __init__(self, *args, max_days: int = 365, read_only_forced: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = sorted({d for d in (30, 90, 180, 365) if d <= max_days} | {max_days})
        self.fields["days"].choices = [(d, _("{days} days").format(days=d)) for d in choices]
        self.fields["days"].initial = 90 if 90 in choices else choices[-1]
        if read_only_forced:
            self.fields["read_only"].initial = True
            self.fields["read_only"].disabled = True
            self.fields["read_only"].help_text = _(
                "Your roles can only read, so tokens are read-only."
            )
