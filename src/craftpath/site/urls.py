from __future__ import annotations

from django.urls import include, path

from craftpath.site import views
from craftpath.site.api import api

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("craftpath.accounts.urls")),
    path("orgs/", include("craftpath.orgs.urls")),
    path("occupations/", include("craftpath.taxonomy.urls")),
    path("members/", include("craftpath.registry.urls")),
    path("ladders/", include("craftpath.ladders.urls")),
    path("training/", include("craftpath.training.urls")),
    path("credentials/", include("craftpath.credentials.urls")),
    path("verify/", include("craftpath.credentials.urls_verify")),
    path("assessment/", include("craftpath.assessment.urls")),
    path("jobs/", include("craftpath.jobs.urls")),
    path("competitions/", include("craftpath.competitions.urls")),
    path("api/", api.urls),
    path("healthz", views.healthz, name="healthz"),
]
