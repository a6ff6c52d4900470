"""``lantoa worker``: README's deployment runs two worker services on one machine (one with
the scheduler); each gets its own Celery node name, so they do not take each other for a
duplicate."""

from __future__ import annotations

from lantoa.core.management.commands.worker import worker_argv


def _name(argv: list[str]) -> str:
    return argv[argv.index("--hostname") + 1]


def test_each_worker_service_has_its_own_node_name() -> None:
    beat = worker_argv(beat=True, concurrency=1)
    plain = worker_argv(beat=False, concurrency=4)
    assert _name(beat) == "beat@%h" and "--beat" in beat
    assert _name(plain) == "worker@%h" and "--beat" not in plain
    assert _name(worker_argv(beat=False, concurrency=4, name="worker2@%h")) == "worker2@%h"


def test_quiet_worker_has_no_banner_option_before_the_subcommand() -> None:
    """The demo's worker starts without Celery's banner: ``--quiet`` is an option of the
    ``celery`` command itself, so it must come before ``worker``."""
    quiet = worker_argv(beat=True, concurrency=2, quiet=True)
    assert quiet.index("--quiet") < quiet.index("worker")
    assert "--quiet" not in worker_argv(beat=True, concurrency=2)
