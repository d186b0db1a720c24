"""The counter: find or register the borrower, scan, confirm; take units back.

The basket lives in the session, so every scan is one short POST that a keyboard-wedge
scanner makes by typing the code and Enter; the page answers with the verdict on that
code at once, with no script needed. Only codes that may be lent are in the basket: a
refused scan is answered and left out, and a code that became refusable since it was
scanned (lent at another counter) is taken out and named.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking.forms import parse_pk
from config.errors import ConflictError
from lending import counter, privacy, services
from lending.forms import (
    BorrowerForm,
    BorrowerSearchForm,
    CheckoutForm,
    LabelsForm,
    ReturnForm,
    ScanForm,
)
from lending.labels import code128_svg
from lending.models import Borrower, Item, ItemType, Loan, LoanLine
from lending.stats import lending_stats, lending_stats_csv

BASKET = "lending_counter"


def _problem(error: ValidationError | ConflictError) -> str:
    return error.detail if isinstance(error, ConflictError) else " ".join(error.messages)


def _basket(request) -> dict:
    return request.session.get(BASKET) or {"borrower": None, "codes": []}


def _save_basket(request, basket: dict) -> None:
    request.session[BASKET] = basket


@login_required
def counter_page(request):
    services.require_staff(request.user)
    basket = _basket(request)
    if "borrower" in request.GET:  # a borrower chosen from the search, or none ("another")
        chosen = Borrower.objects.filter(
            pk=parse_pk(request.GET["borrower"]), anonymised_at__isnull=True
        ).first()
        basket = {"borrower": chosen.pk if chosen else None, "codes": []}
        _save_basket(request, basket)
    borrower = (
        Borrower.objects.filter(pk=basket["borrower"]).first() if basket["borrower"] else None
    )
    search = BorrowerSearchForm(request.GET if "q" in request.GET else None)
    found = services.borrower_search(search.cleaned_data["q"]) if search.is_valid() else None
    scans, due, dropped = [], None, []
    if borrower and basket["codes"]:
        scans, due = counter.plan_loan(borrower=borrower, barcodes=basket["codes"], due=None,
                                       today=services.local_today())  # fmt: skip
        dropped = [s for s in scans if not s.ok]
        if dropped:
            scans = [s for s in scans if s.ok]
            _save_basket(request, {**basket, "codes": [s.barcode for s in scans]})
    return render(request, "lending/counter.html", {
        "borrower": borrower, "search": search, "found": found, "scans": scans,
        "last": basket.get("last"), "dropped": dropped,
        "register": BorrowerForm(initial={"language": "nb"}), "scan_form": ScanForm(),
        "checkout_form": CheckoutForm(initial={"due": due}),
        "return_form": ReturnForm(prefix="return"),
    })  # fmt: skip


@login_required
@require_POST
def register_borrower(request):
    services.require_staff(request.user)
    form = BorrowerForm(request.POST)
    if form.is_valid():
        try:
            borrower = services.borrower_register(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": borrower.name})
            _save_basket(request, {"borrower": borrower.pk, "codes": []})
            return redirect("lending:counter")
    return render(request, "lending/counter.html", {
        "register": form, "search": BorrowerSearchForm(), "scan_form": ScanForm(),
        "return_form": ReturnForm(prefix="return"),
    }, status=400)  # fmt: skip


@login_required
@require_POST
def scan(request):
    services.require_staff(request.user)
    basket = _basket(request)
    form = ScanForm(request.POST)
    borrower = Borrower.objects.filter(pk=basket["borrower"] or 0).first()
    if borrower and form.is_valid():
        verdict = counter.basket_add(borrower=borrower, codes=basket["codes"],
                                     code=form.cleaned_data["barcode"],
                                     today=services.local_today())  # fmt: skip
        if verdict.ok:
            basket["codes"] = [*basket["codes"], verdict.barcode]
        basket["last"] = {
            "barcode": verdict.barcode, "ok": verdict.ok, "message": verdict.message,
            "item": str(verdict.item.item_type) if verdict.item else "",
        }  # fmt: skip
        _save_basket(request, basket)
    return redirect("lending:counter")


@login_required
@require_POST
def scan_remove(request, index: int):
    services.require_staff(request.user)
    basket = _basket(request)
    if 0 <= index < len(basket["codes"]):
        del basket["codes"][index]
        basket["last"] = None
        _save_basket(request, basket)
    return redirect("lending:counter")


@login_required
@require_POST
def checkout(request):
    services.require_staff(request.user)
    basket = _basket(request)
    borrower = get_object_or_404(Borrower, pk=basket["borrower"] or 0)
    form = CheckoutForm(request.POST)
    due = form.cleaned_data["due"] if form.is_valid() else None
    try:
        loan = counter.loan_create(by=request.user, borrower=borrower, barcodes=basket["codes"],
                                   due=due)  # fmt: skip
    except (ValidationError, ConflictError) as error:
        messages.error(request, _problem(error))
        if isinstance(error, ConflictError):  # refused now: out of the basket, named above
            refused = {c["barcode"] for c in error.conflicts}
            codes = [c for c in basket["codes"] if c not in refused]
            _save_basket(request, {**basket, "codes": codes, "last": None})
        return redirect("lending:counter")
    _save_basket(request, {"borrower": None, "codes": []})
    return redirect("lending:loan_receipt", pk=loan.pk)


@login_required
def loan_receipt(request, pk: int):
    services.require_staff(request.user)
    loan = get_object_or_404(
        Loan.objects.select_related("borrower", "centre").prefetch_related(
            Prefetch("lines", LoanLine.objects.select_related("item__item_type"))
        ),
        pk=pk,
    )
    return render(request, "lending/receipt.html", {"loan": loan})


@login_required
@require_POST
def return_unit(request):
    services.require_staff(request.user)
    form = ReturnForm(request.POST, prefix="return")
    if not form.is_valid():
        messages.error(request, _("Scan the unit and choose its condition."))
        return redirect("lending:counter")
    try:
        line = counter.loan_return(by=request.user, **form.cleaned_data)
    except (ValidationError, ConflictError) as error:
        messages.error(request, _problem(error))
    else:
        messages.success(request, _("%(item)s is back (%(condition)s).") % {
            "item": line.item, "condition": line.get_condition_display()})  # fmt: skip
    return redirect("lending:counter")


@login_required
def overdue(request):
    services.require_staff(request.user)
    today = services.local_today()
    lines = (
        LoanLine.objects.filter(returned_at__isnull=True, loan__due__lt=today)
        .select_related("loan__borrower", "item__item_type")
        .order_by("loan__due", "loan_id", "id")
    )
    return render(request, "lending/overdue.html", {"lines": lines, "today": today})


@login_required
def labels(request):
    """Code 128 labels to print for the chosen item type's units (or the codes given)."""
    services.require_staff(request.user)
    items = Item.objects.select_related("item_type").exclude(status=Item.Status.RETIRED)
    form = LabelsForm(request.GET)
    codes = form.cleaned_data["codes"] if form.is_valid() else []
    if request.GET.get("type"):
        items = items.filter(item_type_id=parse_pk(request.GET["type"]))
    elif codes:
        items = items.filter(barcode__in=codes)
    else:
        items = items.none()
    labels = [{"item": i, "svg": code128_svg(i.barcode)} for i in items[:200]]
    types = ItemType.objects.filter(active=True).select_related("centre")
    return render(request, "lending/labels.html", {"labels": labels, "types": types,
                                                   "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


def _year(request) -> int:
    year = parse_pk(request.GET.get("year"))
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def stats_page(request):
    services.require_staff(request.user)
    stats = lending_stats(_year(request))
    return render(request, "lending/stats.html", {"stats": stats, "months": range(1, 13)})


@login_required
def stats_csv(request):
    services.require_staff(request.user)
    year = _year(request)
    response = HttpResponse(lending_stats_csv(lending_stats(year)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="utlan-{year}.csv"'
    return response


@login_required
def borrower_export(request, pk: int):
    services.require_staff(request.user)
    borrower = get_object_or_404(Borrower, pk=pk)
    response = HttpResponse(
        json.dumps(privacy.borrower_export(borrower), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="laaner-{borrower.pk}.json"'
    return response
