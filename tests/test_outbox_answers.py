"""The server's answers to decisions sent from the transfers queue, as the store reads
them for the UI (:func:`xrewards_desk.store.read.lookups.outbox_answers`): the commands
still waiting or being sent are left out; a refusal carries its reason, the server's
German words where the desk is German and the server gave them, else its message, else its
code (R21's stale_version: "tomasz decided first"). On a real store, each backend."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from xrewards_desk.store import models as m
from xrewards_desk.store.db import Store
from xrewards_desk.store.read.lookups import OutboxAnswer, outbox_answers

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def queued(store: Store, state: m.OutboxState, code: str | None = None,
           message: str | None = None, response: dict[str, Any] | None = None) -> int:
    with store.session() as s:
        row = m.OutboxCommand(
            idempotency_key=str(uuid.uuid4()), kind="approve_transfer",
            payload={"type": "approve_transfer", "request": 5, "version": 1},
            evidence=[], created_at=AT, created_by="tessa", state=state, attempts=1,
            refusal_code=code, refusal_message=message, response=response)
        s.add(row)
        s.flush()
        return row.id


def test_only_answered_commands_come_back_with_the_reason_in_the_desks_language(
        store: Store) -> None:
    waiting = queued(store, m.OutboxState.PENDING)
    sending = queued(store, m.OutboxState.SENDING)
    done = queued(store, m.OutboxState.DONE)
    stale = queued(store, m.OutboxState.REFUSED, "stale_version",
                   "tomasz decided this request first.",
                   {"message_de": "tomasz hat diesen Antrag zuerst entschieden."})
    bare = queued(store, m.OutboxState.REFUSED, "four_eyes")
    withdrawn = queued(store, m.OutboxState.WITHDRAWN)
    other = queued(store, m.OutboxState.DONE)  # not asked about
    ids = [withdrawn, bare, stale, done, sending, waiting]

    with store.session() as s:
        english = outbox_answers(s, ids)
        german = outbox_answers(s, ids, german=True)
    assert english == [
        OutboxAnswer(done, "done", ""),
        OutboxAnswer(stale, "refused", "tomasz decided this request first."),
        OutboxAnswer(bare, "refused", "four_eyes"),  # no words: the code
        OutboxAnswer(withdrawn, "withdrawn", ""),
    ]
    assert [a.message for a in german] == [
        "", "tomasz hat diesen Antrag zuerst entschieden.", "four_eyes", ""]
    assert [(a.done, a.refused) for a in english] == [
        (True, False), (False, True), (False, True), (False, False)]
    assert other not in {a.id for a in english}
    with store.session() as s:
        assert outbox_answers(s, []) == []
