"""The JSON API (OpenAPI at /api/docs). Session sign-in or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from craftpath.accounts.tokens import user_for_token
from craftpath.assessment.api import router as assessment_router
from craftpath.competitions.api import router as competitions_router
from craftpath.core.problems import NotFoundOrForbidden, ProblemError
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


api = NinjaAPI(
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
