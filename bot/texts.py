"""Every sentence the bot says to a user, in one place, so wording stays consistent."""

from __future__ import annotations

from typing import Final

ASK_DESCRIPTION: Final = "Ask a question about the articles; get quoted, cited excerpts."
ASK_QUESTION_HELP: Final = (
    "Your question, in plain words (e.g. Who signed the agreement, and when?)"
)
ASK_RESULTS_HELP: Final = "How many quotes to show (1-10)"
ASK_PRIVATE_HELP: Final = "Only you see the answer (default: the server's choice, /settings)"
ASK_ARTICLE_HELP: Final = "Search only this article (start typing its title)"
SOURCES_DESCRIPTION: Final = "List the articles the bot can quote."
SOURCE_DESCRIPTION: Final = "Show one article's details: author, outlet, date, size."
SOURCE_ARTICLE_HELP: Final = "Start typing a title to pick an article"
HELP_DESCRIPTION: Final = "How to ask questions and what the bot can do."
RELOAD_DESCRIPTION: Final = "Reload the articles from disk without restarting (Manage Server)."

EMPTY_QUESTION: Final = (
    "Please ask a question in words, for example: `/ask question: Who signed the agreement?` "
    "See what the articles cover with `/sources`."
)
REPLY_UNREADABLE: Final = (
    "I can't read replies that don't mention me here. Reply with the @ mention on, or use `/ask`."
)
NOTHING_FOUND_HINT: Final = "Try other words, or see what the articles cover with `/sources`."
NOTHING_FOUND_DEFAULT: Final = "I found nothing in the articles that answers this question."
NO_MORE_RESULTS: Final = "There are no more quotes for this question."
LAST_PAGE: Final = "no further quote answers this question"
BUTTON_INVALID: Final = "That button is not valid (anymore). Ask your question again with `/ask`."
ANSWER_EXPIRED: Final = "This answer is no longer stored. Please ask your question again."
NOT_YOUR_ANSWER: Final = "Only the person who asked can page this answer. Ask your own with `/ask`."
PASSAGE_MISSING: Final = "That passage is no longer in the articles (they may have been reloaded)."
VOTE_THANKS_UP: Final = "Thanks! Your vote **Helpful** is recorded."
VOTE_THANKS_DOWN: Final = "Thanks! Your vote **Not helpful** is recorded; it helps us improve."
COOLDOWN: Final = "You're asking quickly! Please wait {seconds:.0f} s and try again."
MISSING_PERMISSION: Final = "You need the **Manage Server** permission to do that."
GUILD_ONLY: Final = "This command only works in a server."
ERROR: Final = (
    "Sorry, something went wrong on my side. Please try again in a moment; "
    "if it keeps happening, tell a server admin."
)
NOT_READY: Final = "I'm still loading the articles. Please try again in a few seconds."
SOURCE_NOT_FOUND: Final = "No article matches {query}. Use `/sources` to see them all."
NO_AUTHOR: Final = "That article names no author, so I can't say who wrote it. Its card:"
NO_SOURCES: Final = "There are no articles loaded. An admin can add some and run `/reload`."
RELOAD_STARTED: Final = "Reloading the articles…"
RELOAD_DONE: Final = "Reloaded: {sources} articles, {passages} passages in {seconds:.1f} s."
RELOAD_PROBLEMS: Final = "Files not used ({count}): {files}"
RELOAD_FAILED: Final = "Reload failed, the previous articles stay in use. See the bot's log."

BUTTON_MORE: Final = "More results"
BUTTON_PASSAGE: Final = "Full passage {rank}"
BUTTON_HELPFUL: Final = "Helpful"
BUTTON_NOT_HELPFUL: Final = "Not helpful"
BUTTON_PREVIOUS: Final = "Previous"
BUTTON_NEXT: Final = "Next"
BUTTON_OPEN_ARTICLE: Final = "Open article"

# Short friendly replies to chatter said to the bot (``retrieval.chatter``); greetings and
# thanks use the engine's own sentences, so the terminal and Discord say the same.
CHATTER_REPLIES: Final = {
    "praise": "Thank you! Ask me anything else about the articles.",
    "criticism": (
        "Sorry that didn't help. Try other words, or a name, place or date from the articles; "
        "the *Not helpful* button tells us too."
    ),
    "laughter": "😄 Ask me a question about the articles whenever you like.",
    "farewell": "Bye! Come back with more questions any time.",
    "agreement": "👍 Ask me another question whenever you like.",
    "reaction": "I know! Ask me anything about the articles and I'll quote what they say.",
    "emoji": "👋 Ask me a question about the articles and I'll answer with quotes from them.",
    "remark": (
        "I can't share opinions, but I can quote what the articles say: ask me a question "
        "about them."
    ),
    # Only where a statement is not searched (it is, when said to the bot).
    "statement": "Ask me about it and I'll quote what the articles say.",
}

SEARCHED_FOR: Final = "Searched for: {pairs}"
ANSWER_FOOTER: Final = "Quotes {first}–{last}, best match first · verbatim from the articles"
SOURCES_TITLE: Final = "Articles ({count})"
SOURCES_FOOTER: Final = "Page {page} of {pages} · /source to see one article"
PASSAGE_TITLE: Final = "Full passage"

HELP_TITLE: Final = "How to use seedbot"
HELP_TEXT: Final = (
    "I answer questions with **verbatim quotes** from a fixed set of articles, each with "
    "its citation (title, author or outlet, date, paragraph). I never make up an answer: "
    "if nothing in the articles fits, I say so.\n\n"
    "**Ask**\n"
    "• `/ask question:` — add `results:` for more quotes, `article:` to search one article, "
    "`private: True` to see it alone.\n"
    "• Mention me with a question, or reply to one of my answers: a reply like "
    "*why?* or *when was that?* follows up on it, *tell me more* brings the next quotes.\n"
    "{qa_channels}"
    "• Ask in your own words: I match meaning as well as key words, and fix small typos. "
    "Names, places and dates narrow the search.\n"
    "\n**Explore**\n"
    "• `/sources` — the articles (or ask me *what are the articles about?*).\n"
    "• `/source article:` — one article's details.\n\n"
    "**Buttons** — *More results* turns to the next quotes (*Previous* / *Next* after that), "
    "*Full passage* shows the whole passage, *Open article* the article itself, "
    "*Helpful* / *Not helpful* tell us how the answer did."
)
HELP_QA_CHANNELS: Final = "• In {channels}, every message is a question.\n"

INTENT_MISSING_LOG: Final = (
    "The Message Content intent is not granted, so Q&A channels are off and replies must "
    "mention the bot; mentions and slash commands still work. To enable it: Discord Developer Portal > your app > Bot > "
    "Privileged Gateway Intents > Message Content Intent, then restart."
)
TOKEN_MISSING: Final = (
    "seedbot: no Discord bot token. Set DISCORD_TOKEN (environment or .env), e.g. "
    "`export DISCORD_TOKEN=...` from Developer Portal > your app > Bot > Reset Token."
)
TOKEN_INVALID: Final = (
    "seedbot: Discord rejected the token in DISCORD_TOKEN. Copy a fresh one from "
    "Developer Portal > your app > Bot > Reset Token and set DISCORD_TOKEN again."
)

# /settings (Manage Server): the server's own values over the environment's defaults.
SETTINGS_DESCRIPTION: Final = "This server's settings for the bot (Manage Server)."
SETTINGS_SHOW_DESCRIPTION: Final = "Show this server's settings."
SETTINGS_QA_DESCRIPTION: Final = "Q&A channels, where every message (or forum post) is a question."
SETTINGS_QA_ADD_DESCRIPTION: Final = "Make a channel a Q&A channel."
SETTINGS_QA_REMOVE_DESCRIPTION: Final = "Stop treating a channel as a Q&A channel."
SETTINGS_THREADS_DESCRIPTION: Final = "Answer a channel's questions in a new thread each, or not."
SETTINGS_QUOTES_DESCRIPTION: Final = "How many quotes an answer shows (1-10)."
SETTINGS_PRIVATE_DESCRIPTION: Final = (
    "Whether /ask answers only the asker unless they say otherwise."
)
SETTINGS_COOLDOWN_DESCRIPTION: Final = (
    "The cooldown window: each person asks a few questions per it."
)
SETTINGS_CHANNEL_HELP: Final = "The channel (default: this one)"
SETTINGS_ON_HELP: Final = "On or off"
SETTINGS_QUOTES_HELP: Final = "Quotes per answer, 1-10"
SETTINGS_SECONDS_HELP: Final = "Seconds, 0 (no cooldown) to 3600"
SETTINGS_SHOW: Final = (
    "**Settings for this server**\n"
    "Q&A channels: {qa_channels}\n"
    "Answers in threads: {thread_channels}\n"
    "Quotes per answer: {quotes}\n"
    "Answers private by default: {private}\n"
    "Cooldown: {cooldown}"
)
SETTINGS_NONE: Final = "none"
SETTINGS_ON: Final = "on"
SETTINGS_OFF: Final = "off"
SETTINGS_QA_ADDED: Final = "{channel} is now a Q&A channel. Q&A channels: {qa_channels}"
SETTINGS_QA_REMOVED: Final = "{channel} is no longer a Q&A channel. Q&A channels: {qa_channels}"
SETTINGS_THREADS_SET: Final = "Answers in threads in {channel}: {value}."
SETTINGS_QUOTES_SET: Final = "Quotes per answer: {value}."
SETTINGS_PRIVATE_SET: Final = "Answers private by default: {value}."
SETTINGS_COOLDOWN_SET: Final = "Cooldown: {cooldown}."
SETTINGS_COOLDOWN_VALUE: Final = "at most {rate} questions per {seconds:g} s per person"
SETTINGS_INVALID: Final = "That value was not saved: {error}."
SETTINGS_UNAVAILABLE: Final = (
    "The settings could not be saved: the bot's database is unavailable. Nothing changed; "
    "please try again in a minute."
)
SETTINGS_NOT_A_CHANNEL: Final = "Pick a text or forum channel of this server."

# /stats (Manage Server).
STATS_DESCRIPTION: Final = "What was asked, answered and declined, and votes (Manage Server)."
STATS_DAYS_HELP: Final = "The last N days (default 7)"
STATS_TITLE: Final = "Questions and votes, last {days} days"
STATS_UNAVAILABLE: Final = "The stats could not be read: the bot's database is unavailable."

# "Find in the articles" (message context menu).
FIND_MENU: Final = "Find in the articles"
FIND_NOTHING_TO_SEARCH: Final = (
    "That message has no words I can search (only images, stickers or mentions). "
    "Ask your own question with `/ask`."
)

# The reason after a "Not helpful" vote (a modal with one optional field).
REASON_TITLE: Final = "Not helpful: recorded. Why? (optional)"  # <= 45 characters
REASON_LABEL: Final = "What was wrong or missing?"
REASON_PLACEHOLDER: Final = "e.g. it quotes the wrong article; it does not say when"
REASON_THANKS: Final = "Thanks! Your vote **Not helpful** is recorded with your reason."
REASON_EMPTY: Final = "Thanks! Your vote **Not helpful** is recorded."
VOTE_NOT_RECORDED: Final = (
    "Your vote could not be saved right now (the bot's database is unavailable). "
    "Please press the button again in a minute."
)
