"""Showing refused input on a page, in the language the person reads."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import get_language

from craftpath.core.problems import Problem


def flash_problems(request: HttpRequest, problems: Iterable[Problem]) -> None:
    """One error message per problem, in English if the page is English, else Chinese."""
    english = (get_language() or "").startswith("en")
    for problem in problems:
        messages.error(request, problem.en if english else problem.zh)
