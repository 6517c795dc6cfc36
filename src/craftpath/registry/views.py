"""Member pages. Every read goes through ``registry.access``, every write through
``registry.actions``; a view only turns requests into calls and problems into messages."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from craftpath.accounts.forms import FieldProblems
from craftpath.accounts.models import User
from craftpath.accounts.views import signed_in
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.orgs.access import access_organisation_by_code, organisations_visible_to
from craftpath.orgs.models import Organisation
from craftpath.registry import actions, queries
from craftpath.registry.access import (
    access_member_by_public_id,
    access_member_identity_by_public_id,
    may_edit_member,
    may_reveal_identity,
)
from craftpath.registry.forms import (
    CERTIFICATE_FIELDS,
    DIPLOMA_FIELDS,
    CertificateForm,
    DiplomaForm,
    HistoryForm,
    IdSearchForm,
    MemberCreateForm,
    MemberEditForm,
    MemberFilterForm,
    RawForm,
    RevealForm,
)
from craftpath.registry.models import Member

STAFF = User.Role.UNION_STAFF
LIST_ROLES = (User.Role.UNION_STAFF, User.Role.EMPLOYER_HR)
DETAIL_ROLES = (User.Role.UNION_STAFF, User.Role.EMPLOYER_HR, User.Role.MEMBER)
UNION_CHOICES_LIMIT = 1000
SEARCH_SESSION_KEY = "craftpath_member_searches"
SEARCH_FIELDS = ("union", "employment_form", "grade", "occupation", "name")
SEARCHES_KEPT = 20


def _union_choices(user: Any, *, grassroots_only: bool) -> list[tuple[str, str]]:
    orgs = organisations_visible_to(user)
    if grassroots_only:
        orgs = orgs.filter(level=Organisation.Level.GRASSROOTS)
    rows = list(orgs.order_by("path").values_list("code", "name", "depth")[:UNION_CHOICES_LIMIT])
    top = min((d for _c, _n, d in rows), default=0)
    indent = "" if grassroots_only else "　"
    return [(code, f"{indent * (depth - top)}{name}") for code, name, depth in rows]


def _grassroots_or_none(user: Any) -> list[tuple[str, str]] | None:
    """Grassroots unions to choose from, or None when there are too many for a list."""
    choices = _union_choices(user, grassroots_only=True)
    return None if len(choices) >= UNION_CHOICES_LIMIT else choices


# ---- list and look-up ---------------------------------------------------------------------


@signed_in(*LIST_ROLES)
def member_list(request: HttpRequest) -> HttpResponse:
    """GET shows a page. The filter form POSTs: its values (a name prefix is personal data) are
    kept in the session under a short random key, and only that key goes into the address."""
    if request.method == "POST":
        posted = {k: str(request.POST.get(k, "")).strip() for k in SEARCH_FIELDS}
        wanted = {k: v for k, v in posted.items() if v}
        if not wanted:
            return redirect("registry:list")
        token = secrets.token_urlsafe(6)
        saved = dict(request.session.get(SEARCH_SESSION_KEY, {}))
        saved[token] = wanted
        request.session[SEARCH_SESSION_KEY] = dict(list(saved.items())[-SEARCHES_KEPT:])
        return redirect(f"{reverse('registry:list')}?s={token}")
    return _render_list(request)


def _render_list(
    request: HttpRequest, *, id_form: IdSearchForm | None = None, id_problems: list[Problem] | None = None
) -> HttpResponse:
    user = request.user
    is_staff = user.role == STAFF  # type: ignore[union-attr]
    unions = _union_choices(user, grassroots_only=False) if is_staff else []
    params = request.GET.copy()
    params.pop("name", None)  # names come from a saved search only, never from the address
    token = request.GET.get("s", "")
    if token:
        params.update(request.session.get(SEARCH_SESSION_KEY, {}).get(token, {}))
    for key in ("s", "after", "before"):
        params.pop(key, None)
    form = MemberFilterForm(params or None, unions=unions)
    data = form.cleaned_data if form.is_bound and form.is_valid() else getattr(form, "cleaned_data", {})
    org_path = ""
    if "union" in form.errors:
        org_path = "/-/"  # a union you may not see matches nothing
    elif data.get("union"):
        try:
            org_path = access_organisation_by_code(user, data["union"]).path
        except NotFoundOrForbidden:
            org_path = "/-/"  # nothing matches a union you may not see
    filters = queries.MemberFilters(
        org_path=org_path,
        employment_form=data.get("employment_form", ""),
        grade=data.get("grade", ""),
        occupation_code=(data.get("occupation") or "").strip(),
        name=(data.get("name") or "").strip(),
    )
    qs = queries.filtered_members(user, filters)
    page = queries.page_of(qs, after=request.GET.get("after", ""), before=request.GET.get("before", ""))
    total, capped = queries.cached_count(user, filters)
    keep = request.GET.copy()
    for key in ("after", "before", "name"):
        keep.pop(key, None)
    context = {
        "form": form,
        "page": page,
        "rows": [{"m": m, "grade": page.highest.get(m.pk)} for m in page.rows],
        "approx_total": total,
        "capped": capped,
        "query": keep.urlencode(),
        "is_staff": is_staff,
        "id_form": id_form or IdSearchForm(),
        "id_problems": id_problems or [],
    }
    return render(request, "registry/list.html", context)


@require_POST
@signed_in(STAFF)
def find_by_id(request: HttpRequest) -> HttpResponse:
    """Find one member by full ID number. POST only, so the number never enters a URL or log."""
    form = IdSearchForm(request.POST)
    if not form.is_valid():
        return _render_list(request, id_form=form, id_problems=[Problem("id.length", field="id_number")])
    member, problem = queries.find_by_id_number(request.user, form.cleaned_data["id_number"])
    if member is None:
        return _render_list(request, id_form=IdSearchForm(), id_problems=[Problem(problem or "access.not_found")])
    return redirect("registry:detail", public_id=member.public_id)


# ---- register -----------------------------------------------------------------------------


@signed_in(STAFF)
def create(request: HttpRequest) -> HttpResponse:
    form = MemberCreateForm(request.POST or None, unions=_grassroots_or_none(request.user))
    problems: list[Problem] = []
    if request.method == "POST":
        try:
            member = actions.do_register_member(request.user, form.values())
        except ProblemError as exc:
            problems = exc.problems
        else:
            messages.success(request, _("Member %(name)s is registered.") % {"name": member.name})
            return redirect("registry:detail", public_id=member.public_id)
    return render(request, "registry/create.html", {"fp": FieldProblems(form, problems)})


# ---- member page --------------------------------------------------------------------------


def _render_detail(request: HttpRequest, member: Member, **extra: Any) -> HttpResponse:
    user = request.user
    editable = may_edit_member(user, member)
    record = queries.member_record(member)
    codes = sorted(
        {h.occupation_id for h in record["histories"]} | {c["c"].occupation_id for c in record["certificates"]}
    )
    context: dict[str, Any] = {
        "m": member,
        **record,
        "editable": editable,
        "may_reveal": may_reveal_identity(user, member),
        "reveal_form": RevealForm(),
        "occupation_codes": codes,
        "history": FieldProblems(HistoryForm()),
        "cert": FieldProblems(CertificateForm()),
        "diploma": FieldProblems(DiplomaForm()),
        "revealed": None,
    }
    context.update(extra)
    return render(request, "registry/detail.html", context)


@signed_in(*DETAIL_ROLES)
def detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    member = access_member_by_public_id(request.user, public_id)
    return _render_detail(request, member)


@require_POST
@signed_in(STAFF, User.Role.MEMBER)
def reveal(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Show the full ID number and phone once, in this response only; the access is logged."""
    form = RevealForm(request.POST)
    purpose = form.cleaned_data["purpose"] if form.is_valid() else "unspecified"
    identity = access_member_identity_by_public_id(request.user, public_id, purpose=purpose)
    member = access_member_by_public_id(request.user, public_id)
    response = _render_detail(request, member, revealed=identity)
    response["Cache-Control"] = "no-store"
    return response


def _editable_member(request: HttpRequest, public_id: Any) -> Member:
    member = access_member_by_public_id(request.user, public_id)
    if not may_edit_member(request.user, member):
        raise NotFoundOrForbidden()
    return member


@signed_in(STAFF)
def edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    member = _editable_member(request, public_id)
    unions = _grassroots_or_none(request.user)
    if unions is not None and member.union.code not in {c for c, _n in unions}:
        unions.insert(0, (member.union.code, member.union.name))
    current = {
        "version": member.version,
        "name": member.name,
        "phone": "",
        "employment_form": member.employment_form,
        "union_code": member.union.code,
        "employer_credit_code": member.employer.credit_code if member.employer else "",
        "consent_employer": member.consent_employer,
        "consent_job_matching": member.consent_job_matching,
    }
    problems: list[Problem] = []
    stale = False
    if request.method == "POST":
        form = MemberEditForm(request.POST, unions=unions)
        posted = form.values()
        changes = {
            k: v
            for k, v in posted.items()
            if k not in ("version", "phone") and v != current[k] and not (k == "union_code" and not v)
        }
        if posted.get("phone"):
            changes["phone"] = posted["phone"]
        try:
            version = int(posted.get("version") or 0)
        except (TypeError, ValueError):
            version = 0
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("registry:detail", public_id=member.public_id)
        try:
            actions.do_update_member(request.user, member, changes, expected_version=version)
        except ProblemError as exc:
            problems = exc.problems
            stale = any(p.code == "member.stale" for p in problems)
            member = _editable_member(request, public_id)
        else:
            messages.success(request, _("The member's details are saved."))
            return redirect("registry:detail", public_id=member.public_id)
    else:
        form = MemberEditForm(initial=current, unions=unions)
    context = {"m": member, "fp": FieldProblems(form, problems), "stale": stale}
    return render(request, "registry/edit.html", context)


def _add(
    request: HttpRequest,
    public_id: Any,
    form_class: type[RawForm],
    action: Any,
    key: str,
    field_map: dict[str, str],
    done: str,
) -> HttpResponse:
    member = _editable_member(request, public_id)
    form = form_class(request.POST)
    try:
        action(request.user, member, form.values())
    except ProblemError as exc:
        member = access_member_by_public_id(request.user, public_id)
        return _render_detail(request, member, **{key: FieldProblems(form, exc.problems, field_map), "open": key})
    messages.success(request, done)
    return redirect("registry:detail", public_id=member.public_id)


@require_POST
@signed_in(STAFF)
def add_history(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _add(
        request, public_id, HistoryForm, actions.do_add_history, "history", {}, _("The occupation history is added.")
    )


@require_POST
@signed_in(STAFF)
def add_certificate(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _add(
        request,
        public_id,
        CertificateForm,
        actions.do_add_certificate,
        "cert",
        CERTIFICATE_FIELDS,
        _("The certificate is added."),
    )


@require_POST
@signed_in(STAFF)
def add_diploma(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _add(
        request, public_id, DiplomaForm, actions.do_add_diploma, "diploma", DIPLOMA_FIELDS, _("The diploma is added.")
    )
