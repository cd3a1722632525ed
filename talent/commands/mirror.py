"""``talent mirror serve`` and ``talent mirror join-report``: run the offline upstream, inspect its join.

The mirror (:mod:`mirror`) is a development and test tool; only this command and the demo reach it.
"""

from __future__ import annotations

import argparse
import logging
import signal

from mirror.faults import FaultRule
from mirror.join_report import print_reports
from mirror.source_data import PROCEEDINGS_YEARS
from talent.commands._args import command_group

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    commands = command_group(subparsers, "mirror", "offline mirror of the NeurIPS and OpenReview upstreams",
                             metavar="MIRROR_COMMAND")

    serve = commands.add_parser("serve", help="serve the mirror over HTTP until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8765, help="port, 0 = any free one (default: %(default)s)")
    serve.add_argument("--fault", action="append", default=[], metavar="RULE", type=FaultRule.parse,
                       help="inject a fault, e.g. 'kind=429,path=^/notes,times=3,retry_after=2' "
                            "(kinds: 429, 503, slow, truncate, malformed; times=all for every match); repeatable")
    serve.add_argument("--verbose-requests", action="store_true", help="log every request")
    serve.set_defaults(handler=run_serve)

    report = commands.add_parser("join-report", help="how 2019/2020 presentations join the proceedings")
    report.add_argument("--year", type=int, action="append", choices=PROCEEDINGS_YEARS,
                        help="year to report (repeatable; default: all)")
    report.add_argument("--json", action="store_true", help="machine-readable output")
    report.set_defaults(handler=run_join_report)


def run_serve(args: argparse.Namespace) -> int:
    from mirror.server import MirrorServer  # the server pulls in http.server only when serving

    server = MirrorServer(args.host, args.port, faults=list(args.fault), verbose=args.verbose_requests)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill PID` stops it as cleanly as Ctrl-C
    print(f"mirror serving at {server.base_url}  (stats: {server.base_url}/_mirror/stats; Ctrl-C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("mirror stopped after %d requests", server.stats()["total"])
    return 0


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_join_report(args: argparse.Namespace) -> int:
    return print_reports(args.year or list(PROCEEDINGS_YEARS), args.json)
