"""The selection method of expert draws, kept apart so that anyone can re-run it from a record.

Method: every eligible expert gets the key HMAC-SHA256(seed, str(expert id)) (seed as hex-decoded
bytes, id as ASCII decimal); experts are taken in ascending key order, the first ``main`` as main
experts and the next ``backups`` as backups. The seed is 32 bytes from the operating system's
random source, stored with the record. The pool fingerprint is SHA-256 over the eligible ids,
ascending, joined by commas. The same pool, criteria and seed always give the same lists.
"""

import hashlib
import heapq
import hmac
import secrets

METHOD = "HMAC-SHA256(seed, expert_id) 升序排列，取前 N 名为正选、其后 M 名为备选"


def new_seed() -> str:
    return secrets.token_hex(32)


def fingerprint(pool_ids: list[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in sorted(pool_ids)).encode()).hexdigest()


def _key(seed: bytes, expert_id: int) -> bytes:
    return hmac.digest(seed, str(expert_id).encode("ascii"), "sha256")


def rank(seed: str, pool_ids: list[int]) -> list[int]:
    key = bytes.fromhex(seed)
    return sorted(pool_ids, key=lambda i: _key(key, i))


def select(seed: str, pool_ids: list[int], main: int, backups: int) -> tuple[list[int], list[int]]:
    key = bytes.fromhex(seed)
    ranked = heapq.nsmallest(main + backups, pool_ids, key=lambda i: _key(key, i))
    return ranked[:main], ranked[main : main + backups]
