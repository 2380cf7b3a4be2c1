#!/usr/bin/env python
"""Same as the ``tongban`` console script, for people used to manage.py."""

from tongban.cli import main

if __name__ == "__main__":
    main()
