"""The registry of channels (DESIGN.md §6): every door besides the web, the apps and
the service counter is one package under ``aduan/channels/`` whose ``AppConfig``
is a ``ChannelConfig`` with a ``channel = ChannelSpec(...)``; adding the package to
``INSTALLED_APPS`` is all it takes for the worker to run its jobs, the data export
and account erasure to cover its records and the home page to say how to use it.
(Its transport and its settings are named in settings.py, with every other
setting an operator reads.) Nothing here imports a channel: a spec names its parts by dotted
path, imported when first used, so the registry sits below every channel."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string

from aduan.core.jobs import WorkerJob


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """What a channel package declares.

    - ``code``: the value its reports' ``channel`` and its outbox messages carry;
    - ``identity``: the kind of channel identity its senders have (a phone number,
      an X handle, …): what its records of a person are found by;
    - ``how``: the dotted path of a function answering how a citizen uses the door
      (``intake.selectors.ChannelInfo``);
    - ``erase``: the dotted path of ``f(hashes)`` deleting what the channel recorded
      of the identities with these keyed hashes (account erasure, UU PDP);
    - ``jobs``: its background work (``core.jobs.WorkerJob``);
    - ``export``: the module whose ``export_section``s say what a person sent
      through it (their data export), imported when the app is ready;
    - ``urls``: the module of its endpoints (a gateway's webhook), served under
      ``/channels/<code>/``;
    - ``fetch``: the dotted path of ``f(ref) -> bytes``, a file a message referred
      to (a media id), for the worker (intake/files.py);
    - ``guided``: a chat channel, where a report is written one question at a time
      (intake/conversation.py), reminded and closed by the worker;
    - ``link``: the dotted path of ``f(code) -> url``, the link that opens the
      channel's app with an account's link code (``accounts.account_link_code``):
      offered on the account page to join the door to the account;
    - ``subject``: the dotted path of ``f(message) -> str``, the subject a message
      carries on this channel, when it has one (the demo's log shows it)."""

    code: str
    identity: str
    how: str
    erase: str
    jobs: tuple[WorkerJob, ...] = ()
    export: str = ""
    urls: str = ""
    fetch: str = ""
    guided: bool = False
    link: str = ""
    subject: str = ""


class ChannelConfig(AppConfig):
    """The ``AppConfig`` of a channel package."""

    channel: ChannelSpec

    def ready(self) -> None:
        if self.channel.export:
            import_module(self.channel.export)


@cache
def channel_specs() -> tuple[ChannelSpec, ...]:
    """Every installed channel, in ``INSTALLED_APPS`` order (read once: the apps
    are fixed once Django is set up)."""
    return tuple(
        spec
        for config in apps.get_app_configs()
        if isinstance(spec := getattr(config, "channel", None), ChannelSpec)
    )


@cache
def _by_code() -> dict[str, ChannelSpec]:
    return {spec.code: spec for spec in channel_specs()}


def channel_spec(code: str) -> ChannelSpec | None:
    return _by_code().get(code)


@cache
def channel_part(path: str) -> Any:
    """One of a spec's parts, imported once."""
    return import_string(path)


def channel_call(path: str, *args: Any, **kwargs: Any) -> Any:
    part: Callable[..., Any] = channel_part(path)
    return part(*args, **kwargs)
