"""Matching the names in finding aids to the roster, across spellings and scripts.

Every distinct name in the access terms and origination of the public finding aids
(``persname``, ``corpname``, ``famname``, ``name``) is compared with every name of
every published roster record, after the same normalization search uses:

=============== ===== ==================================================================
method          score when
=============== ===== ==================================================================
exact           1.00  the authorized name, folded (case, accents, NFD/NFC)
variant         0.97  one of the record's variant names
romanization    0.90  the romanization keys agree (Щаранский, Shcharansky, Sharansky)
initials        0.80  forenames given as initials that fit a person's of that surname
                      ("Feynman, R. P." for Richard Phillips Feynman)
similar         ≤0.85 token-sort similarity of the keys, 0.85 × similarity
=============== ===== ==================================================================

Life dates, qualifiers in brackets and heading subdivisions are set aside first, and
"Surname, Forename" (an Arabic comma too) is also tried as "Forename Surname", with the
fuller forename a bracket gives after initials ("Feynman, R. P. (Richard Phillips)");
a person's name in direct order of three words or more is also tried with its first
and last word. A match of 0.9 or more, unique for its name, is accepted; a lower or
an ambiguous one waits for an archivist (``uncertain``), who confirms or rejects it in
the admin. Decisions are kept by the name's text, so they survive a reload of the
finding aid.

Names in the text of the records (notes, titles) are found with the search index: a
phrase search for each roster name of two words or more, page by page, up to 500
records a name. Each name found is a match too (kind and method ``text``), scored
0.90, or 0.80 when it starts with a lower-case word ("the Joint" is a common phrase as
much as a name): such a name, and one that two roster records share, waits for an
archivist, who reviews them in the same admin list; the accepted ones make the
"named in the text" appearances.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from rapidfuzz import fuzz, process

from fonds.findingaids.models import AccessTerm
from fonds.search.analysis import analyzed, fold, key_text

from .models import Agent, AgentName, Appearance, NameMatch

NAME_KINDS = ("persname", "corpname", "famname", "name")
AGENT_KIND = {"persname": "person", "famname": "family", "corpname": "organization"}
ACCEPT = 0.9
KEEP = 0.68
ACCEPTED = (NameMatch.AUTO, NameMatch.CONFIRMED)
SIMILAR_WEIGHT = 0.85

_DATES = re.compile(
    r",?\s*\(?\s*(?:b\.|d\.|born|died|ca\.|circa)?\s*\d{3,4}\??\s*[-–]\s*(?:\d{3,4}\??)?\s*\)?\s*$"
)
_ONE_DATE = re.compile(r",?\s*\(?\s*(?:b\.|d\.|born|died)\s*\d{3,4}\s*\)?\s*$")
_QUALIFIER = re.compile(r"\s*\(([^()]*)\)\s*$")
_FULLER = re.compile(r"[^\W\d_][^\d()]*")  # a forename, not a place or a number
_LETTERS = re.compile(r"[^\W\d_]+")
ARABIC_COMMA = "\u060c"
INITIALS_SCORE = 0.8  # same surname, and initials that fit the forenames
_ACRONYM_DOTS = re.compile(r"\b(?:[A-Z]\.){2,}")
_ACRONYM = re.compile(r"^[A-Z0-9&]{2,8}$")


def name_forms(text: str) -> list[str]:
    """The forms of a heading worth comparing: without dates, qualifiers, subdivisions;
    for "Surname, Forename" the direct order too, and for initials followed by the
    fuller forename in brackets ("Feynman, R. P. (Richard Phillips)") that forename."""
    base = text.split(" -- ")[0].strip().rstrip(".").replace(ARABIC_COMMA, ",")
    previous, fuller = None, ""
    while previous != base:
        previous = base
        base = _DATES.sub("", base)
        base = _ONE_DATE.sub("", base)
        qualifier = _QUALIFIER.search(base)
        if qualifier and _FULLER.fullmatch(qualifier.group(1)):
            fuller = fuller or qualifier.group(1).strip()
        base = _QUALIFIER.sub("", base).strip().rstrip(",.")
    base = _ACRONYM_DOTS.sub(lambda m: m.group(0).replace(".", ""), base)  # U.S.S.R.
    forms = [base] if base else [text]
    parts = [p.strip() for p in base.split(",")]
    if len(parts) >= 2 and parts[0] and parts[1]:
        # "Surname, Forename[, Sister | Jr.]": the direct order, and with the first
        # forename alone (a patronymic or middle name left out)
        surname, forename = parts[0], parts[1]
        for given in (forename, fuller) if fuller else (forename,):
            forms.append(f"{given} {surname}")
            if " " in given:
                forms.append(f"{given.split()[0]} {surname}")
    return list(dict.fromkeys(forms))


def initials(text: str) -> tuple[str, list[str]] | None:
    """("Feynman", ["R", "P"]) for "Feynman, R. P.", a heading whose forenames are
    initials only; None for any other."""
    parts = [p.strip() for p in name_forms(text)[0].split(",")]
    words = _LETTERS.findall(parts[1]) if len(parts) == 2 and parts[0] else []
    if not words or any(len(word) > 1 for word in words):
        return None
    return parts[0], [fold(word) for word in words]


def _surname_key(surname: str) -> str:
    return key_text(surname) or analyzed(surname)


def is_acronym(form: str) -> bool:
    """NCSJ, HIAS, JDL: compared letter for letter, never by spelling rules."""
    return bool(_ACRONYM.match(form.strip()))


@dataclass
class Candidate:
    agent_id: int
    score: float
    method: str
    matched_name: str


class Roster:
    """Every published roster name, indexed by its folded form and its key."""

    def __init__(self) -> None:
        self.exact: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        self.keyed: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.kinds: dict[int, str] = {}
        self.surnames: dict[str, list[tuple[int, str, list[str]]]] = defaultdict(list)
        self.choices: list[str] = []
        self.owners: list[tuple[int, str]] = []
        agents = Agent.objects.filter(published=True)
        for agent_id, kind, name, sort_name in agents.values_list(
            "id", "kind", "authorized_name", "sort_name"
        ):
            self.kinds[agent_id] = kind
            self._add(agent_id, name, variant=False)
            if sort_name and sort_name != name:
                self._add(agent_id, sort_name, variant=False)
        for agent_id, name in AgentName.objects.filter(agent__published=True).values_list(
            "agent_id", "name"
        ):
            self._add(agent_id, name, variant=True)

    def _add(self, agent_id: int, name: str, variant: bool) -> None:
        if self.kinds.get(agent_id) == "person":
            self._add_person(agent_id, name)
        for form in name_forms(name):
            folded = analyzed(form)
            if folded:
                self.exact[folded].append((agent_id, name, variant))
            if is_acronym(form):
                continue
            keyed = key_text(form)
            if keyed:
                self.keyed[keyed].append((agent_id, name))
                self.choices.append(keyed)
                self.owners.append((agent_id, name))

    def _add_person(self, agent_id: int, name: str) -> None:
        """The surname and the forenames' initials, for headings that give initials."""
        base = name_forms(name)[0]
        surname, comma, forenames = base.partition(",")
        if not comma:  # direct order: the last word is the surname
            forenames, _, surname = base.rpartition(" ")
        letters = [fold(word[0]) for word in _LETTERS.findall(forenames)]
        if surname.strip() and letters:
            self.surnames[_surname_key(surname.strip())].append((agent_id, name, letters))

    def compatible(self, agent_id: int, kind: str) -> bool:
        wanted = AGENT_KIND.get(kind)
        return wanted is None or self.kinds.get(agent_id) == wanted

    def candidates(self, text: str, kind: str) -> list[Candidate]:
        best: dict[int, Candidate] = {}

        def offer(candidate: Candidate) -> None:
            if not self.compatible(candidate.agent_id, kind):
                return
            held = best.get(candidate.agent_id)
            if held is None or candidate.score > held.score:
                best[candidate.agent_id] = candidate

        forms = name_forms(text)
        words = forms[0].split()
        if AGENT_KIND.get(kind, "person") == "person" and len(words) > 2 and "," not in forms[0]:
            forms.append(f"{words[0]} {words[-1]}")  # a middle name left out
        for form in forms:
            for agent_id, name, variant in self.exact.get(analyzed(form), ()):
                method = "variant" if variant else "exact"
                offer(Candidate(agent_id, 0.97 if variant else 1.0, method, name))
            if is_acronym(form):
                continue
            for agent_id, name in self.keyed.get(key_text(form), ()):
                offer(Candidate(agent_id, 0.9, "romanization", name))
        given = initials(text) if not best else None
        if given:  # "Feynman, R. P.": a person of that surname whose forenames fit
            surname, letters = given
            for agent_id, name, forenames in self.surnames.get(_surname_key(surname), ()):
                if all(a == b for a, b in zip(letters, forenames, strict=False)):
                    offer(Candidate(agent_id, INITIALS_SCORE, "initials", name))
        if best or not self.choices:
            return sorted(best.values(), key=lambda c: -c.score)
        # nothing the same: the nearest spellings, each form in turn
        for form in forms:
            keyed = key_text(form)
            if not keyed or is_acronym(form):
                continue
            for _choice, similarity, position in process.extract(
                keyed, self.choices, scorer=fuzz.token_sort_ratio, limit=3, score_cutoff=80
            ):
                agent_id, name = self.owners[position]
                score = round(SIMILAR_WEIGHT * similarity / 100, 3)
                offer(Candidate(agent_id, score, "similar", name))
        return sorted(best.values(), key=lambda c: -c.score)


def status_for(candidates: list[Candidate], candidate: Candidate) -> str:
    rivals = [c for c in candidates if c is not candidate and c.score >= candidate.score - 0.02]
    if candidate.score >= ACCEPT and not rivals:
        return NameMatch.AUTO
    return NameMatch.UNCERTAIN


@dataclass
class Summary:
    names: int = 0
    accepted: int = 0
    uncertain: int = 0
    appearances: int = 0


def _names_in_records() -> Iterable[tuple[str, str]]:
    return (
        AccessTerm.objects.filter(kind__in=NAME_KINDS)
        .values_list("text", "kind")
        .distinct()
        .order_by()
    )


@transaction.atomic
def reconcile() -> Summary:
    """Match every name of the finding aids to the roster; rebuild the appearances."""
    roster = Roster()
    summary = Summary()
    existing = {(m.text, m.kind, m.agent_id): m for m in NameMatch.objects.exclude(kind="text")}
    seen: set[tuple[str, str, int]] = set()
    for text, kind in _names_in_records():
        summary.names += 1
        candidates = [c for c in roster.candidates(text, kind) if c.score >= KEEP]
        for candidate in candidates:
            key = (text, kind, candidate.agent_id)
            seen.add(key)
            status = status_for(candidates, candidate)
            match = existing.get(key)
            if match is None:
                NameMatch.objects.create(
                    text=text,
                    kind=kind,
                    agent_id=candidate.agent_id,
                    score=candidate.score,
                    method=candidate.method,
                    matched_name=candidate.matched_name[:500],
                    status=status,
                )
            elif (match.score, match.method) != (candidate.score, candidate.method) or (
                match.status in (NameMatch.AUTO, NameMatch.UNCERTAIN) and match.status != status
            ):
                match.score, match.method = candidate.score, candidate.method
                match.matched_name = candidate.matched_name[:500]
                if match.status in (NameMatch.AUTO, NameMatch.UNCERTAIN):
                    match.status = status
                match.save()
    # matches nobody decided on whose name or candidate is gone
    stale = [
        m.pk
        for key, m in existing.items()
        if key not in seen and m.status in (NameMatch.AUTO, NameMatch.UNCERTAIN)
    ]
    NameMatch.objects.filter(pk__in=stale).delete()
    summary.appearances = rebuild_appearances()
    counts = NameMatch.objects.exclude(kind="text")
    summary.accepted = counts.filter(status__in=[NameMatch.AUTO, NameMatch.CONFIRMED]).count()
    summary.uncertain = counts.filter(status=NameMatch.UNCERTAIN).count()
    return summary


def rebuild_appearances() -> int:
    """Appearances from the accepted matches of access terms; those of names found in
    the text go with their match when it is no longer accepted."""
    Appearance.objects.filter(role=Appearance.TEXT).exclude(match__status__in=ACCEPTED).delete()
    Appearance.objects.exclude(role=Appearance.TEXT).delete()
    rows: dict[tuple[int, int, str, str], int] = {}
    for match in NameMatch.objects.filter(status__in=ACCEPTED).exclude(kind="text"):
        terms = AccessTerm.objects.filter(text=match.text, kind=match.kind).values_list(
            "collection_id", "component__ref", "relation"
        )
        for collection_id, ref, relation in terms:
            role = Appearance.CREATOR if relation == AccessTerm.CREATOR else Appearance.SUBJECT
            rows.setdefault((match.agent_id, collection_id, ref or "", role), match.pk)
    Appearance.objects.bulk_create(
        [
            Appearance(
                agent_id=agent_id,
                collection_id=collection_id,
                component_ref=ref,
                role=role,
                match_id=match_id,
            )
            for (agent_id, collection_id, ref, role), match_id in rows.items()
        ],
        batch_size=1000,
    )
    return len(rows)


# -- names in the text ----------------------------------------------------------------

TEXT_SCORE = 0.9  # a name of one record, found as written
COMMON_PHRASE_SCORE = 0.8  # a name that starts with a lower-case word: "the Joint"
TEXT_LIMIT = 500  # records per name


def text_candidates() -> dict[str, list[Candidate]]:
    """Each roster name of two words or more (in direct order), and whose it is."""
    names = list(Agent.objects.filter(published=True).values_list("id", "authorized_name"))
    names += AgentName.objects.filter(agent__published=True).values_list("agent_id", "name")
    phrases: dict[str, dict[int, Candidate]] = defaultdict(dict)
    for agent_id, name in names:
        form = name_forms(name)[-1]  # the direct order
        if len(form.split()) < 2:
            continue
        score = COMMON_PHRASE_SCORE if form[0].islower() else TEXT_SCORE
        held = phrases[form].get(agent_id)
        if held is None or score > held.score:
            phrases[form][agent_id] = Candidate(agent_id, score, "text", name)
    return {phrase: list(found.values()) for phrase, found in phrases.items()}


def text_places(phrase: str, limit: int = TEXT_LIMIT) -> set[tuple[int, str]]:
    """(collection id, component ref or "") of the public records whose text has the
    phrase, page by page (the search gives at most MAX_LIMIT hits a request)."""
    from fonds.findingaids.models import Collection
    from fonds.search.service import MAX_LIMIT, SearchRequest, search

    collections = dict(Collection.objects.values_list("identifier", "id"))
    places: set[tuple[int, str]] = set()
    offset = 0
    while offset < limit:
        results = search(
            SearchRequest(
                text=f'"{phrase}"',
                filters={"type": ["collection", "component"]},
                limit=min(MAX_LIMIT, limit - offset),
                facets=[],
                offset=offset,
            )
        )
        for hit in results.hits:
            kind, _, rest = hit.key.partition(":")
            identifier, _, ref = rest.partition("/") if kind == "component" else (rest, "", "")
            if identifier in collections:
                places.add((collections[identifier], ref))
        offset += len(results.hits)
        if not results.hits or offset >= results.total:
            break
    return places


def add_text_appearances(matches: Iterable[NameMatch], limit: int = TEXT_LIMIT) -> int:
    """Appearances for accepted text matches that have none (one just confirmed)."""
    rows = []
    for match in matches:
        if match.kind != "text" or not match.accepted or match.appearance_set.exists():
            continue
        rows += [
            Appearance(
                agent_id=match.agent_id,
                collection_id=collection_id,
                component_ref=ref,
                role=Appearance.TEXT,
                match=match,
            )
            for collection_id, ref in text_places(match.text, limit)
        ]
    Appearance.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def text_appearances(limit_per_name: int = TEXT_LIMIT) -> int:
    """Where roster names (of two words or more) occur in the records' text.

    Each name found is a match of kind "text" and method "text", scored and decided as
    :func:`status_for` says (a name two records share waits for an archivist), kept
    by its text so that decisions survive; each accepted one appears in up to
    ``limit_per_name`` records."""
    existing = {(m.text, m.agent_id): m for m in NameMatch.objects.filter(kind="text")}
    seen: set[tuple[str, int]] = set()
    found: dict[int, set[tuple[int, str]]] = {}  # match id: places
    for phrase, candidates in text_candidates().items():
        places = text_places(phrase, limit_per_name)
        if not places:
            continue
        for candidate in candidates:
            seen.add((phrase, candidate.agent_id))
            match = _keep(existing.get((phrase, candidate.agent_id)), phrase, "text", candidate)
            match.status = match.status if match.decided else status_for(candidates, candidate)
            match.save()
            found[match.pk] = places
    stale = [m.pk for key, m in existing.items() if key not in seen and not m.decided]
    NameMatch.objects.filter(pk__in=stale).delete()
    Appearance.objects.filter(role=Appearance.TEXT).delete()
    accepted = NameMatch.objects.filter(pk__in=found, status__in=ACCEPTED)
    rows = {
        (match.agent_id, collection_id, ref): match.pk
        for match in accepted.order_by("-score", "pk")
        for collection_id, ref in found[match.pk]
    }
    Appearance.objects.bulk_create(
        [
            Appearance(
                agent_id=agent_id,
                collection_id=collection_id,
                component_ref=ref,
                role=Appearance.TEXT,
                match_id=match_id,
            )
            for (agent_id, collection_id, ref), match_id in rows.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(rows)


def _keep(match: NameMatch | None, text: str, kind: str, candidate: Candidate) -> NameMatch:
    """The match of ``text`` to the candidate's record, new or brought up to date."""
    match = match or NameMatch(text=text, kind=kind, agent_id=candidate.agent_id)
    match.score, match.method = candidate.score, candidate.method
    match.matched_name = candidate.matched_name[:500]
    return match
