"""Discord's hard limits, in one place, so every renderer checks against the same numbers.

See https://discord.com/developers/docs/resources/message and .../interactions/message-components.
"""

from __future__ import annotations

from typing import Final

MESSAGE_CONTENT: Final = 2000
EMBED_TITLE: Final = 256
EMBED_DESCRIPTION: Final = 4096
EMBED_FIELD_NAME: Final = 256
EMBED_FIELD_VALUE: Final = 1024
EMBED_FOOTER: Final = 2048
EMBED_AUTHOR: Final = 256
EMBED_TOTAL: Final = 6000
EMBED_FIELDS: Final = 25
EMBEDS_PER_MESSAGE: Final = 10

BUTTONS_PER_ROW: Final = 5
ACTION_ROWS: Final = 5
BUTTON_LABEL: Final = 80
CUSTOM_ID: Final = 100

CHOICE_NAME: Final = 100
CHOICE_VALUE: Final = 100
AUTOCOMPLETE_CHOICES: Final = 25

INTERACTION_ACK_SECONDS: Final = 3.0  # Discord drops an interaction not acknowledged in time
# How long /ask waits for its checks (the chatter recogniser) before it acknowledges with
# "thinking…": a reply to chatter goes out at once when they are quick, and a burst that
# queues them behind each other is still acknowledged well inside Discord's 3 s.
ACK_CHECKS_SECONDS: Final = 0.25
