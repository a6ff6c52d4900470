"""Every process that starts the product (the demo, its web server, the worker, each
``lantoa`` command) pays for what Django's start-up imports: the libraries that write and read
Office files, and the HTTP client of the connectors, are imported when a file is made or read
or a platform is called, not at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_start_up_does_not_import_office_or_http_libraries(tmp_path: Path) -> None:
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.urls import resolve\n"
        "resolve('/')\n"
        "print(sorted(m for m in ('openpyxl', 'docx', 'httpx') if m in sys.modules))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lantoa.settings",
        "LANTOA_ALLOW_INSECURE_KEY": "1",
        "LANTOA_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stderr
