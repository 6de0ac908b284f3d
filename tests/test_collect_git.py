"""The git source on real repositories built in temp folders: meta contract, merges, other
authors, non-UTF-8 messages, incremental re-runs, force-push, shallow clones, detached HEAD."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from social_publisher.collect import SourceReport
from social_publisher.collect.git import GitSource, _LogReader
from social_publisher.config import SourceConfig
from social_publisher.demo.gitrepo import GitRepo
from social_publisher.records import fingerprint
from social_publisher.store import Store

MSK = timezone(timedelta(hours=3))
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=MSK)


def collect(store: Store, path: Path, **options) -> SourceReport:
    report = SourceReport(source=str(path), type="git")
    GitSource(SourceConfig(type="git", path=path, **options)).collect(store, report)
    return report


def commits(store: Store) -> dict[str, object]:
    return {a.meta["hash"]: a for a in store.activity() if a.kind == "commit"}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "llm-analysis")


def test_commit_rows_follow_the_activity_contract(store, repo):
    first = repo.commit("Add parser\n\nIt reads 1,000 lines in 0.4 s.\n", {"src/parser.py": "a = 1\nb = 2\n",
                        "logo.png": b"\x89PNG\x00\x01\x02"}, when=T0)
    second = repo.commit("Rename parser", {"src/parser.py": "a = 1\n"}, when=T0 + timedelta(hours=1))
    report = collect(store, repo.path)
    assert (report.new_activity, report.skipped, report.files_read) == (2, 0, 1)
    rows = commits(store)
    row = rows[first]
    assert row.source == "git" and row.project == "llm-analysis"
    assert row.text == "Add parser\n\nIt reads 1,000 lines in 0.4 s."
    assert row.author == "Demo Developer <dev@example.org>"
    assert row.occurred_at == "2026-11-20T07:00:00+00:00"
    assert row.fingerprint == fingerprint("git", first)
    assert row.meta["tz"] == "+03:00"
    assert row.meta["parents"] == [] and row.meta["is_merge"] is False and row.meta["own"] is True
    assert row.meta["branches"] == ["main"]
    assert row.meta["repo"] == str(repo.path)
    assert sorted(row.meta["files"], key=lambda f: f["path"]) == [
        {"path": "logo.png", "added": None, "removed": None},
        {"path": "src/parser.py", "added": 2, "removed": 0},
    ]
    assert row.meta["languages"] == ["python"]
    assert rows[second].meta["parents"] == [first]
    assert rows[second].meta["files"] == [{"path": "src/parser.py", "added": 0, "removed": 1}]


def test_rename_is_recorded_under_the_new_path(store, repo):
    repo.commit("start", {"old_name.py": "x = 1\n" * 20}, when=T0)
    repo.git("mv", "old_name.py", "new_name.py")
    renamed = repo.commit("rename", when=T0 + timedelta(minutes=5))
    collect(store, repo.path)
    assert commits(store)[renamed].meta["files"] == [{"path": "new_name.py", "added": 0, "removed": 0}]


def test_merge_and_other_authors_are_recorded_but_marked(store, repo):
    base = repo.commit("base", {"a.py": "1\n"}, when=T0)
    repo.git("checkout", "-q", "-b", "feature")
    theirs = repo.commit("their change", {"b.go": "package b\n"}, when=T0 + timedelta(minutes=1),
                         author="Other Person", email="other@example.org")
    repo.git("checkout", "-q", "main")
    mine = repo.commit("my change", {"a.py": "2\n"}, when=T0 + timedelta(minutes=2))
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature",
             env={"GIT_AUTHOR_DATE": (T0 + timedelta(minutes=3)).isoformat(),
                  "GIT_COMMITTER_DATE": (T0 + timedelta(minutes=3)).isoformat()})
    merge = repo.head()
    collect(store, repo.path, authors=["dev@example.org"])
    rows = commits(store)
    assert set(rows) == {base, theirs, mine, merge}
    assert rows[merge].meta["is_merge"] is True and rows[merge].meta["parents"] == [mine, theirs]
    assert rows[merge].meta["files"] == []
    assert rows[theirs].meta["own"] is False and rows[theirs].author == "Other Person <other@example.org>"
    assert rows[theirs].meta["languages"] == ["go"]
    assert rows[mine].meta["own"] is True
    assert rows[theirs].meta["branches"] == ["feature", "main"]
    assert rows[mine].meta["branches"] == ["main"]
    assert rows[base].meta["branches"] == ["feature", "main"]


def test_a_huge_commit_lists_at_most_max_files(store, repo, monkeypatch):
    from social_publisher.collect import git

    monkeypatch.setattr(git, "MAX_FILES", 3)
    commit = repo.commit("vendor", {f"vendor/m{i}.py": "x\n" for i in range(5)} | {"doc.md": "d\n"}, when=T0)
    collect(store, repo.path)
    meta = commits(store)[commit].meta
    assert len(meta["files"]) == 3 and meta["files_total"] == 6
    assert meta["languages"] == ["python", "markdown"]


def test_commits_on_several_branches_are_stored_once(store, repo):
    repo.commit("shared", {"a.py": "1\n"}, when=T0)
    repo.git("branch", "copy")
    repo.git("branch", "another")
    collect(store, repo.path)
    assert len(store.activity()) == 1
    assert store.activity()[0].meta["branches"] == ["another", "copy", "main"]


def raw_commit(repo: GitRepo, message: bytes, *, encoding: str | None = None) -> str:
    """Write a commit object byte for byte (git commit would re-encode the message) on top of HEAD."""
    head = repo.head()
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    header = (f"tree {tree}\nparent {head}\n"
              "author Dev <dev@example.org> 1795000000 +0300\ncommitter Dev <dev@example.org> 1795000000 +0300\n")
    if encoding:
        header += f"encoding {encoding}\n"
    commit = repo.git("hash-object", "-t", "commit", "-w", "--stdin", "--literally",
                      input=header.encode() + b"\n" + message).strip()
    repo.git("update-ref", "HEAD", commit)
    return commit


def test_non_utf8_messages_are_decoded_without_crashing(store, repo):
    repo.commit("start", {"a.txt": "x\n"}, when=T0)
    declared = raw_commit(repo, "Caf\xe9 d\xe9clar\xe9\n".encode("latin-1"), encoding="ISO-8859-1")
    undeclared = raw_commit(repo, "Caf\xe9 cr\xe8me: fix\n".encode("latin-1"))
    broken = raw_commit(repo, b"\xff\xfe\x80 bytes \xc3\n")
    report = collect(store, repo.path)
    assert (report.skipped, report.new_activity) == (0, 4)
    rows = commits(store)
    assert rows[declared].text == "Café déclaré" and "encoding" not in rows[declared].meta  # git re-encoded it
    assert rows[undeclared].text == "Café crème: fix" and rows[undeclared].meta["encoding"] == "latin-1"
    assert rows[broken].text == "\xff\xfe\x80 bytes \xc3"


def test_rerun_reads_only_new_commits(store, repo):
    for i in range(3):
        repo.commit(f"step {i}", {"a.py": f"{i}\n"}, when=T0 + timedelta(minutes=i))
    assert collect(store, repo.path).new_activity == 3
    again = collect(store, repo.path)
    assert (again.new_activity, again.files_read) == (0, 0)  # tips unchanged: git log is not even run
    newer = repo.commit("step 3", {"a.py": "3\n"}, when=T0 + timedelta(minutes=9))
    report = collect(store, repo.path)
    assert (report.new_activity, report.files_read) == (1, 1)
    assert newer in commits(store) and len(store.activity()) == 4


def test_force_push_keeps_vanished_commits_and_duplicates_nothing(store, repo):
    kept = repo.commit("kept", {"a.py": "1\n"}, when=T0)
    lost = [repo.commit(f"lost {i}", {"a.py": f"lost {i}\n"}, when=T0 + timedelta(minutes=i + 1)) for i in range(2)]
    collect(store, repo.path)
    repo.git("reset", "-q", "--hard", kept)
    rewritten = repo.commit("rewritten", {"a.py": "new\n"}, when=T0 + timedelta(minutes=5))
    # Make the old tip disappear for good, as a gc after a force-push would.
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    report = collect(store, repo.path)
    assert report.skipped == 0 and report.new_activity == 1
    rows = commits(store)
    assert set(rows) == {kept, rewritten, *lost}
    assert len(store.activity()) == 4


def test_empty_repository_gives_nothing_and_no_warning(store, repo):
    report = collect(store, repo.path)
    assert (report.new_activity, report.skipped) == (0, 0)
    repo.commit("first", {"a.py": "1\n"}, when=T0)
    assert collect(store, repo.path).new_activity == 1


def test_shallow_clone_is_read(store, repo, tmp_path):
    for i in range(5):
        repo.commit(f"c{i}", {"a.py": f"{i}\n"}, when=T0 + timedelta(minutes=i))
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)], check=True)
    report = collect(store, clone)
    assert (report.new_activity, report.skipped) == (2, 0)
    boundary = [a for a in store.activity() if a.text == "c3"][0]
    assert boundary.meta["parents"] == []  # the shallow boundary has its parents cut
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--deepen", "2"], check=True)
    deepened = collect(store, clone)  # same tips, but older commits appeared below them
    assert (deepened.new_activity, deepened.skipped) == (2, 0)
    assert sorted(a.text for a in store.activity()) == ["c1", "c2", "c3", "c4"]


def test_detached_head_commits_are_collected(store, repo):
    repo.commit("on main", {"a.py": "1\n"}, when=T0)
    repo.git("checkout", "-q", "--detach")
    detached = repo.commit("detached work", {"a.py": "2\n"}, when=T0 + timedelta(minutes=1))
    report = collect(store, repo.path)
    assert report.new_activity == 2
    assert commits(store)[detached].meta["branches"] == ["HEAD"]


def test_a_missing_or_non_git_folder_is_reported_not_raised(store, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    report = collect(store, plain)
    assert report.skipped == 1 and report.reasons[0].startswith(f"{plain}: ")
    assert "not a git repository" in report.reasons[0]
    assert store.activity() == []


@pytest.fixture(scope="module")
def message_repo(tmp_path_factory):
    repo = GitRepo(tmp_path_factory.mktemp("messages"))
    repo.commit("root", {"a.txt": "a\n"}, when=T0)
    return repo


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=st.binary(min_size=1, max_size=300).filter(lambda b: b"\0" not in b and b.strip()))
def test_any_commit_message_is_kept(message_repo, tmp_path_factory, message):
    commit = raw_commit(message_repo, message)
    raw = subprocess.run(["git", "-C", str(message_repo.path), "cat-file", "commit", commit],
                         capture_output=True, check=True).stdout
    stored_message = raw.split(b"\n\n", 1)[1]
    with Store(tmp_path_factory.mktemp("store") / "p.db") as store:
        report = collect(store, message_repo.path)
        assert report.skipped == 0
        row = commits(store)[commit]
    try:
        expected = stored_message.decode("utf-8")
    except UnicodeDecodeError:
        expected = stored_message.decode("latin-1")
    assert row.text == expected.rstrip("\n")


@given(record=st.binary(max_size=400))
def test_log_record_parser_never_crashes_on_arbitrary_bytes(record):
    reader = _LogReader(Path("repo"), {}, [], [], "project")
    activity = reader._activity(record)
    assert activity is not None or reader.bad_records
