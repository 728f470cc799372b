"""English stopwords: the NLTK English list (179 words), shipped as data.

NLTK itself would download this list at run time, which we must not do, so the
published list is reproduced here. Question words (who, what, why ...) are in it,
which is what a question-answering index needs.
"""

from __future__ import annotations

NLTK_ENGLISH: frozenset[str] = frozenset(
    """
    i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
    yourselves he him his himself she she's her hers herself it it's its itself they them
    their theirs themselves what which who whom this that that'll these those am is are was
    were be been being have has had having do does did doing a an the and but if or because
    as until while of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there
    when where why how all any both each few more most other some such no nor not only own
    same so than too very s t can will just don don't should should've now d ll m o re ve y
    ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven
    haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn
    shouldn't wasn wasn't weren weren't won won't wouldn wouldn't
    """.split()  # noqa: SIM905 - the list reads as the published text
)


# How chat spells the same words: contractions typed without the apostrophe, and the
# spoken forms of "going to", "want to" ... Each is a stopword as written with it; left
# in, "whats" would stem to "what" and match every passage that asks a question.
# Contractions that are also words ("ill", "well", "were", "wed", "shed", "lets") stay out.
CHAT_SPELLINGS: frozenset[str] = frozenset(
    """
    whats whos hows wheres whens whys thats theres heres im ive youre youve youll youd
    theyre theyve weve hes shes dont doesnt didnt isnt arent wasnt werent cant couldnt
    wouldnt shouldnt hasnt havent hadnt mustnt neednt wont gonna wanna gotta kinda sorta
    """.split()  # noqa: SIM905
)
