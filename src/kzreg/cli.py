"""The `kzreg` command. Each part of the system adds its own subcommands (see `kzreg.plugins`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    from kzreg.plugins import part_modules

    parser = argparse.ArgumentParser(prog="kzreg", description="kzreg: the .kz / .қаз registration system")
    parser.add_argument(
        "--lang",
        choices=("kk", "ru", "en"),
        default=os.environ.get("KZREG_LANG", "en"),
        help="language of messages (default: $KZREG_LANG or en)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in part_modules("cli"):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _setup_django()
    from kzreg.core.errors import OperationFailed

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or EXIT_OK)
    except OperationFailed as exc:
        for line in exc.render(args.lang):
            print(f"error: {line}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # users never see a traceback; KZREG_DEBUG=1 shows it for operators
        if os.environ.get("KZREG_DEBUG") == "1":
            raise
        from django.db import DatabaseError

        hint = " (is the database migrated? run: kzreg migrate)" if isinstance(exc, DatabaseError) else ""
        print(f"error: {type(exc).__name__}: {exc}{hint}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
