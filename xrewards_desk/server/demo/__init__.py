"""The demo program (``xrewards-desk serve --demo``): about two years of a B2B rewards
program, generated through the server's own paths relative to the clock's today.

Everything is made the way real use makes it: the shop's events as the ``service`` role and
the staff's commands as staff, each through :data:`~..handlers.HANDLERS` with a
:class:`~..context.Ctx`, its change-feed records and its audit record, in arrival order,
with the clock moved from event to event (a :class:`~xrewards_desk.clock.SettableClock`
swapped into the service). Expiries are written as :meth:`Service.advance_all` writes them,
a minute into each day, as the server's periodic job does. So balances, lots expiring within 30
days and open objection windows are alive on the day the demo is built.

Speed (about 20 s for the full demo on a 2-core machine; 17–19 s on 07.12.2026): the
handlers run in one transaction per simulated month, the order events without a
savepoint (their handlers write nothing before the engine accepts), the rest with one.
The feed's records are read back through prepared Core statements instead of the ORM
(:class:`.runner.FastFeed`), and the audit chain is extended in memory
(:class:`~xrewards_desk.store.audit.Chain`); both rows are appended, in order, before
the transaction commits. They are exactly what :class:`~..feed.Feed` and
:func:`~xrewards_desk.store.audit.append` write: ``exact=True`` uses those two (and the
service's own ``advance_all``) instead, and the tests compare the two builds.

Determinism: one seed, ``random.Random`` only, no dict or set order of unordered things.
The same seed and the same ``today`` give the same records, referral codes included (the
handlers draw them from the context's random source, seeded here).

The modules, in the order they build on each other: :mod:`.people` (the demo's size, its
staff, names and places), :mod:`.evidence` (PDF and PNG files), :mod:`.planner` (who
registers and orders when), :mod:`.runner` (how events are written), :mod:`.shop` (the
queue and the shop's events), :mod:`.staff` (mails and answers), :mod:`.cases` (the cases
the staff decide), :mod:`.builder` (the timetable, the build, ``ensure_demo``).
"""

from xrewards_desk.server.demo.builder import MARKER, build_demo, ensure_demo
from xrewards_desk.server.demo.evidence import make_pdf, make_png
from xrewards_desk.server.demo.people import (
    DEMO_ACCOUNTS,
    DEMO_ORGANISATIONS,
    DEMO_SEED,
    HISTORY_MONTHS,
    STAFF,
    DemoInfo,
    DemoUser,
    demo_users,
)
from xrewards_desk.server.demo.runner import FAST_LOADERS

__all__ = ["DEMO_ACCOUNTS", "DEMO_ORGANISATIONS", "DEMO_SEED", "FAST_LOADERS",
           "HISTORY_MONTHS", "MARKER", "STAFF", "DemoInfo", "DemoUser", "build_demo",
           "demo_users", "ensure_demo", "make_pdf", "make_png"]
