"""``seedbot feedback export`` and ``seedbot stats``: what the vote store has recorded.

Both read the bot's database without Discord; a store that cannot be read is one
``seedbot:`` line and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.json_lines import dumps


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import StoreUnavailable
    from bot.store.export import export_votes

    try:
        count = export_votes(settings, sys.stdout, args.format)
    except StoreUnavailable as error:
        print(f"seedbot: cannot read the vote database: {error}", file=sys.stderr)
        return 1
    print(f"seedbot: exported {count} votes from {settings.feedback_db}", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from bot.stats import build_report, render_text
    from bot.store import StoreUnavailable, open_store

    if args.days < 1:
        print("seedbot: --days must be at least 1", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        report = build_report(store, days=args.days, guild_id=args.guild)
    except StoreUnavailable as error:
        print(f"seedbot: cannot read the database: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    if args.json:
        print(dumps(report.to_json()))
    else:
        print(render_text(report))
    return 0
