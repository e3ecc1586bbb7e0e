from aduan.core.channels import ChannelConfig, ChannelSpec
from aduan.core.jobs import WorkerJob


class XChannelConfig(ChannelConfig):
    default = True  # (ChannelConfig, imported here, is one too)
    name = "aduan.channels.x"
    label = "x"
    verbose_name = "X (Twitter)"
    channel = ChannelSpec(
        code="x",
        identity="x",
        how="aduan.channels.x.door.how",
        erase="aduan.channels.x.export.erase",
        jobs=(WorkerJob("x photos", "aduan.channels.x.media.photos_fetch_due", 5, stops=True),),
        export="aduan.channels.x.export",
        urls="aduan.channels.x.urls",
    )
