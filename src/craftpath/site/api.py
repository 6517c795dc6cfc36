"""The JSON API (OpenAPI at /api/docs). Session sign-in or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from craftpath.accounts.tokens import user_for_token
from craftpath.assessment.api import router as assessment_router
from craftpath.competitions.api import router as competitions_router
from craftpath.core.problems import NotFoundOrForbidden, Problem, ProblemError
from craftpath.credentials.api import router as credentials_router
from craftpath.jobs.api import router as jobs_router
from craftpath.ladders.api import router as ladders_router
from craftpath.orgs.api import router as orgs_router
from craftpath.registry.api import router as members_router
from craftpath.taxonomy.api import router as occupations_router
from craftpath.training.api import router as training_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


class CraftpathAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> ValidationError:
        """The framework drops the refused value; keep it, so the message can say what was wrong."""
        exc = super().validation_error_from_error_contexts(error_contexts)
        values = [e.get("input") for c in error_contexts for e in c.pydantic_validation_error.errors(include_url=False)]
        for error, value in zip(exc.errors, values, strict=False):
            error["input"] = value
        return exc


api = CraftpathAPI(
    title="craftpath API",
    version="1",
    description="技能人才成长与职工服务 / skills, careers and protection for union members. "
    "Errors carry `problems`: a code with messages in Chinese and English.",
    auth=[SessionAuth(), BearerToken()],
    urls_namespace="api",
)


@api.exception_handler(ProblemError)
def _problem(request: HttpRequest, exc: ProblemError) -> HttpResponse:
    return api.create_response(request, {"problems": [p.as_dict() for p in exc.problems]}, status=422)


# Where a field sits in the request; the rest of the location is the field's own path.
_LOCATIONS = {"body", "payload", "query", "path", "form", "file", "header", "cookie"}
# Fields whose value is never echoed back, even to the caller who sent it.
_SECRET_FIELDS = {"id_number", "phone", "password", "token"}


def _request_problem(error: dict[str, Any]) -> Problem:
    """One bilingual problem for one of pydantic's validation errors."""
    loc = [str(x) for x in error.get("loc", ()) if not (isinstance(x, str) and x in _LOCATIONS)]
    name = ".".join(loc) or "body"
    kind = str(error.get("type", ""))
    raw = error.get("input")
    value = "" if isinstance(raw, dict | list) or raw is None or (loc and loc[-1] in _SECRET_FIELDS) else str(raw)[:60]
    params: dict[str, Any] = {"field": name, "value": value}
    if kind == "missing":
        code = "request.missing"
    elif kind.startswith(("date", "datetime")):
        code = "request.date"
    elif kind.startswith(("int", "float", "decimal")) or kind in {"greater_than", "less_than_equal"}:
        code = "request.number" if kind.endswith(("parsing", "type")) else "request.invalid"
    elif kind.startswith("bool"):
        code = "request.boolean"
    elif kind.startswith("uuid"):
        code = "request.id"
    elif kind == "string_too_long":
        code, params["limit"] = "request.too_long", (error.get("ctx") or {}).get("max_length", "")
    elif kind == "json_invalid":
        code = "request.json"
    else:
        code = "request.invalid"
    params["detail"] = str(error.get("msg", kind))
    return Problem(code, params, name)


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The framework's own checks (types, required fields) answer like every other refusal."""
    return api.create_response(request, {"problems": [_request_problem(e).as_dict() for e in exc.errors]}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """A body that is not JSON is refused with a message in both languages; other errors keep their text."""
    if exc.status_code == 400 and exc.__cause__ is not None:
        body = {"detail": str(exc), "problems": [Problem("request.json", {}, "body").as_dict()]}
        return api.create_response(request, body, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(NotFoundOrForbidden)
def _not_found(request: HttpRequest, exc: NotFoundOrForbidden) -> HttpResponse:
    return api.create_response(request, {"problems": [exc.problem.as_dict()]}, status=404)


api.add_router("/orgs", orgs_router, tags=["organisations"])
api.add_router("/occupations", occupations_router, tags=["occupations"])
api.add_router("/members", members_router, tags=["members"])
api.add_router("/ladders", ladders_router, tags=["advancement"])
api.add_router("/training", training_router, tags=["training"])
api.add_router("/credentials", credentials_router, tags=["certificates"])
api.add_router("/assessment", assessment_router, tags=["assessment"])
api.add_router("/jobs", jobs_router, tags=["jobs"])
api.add_router("/competitions", competitions_router, tags=["competitions"])
