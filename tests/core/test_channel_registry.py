"""The channel registry: every installed channel declares parts that exist, and the
worker, the home page, the endpoints and account erasure find them there."""

from importlib import import_module
from typing import Any

import pytest
from django.urls import resolve

from aduan.core.channels import ChannelSpec, channel_part, channel_spec, channel_specs
from aduan.core.worker import jobs_all
from aduan.intake.selectors import channels_enabled


def test_the_installed_channels_register_themselves() -> None:
    codes = [spec.code for spec in channel_specs()]
    assert {"sms", "email", "x"} <= set(codes)
    assert len(codes) == len(set(codes))
    assert channel_spec("web") is None  # the web is no channel package


@pytest.mark.parametrize("spec", channel_specs(), ids=lambda spec: spec.code)
def test_every_part_a_channel_names_exists(spec: ChannelSpec) -> None:
    assert callable(channel_part(spec.how))
    assert callable(channel_part(spec.erase))
    for job in spec.jobs:
        assert callable(channel_part(job.run))
    if spec.export:
        import_module(spec.export)
    if spec.subject:
        assert callable(channel_part(spec.subject))


@pytest.mark.parametrize("spec", channel_specs(), ids=lambda spec: spec.code)
def test_the_home_page_says_how_to_use_each_channel_turned_on(
    spec: ChannelSpec, settings: Any
) -> None:
    settings.REPORT_CHANNELS = ["web", spec.code]
    info = channels_enabled()[1]
    assert info.code == spec.code and str(info.how)


def test_the_worker_runs_every_channels_jobs() -> None:
    names = [job.name for job in jobs_all()]
    for spec in channel_specs():
        assert all(job.name in names for job in spec.jobs)


def test_each_channels_endpoints_are_served_under_its_code() -> None:
    for spec in channel_specs():
        if not spec.urls:
            continue
        urls = import_module(spec.urls)
        for pattern in urls.urlpatterns:
            path = f"/channels/{spec.code}/{pattern.pattern}"
            assert resolve(path).func is pattern.callback
