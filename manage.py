#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    from marketplace.core.embedded_db import join_for_command

    join_for_command(sys.argv, Path(os.environ.get("MARKETPLACE_DATA_DIR", Path(__file__).parent / ".data")))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
