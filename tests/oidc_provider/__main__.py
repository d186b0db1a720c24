"""Start the test OpenID provider: ``python -m tests.oidc_provider``.

Reads OIDC_PROVIDER_DB (an SQLite file), OIDC_PROVIDER_CLIENT (JSON: client_id,
client_secret, redirect_uri) and OIDC_PROVIDER_PEOPLE (JSON: username -> claims; each
person's password is their username). Binds a free port on 127.0.0.1, prints
``listening on <port>`` and serves until it is terminated."""

import json
import os
import sys

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


def main() -> None:
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    port = server.server_port
    os.environ["OIDC_PROVIDER_ISSUER"] = f"http://127.0.0.1:{port}/"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for username in json.loads(os.environ["OIDC_PROVIDER_PEOPLE"]):
        User.objects.create_user(username=username, password=username)
    client = json.loads(os.environ["OIDC_PROVIDER_CLIENT"])
    Application.objects.create(
        name="Lokale",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        redirect_uris=client["redirect_uri"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
    )
    server.set_app(WSGIHandler())
    print(f"listening on {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
