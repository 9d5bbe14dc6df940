"""The search index's suspension during a fill lives in the store
(:mod:`xrewards_desk.store.search_index`), which the server's demo build uses too."""

from ..store.search_index import pending, rebuild, supported, suspend

__all__ = ["pending", "rebuild", "supported", "suspend"]
