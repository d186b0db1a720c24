"""Pages about the service itself: the accessibility statement, and the error pages in our
layout and the visitor's language (400, 404, 500, a refused form: CSRF)."""

import datetime as dt

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

# When the statement below was written and the pages last checked against it.
STATEMENT_DATE = dt.date(2026, 11, 30)

# uustatus.no: where a complaint goes once the municipality has not answered well.
SUPERVISOR_URL = "https://www.uutilsynet.no/"
UUSTATUS_URL = "https://uustatus.no/"


def accessibility_page(request):
    """The accessibility statement (tilgjengelighetserklæring): which WCAG 2.1 criteria
    are checked and how, what is known not to be met, whom to tell, where to complain."""
    return render(
        request,
        "accessibility.html",
        {
            "municipality": settings.MUNICIPALITY_NAME,
            "contact": settings.MUNICIPALITY_CONTACT,
            "statement_date": STATEMENT_DATE,
            "supervisor_url": SUPERVISOR_URL,
            "uustatus_url": UUSTATUS_URL,
        },
    )


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page: rendered without context processors, which could need the database
    that may be what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())


@requires_csrf_token
def csrf_failure(request, reason=""):
    """A form sent without its token (an old page, cookies off): say so, in our layout."""
    return render(request, "403_csrf.html", status=403)
