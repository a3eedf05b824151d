"""What a linked code repository is evidence of: the publisher's own code, or another project used for one role.

A repository the model's publisher owns, or one the card presents as the model's own code ("our code", "training
code is available at", "the official repository"), is read whole: its links and its file tree show training,
evaluation, data and inference code. Another publisher's repository (an evaluation toolkit, a serving engine, a
training framework) is evidence only of what the card says it was used for, in the sentence or section that links
it: VLMEvalKit linked under "# Evaluation" is the evaluation code used, never the model's data-preprocessing code
because its tree holds benchmark-preparation scripts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from opencheck.detect.links import link_spans
from opencheck.evidence import Evidence, Link, ModelCard, Provenance, TargetKind
from opencheck.sources.card import fenced_lines, section_at

MAX_READ_LINKS = 200  # links whose sentences are read: bounds the work on a card of thousands of links
_REPO = re.compile(r"^https?://(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/([\w.-]+)/([\w.-]+?)"
                   r"(?:\.git)?(?:[/#?]|$)", re.IGNORECASE)
_REMOTE = re.compile(r"(?:huggingface\.co|github\.com|gitlab\.com)[/:](?:models/)?(?!datasets/|spaces/)"
                     r"([\w.-]+)/[\w.-]+", re.IGNORECASE)
_PROJECT_PAGE = re.compile(r"^([a-z0-9](?:[a-z0-9-]{0,38}))\.github\.io$", re.IGNORECASE)
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|\||>|<)")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$|<)")  # `.<br>` ends a sentence too
# What the card says a linked project was used for: the cue nearest the link in its sentence decides.
_CUES: dict[str, re.Pattern[str]] = {role: re.compile(pattern, re.IGNORECASE) for role, pattern in {
    # "training data", "training tokens" name data, not the code that trained the model.
    "training": r"\b(?:pre-?|post-?|re-?)?train(?:ed|ing|s)?\b(?!\s+(?:data|datasets?|sets?|corp(?:us|ora)|tokens|"
                r"mix(?:ture)?s?|splits?|examples|samples)\b)|\bfine-?tun(?:e|ed|es|ing)\b|\bfinetun\w*|"
                r"\binstruction[- ]tun\w*|\bsft\b|\brlhf\b",
    "preprocessing": r"\bpre-?process\w*|\bprepar(?:e|ed|es|ing)\b|\bprocess(?:ed|ing)\b|\bfilter(?:ed|ing)\b|"
                     r"\bdedup\w*|\bdeduplicat\w*|\bclean(?:ed|ing)\b|\btoke?ni[sz](?:ed|ing|ation)\b|"
                     r"\bdata[- ]pipeline\b|\bcurat(?:ed|ion)\b",
    "evaluation": r"\bevaluat\w*|\bevals?\b|\bbenchmark(?:ed|ing|s)?\b|\bharness\b|\bleaderboard\b|"
                  r"\breproduc\w* (?:these|the|our|all) (?:results|numbers|scores|evaluations?)\b",
    "inference": r"\bserv(?:e|ed|es|ing)\b|\bserver\b|\binference\b|\bdeploy\w*|\bquanti[sz]\w*|"
                 r"\brun(?:s|ning)?\s+(?:the\s+|this\s+|our\s+)?model\b|\bload(?:s|ed|ing)?\s+(?:the|this)\s+model\b",
}.items()}
# Without a cue, the section the link is in says what it is for (a usage section; the others only for a link described
# as a tool, _TOOL_WORDS).
_SECTION_ROLES: dict[str, re.Pattern[str]] = {role: re.compile(pattern, re.IGNORECASE) for role, pattern in {
    "evaluation": r"eval|benchmark|result|performance|metric|leaderboard",
    "inference": r"how to use|usage|\buse\b|inference|quick[- ]?start|getting started|deploy|serving|\brun",
    "preprocessing": r"preprocess|data prep|data processing|data pipeline|data curation",
    "training": r"train(?!ing\s+(?:data|sets?|corp))|fine-?tun",
}.items()}
_TOOL_WORDS = re.compile(r"\b(?:framework|code ?base|code|library|tool(?:kit)?|harness|\w*kit|suite|trainer|recipes?|"
                         r"scripts?|pipeline)\b", re.IGNORECASE)
# A training or data cue names the linked project as a tool only through one of these ("fine-tuned with [X]"); "a
# fine-tuned version of [X]" names the base model, "trained on [X]" its data.
_CONNECTOR = re.compile(r"\b(?:with|using|via|by|based on|built on|on top of|in|through|used|uses|use|utili[sz]\w*|"
                        r"framework|code ?base|library|toolkit|for)\b", re.IGNORECASE)
_NEEDS_CONNECTOR = frozenset({"training", "preprocessing"})
# How a card presents a repository as the model's own code (whoever owns it on GitHub).
_OWN = re.compile(
    r"\bour\s+(?:[\w-]+\s+){0,2}(?:code|code ?base|repo|repository|implementation|github|source)\b"
    r"|\b(?:code|repository|implementation)\s+(?:for|of)\s+(?:this|the|our)\s+(?:model|paper|work)\b"
    r"|\b(?:training|evaluation|inference|fine-?tuning|source|model|pre-?processing|data[- ]processing)\s+code"
    r"\s*(?:\*\*)?\s*(?:is\s+|are\s+)?(?:available|released|published|open[- ]sourced|hosted|can be found|at\b|:|"
    r"here\b)"
    r"|\bofficial\s+(?:code|repo|repository|implementation|github|codebase)\b"
    r"|^\s*(?:[-*+]\s*)?(?:\*\*)?(?:github\s+)?(?:repository|repo|code|source code)\s*(?:\*\*\s*)?:",
    re.IGNORECASE)
# Between such words and the link only these may stand ("our code is available at", "Training code: "), so "our code
# builds on [vLLM]" does not make vLLM the model's own code.
_OWN_TAIL = re.compile(r"^(?:[\s:*()\-\u2013\u2014]|\b(?:is|are|can|be|found|available|released|published|hosted|"
                       r"open-sourced|at|here|in|on|from|via|github)\b)*$", re.IGNORECASE)
# What an organisation adds to its name on GitHub (Qwen -> QwenLM, Stability -> StabilityAI); "meta" and
# "metaformer" stay different owners.
_ORG_SUFFIXES = frozenset({"lm", "ai", "hq", "lab", "labs", "research", "team", "org", "inc", "official", "project",
                           "community", "dev", "group", "io", "hf"})
_PURPOSE = {"training": "training the model", "preprocessing": "preparing the data",
            "evaluation": "evaluating the model", "inference": "running the model"}


@dataclass
class LinkedRepository:
    """One linked code repository: whose it is, and (another publisher's) the roles the card gives it."""

    key: str  # host/owner/name, lower-case
    own: bool
    links: list[Link] = field(default_factory=list)
    uses: dict[str, list[tuple[Link, Provenance]]] = field(default_factory=dict)  # role -> where the card says so
    sentences: list[str] = field(default_factory=list)  # the sentence each link is in, as read (links' order)


# General-purpose array and neural-network libraries: "training was done using JAX" names what every model of
# the kind runs on (a supporting library), not code used to train this model.
_NUMERICAL_LIBRARIES = frozenset({"google/jax", "jax-ml/jax", "google/flax", "pytorch/pytorch",
                                  "tensorflow/tensorflow", "keras-team/keras", "numpy/numpy", "ml-explore/mlx",
                                  "paddlepaddle/paddle", "apache/mxnet", "nvidia/apex"})


def repo_key(url: str) -> str | None:
    """`host/owner/name` (lower-case) of a code repository URL, None for another URL."""
    match = _REPO.match(url or "")
    return "/".join(g.lower() for g in match.groups()) if match else None


def publisher(evidence: Evidence) -> str | None:
    """Who publishes the model: the Hub repository's owner, else the owner in the clone's remote URL."""
    if evidence.target.kind == TargetKind.HUB and "/" in evidence.target.id:
        return evidence.target.id.split("/", 1)[0]
    remotes = evidence.git.remotes if evidence.git is not None else {}
    for name in sorted(remotes, key=lambda n: (n != "origin", n)):
        match = _REMOTE.search(remotes[name] or "")
        if match:
            return match.group(1)
    return None


def _tokens(owner: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", owner.lower()) if t]


def same_owner(owner: str, publisher_name: str | None) -> bool:
    """Whether a repository owner is the publisher: equal ignoring case and punctuation, or one is the other plus
    more words (BAAI and BAAI-DCAI, bigscience and bigscience-workshop, ibm-granite and IBM) or an organisation
    suffix (Qwen and QwenLM)."""
    if not publisher_name:
        return False
    mine, theirs = _tokens(owner), _tokens(publisher_name)
    if not mine or not theirs:
        return False
    joined = sorted(("".join(mine), "".join(theirs)), key=len)
    if joined[0] == joined[1] or (joined[1].startswith(joined[0]) and joined[1][len(joined[0]):] in _ORG_SUFFIXES):
        return True
    shorter, longer = sorted((mine, theirs), key=len)
    return longer[:len(shorter)] == shorter


def _paragraph(lines: list[str], index: int, fenced: frozenset[int]) -> tuple[int, int]:
    """First and last 0-based lines of the paragraph holding line `index` (a code line, list item or table row
    stands alone)."""
    if index + 1 in fenced or lines[index].lstrip().startswith("|"):
        return index, index

    def continues(number: int) -> bool:  # a 0-based line that carries on the paragraph above it
        text = lines[number]
        return bool(text.strip()) and number + 1 not in fenced and not _BLOCK_START.match(text)

    first = index
    while first > 0 and index - first < 10 and continues(first) and first not in fenced and \
            lines[first - 1].strip() and not lines[first - 1].lstrip().startswith(("#", "|")):
        first -= 1
    last = index
    while last + 1 < len(lines) and last - index < 10 and continues(last + 1):
        last += 1
    return first, last


def _visible(text: str) -> str:
    """Prose as read: a Markdown link is its text, a bare URL nothing, emphasis marks dropped."""
    out, last = [], 0
    for start, end, shown in link_spans(text):
        out.append(text[last:start])
        out.append(shown)
        last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", re.sub(r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)", "", "".join(out))).strip()


class _Prose:
    """A card's lines cut into paragraphs, links and sentences once, for every link read from it."""

    def __init__(self, card: ModelCard) -> None:
        self.card = card
        self.lines = card.text.splitlines()
        self.fenced = fenced_lines(self.lines)
        self._cut: dict[tuple[int, int], tuple[str, list[tuple[int, int, str]], list[int], list[int]]] = {}

    def _paragraph(self, bounds: tuple[int, int]) -> tuple[str, list[tuple[int, int, str]], list[int], list[int]]:
        """The paragraph's text, its link spans, their starts and its sentence ends (outside links)."""
        if bounds not in self._cut:
            text = " ".join(self.lines[bounds[0]:bounds[1] + 1])
            spans = link_spans(text)
            starts = [s for s, _, _ in spans]
            stops = []
            for match in _SENTENCE_END.finditer(text):
                at = bisect_right(starts, match.start()) - 1
                if at < 0 or match.start() >= spans[at][1]:
                    stops.append(match.end())
            self._cut[bounds] = (text, spans, starts, stops)
        return self._cut[bounds]

    def around(self, link: Link) -> tuple[str, str, str] | None:
        """(prose before the link, its text, prose after it) within its sentence; None for a link not in the body."""
        number = link.provenance.line
        card = self.card
        if not number or link.provenance.file != card.path or number > len(self.lines) or \
                number < card.body_start_line:
            return None
        bounds = _paragraph(self.lines, number - 1, self.fenced)
        text, spans, starts, stops = self._paragraph(bounds)
        start = sum(len(line) + 1 for line in self.lines[bounds[0]:number - 1])
        start += max(self.lines[number - 1].find(link.url), 0)
        at = bisect_right(starts, start) - 1
        own = spans[at] if at >= 0 and start < spans[at][1] else (start, start + len(link.url), "")
        first = stops[bisect_right(stops, own[0]) - 1] if bisect_right(stops, own[0]) else 0
        after = bisect_right(stops, own[1])
        last = stops[after] if after < len(stops) else len(text)
        # A window each side bounds the work on a line of thousands of links.
        return (_visible(text[max(first, own[0] - 400):own[0]]), own[2],
                _visible(text[own[1]:min(last, own[1] + 300)]))


def _cue_role(before: str, shown: str, after: str) -> str | None:
    """The role of the cue nearest the link: before it, else in its text, else after it."""
    def nearest(text: str, side: str) -> tuple[int, str] | None:
        hits = []
        for role, cue in _CUES.items():
            for match in cue.finditer(text):
                gap = text[match.end():] if side == "before" else text[:match.start()]
                if side == "text" or role not in _NEEDS_CONNECTOR or _CONNECTOR.search(gap):
                    hits.append((len(gap), role))
        return min(hits) if hits else None

    for text, side in ((before, "before"), (shown, "text"), (after, "after")):
        hit = nearest(text, side)
        if hit:
            return hit[1]
    return None


def _quote(before: str, shown: str, after: str) -> str:
    """The words around a link, at most ten before and six after it."""
    words_before, words_after = before.split(), after.split()
    text = " ".join([*words_before[-10:], *shown.split(), *words_after[:6]])
    return ("... " if len(words_before) > 10 else "") + text + (" ..." if len(words_after) > 6 else "")


def card_use(prose: _Prose, link: Link) -> tuple[str, str, bool] | None:
    """(role, why, said in its sentence) the card gives a link: what its sentence says it was used for, else what its
    section is for; None when the card says neither."""
    found = prose.around(link)
    if found is None:
        return None
    before, shown, after = found
    number = link.provenance.line or 0
    section = section_at(prose.card, number)
    where = f"linked in section '{section.title}'" if section else "linked"
    role = _cue_role(before, shown, after) if number not in prose.fenced else None
    if role:
        return role, f"{where} as the code used for {_PURPOSE[role]}: \"{_quote(before, shown, after)}\"", True
    # A table cell is data (a compared model, a score's source), not a statement of what was used.
    title = section.title if section and not prose.lines[number - 1].lstrip().startswith("|") else ""
    for role, pattern in _SECTION_ROLES.items():
        if title and pattern.search(title) and (role == "inference" or _TOOL_WORDS.search(f"{before} {shown} {after}")):
            return role, f"{where}, a section about {_PURPOSE[role]}", False
    return None


def presented_as_own(prose: _Prose, link: Link) -> bool:
    """Whether the card calls the linked repository the model's own code, in the link's text or just before it."""
    found = prose.around(link) if (link.provenance.line or 0) not in prose.fenced else None
    if found is None:
        return False
    before, shown, _ = found
    if _OWN.search(shown):
        return True
    return any(_OWN_TAIL.match(before[match.end():]) for match in _OWN.finditer(before))


# A page the card says results are reported in ("Detailed evaluation results are reported in this [blog]") is where
# the scores are, not the code that computed them.
_REPORTED_IN = re.compile(r"\b(?:results?|scores?|numbers|performance)\b(?:\s+[\w-]+){0,3}?\s+"
                          r"(?:are|is|were|can\s+be)\s+(?:reported|shown|presented|published|available|listed|found|"
                          r"summari[sz]ed|detailed)\b", re.IGNORECASE)


def _page_uses(prose: _Prose, links: list[Link]) -> dict[str, list[tuple[str, Link, str]]]:
    """Roles the card gives a project page `OWNER.github.io` (the LLaVA-OneVision framework's page), by owner: that
    owner's linked repository is the code the card means."""
    uses: dict[str, list[tuple[str, Link, str]]] = {}
    for link in links:
        try:
            page = _PROJECT_PAGE.match(urlsplit(link.url).hostname or "") if link.kind != "code-repository" else None
        except ValueError:
            continue
        around = prose.around(link) if page else None
        if around is not None and _REPORTED_IN.search(around[0]):
            continue
        found = card_use(prose, link) if page else None
        if page and found and found[2]:  # only what a sentence says, not the section alone
            uses.setdefault(page.group(1).lower(), []).append((found[0], link, found[1]))
    return uses


def _code_links(links: list[Link]) -> list[Link]:
    """The card's code repository links, at most MAX_READ_LINKS (bounds the work on a card of thousands of links)."""
    return [link for link in links if link.kind == "code-repository" and repo_key(link.url)][:MAX_READ_LINKS]


def _owned(evidence: Evidence, prose: _Prose, links: list[Link]) -> dict[str, LinkedRepository]:
    """The linked repositories by `repo_key`, each marked the publisher's own or not."""
    owner = publisher(evidence)
    repos: dict[str, LinkedRepository] = {}
    for link in links:
        key = repo_key(link.url) or ""
        repo = repos.setdefault(key, LinkedRepository(key=key, own=same_owner(key.split("/")[1], owner)))
        repo.links.append(link)
        around = prose.around(link)
        repo.sentences.append(" ".join(around) if around else "")
        repo.own = repo.own or presented_as_own(prose, link)
    return repos


# The last ranking, by the evidence and card it was made for: the Hub source asks for the repositories to look up
# and then for those whose trees to read, one after the other, from the same evidence (threads may interleave: a
# ranking is only reused for the very same objects).
_last_ranked: tuple[Evidence, ModelCard, list[tuple[str, str, bool]]] | None = None


def _ranked(evidence: Evidence) -> list[tuple[str, str, bool]]:
    """(owner, name, the publisher's own) of the GitHub repositories the look-up asks about, at most
    MAX_GITHUB_REPOS: the publisher's own first, then those the card gives a role, then the rest, each in card order,
    so that a card listing tools before its own code still gets its own code looked up."""
    global _last_ranked
    from opencheck.detect.links import MAX_GITHUB_REPOS, extract_links, github_slugs

    card = evidence.card
    if card is None:
        return []
    last = _last_ranked
    if last is not None and last[0] is evidence and last[1] is card:
        return last[2]
    links = extract_links(card)
    repos = _read(evidence, card, links)

    def rank(slug: tuple[str, str]) -> int:
        repo = repos.get(f"github.com/{slug[0]}/{slug[1]}".lower())
        return 0 if repo is None or repo.own else 1 if repo.uses else 2

    ranked = sorted(github_slugs(links, limit=MAX_READ_LINKS), key=rank)[:MAX_GITHUB_REPOS]
    result = [(owner, name, rank((owner, name)) == 0) for owner, name in ranked]
    _last_ranked = (evidence, card, result)
    return result


def lookup_repositories(evidence: Evidence) -> list[tuple[str, str]]:
    """The GitHub repositories (owner, name) whose licences the look-up asks for (see `_ranked`)."""
    return [(owner, name) for owner, name, _ in _ranked(evidence)]


def tree_repositories(evidence: Evidence) -> list[tuple[str, str]]:
    """Those of them whose file trees can show the model's code: the publisher's own (another publisher's tree is
    never read, so it is not asked for)."""
    return [(owner, name) for owner, name, own in _ranked(evidence) if own]


def linked_repositories(evidence: Evidence) -> dict[str, LinkedRepository]:
    """Every code repository the card links, by `repo_key`: the publisher's own (or presented as the model's own
    code), or another publisher's with the roles the card gives it."""
    return _read(evidence, evidence.card, evidence.links) if evidence.card is not None else {}


def _read(evidence: Evidence, card: ModelCard, all_links: list[Link]) -> dict[str, LinkedRepository]:
    """`linked_repositories` over the given links (the look-up reads them from the card before detection runs)."""
    links = _code_links(all_links)
    if not links:
        return {}
    prose, owner = _Prose(card), publisher(evidence)
    repos = _owned(evidence, prose, links)
    pages = _page_uses(prose, all_links[:MAX_READ_LINKS])
    for key, repo in repos.items():
        if repo.own or key.split("/", 1)[-1] in _NUMERICAL_LIBRARIES:
            continue
        match = _REPO.match(repo.links[0].url)
        slug = f"{match.group(2)}/{match.group(3)}" if match else key
        whose = f"{slug}, not the publisher's ({owner}) repository" if owner else f"{slug}, another project's"
        for link in repo.links:
            found = card_use(prose, link)
            if found:
                repo.uses.setdefault(found[0], []).append((link, _where(link, f"{whose}: {found[1]}")))
        for role, page, why in pages.get(key.split("/")[1], []):
            note = f"{whose}: {match.group(2) if match else 'its owner'}'s project page {page.url}, {why}"
            home = f"https://{match.group(1)}/{slug}" if match else repo.links[0].url
            repo.uses.setdefault(role, []).append((repo.links[0], _where(page, note, home)))
    return repos


def _where(link: Link, note: str, url: str | None = None) -> Provenance:
    return Provenance(file=link.provenance.file, line=link.provenance.line, key=link.provenance.key,
                      url=url or link.url, note=note)


def own_repository_links(evidence: Evidence) -> list[Link]:
    """The card's links to the model's own code repositories (the publisher's, or presented as the model's), in card
    order: what a manifest or a bill of materials may call the model's repository."""
    repos = linked_repositories(evidence)
    return [link for link in evidence.links if link.kind == "code-repository"
            and (repo := repos.get(repo_key(link.url) or "")) is not None and repo.own]
