"""Cached reads and rendered fragments, made stale by the writes that change them.

Shared data behind pages is grouped in *namespaces* (the curriculum, say). Each namespace has a
version in the fragments cache, and every entry is kept with the version it was built under. A
service that changes the data of a namespace calls `changed(namespace)`: every entry built from
the old data is stale at once, so nothing has to know which entries exist. A read fetches the
version and the entries in one round trip.

Only shared data goes into namespaces, never anything that depends on who is asking: fragments
are rendered without a request (no user, no CSRF token, no nonce in their context). Per-person
entries (`remembered`) have keys of their own that say whose they are.

The fragments cache is Redis when REDIS_URL is set (settings.CACHES["fragments"]). Without it,
it is a DummyCache: a read from the database cache would cost a query of its own, so then
nothing is cached and every read goes to the database, exactly as if this module were not there.
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction

ALIAS = "fragments"
# Data changed outside the services (a seed, an import, a shell) shows within this time.
TIMEOUT = 60 * 60
# A version lasts this long after the last change; then the namespace starts again from a new
# one (its entries are rebuilt once, which is safe), so per-person versions do not pile up.
VERSION_TIMEOUT = 60 * 60 * 24 * 7
# In every key. Bump it when the shape of something kept changes, so that processes of the
# previous release (during a rolling deploy) and their entries never meet the new code.
FORMAT = 3


def _cache():
    return caches[ALIAS]


def enabled() -> bool:
    return not isinstance(_cache(), DummyCache)


def _version_key(namespace: str) -> str:
    return f"{FORMAT}:version:{namespace}"


def _new_version(namespace: str) -> str:
    """A version for a namespace that has none (first use, or evicted): entries kept under an
    earlier one are stale."""
    cache = _cache()
    cache.add(_version_key(namespace), uuid.uuid4().hex, timeout=VERSION_TIMEOUT)
    return cache.get(_version_key(namespace))  # another process may have added its own first


def changed(namespace: str) -> None:
    """Make every entry of `namespace` stale: now, and again once the transaction commits
    (someone reading between the write and the commit may have cached what they saw)."""
    if not enabled():
        return

    def bump() -> None:
        _cache().set(_version_key(namespace), uuid.uuid4().hex, timeout=VERSION_TIMEOUT)

    bump()
    transaction.on_commit(bump)


def cached_many[T](
    namespace: str, keys: Iterable[str], build: Callable[[list[str]], dict[str, T]]
) -> dict[str, T]:
    """{key: value} for `keys`, building the missing or stale ones with one call of
    `build(missing)`. Keys that `build` leaves out are not cached (nor in the answer)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    if not enabled():
        return build(keys)
    cache = _cache()
    prefix = f"{FORMAT}:{namespace}:"
    found = cache.get_many([_version_key(namespace), *(prefix + key for key in keys)])
    current = found.get(_version_key(namespace)) or _new_version(namespace)
    values = {}
    for key in keys:
        entry = found.get(prefix + key)
        if entry is not None and entry[0] == current:
            values[key] = entry[1]
    missing = [key for key in keys if key not in values]
    if missing:
        built = build(missing)
        # Built after reading `current`: if a write bumped it meanwhile, these are stale already.
        cache.set_many(
            {prefix + key: (current, value) for key, value in built.items()}, timeout=TIMEOUT
        )
        values.update(built)
    return values


@dataclass(frozen=True)
class Fragment:
    """One entry for `cached_each`: of a namespace, or (namespace None) one of `remembered`'s."""

    namespace: str | None
    key: str
    build: Callable[[], Any]

    @property
    def cache_key(self) -> str:
        if self.namespace is None:
            return f"{FORMAT}:{self.key}"
        return f"{FORMAT}:{self.namespace}:{self.key}"


def cached_each(wanted: Sequence[Fragment]) -> list:
    """The value of each entry, in order, from any namespaces, in one round trip; the missing
    or stale ones are built (each by its own `build()`) and kept. A page made of parts from
    several apps (the dashboard's panels) reads them all at once this way."""
    if not enabled():
        return [fragment.build() for fragment in wanted]
    cache = _cache()
    namespaces = list(dict.fromkeys(f.namespace for f in wanted if f.namespace is not None))
    found = cache.get_many([*map(_version_key, namespaces), *(f.cache_key for f in wanted)])
    current = {ns: found.get(_version_key(ns)) or _new_version(ns) for ns in namespaces}
    current[None] = None  # remembered entries have no version: `forget` deletes them
    values, built = [], {}
    for fragment in wanted:
        version = current[fragment.namespace]
        entry = found.get(fragment.cache_key)
        if entry is not None and entry[0] == version:
            values.append(entry[1])
        else:
            # Built after reading `version`: if a write bumps it meanwhile, this is stale already.
            value = fragment.build()
            built[fragment.cache_key] = (version, value)
            values.append(value)
    if built:
        cache.set_many(built, timeout=TIMEOUT)
    return values


def cached[T](namespace: str, key: str, build: Callable[[], T]) -> T:
    """One entry; `build()` raising (a 404, say) caches nothing."""
    return cached_each([Fragment(namespace, key, build)])[0]


def remembered[T](key: str, build: Callable[[], T]) -> T:
    """An entry of its own, outside any namespace: `forget(key)` makes it stale."""
    return cached_each([Fragment(None, key, build)])[0]


def forget(keys: Iterable[str]) -> None:
    """Drop entries made with `remembered`: now, and again once the transaction commits."""
    if not enabled():
        return
    keys = [f"{FORMAT}:{key}" for key in keys]
    if not keys:
        return

    def drop() -> None:
        _cache().delete_many(keys)

    drop()
    transaction.on_commit(drop)
