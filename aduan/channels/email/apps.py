from aduan.core.channels import ChannelConfig, ChannelSpec


class EmailChannelConfig(ChannelConfig):
    default = True  # (ChannelConfig, imported here, is one too)
    name = "aduan.channels.email"
    label = "mail"
    verbose_name = "E-mail"
    channel = ChannelSpec(
        code="email",
        identity="email",
        how="aduan.channels.email.door.how",
        erase="aduan.channels.email.export.erase",
        export="aduan.channels.email.export",
        subject="aduan.channels.email.transport.mail_subject",
    )
