"""The ``ruankao-watch`` command line: parses arguments, loads the configuration, maps failures to exit codes.

The commands live beside it (``cycle_cli``, ``inspect_cli``, ``subscribers_cli``) and import
their heavy parts (Scrapy, SQLAlchemy, aiosmtplib, FastAPI) inside the command, so
``ruankao-watch parse`` starts fast and a broken optional part cannot stop the others.
Exit codes: 0 ok, 1 partial (a source or mail failed, a file that cannot be read or written;
see the output), 2 configuration or
usage error (one line naming the key or argument; ``--debug`` adds the traceback),
3 another run holds the lock.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from typing import TextIO

from app import cycle_cli, inspect_cli, subscribers_cli
from app.logs import setup_logging
from app.wiring import EXIT_CONFIG, EXIT_OK, EXIT_PARTIAL, close_stores
from core.text import strip_unsafe


class SafeStream:
    """A text stream that drops what ``core.text`` calls unsafe before it reaches a terminal.

    Scraped titles and subscriber fields are printed by many commands; an ESC or CSI
    sequence, or a bidi override, in them must not act on the operator's terminal.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(strip_unsafe(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruankao-watch", description="Watch 软考 notices and alert subscribers by email and feeds."
    )
    parser.add_argument("--config", help="TOML file (default: ./ruankao-watch.toml if present)")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--log-format", default="text", choices=["text", "json"])
    parser.add_argument("--debug", action="store_true", help="show the traceback behind an error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cycle_cli.register(sub)
    inspect_cli.register(sub)
    subscribers_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (``| head``): end quietly, as other Unix tools do, and keep
        # the interpreter's final flush from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), streams[0].fileno())
        return EXIT_OK
    finally:
        sys.stdout, sys.stderr = streams


def readable_channels(config):
    """The configuration, once Apprise can read every ``[[channels]]`` URL (core checks only its form)."""
    if config.channels:
        from alerts.push_services import mask_url, plugin
        from core.config import ConfigError

        for n, channel in enumerate(config.channels):
            if plugin(channel.url) is None:
                raise ConfigError(
                    f"channels.{n}.url: Apprise cannot read {mask_url(channel.url)} (see docs/push.md)"
                )
    return config


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    if not getattr(args, "needs_config", True):
        return args.func(args, None)
    from core.config import ConfigError, load_config

    try:
        return args.func(args, readable_channels(load_config(args.config)))
    except ConfigError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"ruankao-watch: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except OSError as exc:
        if exc.filename is None:  # not a file the operator named (a closed pipe, the network): as before
            raise
        if args.debug:
            traceback.print_exc()
        print(f"ruankao-watch: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_PARTIAL
    except KeyboardInterrupt:
        return 130
    finally:
        close_stores()


if __name__ == "__main__":
    logging.captureWarnings(True)
    sys.exit(main())
