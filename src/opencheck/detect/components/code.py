"""The code family: model architecture, training / preprocessing / evaluation / inference code, supporting libraries.

Code is found by file and folder names, by links to code repositories (with the licence the GitHub look-up found
for them), and by the `library_name` a card or the Hub names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter
from typing import Any

from opencheck.detect.components.base import (
    ComponentBuilder,
    config_file,
    file_provenance,
    link_provenance,
)
from opencheck.detect.repo_roles import repo_key
from opencheck.detect.results_names import RESULTS_NAME
from opencheck.detect.tree_scope import model_name_keys, scoped_roles
from opencheck.evidence import Evidence, FileEntry, FileKind, LicenceStatement, Link, ModelCard, Provenance
from opencheck.file_index import file_names

_NAME_PATTERNS: dict[str, re.Pattern[str]] = {
    role: re.compile(pattern, re.IGNORECASE)
    for role, pattern in {
        "training": r"^(train|pretrain|pre_train|finetune|fine_tune|sft|dpo|rlhf|trainer|run_clm|"
        r"run_mlm|run_train)",
        "preprocessing": r"^(preprocess|pre_process|prepare|prep_|data_prep|dataprep|tokeni[sz]e|dedup|"
        r"filter|clean|"
        r"build_dataset|make_dataset|download_data|process_data|data_process)",
        "evaluation": r"^(eval|evaluate|evaluation|benchmark|run_eval|score)",
        "inference": r"^(inference|infer|generate|generation|predict|serve|server|chat|demo|app|"
        r"run_inference|"
        r"sample|sampling|run_generation)",
        "architecture": r"^(modeling|modelling|model|configuration|architecture|network|"
        r"transformer)[\w-]*\.py$",
        "libraries": r"^(requirements[\w.-]*\.(txt|in)|pyproject\.toml|setup\.py|setup\.cfg|"
        r"environment\.ya?ml|"
        r"pipfile|cargo\.toml|package\.json|uv\.lock|poetry\.lock)$",
    }.items()
}
_DIR_ROLES: dict[str, frozenset[str]] = {
    "training": frozenset({"train", "training", "pretrain", "pretraining", "finetune", "finetuning", "sft"}),
    "preprocessing": frozenset(
        {"data_prep", "dataprep", "preprocessing", "preprocess", "data_processing", "data", "data_pipeline"}
    ),
    "evaluation": frozenset({"eval", "evals", "evaluation", "evaluations", "benchmarks", "benchmark"}),
    "inference": frozenset({"inference", "serving", "serve", "demo"}),
}
_LINK_ROLES: dict[str, re.Pattern[str]] = {
    role: re.compile(pattern, re.IGNORECASE)
    for role, pattern in {
        "training": r"train|gpt-neox|megatron|nanogpt|litgpt|torchtitan|levanter|maxtext|llm-foundry|axolotl|"
        r"nanotron|t5x|metaseq|allenai/olmo(?![\w-])",
        "preprocessing": r"preprocess|data[-_ ]?prep|data[-_ ]?process|dolma|datatrove|dedup|"
        r"data[-_ ]?pipeline|"
        r"tokeni[sz]",
        "evaluation": r"eval|benchmark|helm\b|opencompass",
        "inference": r"inference|vllm|llama\.cpp|text-generation-inference|serving|ollama|mlc-llm|generate",
    }.items()
}
# A repository named for the results it holds (bigscience-workshop/evaluation-results) is not code.
_RESULTS_REPOSITORY = RESULTS_NAME
_ROLE_COMPONENT = {
    "training": "Training code",
    "preprocessing": "Data preprocessing code",
    "evaluation": "Evaluation code",
    "inference": "Inference code",
}
# One alternation rejects most names in a single match; repositories with 100,000 code files are real.
_ANY_ROLE_NAME = re.compile("|".join(f"(?:{p.pattern})" for p in _NAME_PATTERNS.values()), re.IGNORECASE)
# The same test for a lower-cased ASCII name, case-sensitive: twice as fast (the patterns have no upper-case letter).
_ANY_ROLE_LOWER = re.compile(_ANY_ROLE_NAME.pattern)


def _alternatives(pattern: str) -> list[str]:
    """The alternatives of a pattern shaped `^(a|b|...)tail`, split at the group's own bars."""
    body, depth, parts, start = pattern.removeprefix("^("), 0, [], 0
    for index, char in enumerate(body):
        if char in "([":
            depth += 1
        elif char in ")]":
            if depth == 0:  # the group's end: what follows is the tail, left out
                return [*parts, body[start:index]]
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[start:index])
            start = index + 1
    raise ValueError(f"not ^(a|b|...): {pattern}")


@lru_cache(maxsize=1)
def _any_role_start() -> re.Pattern[str]:
    """A lower-case name that starts like one of a role's names: every name _ANY_ROLE_LOWER matches, and a few more.

    The alternatives grouped by their first letter, so that a name fails after one test of a few letters rather
    than entering each of the sixty alternatives that start like it (a quarter of the time over 100,000 names).
    """
    by_letter: dict[str, list[str]] = {}
    for pattern in _NAME_PATTERNS.values():
        for alternative in _alternatives(pattern.pattern):
            by_letter.setdefault(alternative[0], []).append(alternative[1:])
    if any(not letter.isalnum() for letter in by_letter):
        raise ValueError("an alternative starts with a pattern, not a letter")
    from opencheck.compiled_forms import program_regex

    return program_regex("^(?:" + "|".join(f"{letter}(?:{'|'.join(rest)})" for letter, rest in by_letter.items()) + ")")



# Code under these folders is someone else's (vendored) or tests of the project's code, not the project's training,
# evaluation, data or inference code: `inference/.../dependencies/AutoGPTQ/...` is AutoGPTQ's, `tests/train_test.py`
# tests training.
_NOT_OWN_CODE = frozenset({"dependencies", "third_party", "third-party", "thirdparty", "vendor", "vendored",
                           "external", "externals", "node_modules", "site-packages", "tests", "test", "test_fixtures",
                           "testing", "testdata", "test_data"})


@lru_cache(maxsize=8192)
def _dir_roles(folder: str) -> frozenset[str] | None:
    """The roles a folder gives its files; None for a folder whose files are not the project's own code."""
    dirs = [d.lower() for d in folder.split("/")] if folder else []
    if any(d in _NOT_OWN_CODE for d in dirs):
        return None
    return frozenset(role for role, names in _DIR_ROLES.items() if any(d in names for d in dirs))


def _code_roles(entry: FileEntry) -> frozenset[str]:
    folder, _, name = entry.path.rpartition("/")
    roles = _dir_roles(folder)  # shared by the folder's files, never changed
    if roles is None:
        return frozenset()
    if _ANY_ROLE_NAME.match(name):
        roles = roles.union(role for role, pattern in _NAME_PATTERNS.items() if pattern.search(name))
    return roles


def _repo_licence(evidence: Evidence, slug: str) -> LicenceStatement | None:
    """The licence fetched for github.com/`slug`, if any."""
    key = f"github.com/{slug}".lower()
    return next((s for s in evidence.licences
                 if s.scope == "code-repository" and repo_key(s.provenance.url or "") == key), None)


def _linked_licence(evidence: Evidence, links: list[Link]) -> LicenceStatement | None:
    """The licence fetched for a linked code repository (the Hub source asks GitHub), if any."""
    keys = {repo_key(link.url) for link in links} - {None}
    for statement in evidence.licences:
        if statement.scope == "code-repository" and repo_key(statement.provenance.url or "") in keys:
            return statement
    return None


@lru_cache(maxsize=1)
def _libraries() -> dict[str, Any]:
    from opencheck._resources import load_packaged_mapping, rules_dir

    return load_packaged_mapping(rules_dir() / "licenses" / "libraries.yaml", "libraries", "the library licences")[
        "libraries"]


def _library_licence(library: Any) -> LicenceStatement | None:
    """The licence of a well-known library named by `library_name` (see rules/licenses/libraries.yaml)."""
    entry = _libraries().get(str(library).lower()) if library else None
    if not entry:
        return None
    return LicenceStatement(raw=entry["licence"], scope="code-repository", provenance=Provenance(
        url=entry["url"], key="library_name", note=f"the {library} library's licence"))


def _link_context(card: ModelCard | None, lines: list[str], link: Link, sentences: dict[tuple[str, int], str]) -> str:
    """The link's URL and text and the sentence it is in (another link's sentence on the same line says nothing about
    it), else a window of its line."""
    if sentence := sentences.get((link.url, link.provenance.line or 0)):
        return f"{link.url} {link.text} {sentence}"
    line = ""
    number = link.provenance.line or 0
    if card is not None and link.provenance.file == card.path and 0 < number <= len(lines):
        line = lines[number - 1]
        at = max(line.find(link.url), 0)
        line = line[max(at - 300, 0):at + len(link.url) + 300]
    return f"{link.url} {link.text} {line}"


class _Code:
    """What the code detectors share: the code files with their roles, code links and the named library."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.card = evidence.card
        metadata: dict[str, Any] = evidence.card.metadata if evidence.card else {}
        self.card_library = bool(metadata.get("library_name"))
        self.library = metadata.get("library_name") or evidence.hub.get("library_name")
        self.code: list[FileEntry] = []
        self.by_role: dict[str, list[FileEntry]] = {role: [] for role in _NAME_PATTERNS}
        self.library_files: list[FileEntry] = []
        self._index(evidence)
        from opencheck.detect.repo_roles import linked_repositories
        from opencheck.sources.github_tree import tree_files

        repos = linked_repositories(evidence)
        # The publisher's own repositories are read whole (their links by name, their trees); another publisher's
        # (an evaluation toolkit, a serving engine) count only for what the card says they were used for.
        own = {key for key, repo in repos.items() if repo.own}
        self.card_lines = evidence.card.text.splitlines() if evidence.card is not None else []
        self.sentences = {(link.url, link.provenance.line or 0): sentence for repo in repos.values()
                          for link, sentence in zip(repo.links, repo.sentences, strict=True)}
        self.links = [link for link in evidence.links if link.kind == "code-repository"
                      and ((key := repo_key(link.url)) is None or key in own)
                      and not (key and _RESULTS_REPOSITORY.search(key))]
        self.uses: dict[str, list[tuple[Link, Provenance]]] = {role: [] for role in _ROLE_COMPONENT}
        for repo in repos.values():
            for role, uses in repo.uses.items():
                self.uses[role].extend(uses)
        # Files of the publisher's linked repositories' trees (the GitHub look-up), classified like its own files.
        # Only the parts that speak for this model: not a derived model's folder, not an analysis repository's demos.
        names = model_name_keys(evidence.target.id)
        self.tree_roles = [(slug, path, scoped_roles(slug, path, _code_roles(FileEntry(path=path, size=0,
                                                                                      kind=FileKind.CODE)), names))
                           for slug, path in tree_files(evidence) if f"github.com/{slug}".lower() in own]

    def _index(self, evidence: Evidence) -> None:
        """The code files, each role's code files and the library files, in path order: a folder's run of files
        at once when no name in it matches a role (one pattern over every lower-case name finds those that do)."""
        names = evidence.from_files(file_names)
        if not names.ordered:
            self._index_each(sorted(evidence.files, key=attrgetter("path")))
            return
        files, code_kind, by_role = evidence.files, FileKind.CODE, self.by_role
        candidates, taken = names.matching(_any_role_start()), 0
        for folder, first, end in names.runs:
            if taken < len(candidates) and candidates[taken] < end:  # a name here may match: each file looked at
                while taken < len(candidates) and candidates[taken] < end:
                    taken += 1
                self._index_each(files[first:end])
                continue
            code = [entry for entry in files[first:end] if entry.kind == code_kind]
            self.code += code
            for role in _dir_roles(folder) or ():  # None: vendored or test code, not the project's own
                by_role[role] += code

    def _index_each(self, files: list[FileEntry]) -> None:
        """One pass over files in path order: the code files, each role's code files and the library files."""
        libraries, code_kind = _NAME_PATTERNS["libraries"], FileKind.CODE
        any_role, any_role_lower = _ANY_ROLE_NAME.match, _ANY_ROLE_LOWER.match
        add_code, add_library, by_role = self.code.append, self.library_files.append, self.by_role
        last_folder: str | None = None
        folder_roles: frozenset[str] | None = None
        adders: list[Callable[[FileEntry], None]] = []  # the appends of the folder's roles' lists
        for entry in files:
            folder, _, name = entry.path.rpartition("/")
            # One match rejects most names: the libraries pattern is one branch of any_role (both anchored at ^).
            named = any_role_lower(name.lower()) if name.isascii() else any_role(name)
            if named and entry.kind != FileKind.CHECKPOINT and libraries.search(name):
                add_library(entry)
            if entry.kind != code_kind:
                continue
            add_code(entry)
            if folder != last_folder:  # a folder's roles are looked up once for all its files
                last_folder, folder_roles = folder, _dir_roles(folder)
                adders = [by_role[role].append for role in sorted(folder_roles or ())]
            if folder_roles is None:  # vendored or test code: not the project's own training, eval ... code
                continue
            if named:
                for role in folder_roles.union(role for role, pattern in _NAME_PATTERNS.items()
                                               if pattern.search(name)):
                    by_role[role].append(entry)
                continue
            for add in adders:
                add(entry)

    def library_provenance(self, note: str) -> Provenance:
        """Where the library is named: the card's `library_name` key, else the Hub's."""
        if self.card is not None and self.card_library:
            return self.card.key_provenance("library_name")
        return Provenance(key="library_name", note=note)


def _architecture(built: ComponentBuilder, code: _Code) -> None:
    where: list[Provenance] = []
    config = code.evidence.config
    for key in ("architectures", "model_type"):
        if config.get(key):
            where.append(Provenance(file=config_file(code.evidence), key=key, note=f"{key}: {config[key]}"))
            break
    where += file_provenance(code.by_role["architecture"], "modelling code")
    if where:
        built.present("Model architecture", where)
    else:
        built.missing("Model architecture", usually_elsewhere=False,
                      note="no config.json with architectures/model_type and no modelling code")


def _role_code(built: ComponentBuilder, code: _Code, role: str, component: str) -> None:
    evidence = code.evidence
    role_files = code.by_role[role]
    role_links = [link for link in code.links
                  if _LINK_ROLES[role].search(_link_context(code.card, code.card_lines, link, code.sentences))]
    used = code.uses[role]
    in_trees = [(slug, path) for slug, path, found in code.tree_roles if role in found]
    tree_where = [Provenance(file=path, url=f"https://github.com/{slug}/blob/HEAD/{path}",
                             note=f"{role} code in {slug}") for slug, path in in_trees[:5]]
    where = file_provenance(role_files)
    if role == "inference" and code.library and (evidence.config or evidence.files_of(FileKind.CONFIG)):
        where.append(code.library_provenance(f"runs with the {code.library} library"))
    linked = _linked_licence(evidence, role_links + [link for link, _ in used])
    if not linked and in_trees:
        linked = _repo_licence(evidence, in_trees[0][0])
    if role == "inference" and not role_files and not linked and where:
        linked = _library_licence(code.library)
    linked_where = link_provenance(role_links, f"{role} code repository") + [why for _, why in used]
    if role_files:
        built.present(component, where + linked_where)
    elif where or linked_where or tree_where:
        built.present(component, where + tree_where + linked_where, shipped=False, licence=linked)
    else:
        built.missing(component, usually_elsewhere=True,
                      note=f"no {role} code in the repository and no {role} code repository link")


def _libraries_and_tools(built: ComponentBuilder, code: _Code) -> None:
    lib_files = code.library_files
    library = code.library
    if lib_files:
        where = file_provenance(lib_files)
        if library:
            where.append(Provenance(key="library_name", note=f"the {library} library"))
        built.present("Supporting libraries and tools", where)
    elif library:
        built.present("Supporting libraries and tools", [code.library_provenance(f"the {library} library")],
                      shipped=False, licence=_library_licence(library))
    else:
        built.missing("Supporting libraries and tools", usually_elsewhere=True,
                      note="no requirements/project files and no library_name")


def detect_code(evidence: Evidence, built: ComponentBuilder) -> None:
    """Model architecture, the four kinds of code, and supporting libraries and tools."""
    code = _Code(evidence)
    _architecture(built, code)
    for role, component in _ROLE_COMPONENT.items():
        _role_code(built, code, role, component)
    _libraries_and_tools(built, code)
