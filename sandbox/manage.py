#!/usr/bin/env python
"""The sandbox's manage.py: `python sandbox/manage.py migrate` (its own settings and database)."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
