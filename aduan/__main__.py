"""`python -m aduan <command>` runs a management command (the same as manage.py)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line([sys.argv[0].replace("__main__.py", "aduan"), *sys.argv[1:]])
    except ImproperlyConfigured as error:
        # One line that names the variable, not a traceback.
        sys.exit(f"aduan: configuration error: {error}")


if __name__ == "__main__":
    main()
