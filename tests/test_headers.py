"""Every page says what it may load (Content-Security-Policy: this service only, nothing
inline) and which browser features it may use (Permissions-Policy: none of the sensitive
ones), and no page's HTML carries inline script, inline style or event-handler attributes.

The pages are found by walking the URL patterns, so a new page is read without being listed;
one whose URL needs a value this test does not know fails until it is given one.
"""

import datetime as dt
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from booking import memberships
from booking.roles import COUNTER_GROUP, OFFICER_GROUP
from lending import counter
from tests.factories import (
    BookingFactory,
    BorrowerFactory,
    CentreFactory,
    ItemTypeFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DATA_BLOCKS = {"application/json", "application/ld+json"}
EXTRA_PAGES = ["/admin/login/", "/admin/", "/admin/booking/booking/", "/no-such-page/"]
# The embeds (community/views/embeds.py) may be framed by the configured origins; every
# other page by no one.
EMBED_ORIGIN = "https://kommune.example.no"


class InlineFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy would refuse to run or apply."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            self._script_without_src = attributes.get("type") not in DATA_BLOCKS
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"<{tag} {name}=…>" for name, _v in attrs
                       if name == "style" or name.startswith("on")]  # fmt: skip
        if tag == "a" and (attributes.get("href") or "").strip().lower().startswith("javascript:"):
            self.found.append("javascript: link")

    def handle_data(self, data):
        if self._script_without_src and data.strip():
            self.found.append(f"inline <script>{data.strip()[:40]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_without_src = False


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def world(people):
    """Someone who may see every page (officer, counter staff, caretaker, member, admin)
    and one of each thing a page's URL names."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    for group in (OFFICER_GROUP, COUNTER_GROUP):
        Group.objects.get_or_create(name=group)[0].user_set.add(root)
    people.room.site.caretakers.add(root)
    membership = MembershipFactory(user=root, organisation=people.org_a, role="admin")
    invitation = memberships.invitation_create(
        organisation=people.org_a, email="invited@example.org", by=root
    )
    booking = BookingFactory(room=people.room, organisation=people.org_a, booked_by=root)
    centre = CentreFactory()
    tent = ItemTypeFactory(centre=centre, name="Telt", units=2)
    borrower = BorrowerFactory()
    loan = counter.loan_create(by=root, borrower=borrower, barcodes=[f"T{tent.pk}-1"])
    application = _season_application(root, people)
    event = _event(booking, root)
    batch = _invoice_batch(root)
    pk = {
        "room": people.room.pk, "booking": booking.pk, "organisation": people.org_a.pk,
        "site": people.room.site.pk, "item_type": tent.pk, "loan": loan.pk,
        "borrower": borrower.pk,
    }  # fmt: skip
    values = {
        "booking:room_week": {"pk": pk["room"]},
        "booking:booking_new": {"room_pk": pk["room"]},
        "booking:booking_detail": {"pk": pk["booking"]},
        "booking:booking_cancel": {"pk": pk["booking"]},
        "booking:booking_change": {"pk": pk["booking"]},
        "booking:booking_decide": {"pk": pk["booking"]},
        "booking:organisation_verify": {"pk": pk["organisation"]},
        "booking:message_resend": {"pk": 1},
        "booking:caretaker_day": {"site": pk["site"], "day": booking.start.date()},
        "booking:caretaker_report": {"pk": pk["booking"]},
        "booking:calendar_link_new": {"kind": "organisation", "pk": pk["organisation"]},
        "booking:feed_room": {"pk": pk["room"]},
        "booking:feed_organisation": {"pk": pk["organisation"]},
        "booking:feed_site": {"pk": pk["site"]},
        "lending:reserve": {"pk": pk["item_type"]},
        "lending:reservation_cancel": {"pk": 1},
        "lending:booking_equipment": {"pk": pk["booking"]},
        "lending:scan_remove": {"index": 0},
        "lending:loan_receipt": {"pk": pk["loan"]},
        "lending:borrower_export": {"pk": pk["borrower"]},
        "api-lending-borrower-export": {"pk": pk["borrower"]},
        "account_confirm_email": {"key": "no-such-key"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "set-password"},
        "site-detail": {"pk": pk["site"]},
        "room-detail": {"pk": pk["room"]},
        "room-availability": {"pk": pk["room"]},
        "api-room-prices": {"pk": pk["room"]},
        "api-site-guidelines": {"pk": pk["site"]},
        "booking:site_guidelines": {"pk": pk["site"]},
        "booking-detail": {"pk": pk["booking"]},
        "booking-approve": {"pk": pk["booking"]},
        "booking-cancel-following": {"pk": pk["booking"]},
        "booking-reject": {"pk": pk["booking"]},
        "organisation-detail": {"pk": pk["organisation"]},
        "organisation-members": {"pk": pk["organisation"]},
        "organisation-verify": {"pk": pk["organisation"]},
        # My organisation
        "booking:organisation": {"pk": pk["organisation"]},
        "booking:organisation_details": {"pk": pk["organisation"]},
        "booking:organisation_invite": {"pk": pk["organisation"]},
        "booking:organisation_leave": {"pk": pk["organisation"]},
        "booking:membership_role": {"pk": pk["organisation"], "member": membership.pk},
        "booking:membership_remove": {"pk": pk["organisation"], "member": membership.pk},
        "booking:invitation_withdraw": {"pk": pk["organisation"], "invitation": invitation.pk},
        "booking:invitation_open": {"token": "not-a-real-invitation"},
        "api-organisation-member": {"pk": pk["organisation"], "member": membership.pk},
        "api-organisation-leave": {"pk": pk["organisation"]},
        "api-organisation-invitations": {"pk": pk["organisation"]},
        "api-organisation-invitation": {"pk": pk["organisation"], "invitation": invitation.pk},
        "api-room-photos": {"pk": pk["room"]},
        # Season allocation
        "seasons:detail": {"pk": application.season_id},
        "seasons:status": {"pk": application.season_id},
        "seasons:proposal": {"pk": application.season_id},
        "seasons:publish": {"pk": application.season_id},
        "seasons:apply": {"pk": application.season_id},
        "seasons:members_check": {"pk": application.season_id, "application": application.pk},
        "seasons:board": {"pk": application.season_id},
        "seasons:wish_decide": {"pk": application.season_id, "wish": application.wishes.get().pk},
        # seasons: api
        "api-season": {"pk": application.season_id},
        "api-season-open": {"pk": application.season_id},
        "api-season-close": {"pk": application.season_id},
        "api-season-publish": {"pk": application.season_id},
        "api-season-applications": {"pk": application.season_id},
        "api-season-application": {"pk": application.season_id, "application": application.pk},
        "api-season-application-members-check": {
            "pk": application.season_id,
            "application": application.pk,
        },
        "api-season-proposal": {"pk": application.season_id},
        "api-season-allocation": {"pk": application.season_id},
        "api-season-allocation-decision": {
            "pk": application.season_id,
            "wish": application.wishes.get().pk,
        },
        # community: ev
        "community:organisation_events": {"pk": pk["organisation"]},
        "community:event_new": {"pk": pk["organisation"]},
        "community:event": {"pk": event.pk},
        "community:event_edit": {"pk": event.pk},
        "community:event_withdraw": {"pk": event.pk},
        "community:event_hide": {"pk": event.pk},
        "community:event_unhide": {"pk": event.pk},
        "event-detail": {"pk": event.pk},
        "event-hide": {"pk": event.pk},
        # community: dir
        "community:organisation_about": {"pk": pk["organisation"]},
        "community:profile_edit": {"pk": pk["organisation"]},
        "api-directory-detail": {"pk": pk["organisation"]},
        # billing: invoices
        "billing:batch": {"pk": batch.pk},
        "billing:batch_export": {"pk": batch.pk},
        "billing:batch_discard": {"pk": batch.pk},
        "billing:batch_file": {"pk": batch.pk, "fmt": "csv"},
        "api-invoice-batch": {"pk": batch.pk},
        "api-invoice-batch-export": {"pk": batch.pk},
        "api-invoice-batch-file": {"pk": batch.pk, "fmt": "ubw"},
        # billing: payments
        "billing:pay": {"pk": booking.pk},
        "billing:payment_return": {"reference": _payment(booking).reference},
        "billing:payment_refund": {"reference": "lokale-headers-1"},
        "api-payment-detail": {"reference": "lokale-headers-1"},
        # allauth (accounts and ID-porten)
        "openid_connect_login": {"provider_id": "idporten"},
        "openid_connect_callback": {"provider_id": "idporten"},
    }
    return root, values, booking


def _invoice_batch(root):
    """An exported invoice batch (billing: its page and its files)."""
    from billing import invoicing

    today = timezone.localdate()
    batch = invoicing.batch_make(by=root, period_from=today, period_to=today)
    return invoicing.batch_export(batch=batch, by=root)


def _payment(booking):
    from billing.models import Payment

    return Payment.objects.create(
        booking=booking, provider="vipps", reference="lokale-headers-1", amount_ore=100
    )


def _event(booking, root):
    """An event of org A at its booking (community: ev)."""
    from community.models import Event

    return Event.objects.create(
        organisation=booking.organisation, created_by=root, title="Åpen kveld",
        start=booking.start, end=booking.end, booking=booking, site=booking.room.site,
        category="culture", age_groups=["all"], description="<b>fet</b> https://example.org/",
    )  # fmt: skip


def _season_application(root, people):
    """An open season of the people's room with org A's application of one wish."""
    from seasons import services as season_services

    now = timezone.now()
    first = timezone.localdate() + dt.timedelta(weeks=8)
    season = season_services.season_create(
        by=root, name="Vårsesongen", first_date=first, last_date=first + dt.timedelta(weeks=4),
        applications_open=now - dt.timedelta(days=1), applications_close=now + dt.timedelta(days=7),
        rooms=[people.room],
    )  # fmt: skip
    season_services.season_set_status(season=season, by=root, status="open")
    return season_services.application_save(
        season=season, organisation=people.org_a, by=root, contact_name="Root",
        contact_email="root@example.org",
        wishes=[{"site": people.room.site, "room": people.room, "weekday": 0, "attendees": 5,
                 "start_time": dt.time(18), "end_time": dt.time(19), "activity": "Sjakk",
                 "rank": 1}],
    )  # fmt: skip


def every_path(values: dict) -> list[str]:
    """A concrete path for every named URL pattern outside the admin (which the admin's
    own pages stand for), format-suffix variants and media files left out."""
    paths, missing = [], []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                    walk(pattern.url_patterns, inner)
                continue
            assert isinstance(pattern, URLPattern)
            kwargs = set(getattr(pattern.pattern, "converters", {})) or set(
                pattern.pattern.regex.groupindex
            )
            if pattern.name is None or "format" in kwargs:
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            if kwargs and name not in values:
                missing.append(name)
                continue
            paths.append(reverse(name, kwargs=values.get(name)))

    walk(get_resolver().url_patterns, None)
    assert not missing, f"give these pages' URL values in tests/test_headers.py: {missing}"
    return sorted(set(paths))


@override_settings(EMBED_ORIGINS=[EMBED_ORIGIN])
def test_every_page_has_the_policies_and_no_inline_code(world):
    root, values, _booking = world
    paths = [*every_path(values), *EXTRA_PAGES]
    assert len(paths) > 80
    signed_in = Client()
    signed_in.force_login(root)
    problems, html_pages = [], 0
    for client in (Client(), signed_in):
        for path in paths:
            response = client.get(path, HTTP_ACCEPT="text/html,*/*")
            csp = response.get("Content-Security-Policy", "")
            if "default-src 'self'" not in csp or "unsafe-inline" in csp:
                problems.append(f"{path}: Content-Security-Policy {csp!r}")
            problems += _framing_problems(path, response, csp)
            if "camera=()" not in response.get("Permissions-Policy", ""):
                problems.append(f"{path}: Permissions-Policy missing")
            if response.status_code >= 500:
                problems.append(f"{path}: {response.status_code}")
            if response.get("Content-Type", "").startswith("text/html"):
                html_pages += 1
                body = b"".join(response) if response.streaming else response.content
                problems += [f"{path}: {found}" for found in inline_code(body.decode())]
    assert not problems, "\n".join(problems)
    assert html_pages > 60


def _framing_problems(path: str, response, csp: str) -> list[str]:
    if path.startswith("/embed/"):
        framed = f"frame-ancestors {EMBED_ORIGIN}" in csp and "X-Frame-Options" not in response
    else:
        framed = response.get("X-Frame-Options") == "DENY" and "frame-ancestors 'none'" in csp
    return [] if framed else [f"{path}: framing {response.get('X-Frame-Options')!r} {csp!r}"]


@pytest.mark.parametrize(
    ("path", "signed_in", "shows"),
    [
        ("/admin/login/", False, 'id="login-form"'),
        ("/api/docs/", False, 'id="swagger-ui"'),
        ("/calendar/", False, "<h1"),
        ("/lending/", False, "Telt"),
        ("/lending/counter/", True, "<h1"),
        ("/lending/labels/?type={item_type}", True, "<svg"),
        ("/caretaker/{site}/{day}/", True, "data-print"),
        ("/reports/support/", True, "<h1"),
    ],
)
def test_the_main_pages_are_read_whole(world, path, signed_in, shows):
    root, values, booking = world
    client = Client()
    if signed_in:
        client.force_login(root)
    path = path.format(item_type=values["lending:reserve"]["pk"], site=booking.room.site_id,
                       day=booking.start.date())  # fmt: skip
    response = client.get(path)
    assert response.status_code == 200 and shows in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not inline_code(response.content.decode())


def test_the_api_docs_load_their_set_up_script_as_a_file(db):
    page = Client().get("/api/docs/")
    assert "img-src 'self' data:" in page["Content-Security-Policy"]
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_label_barcodes_draw_without_inline_style(world):
    from lending.labels import code128_svg

    svg = code128_svg("T1-1")
    assert "style=" not in svg and 'fill="white"' in svg and 'fill="black"' in svg


def test_the_finder_sees_what_a_policy_refuses():
    found = inline_code(
        '<script>alert(1)</script><script src="/s.js"></script>'
        '<script type="application/json">{"a": 1}</script><p style="color:red" onclick="x()">'
        '<style>p{}</style><a href="javascript:x()">x</a>'
    )
    assert len(found) == 5, found


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True)  # fmt: skip
def test_hsts_with_preload_on_https(db):
    response = Client().get("/rooms/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def _production_settings(**env) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50}
    return subprocess.run(
        [sys.executable, "-c", "from config import settings as s; "
         "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD)"],
        env={**base, **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_hsts_preload_is_a_setting_off_by_default():
    assert _production_settings().stdout.split() == ["31536000", "False"]
    assert _production_settings(LOKALE_HSTS_PRELOAD="true").stdout.split() == [
        "31536000",
        "True",
    ]
    short = _production_settings(LOKALE_HSTS_PRELOAD="true", LOKALE_HSTS_SECONDS="60")
    assert short.returncode != 0 and "LOKALE_HSTS_PRELOAD" in short.stderr
