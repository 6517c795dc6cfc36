from __future__ import annotations

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "craftpath.assessment"
    label = "assessment"
    verbose_name = "Skill assessment"
