from aduan.core.channels import ChannelConfig, ChannelSpec


class TelegramConfig(ChannelConfig):
    default = True  # (ChannelConfig, imported here, is one too)
    name = "aduan.channels.telegram"
    label = "telegram"
    verbose_name = "Telegram"
    channel = ChannelSpec(
        code="telegram",
        identity="telegram",
        how="aduan.channels.telegram.door.how",
        erase="aduan.channels.telegram.export.erase",
        export="aduan.channels.telegram.export",
        urls="aduan.channels.telegram.urls",
        fetch="aduan.channels.telegram.services.media_fetch",
        guided=True,
        link="aduan.channels.telegram.door.account_link",
    )
