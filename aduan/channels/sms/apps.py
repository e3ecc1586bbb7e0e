from aduan.core.channels import ChannelConfig, ChannelSpec


class SmsConfig(ChannelConfig):
    default = True  # (ChannelConfig, imported here, is one too)
    name = "aduan.channels.sms"
    label = "sms"
    verbose_name = "SMS 1708"
    channel = ChannelSpec(
        code="sms",
        identity="phone",
        how="aduan.channels.sms.door.how",
        erase="aduan.channels.sms.export.erase",
        export="aduan.channels.sms.export",
        urls="aduan.channels.sms.urls",
    )
