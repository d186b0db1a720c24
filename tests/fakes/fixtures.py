"""The fake Vipps MobilePay server as a pytest fixture, with Lokale's settings pointed
at it. Webhooks queue for ``fake.deliver_to(client)`` unless the test sets
``fake.deliver_over_http`` (a live server) and ``fake.webhook_url``."""

import pytest

from billing import vipps
from tests.fakes.vipps import FakeVipps


@pytest.fixture
def fake_vipps(settings):
    fake = FakeVipps().start()
    settings.PAYMENT_BACKEND = "billing.vipps.VippsBackend"
    settings.VIPPS_URL = fake.url
    settings.VIPPS_CLIENT_ID = fake.client_id
    settings.VIPPS_CLIENT_SECRET = fake.client_secret
    settings.VIPPS_SUBSCRIPTION_KEY = fake.subscription_key
    settings.VIPPS_MSN = fake.msn
    settings.VIPPS_WEBHOOK_SECRET = fake.webhook_secret
    settings.VIPPS_TIMEOUT = 2
    settings.SITE_URL = "http://testserver"
    fake.webhook_url = "http://testserver/payments/vipps/webhook/"
    vipps.forget_tokens()
    yield fake
    fake.stop()
    vipps.forget_tokens()
