from aduan.core.channels import ChannelConfig, ChannelJob, ChannelSpec


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
        jobs=(ChannelJob("x photos", "aduan.channels.x.media.photos_fetch_due", every=5),),
        export="aduan.channels.x.export",
        urls="aduan.channels.x.urls",
    )
