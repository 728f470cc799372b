"""``python -m bot`` runs the same command line as ``seedbot``."""

from bot.cli import console

raise SystemExit(console())
