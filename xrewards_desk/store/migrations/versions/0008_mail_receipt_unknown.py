"""Mails taken as they come: a receipt time not known yet, a sender not known.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 11:00:00

A mail with neither a readable ``Received:`` nor ``Date:`` header is filed as a case all
the same; its receipt time is unknown until an agent types it in (R25 counts from it):

- ``mail_messages.received_at`` may be NULL (``received_from`` ``unknown``);
- ``mail_messages.received_from`` also takes ``typed`` (set by an agent afterwards) and
  ``unknown``: its CHECK constraint is made again with the four values;
- ``mail_messages.sender`` may be NULL: the mail named no sender address, and the case is
  linked to a customer by hand.

SQLite rebuilds ``mail_messages`` (batch mode; no trigger or view depends on it);
PostgreSQL alters the columns and replaces the constraint in place. The downgrade refuses
nothing silently: rows without a receipt time or a sender cannot go back to the old
schema, so it fails with a sentence if there are any; ``typed`` rows become ``received``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0008'
down_revision = '0007'

OLD = ('received', 'date')
NEW = ('received', 'date', 'typed', 'unknown')
CHECK = 'ck_mail_messages_received_from'


def _enum(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name='received_from', native_enum=False, create_constraint=True,
                   length=32)


def upgrade() -> None:
    with op.batch_alter_table('mail_messages') as batch:
        batch.drop_constraint(op.f(CHECK), type_='check')
        batch.alter_column('received_at',
                           existing_type=xrewards_desk.store.types.Instant(timezone=True),
                           nullable=True)
        batch.alter_column('sender', existing_type=sa.String(length=320), nullable=True)
        batch.create_check_constraint(
            'received_from', sa.column('received_from').in_(NEW))


def downgrade() -> None:
    bind = op.get_bind()
    left = bind.execute(sa.text(
        "SELECT COUNT(*) FROM mail_messages WHERE received_at IS NULL OR sender IS NULL"
    )).scalar_one()
    if left:
        raise RuntimeError(f"{left} mail(s) have no receipt time or no sender; revision 0007 "
                           "cannot hold them, so the store is not downgraded")
    op.execute("UPDATE mail_messages SET received_from = 'received' "
               "WHERE received_from = 'typed'")
    with op.batch_alter_table('mail_messages') as batch:
        batch.drop_constraint(op.f(CHECK), type_='check')
        batch.alter_column('received_at',
                           existing_type=xrewards_desk.store.types.Instant(timezone=True),
                           nullable=False)
        batch.alter_column('sender', existing_type=sa.String(length=320), nullable=False)
        batch.create_check_constraint(
            'received_from', sa.column('received_from').in_(OLD))
