from aduan.core.channels import ChannelConfig, ChannelSpec


class WhatsAppConfig(ChannelConfig):
    default = True  # (ChannelConfig, imported here, is one too)
    name = "aduan.channels.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"
    channel = ChannelSpec(
        code="whatsapp",
        identity="phone",
        how="aduan.channels.whatsapp.door.how",
        erase="aduan.channels.whatsapp.export.erase",
        export="aduan.channels.whatsapp.export",
        urls="aduan.channels.whatsapp.urls",
        fetch="aduan.channels.whatsapp.services.media_fetch",
        guided=True,
    )
