"""``seedbot sources``: the articles and their metadata, as a table or JSON.

It reads the articles alone (no index, no models), so it answers at once on any corpus.
"""

from __future__ import annotations

import argparse

from bot.cli.loading import load_articles
from bot.config import Settings
from bot.json_lines import dumps
from bot.terminal import render_sources


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    sources = load_articles(settings).sources
    if args.json:
        data = [
            source.to_json() | {"paragraphs": source.paragraphs, "characters": source.characters}
            for source in sources
        ]
        print(dumps(data, indent=2))
    else:
        print(render_sources(sources))
    return 0
