"""Forms for the member pages. They only collect text; rules live in ``validation``/``actions``,
whose problems (in Chinese and English) are shown next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from craftpath.engines.grades import Grade
from craftpath.registry.models import Certificate, Diploma, Member


def _grade_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(g.value), f"{g.zh} · {g.en}") for g in Grade]


def _text(label: Any, **attrs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))


def _date(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _union_field(form: forms.Form, name: str, unions: list[tuple[str, str]] | None, blank: bool) -> None:
    """A list of unions to pick from; when there are too many to list (``None``), a code box."""
    if unions is None:
        label = form.fields[name].label
        form.fields[name] = forms.CharField(
            label=label,
            required=False,
            max_length=40,
            help_text=_("The union's code, e.g. 3201020001."),
            widget=forms.TextInput(attrs={"size": 16}),
        )
        return
    _choices(form, name, [("", "—"), *unions] if blank else list(unions))


class RawForm(forms.Form):
    """A form whose values go to an action as they were typed."""

    def values(self) -> dict[str, Any]:
        return {name: self[name].value() for name in self.fields}


class MemberFilterForm(forms.Form):
    union = forms.ChoiceField(label=_("Union"), required=False)
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=[("", _("Any")), *list(Member.EmploymentForm.choices)]
    )
    grade = forms.ChoiceField(label=_("Highest grade"), required=False)
    occupation = forms.CharField(
        label=_("Occupation code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"placeholder": "6-31-01-03", "size": 12}),
    )
    name = forms.CharField(
        label=_("Name starts with"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"size": 10}),
    )

    def __init__(self, *args: Any, unions: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "union", [("", _("All visible")), *list(unions or [])])
        _choices(self, "grade", [("", _("Any")), ("none", _("No certificate yet")), *_grade_choices()[1:]])
        if not unions:
            del self.fields["union"]


class IdSearchForm(forms.Form):
    id_number = forms.CharField(
        label=_("Full ID number"),
        max_length=18,
        required=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 20, "inputmode": "text"}),
        help_text=_("Sent by POST and looked up by its keyed hash; it never appears in an address."),
    )


class MemberCreateForm(RawForm):
    name = _text(pgettext_lazy("person", "Name"), autocomplete="off")
    id_number = _text(_("Resident ID number"), autocomplete="off")
    phone = _text(_("Mobile phone"), autocomplete="off", inputmode="tel")
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=Member.EmploymentForm.choices
    )
    union_code = forms.ChoiceField(label=_("Grassroots union"), required=False)
    employer_credit_code = _text(_("Employer's unified social credit code"))
    consent_employer = forms.BooleanField(
        label=_("The member agrees that their employer's HR may see this record"), required=False
    )
    consent_job_matching = forms.BooleanField(label=_("The member agrees to job matching"), required=False)

    def __init__(self, *args: Any, unions: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _union_field(self, "union_code", unions, blank=True)


class MemberEditForm(RawForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = _text(pgettext_lazy("person", "Name"), autocomplete="off")
    phone = _text(_("New mobile phone"), autocomplete="off", inputmode="tel")
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=Member.EmploymentForm.choices
    )
    union_code = forms.ChoiceField(label=_("Grassroots union"), required=False)
    employer_credit_code = _text(_("Employer's unified social credit code"))
    consent_employer = forms.BooleanField(
        label=_("The member agrees that their employer's HR may see this record"), required=False
    )
    consent_job_matching = forms.BooleanField(label=_("The member agrees to job matching"), required=False)

    def __init__(self, *args: Any, unions: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _union_field(self, "union_code", unions, blank=False)
        self.fields["phone"].help_text = _("Leave empty to keep the current number.")


class HistoryForm(RawForm):
    prefix = "history"
    occupation_code = _text(_("Occupation code"), placeholder="6-31-01-03", list="occupation-codes")
    employer_name = _text(_("Employer"))
    start = _date(_("From"))
    end = _date(_("Until (empty if ongoing)"))


class CertificateForm(RawForm):
    prefix = "cert"
    occupation_code = _text(_("Occupation code"), placeholder="6-31-01-03", list="occupation-codes")
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    issuer = _text(_("Issued by"))
    number = _text(_("Certificate number"))
    issued_on = _date(_("Issued on"))
    how = forms.ChoiceField(label=_("How obtained"), required=False, choices=Certificate.How.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "grade", _grade_choices())


class DiplomaForm(RawForm):
    prefix = "diploma"
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *Diploma.Kind.choices])
    institution = _text(_("School"))
    specialty = _text(_("Specialty"))
    occupation_code = _text(_("Related occupation code"), placeholder="6-31-01-03", list="occupation-codes")
    graduated_on = _date(_("Graduated on"))


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why do you need the full number?"),
        choices=[
            ("verify_identity", _("Verify the member's identity")),
            ("contact_member", _("Contact the member")),
            ("handle_case", _("Handle the member's application")),
            ("own_record", _("Reading my own record")),
        ],
    )


CERTIFICATE_FIELDS = {"cert_occupation_code": "occupation_code", "certificate_number": "number"}
DIPLOMA_FIELDS = {"diploma_kind": "kind", "diploma_occupation_code": "occupation_code"}
