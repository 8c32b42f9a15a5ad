"""Raw fingerprints: a few dates read folder by folder equal the whole source's listing,
on a local folder and through fsspec, and every kind of change moves them."""

from __future__ import annotations

import os
import uuid
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcourt.rawstore import RawStore
from backcourt.rawstore.store import FEW_DATES

SOURCE = "nba_boxscore"
DAY0 = date(2024, 1, 1)


def _store(kind: str, tmp_path) -> RawStore:
    if kind == "local":
        return RawStore(str(tmp_path / f"raw-{uuid.uuid4().hex[:6]}"))
    return RawStore(f"memory://raw-{uuid.uuid4().hex}")


@pytest.mark.parametrize("kind", ["local", "memory"])
@settings(max_examples=15, deadline=None)
@given(files=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3), st.binary(max_size=40)),
                      max_size=25),
       asked=st.lists(st.integers(0, 12), max_size=8))
def test_few_dates_equal_the_whole_listing(kind, tmp_path_factory, files, asked):
    store = _store(kind, tmp_path_factory.mktemp("fp"))
    for day, n, payload in files:
        store.write(SOURCE, DAY0 + timedelta(days=day), f"{n}.json", payload)
    days = [DAY0 + timedelta(days=a) for a in asked]
    few = store.fingerprints(SOURCE, days)           # folder by folder
    store.refresh()
    whole = store.fingerprints(SOURCE)               # one listing of the source
    assert few == {d: whole[d] for d in days if d in whole}
    assert all(store.fingerprint(SOURCE, d) == whole.get(d, "") for d in days)


@pytest.mark.parametrize("kind", ["local", "memory"])
def test_every_change_moves_the_date_fingerprint(kind, tmp_path):
    store = _store(kind, tmp_path)
    store.write(SOURCE, DAY0, "a.json", b"{}")
    other = DAY0 + timedelta(days=1)
    store.write(SOURCE, other, "a.json", b"{}")
    seen = [store.fingerprint(SOURCE, DAY0)]
    store.write(SOURCE, DAY0, "b.json", b"{}")                       # added
    seen.append(store.fingerprint(SOURCE, DAY0))
    store.write(SOURCE, DAY0, "b.json", b'{"x": 1}')                 # rewritten
    seen.append(store.fingerprint(SOURCE, DAY0))
    before_other = store.fingerprint(SOURCE, other)
    store.clear_date(SOURCE, DAY0)                                    # removed
    seen.append(store.fingerprint(SOURCE, DAY0))
    assert len(set(seen)) == 4 and seen[-1] == ""
    assert store.fingerprint(SOURCE, other) == before_other


def test_a_file_rewritten_in_place_behind_the_store(tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    path = store.write(SOURCE, DAY0, "a.json", b'{"points": 10}')
    before = store.fingerprint(SOURCE, DAY0)
    with open(path, "r+b") as fh:       # an operator's fix: same name, same folder
        fh.write(b'{"points": 12}')
    os.utime(path, ns=(1, 1))           # a different mtime even on a coarse clock
    assert store.fingerprint(SOURCE, DAY0) == before      # cached until refreshed
    store.refresh()
    assert store.fingerprint(SOURCE, DAY0) != before


def test_identical_bytes_never_move_a_fingerprint_changed_bytes_always_do(tmp_path):
    """Content, not times: a re-scrape writing the same bytes keeps the fingerprint; an
    edit keeping the size and putting the mtime back moves it (its ctime moved)."""
    store = RawStore(str(tmp_path / "raw"))
    path = store.write(SOURCE, DAY0, "a.json", b'{"points": 10}')
    before = store.fingerprint(SOURCE, DAY0)
    stat = os.stat(path)
    store.write(SOURCE, DAY0, "a.json", b'{"points": 10}')      # same bytes, new inode/times
    os.utime(path, ns=(stat.st_atime_ns + 10**9, stat.st_mtime_ns + 10**9))
    store.refresh()
    assert store.fingerprint(SOURCE, DAY0) == before
    with open(path, "r+b") as fh:                                # same size, mtime restored
        fh.write(b'{"points": 12}')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(path).st_size == stat.st_size and os.stat(path).st_mtime_ns == stat.st_mtime_ns
    store.refresh()
    after = store.fingerprint(SOURCE, DAY0)
    assert after != before
    fresh = RawStore(str(tmp_path / "raw"))                      # the cache, read back
    assert fresh.fingerprint(SOURCE, DAY0) == after
    assert (tmp_path / "raw" / ".backcourt" / "content-fingerprints.json").exists()


def test_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    from backcourt.rawstore import content

    store = RawStore(str(tmp_path / "raw"))
    for n in range(5):
        store.write(SOURCE, DAY0, f"{n}.json", b"{}")
    first = store.fingerprint(SOURCE, DAY0)
    reads = []
    real = content.file_sha256
    monkeypatch.setattr(content, "file_sha256", lambda p: reads.append(p) or real(p))
    fresh = RawStore(str(tmp_path / "raw"))
    assert fresh.fingerprint(SOURCE, DAY0) == first and reads == []
    store.write(SOURCE, DAY0, "9.json", b"{}")
    store.refresh()
    assert store.fingerprint(SOURCE, DAY0) != first and len(reads) == 6


def test_many_dates_use_one_listing(tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    days = [DAY0 + timedelta(days=k) for k in range(FEW_DATES + 1)]
    for d in days:
        store.write(SOURCE, d, "a.json", b"{}")
    got = store.fingerprints(SOURCE, days)
    assert set(got) == set(days)
    assert SOURCE in store._listings            # the whole source was listed once
    # a later question about a few dates is answered from that listing
    few = store.fingerprints(SOURCE, days[:2])
    assert [few[d] for d in days[:2]] == [got[d] for d in days[:2]]


def test_the_background_walk_lists_what_each_folder_says(tmp_path):
    """``listing_ahead`` walks the whole store at once; every date's fingerprint equals the
    one read folder by folder. Quarantined, hidden and misplaced files are not raw files."""
    root = tmp_path / "raw"
    store = RawStore(str(root))
    sources = ["nba_boxscore", "nba_schedule", "odds_player_props"]
    for k, source in enumerate(sources):
        for day in range(3 + k):
            for n in range(k + 1):
                store.write(source, DAY0 + timedelta(days=day), f"{n}.json", b"{}" * n)
    store.write(sources[0], DAY0, "z.json.gz", b"\x1f\x8b")
    (root / sources[0] / DAY0.isoformat() / ".half.json.tmp").write_bytes(b"{")
    (root / sources[0] / DAY0.isoformat() / "notes.txt").write_text("x")
    (root / sources[0] / DAY0.isoformat() / "deeper").mkdir()
    (root / sources[0] / DAY0.isoformat() / "deeper" / "x.json").write_bytes(b"{}")
    (root / sources[0] / "not-a-date").mkdir()
    (root / sources[0] / "not-a-date" / "x.json").write_bytes(b"{}")
    quarantined = root / "_quarantine" / sources[0] / DAY0.isoformat()
    quarantined.mkdir(parents=True)
    (quarantined / "bad.json").write_bytes(b"{")

    store.refresh()
    with store.listing_ahead(FEW_DATES + 1):
        walked = {s: store.fingerprints(s) for s in sources}
    for source in sources:
        days = sorted(walked[source])
        assert days == [DAY0 + timedelta(days=d) for d in range(3 + sources.index(source))]
        fresh = RawStore(str(root))
        assert walked[source] == fresh.fingerprints(source, days)   # folder by folder
    only_raw = RawStore(str(tmp_path / "only-raw"))   # the same two raw files, nothing else
    only_raw.write(sources[0], DAY0, "0.json", b"")
    only_raw.write(sources[0], DAY0, "z.json.gz", b"\x1f\x8b")
    assert walked[sources[0]][DAY0] == only_raw.fingerprint(sources[0], DAY0)
    assert store.fingerprints("nba_injury_report") == {}            # no such folder


def test_a_write_after_the_walk_is_not_hidden_by_it(tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    store.write(SOURCE, DAY0, "a.json", b"{}")
    store.refresh()
    with store.listing_ahead(FEW_DATES + 1):
        before = store.fingerprints(SOURCE)[DAY0]
    store.write(SOURCE, DAY0, "b.json", b"{}")
    after = store.fingerprints(SOURCE)[DAY0]
    assert after != before


def test_the_walk_sees_a_file_rewritten_in_place(tmp_path):
    store = RawStore(str(tmp_path / "raw"))
    path = store.write(SOURCE, DAY0, "a.json", b'{"points": 10}')
    with store.listing_ahead(FEW_DATES + 1):
        before = store.fingerprints(SOURCE)[DAY0]
    with open(path, "r+b") as fh:
        fh.write(b'{"points": 12}')
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    store.refresh()
    with store.listing_ahead(FEW_DATES + 1):
        assert store.fingerprints(SOURCE)[DAY0] != before


def test_a_missing_root_lists_nothing(tmp_path):
    store = RawStore(str(tmp_path / "nowhere"))
    with store.listing_ahead(FEW_DATES + 1):
        assert store.fingerprints(SOURCE) == {}
    assert store.fingerprints(SOURCE, [DAY0]) == {}


def test_a_few_dates_start_no_walk(tmp_path):
    """A daily run's plan asks about one date: it reads that date's folders, not the
    whole store."""
    store = RawStore(str(tmp_path / "raw"))
    store.write(SOURCE, DAY0, "a.json", b"{}")
    with store.listing_ahead(1):
        assert store._walk is None
        assert set(store.fingerprints(SOURCE, [DAY0])) == {DAY0}
    with store.listing_ahead(FEW_DATES + 1):
        assert store._walk is not None


@pytest.mark.parametrize("kind", ["local", "memory"])
def test_dates_with_files_among_a_few_or_many_dates(kind, tmp_path):
    """A daily run asks whether its date has raw files: the answer equals the whole
    source's, for a few dates (folder by folder) and for many (one listing)."""
    store = _store(kind, tmp_path)
    have = [DAY0 + timedelta(days=k) for k in range(0, 2 * FEW_DATES, 3)]
    for d in have:
        store.write(SOURCE, d, "a.json", b"{}")
    store.write(SOURCE, DAY0 + timedelta(days=1), ".hidden.json.tmp", b"{")  # not raw
    everything = store.dates_with_files(SOURCE)
    assert everything == set(have)
    for asked in ([DAY0, DAY0 + timedelta(days=1)],
                  [DAY0 + timedelta(days=k) for k in range(2 * FEW_DATES)]):
        store.refresh()
        assert store.dates_with_files(SOURCE, asked) == set(have) & set(asked)
