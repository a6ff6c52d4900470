"""Audit of Django's own authentication events, wherever they come from (our login page,
the admin, the test client), connected in ``AccountsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from lantoa.accounts import services
from lantoa.accounts.models import User


def on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    services.login_success_record(user=user, request=request)


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    services.logout_record(user=user, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # ``credentials`` arrives with the password already masked; only the username is kept.
    username = str(credentials.get("username") or "")
    services.login_failure_record(username=username, request=request)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="lantoa.accounts.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="lantoa.accounts.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="lantoa.accounts.login_failed")
