"""The import page. Included without a namespace; links between its pages are relative."""

from __future__ import annotations

from django.urls import path

from craftpath.registry import import_views

urlpatterns = [
    path("", import_views.import_home, name="import_home"),
    path("template.<str:suffix>", import_views.import_template, name="import_template"),
    path("<uuid:public_id>/", import_views.import_batch, name="import_batch"),
    path("<uuid:public_id>/report.xlsx", import_views.import_report_xlsx, name="import_report"),
]
