import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from lending import counter, privacy, services
from lending.models import Borrower, Item, LoanLine
from lending.stats import lending_stats, lending_stats_csv
from tests.factories import BorrowerFactory
from tests.lending.conftest import days_from_today, today

pytestmark = pytest.mark.django_db


def checkout(centre, *codes, borrower=None, due=None):
    return counter.loan_create(
        by=centre.dina, borrower=borrower or centre.per, barcodes=list(codes), due=due
    )


def verdicts(centre, *codes, borrower=None):
    scans, _due = counter.plan_loan(
        borrower=borrower or centre.per, barcodes=list(codes), due=None, today=today()
    )
    return [(s.barcode, s.reason or "ok") for s in scans]


def code(item_type, n):
    return f"T{item_type.pk}-{n}"


def test_each_scan_is_answered_with_the_reason(centre):
    t1, t2, t3 = (code(centre.tent, n) for n in (1, 2, 3))
    Item.objects.filter(barcode=t3).update(status="retired")
    Item.objects.filter(barcode=code(centre.skis, 2)).update(status="in_repair")
    checkout(centre, code(centre.skis, 1), borrower=BorrowerFactory())
    assert verdicts(centre, t1, t1, t2, "NOPE", t3, code(centre.skis, 2), code(centre.skis, 1)) == [
        (t1, "ok"), (t1, "duplicate"), (t2, "ok"), ("NOPE", "unknown"), (t3, "retired"),
        (code(centre.skis, 2), "in_repair"), (code(centre.skis, 1), "out"),
    ]  # fmt: skip


def test_over_the_maximum_and_reserved_for_someone_else(centre):
    t1, t2, t3 = (code(centre.tent, n) for n in (1, 2, 3))
    assert verdicts(centre, t1, t2, t3)[2] == (t3, "over_max")  # at most 2 per borrower
    services.reservation_create(
        by=centre.dina, borrower=BorrowerFactory(), item_type=centre.tent, quantity=2,
        start=today(), end=days_from_today(2),
    )  # fmt: skip
    assert verdicts(centre, t1, t2) == [(t1, "ok"), (t2, "reserved")]


def test_the_borrowers_own_reservation_is_collected_not_counted_against_them(centre):
    mine = services.reservation_create(
        by=centre.dina, borrower=centre.per, item_type=centre.tent, quantity=2,
        start=today(), end=days_from_today(3),
    )  # fmt: skip
    services.reservation_create(
        by=centre.dina, borrower=BorrowerFactory(), item_type=centre.tent, quantity=1,
        start=today(), end=days_from_today(3),
    )  # fmt: skip
    loan = checkout(centre, code(centre.tent, 1), code(centre.tent, 2), due=days_from_today(3))
    mine.refresh_from_db()
    assert mine.status == "collected" and loan.reservation == mine


def test_checkout_gives_a_due_date_and_mails_a_receipt(centre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        loan = checkout(centre, code(centre.tent, 1), code(centre.skis, 1))
    assert loan.due == days_from_today(7)
    assert loan.lines.count() == 2
    (receipt,) = mail.outbox
    assert receipt.to == ["per@example.org"]
    assert receipt.subject.startswith("Kvittering for lån fra Ås frivilligsentral")
    assert "Telt 4 personer (T" in receipt.body and "Langrennski 150 cm" in receipt.body


def test_a_refused_scan_lends_nothing(centre):
    Item.objects.filter(barcode=code(centre.tent, 2)).update(status="retired")
    from config.errors import ConflictError

    with pytest.raises(ConflictError) as caught:
        checkout(centre, code(centre.tent, 1), code(centre.tent, 2))
    assert caught.value.conflicts[0]["reason"] == "retired"
    assert not LoanLine.objects.exists()


def test_a_unit_is_out_once_whatever_the_application_does(centre):
    loan = checkout(centre, code(centre.tent, 1))
    item = Item.objects.get(barcode=code(centre.tent, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanLine.objects.create(loan=loan, item=item, item_type=centre.tent)


def test_return_damaged_goes_to_repair_and_missing_is_retired(centre):
    checkout(centre, code(centre.tent, 1), code(centre.tent, 2))
    counter.loan_return(by=centre.dina, barcode=code(centre.tent, 1), condition="damaged",
                        note="Revnet duk")  # fmt: skip
    counter.loan_return(by=centre.dina, barcode=code(centre.tent, 2), condition="missing")
    statuses = dict(Item.objects.values_list("barcode", "status"))
    assert statuses[code(centre.tent, 1)] == "in_repair"
    assert statuses[code(centre.tent, 2)] == "retired"
    assert LoanLine.objects.get(item__barcode=code(centre.tent, 1)).note == "Revnet duk"


def test_returning_a_unit_that_is_not_out_is_a_clear_conflict(centre):
    from config.errors import ConflictError

    with pytest.raises(ConflictError) as caught:
        counter.loan_return(by=centre.dina, barcode=code(centre.tent, 1), condition="ok")
    assert caught.value.conflicts == [{"barcode": code(centre.tent, 1), "reason": "not_out"}]
    assert "Telt 4 personer" in caught.value.detail


def test_a_returned_unit_dries_before_it_is_lent_again(centre):
    checkout(centre, code(centre.skis, 1), code(centre.skis, 2), due=days_from_today(1))
    counter.loan_return(by=centre.dina, barcode=code(centre.skis, 1), condition="ok")
    # Back today; dries today + 2 days: a reservation for tomorrow finds no free pair.
    from config.errors import ConflictError

    with pytest.raises(ConflictError):
        services.reservation_create(
            by=centre.dina, borrower=BorrowerFactory(), item_type=centre.skis, quantity=1,
            start=days_from_today(1), end=days_from_today(1),
        )  # fmt: skip


def test_overdue_loans_are_promised_until_they_come_back(centre):
    loan = checkout(centre, code(centre.tent, 1), code(centre.tent, 2))
    loan.lent_at = timezone.now() - dt.timedelta(days=10)
    loan.due = days_from_today(-3)
    loan.save()
    from lending.availability import free_by_day

    assert free_by_day([centre.tent], today(), today(), today=today())[centre.tent.pk] == {
        today(): 1
    }


def test_a_minor_needs_a_guardian_and_consent_is_required(centre):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.borrower_register(by=centre.dina, name="Ola (12)", phone="900 11 222",
                                   is_minor=True, consent=False)  # fmt: skip
    assert set(caught.value.message_dict) == {"guardian_name", "consent"}
    ola = services.borrower_register(
        by=centre.dina, name="Ola (12)", phone="900 11 222", is_minor=True,
        guardian_name="Kari Nordmann", consent=True,
    )  # fmt: skip
    assert ola.phone == "+4790011222"
    assert services.borrower_search("900 11") == [ola]
    assert services.borrower_search("ola") == [ola]


def test_anonymisation_keeps_the_statistics_and_removes_the_person(
    centre, settings, django_capture_on_commit_callbacks
):
    settings.LENDING_RETENTION_DAYS = 365
    old = BorrowerFactory(name="Gammel Låner", phone="+4799999999", email="gammel@example.org")
    checkout(centre, code(centre.tent, 1), borrower=old)
    counter.loan_return(by=centre.dina, barcode=code(centre.tent, 1), condition="ok")
    active = BorrowerFactory()
    checkout(centre, code(centre.tent, 2), borrower=active)  # still out: kept
    year = timezone.localdate().year
    before = lending_stats(year)
    later = timezone.now() + dt.timedelta(days=400)

    assert privacy.borrowers_anonymise(now=later) == 2  # old, and Per (never borrowed)
    old.refresh_from_db()
    assert (old.name, old.phone, old.email, old.anonymised_at) == (
        privacy.ANONYMOUS_NAME,
        "",
        "",
        later,
    )
    assert Borrower.objects.get(pk=active.pk).anonymised_at is None
    assert lending_stats(year) == before
    assert before["borrowers_per_month"][timezone.localdate().month - 1] == 2
    dump = str(privacy.borrower_export(old))
    assert "Gammel" not in dump and "99999999" not in dump and "gammel@" not in dump
    assert privacy.borrowers_anonymise(now=later) == 0


def test_statistics_per_type_and_month_and_as_csv(centre):
    checkout(centre, code(centre.tent, 1), code(centre.skis, 1))
    checkout(centre, code(centre.tent, 2), borrower=BorrowerFactory())
    stats = lending_stats(timezone.localdate().year)
    month = timezone.localdate().month
    rows = {r["name"]: r for r in stats["item_types"]}
    assert rows["Telt 4 personer"]["months"][month - 1] == 2
    assert rows["Langrennski 150 cm"]["total"] == 1
    assert stats["most_lent"][0] == {"item_type": centre.tent.pk, "name": "Telt 4 personer",
                                     "loans": 2}  # fmt: skip
    text = lending_stats_csv(stats)
    assert text.startswith("\ufeffUtstyr;01.") and "Telt 4 personer;" in text


def test_due_tomorrow_and_overdue_reminders_go_once(
    centre, settings, django_capture_on_commit_callbacks
):
    from lending import notify

    settings.REMINDER_TIME = dt.time(0)
    tomorrow = checkout(centre, code(centre.tent, 1), due=days_from_today(1))
    late = checkout(centre, code(centre.tent, 2), borrower=BorrowerFactory(phone="+4740000000"))
    late.due = days_from_today(-1)
    late.save()
    mail.outbox.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.send_due_reminders(now=now) == 4  # email + SMS each
        assert notify.send_due_reminders(now=now) == 0
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects[0].startswith("Påminnelse: lever utstyret til Ås frivilligsentral i morgen")
    assert "skulle vært levert" in subjects[1]
    assert tomorrow.pk != late.pk
