"""The codes of the agencies the reference data makes for every deployment: one
local government per province and regency or city, and the national administrator."""

NATIONAL_ADMIN_CODE = "nasional"


def local_government_code(region_code: str) -> str:
    """``pemda-32-74`` for the local government of region ``32.74`` (Kota Cirebon)."""
    return "pemda-" + region_code.replace(".", "-")
