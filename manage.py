#!/usr/bin/env python
import os
import sys

# These only read models and migration files: they sign nothing, so a checkout without a .env can run
# them (and the migrations check). Every other command, and every server, still needs SECRET_KEY.
SCHEMA_ONLY_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belong.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SCHEMA_ONLY_COMMANDS:
        os.environ.setdefault("SECRET_KEY", "schema-commands-sign-nothing")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
