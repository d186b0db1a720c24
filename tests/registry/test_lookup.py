"""The look-up: the local copy first, then the register's API over a real socket."""

import datetime as dt
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from config.env import env_float, env_url
from registry.lookup import RegisterUnavailable, unit_lookup
from registry.models import Unit
from registry.orgnr import org_number_is_valid, with_check_digit
from tests.registry.brreg import deleted_enhet, enhet, numbers

pytestmark = pytest.mark.django_db


def test_the_local_copy_answers_without_asking_the_register(register):
    number = numbers(1)[0]
    Unit.objects.create(org_number=number, name="ÅS TURLAG", imported_at=timezone.now())
    assert unit_lookup(number).name == "ÅS TURLAG"
    assert register.asked == []


def test_without_a_register_address_an_unknown_number_is_not_found(settings):
    settings.BRREG_URL = ""
    assert unit_lookup(numbers(1)[0]) is None


def test_a_unit_found_in_the_register_is_kept_in_the_local_copy(register):
    number = numbers(1)[0]
    register.units[number] = enhet(number, "ÅS HUSFLIDSLAG", voluntary=True)
    unit = unit_lookup(number)
    assert (unit.name, unit.voluntary, unit.form_code, unit.town) == (
        "ÅS HUSFLIDSLAG",
        True,
        "FLI",
        "ÅS",
    )
    assert Unit.objects.get(pk=number).voluntary is True
    assert unit_lookup(number).pk == number
    assert register.asked == [number]


def test_an_unknown_number_is_none_and_nothing_is_kept(register):
    number = numbers(1)[0]
    assert unit_lookup(number) is None
    assert register.asked == [number]
    assert not Unit.objects.exists()


def test_a_deleted_unit_410_is_kept_with_its_deletion_date(register):
    number = numbers(1)[0]
    register.gone[number] = deleted_enhet(number, "ÅS SEILFORENING", on="2023-05-02")
    assert unit_lookup(number).deleted_on == dt.date(2023, 5, 2)


def test_a_410_without_a_body_is_deleted_today(register):
    number = numbers(1)[0]
    register.gone[number] = {}
    assert unit_lookup(number).deleted_on == timezone.localdate()


@pytest.mark.parametrize("trouble", ["broken", "slow", "closed"])
def test_a_register_that_does_not_answer_is_unavailable_within_the_timeout(
    register, settings, trouble
):
    number = numbers(1)[0]
    if trouble == "broken":
        register.broken.add(number)
    elif trouble == "slow":
        register.slow.add(number)
    else:
        settings.BRREG_URL = "http://127.0.0.1:9/enhetsregisteret/api"  # discard: refused
    started = time.monotonic()
    with pytest.raises(RegisterUnavailable):
        unit_lookup(number)
    assert time.monotonic() - started < settings.BRREG_TIMEOUT + 1
    assert not Unit.objects.exists()


def test_a_number_that_fails_the_check_is_not_looked_up():
    with pytest.raises(ValueError):
        unit_lookup("974760674")


@pytest.mark.parametrize(
    ("number", "valid"),
    [("974760673", True), ("974760674", False), ("97476067", False), ("٩٧٤٧٦٠٦٧٣", False)],
)
def test_modulus_11(number, valid):
    assert org_number_is_valid(number) is valid


def test_a_check_digit_is_made_or_there_is_none():
    assert with_check_digit("97476067") == "974760673"
    assert all(
        org_number_is_valid(n)
        for n in (with_check_digit(f"{p:08d}") for p in range(10000000, 10000100))
        if n
    )


def test_the_register_settings_are_checked(monkeypatch):
    monkeypatch.setenv("LOKALE_BRREG_URL", "data.brreg.no/enhetsregisteret/api")
    with pytest.raises(ImproperlyConfigured):
        env_url("LOKALE_BRREG_URL")
    monkeypatch.setenv("LOKALE_BRREG_URL", "https://data.brreg.no/enhetsregisteret/api/")
    assert env_url("LOKALE_BRREG_URL") == "https://data.brreg.no/enhetsregisteret/api"
    monkeypatch.setenv("LOKALE_BRREG_TIMEOUT", "fem")
    with pytest.raises(ImproperlyConfigured):
        env_float("LOKALE_BRREG_TIMEOUT", 5.0, minimum=0.1)
    monkeypatch.setenv("LOKALE_BRREG_TIMEOUT", "0")
    with pytest.raises(ImproperlyConfigured):
        env_float("LOKALE_BRREG_TIMEOUT", 5.0, minimum=0.1)
    monkeypatch.delenv("LOKALE_BRREG_TIMEOUT")
    assert env_float("LOKALE_BRREG_TIMEOUT", 5.0, minimum=0.1) == 5.0
