"""Every ```python block of the user guide (docs/*.md) and of README.md runs, page by page.

The blocks of one page run in order in one fresh namespace (a page reads
as one session), inside a temporary working directory so that checkpoints
and other files the examples write do not land in the checkout. A failing
block is reported with its page, number and line. Blocks use ``assert`` to
show results that must hold, so a wrong statement in the guide fails here.

Fences are parsed strictly: a fence opened with any Python-like info string
other than exactly ``python`` is an error (it would otherwise be skipped
silently), as is a fence left open.
"""

from __future__ import annotations

import linecache
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(DOCS.glob("*.md"))
README = DOCS.parent / "README.md"
# The README's blocks are the first code a newcomer copies: they run too.
RUNNABLE_PAGES = [*PAGES, README]
# The pages the guide promises; each must exist and hold code.
EXPECTED_PAGES = {
    "index.md",
    "architecture.md",
    "supervised.md",
    "unsupervised.md",
    "reinforcement.md",
    "training-toolbox.md",
    "workflow.md",
    "dask.md",
    "gpu.md",
}
FENCE = re.compile(r"^(\s*)```(.*)$")
PYTHON_LIKE = re.compile(r"^(py|python|python3|pycon|ipython)\b", re.IGNORECASE)


@dataclass
class Block:
    number: int  # 1-based, among the page's python blocks
    line: int  # 1-based line of the opening fence
    source: str


def python_blocks(page: Path) -> list[Block]:
    """The page's ```python blocks, in order; refuses ambiguous fences."""
    blocks, lines = [], page.read_text(encoding="utf-8").splitlines()
    opened = None  # (line index, info string, indent) of the open fence
    body: list[str] = []
    for index, text in enumerate(lines):
        match = FENCE.match(text)
        if opened is None:
            if match:
                info = match.group(2).strip()
                if PYTHON_LIKE.match(info) and info != "python":
                    raise AssertionError(
                        f"{page.name}:{index + 1}: fence ```{info} would not be run; "
                        "use ```python for code, ``` (no info) for output"
                    )
                opened, body = (index, info, match.group(1)), []
        elif match and match.group(2).strip() == "":
            start, info, indent = opened
            if info == "python":
                source = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in body)
                blocks.append(Block(len(blocks) + 1, start + 1, source))
            opened = None
        else:
            body.append(text)
    if opened is not None:
        raise AssertionError(f"{page.name}:{opened[0] + 1}: code fence never closed")
    return blocks


def test_the_guide_has_its_pages_each_with_code():
    names = {page.name for page in PAGES}
    assert EXPECTED_PAGES <= names, f"missing pages: {sorted(EXPECTED_PAGES - names)}"
    for page in PAGES:
        blocks = python_blocks(page)
        assert blocks, f"{page.name} has no ```python block"
        # Cross-check the parser: every python fence in the text became a block.
        raw = len(re.findall(r"^\s*```python\s*$", page.read_text(encoding="utf-8"), re.MULTILINE))
        assert len(blocks) == raw, f"{page.name}: {raw} python fences but {len(blocks)} blocks parsed"


def test_the_index_links_every_page_and_every_link_resolves():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        if page.name != "index.md":
            assert f"({page.name})" in index, f"index.md does not link {page.name}"
    for page in PAGES:
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            linked = page.parent / target if target else page
            assert linked.exists(), f"{page.name} links to {target}, which does not exist"
            if anchor:
                assert anchor in heading_anchors(linked), f"{page.name} links to {target}#{anchor}: no such heading"


def heading_anchors(page: Path) -> set[str]:
    """GitHub's anchors of the page's headings: lower case, punctuation dropped, spaces as '-'."""
    anchors = set()
    for heading in re.findall(r"^#+\s+(.*?)\s*$", page.read_text(encoding="utf-8"), re.MULTILINE):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return anchors


def test_the_parser_refuses_fences_that_would_be_skipped(tmp_path):
    page = tmp_path / "bad.md"
    page.write_text("```py\nx = 1\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="would not be run"):
        python_blocks(page)
    page.write_text("```python\nx = 1\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="never closed"):
        python_blocks(page)
    page.write_text("text\n```\nout\n```\n```python\nx = 1\n```\n  ```python\n  y = x\n  ```\n", encoding="utf-8")
    assert [(b.number, b.line, b.source) for b in python_blocks(page)] == [(1, 5, "x = 1"), (2, 8, "y = x")]
    page.write_text("# Zoo's guide\n## Multi-layer perceptrons (MLPs)\n", encoding="utf-8")
    assert heading_anchors(page) == {"zoos-guide", "multi-layer-perceptrons-mlps"}


@pytest.mark.parametrize("page", RUNNABLE_PAGES, ids=[page.stem for page in RUNNABLE_PAGES])
def test_page_code_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    blocks = python_blocks(page)
    where = page.relative_to(DOCS.parent).as_posix()
    for block in blocks:
        name = f"{where} (block {block.number}, line {block.line})"
        # Registered so that a traceback shows the failing line of the block.
        linecache.cache[name] = (len(block.source), None, block.source.splitlines(True), name)
        code = compile(block.source, name, "exec")
        try:
            exec(code, namespace)  # noqa: S102 - the guide's own code
        except Exception as exc:  # noqa: BLE001 - reported with the page and block
            pytest.fail(
                f"{where}, block {block.number} of {len(blocks)} (line {block.line}) failed: "
                f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}",
                pytrace=False,
            )



def test_readme_keeps_the_quick_start_and_links_the_guide():
    readme = README.read_text(encoding="utf-8")
    assert "pip install . && python -m zoo tour" in readme
    assert 'pip install ".[test]" && python -m pytest' in readme
    for page in PAGES:
        assert f"(docs/{page.name})" in readme, f"README does not link docs/{page.name}"
    examples = sorted((DOCS.parent / "examples").glob("[!_]*.py"))
    assert examples
    for script in examples:
        assert f"(examples/{script.name})" in readme, f"README does not list examples/{script.name}"
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme):
        if "://" not in target:
            assert (README.parent / target).exists(), f"README links to {target}, which does not exist"


def test_readme_table_names_every_public_estimator_and_tool():
    import inspect

    import zoo
    import zoo.augment
    import zoo.imbalance
    import zoo.metrics
    import zoo.model_selection
    import zoo.nn
    import zoo.preprocessing

    readme = README.read_text(encoding="utf-8")
    table = readme[readme.index("## What is there"):readme.index("## User guide")]
    names = [name for name in zoo.__all__ if inspect.isclass(getattr(zoo, name)) and name != "NotFittedError"]
    for module, wanted in (
        (zoo.augment, None), (zoo.imbalance, None), (zoo.preprocessing, None),
        (zoo.model_selection, ["train_test_split", "KFold", "StratifiedKFold", "cross_validate",
                               "cross_val_score", "learning_curve", "GridSearchCV", "grid_search"]),
        (zoo.nn, ["SGD", "Adam", "AdamW", "RMSprop", "AdaGrad", "StepDecay", "ExponentialDecay",
                  "CosineAnnealing", "LinearWarmup", "ReduceOnPlateau", "EarlyStopping",
                  "ModelCheckpoint", "CSVLogger", "LambdaCallback", "TerminateOnNaN", "History"]),
    ):
        names += [name for name in (wanted or module.__all__) if name != "Transform"]
    missing = [name for name in names if f"`{name}`" not in table]
    assert not missing, f"the README's table does not name {missing}"
    for module in ("zoo.model_selection", "zoo.preprocessing", "zoo.metrics", "zoo.imbalance",
                   "zoo.augment", "zoo.nn", "zoo.rl", "zoo.envs", "zoo.datasets"):
        assert f"`{module}" in table, f"the README's table does not give the module {module}"
