"""The selection method of expert draws, kept apart so that anyone can re-run it from a record.

Method: every eligible expert gets the key HMAC-SHA256(seed, str(expert id)) (seed as hex-decoded
bytes, id as ASCII decimal); experts are taken in ascending key order, the first ``main`` as main
experts and the next ``backups`` as backups. The seed is 32 bytes from the operating system's
random source, stored with the record. The pool fingerprint is SHA-256 over the eligible ids,
ascending, joined by commas. The same pool, criteria and seed always give the same lists.

In Python the key of one id is ``hmac.digest(seed, str(id).encode(), "sha256")``; ``keys`` below
computes the same HMAC (RFC 2104) from the two padded seed states hashed once per draw, which
ranks thousands of ids in a fraction of the time.
"""

import hashlib
import heapq
import secrets
from collections.abc import Iterable

METHOD = "HMAC-SHA256(seed, expert_id) 升序排列，取前 N 名为正选、其后 M 名为备选"
BLOCK = 64  # SHA-256 block size in bytes


def new_seed() -> str:
    return secrets.token_hex(32)


def fingerprint(pool_ids: Iterable[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(pool_ids))).encode()).hexdigest()


def keys(seed: str, pool_ids: Iterable[int]) -> list[tuple[bytes, int]]:
    """(HMAC-SHA256(seed, str(id)), id) for every id."""
    key = bytes.fromhex(seed)
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    keyed = []
    for expert_id in pool_ids:
        digest = inner.copy()
        digest.update(b"%d" % expert_id)
        mac = outer.copy()
        mac.update(digest.digest())
        keyed.append((mac.digest(), expert_id))
    return keyed


def rank(seed: str, pool_ids: Iterable[int]) -> list[int]:
    return [expert_id for _, expert_id in sorted(keys(seed, pool_ids))]


def select(
    seed: str, pool_ids: Iterable[int], main: int, backups: int
) -> tuple[list[int], list[int]]:
    ranked = [expert_id for _, expert_id in heapq.nsmallest(main + backups, keys(seed, pool_ids))]
    return ranked[:main], ranked[main : main + backups]
