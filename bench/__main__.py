"""``make bench``: run every benchmark in bench/ and print ``name: value unit`` lines.

Each benchmark measures its own baseline in the same run, on the database the
environment selects (``TONGBAN_DATABASE_URL``; a throw-away SQLite file by default).
"""

import os
import sys
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
os.environ.setdefault("TONGBAN_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("TONGBAN_VAR_DIR", tempfile.mkdtemp(prefix="tongban-bench-"))


def main() -> int:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from bench import (
        audit_append,
        bundles_submit,
        cases_accept,
        cases_volume,
        catalog_guide,
        catalog_search,
        certificates_pdf,
        deadlines,
        instant_approval,
    )

    audit_append.run()
    catalog_search.run()
    catalog_guide.run()
    deadlines.run()
    cases_accept.run()
    bundles_submit.run()
    certificates_pdf.run()
    instant_approval.run()
    cases_volume.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
