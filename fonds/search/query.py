"""Reading what a researcher typed. Any string is a valid query.

Words must all match (in any field, in any of their forms); ``"quoted words"`` match
as a phrase; ``-word`` excludes. Every other character is just a separator: there is
no syntax a user can get wrong and no error page.
"""

from __future__ import annotations

import re

from .analysis import fold, key, words
from .backends.base import ParsedQuery, QueryTerm

MAX_TERMS = 32
_PHRASE = re.compile(r'"([^"]*)"')


def parse(text: str) -> ParsedQuery:
    query = ParsedQuery()
    text = (text or "")[:1000]
    for phrase in _PHRASE.findall(text):
        folded = [f for f in (fold(w) for w in words(phrase)) if f]
        if len(folded) > 1:
            query.phrases.append(folded[:MAX_TERMS])
        elif folded:
            query.terms.append(QueryTerm(folded[0], key(folded[0])))
    rest = _PHRASE.sub(" ", text)
    for token in rest.split():
        excluded = token.startswith("-") and len(token) > 1
        for word in words(token):
            if not fold(word):  # a lone combining mark: nothing to look for
                continue
            term = QueryTerm(fold(word), key(word))
            target = query.excluded if excluded else query.terms
            if all(t.fold != term.fold for t in target):
                target.append(term)
    query.terms = query.terms[:MAX_TERMS]
    query.excluded = query.excluded[:MAX_TERMS]
    return query
