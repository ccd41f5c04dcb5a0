"""academy.fragments: entries kept with their namespace's version, stale once it changes."""

import pytest

from academy import fragments

pytestmark = pytest.mark.django_db  # changes are made stale again on commit


@pytest.fixture
def builds():
    calls = []

    def build(keys):
        calls.append(list(keys))
        return {key: f"value of {key}" for key in keys if key != "absent"}

    build.calls = calls
    return build


def test_entries_are_built_once_then_read(fragment_cache, builds):
    assert fragments.cached_many("ns", ["a", "b"], builds) == {"a": "value of a", "b": "value of b"}
    assert fragments.cached_many("ns", ["b", "c"], builds) == {"b": "value of b", "c": "value of c"}
    assert builds.calls == [["a", "b"], ["c"]]


def test_a_change_makes_every_entry_of_the_namespace_stale(fragment_cache, builds):
    fragments.cached_many("ns", ["a"], builds)
    fragments.cached_many("other", ["a"], builds)
    fragments.changed("ns")
    fragments.cached_many("ns", ["a"], builds)
    fragments.cached_many("other", ["a"], builds)
    assert builds.calls == [["a"], ["a"], ["a"]]


def test_an_entry_kept_under_another_version_is_not_read(fragment_cache, builds):
    fragments.cached_many("ns", ["a"], builds)
    # What a reader that started before a change would leave behind.
    fragment_cache.set(f"{fragments.FORMAT}:ns:a", ("an old version", "old value"))
    assert fragments.cached_many("ns", ["a"], builds) == {"a": "value of a"}
    assert len(builds.calls) == 2


def test_what_build_leaves_out_is_not_kept(fragment_cache, builds):
    assert fragments.cached_many("ns", ["absent"], builds) == {}
    assert fragments.cached_many("ns", ["absent"], builds) == {}
    assert len(builds.calls) == 2


def test_remembered_entries_are_forgotten(fragment_cache):
    values = iter([1, 2])
    assert fragments.remembered("mine", lambda: next(values)) == 1
    assert fragments.remembered("mine", lambda: next(values)) == 1
    fragments.forget(["mine"])
    assert fragments.remembered("mine", lambda: next(values)) == 2


def test_without_a_fragments_cache_everything_is_built(builds):
    assert not fragments.enabled()
    fragments.cached_many("ns", ["a"], builds)
    fragments.cached_many("ns", ["a"], builds)
    assert len(builds.calls) == 2


def test_entries_of_several_namespaces_in_one_read(fragment_cache, monkeypatch):
    built = []

    def fragment(namespace, key):
        return fragments.Fragment(namespace, key, lambda: built.append(key) or f"{namespace}/{key}")

    wanted = [fragment("ns", "a"), fragment("other", "b"), fragment("ns", "c")]
    assert fragments.cached_each(wanted) == ["ns/a", "other/b", "ns/c"]
    reads = []
    real_get_many = fragment_cache.get_many
    monkeypatch.setattr(
        fragment_cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys)
    )
    assert fragments.cached_each(wanted) == ["ns/a", "other/b", "ns/c"]
    assert len(reads) == 1  # both versions and the three entries: one round trip
    assert built == ["a", "b", "c"]
    fragments.changed("other")
    assert fragments.cached_each(wanted) == ["ns/a", "other/b", "ns/c"]
    assert built == ["a", "b", "c", "b"]  # only the changed namespace's entry is built again
