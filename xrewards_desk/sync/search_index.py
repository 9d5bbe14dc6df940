"""The search index's suspension during a fill lives in the store
(:mod:`xrewards_desk.store.search_index`), which the server's demo build uses too."""

from ..store.search_index import catch_up, defer, pending, rebuild, supported, suspend

__all__ = ["catch_up", "defer", "pending", "rebuild", "supported", "suspend"]
