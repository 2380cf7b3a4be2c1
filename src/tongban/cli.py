"""The ``tongban`` console script: Django's manage.py with tongban's settings.

``tongban demo``, ``tongban worker`` and ``tongban audit verify`` are management
commands of tongban's apps; every Django command works too (``tongban migrate``).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tongban", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
