"""Shared fixtures.

The real corpus lives beside the repository in ../shared/corpus (or where
FONDS_CORPUS points). Without it, tests that need it skip, saying why; under
CI=true a missing corpus is a failure, never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("FONDS_CORPUS", ROOT.parent / "shared" / "corpus"))
SCHEMAS = Path(os.environ.get("FONDS_SCHEMAS", ROOT.parent / "shared" / "schemas"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(path: Path, what: str) -> Path:
    if path.exists():
        return path
    message = f"{what} not found at {path}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing dependency is a failure)")
    pytest.skip(message)


@pytest.fixture
def corpus() -> Path:
    return need(CORPUS, "the shared corpus (../shared/corpus)")


@pytest.fixture
def schemas() -> Path:
    return need(SCHEMAS, "the shared schemas (../shared/schemas)")


def corpus_file(name: str) -> Path:
    return need(CORPUS / name, f"corpus file {name}")


@pytest.fixture(autouse=True)
def search_index(tmp_path_factory, settings):
    """Each test gets its own empty search index."""
    from fonds.search.backends import get_backend

    settings.FONDS_INDEX_DIR = tmp_path_factory.mktemp("index")
    get_backend.cache_clear()
    yield settings.FONDS_INDEX_DIR
    get_backend.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def fonds_databases():
    """The PostgreSQL databases made for fonds subprocesses go at the end of the run."""
    yield
    from tests.servers import drop_databases

    drop_databases()
