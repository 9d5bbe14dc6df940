"""The rewards@ mailbox through the mail gateway (issue 20): replies sent and mails taken.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 15:00:00

- ``mail_messages`` gains a reply's send state: ``send_state`` (``queued``, ``sending``,
  ``sent``, ``refused`` or ``unknown``; NULL for a mail in and for a reply recorded as
  sent by hand, so every existing row keeps its meaning), ``send_detail`` (the SMTP
  server's last words), ``send_attempts``, ``send_at`` (when the state was last set),
  ``queued_at`` and ``recipient``; an index on ``send_state`` for the gateway's queue.
- ``mail_messages.received_from`` also takes ``internaldate`` (the IMAP server's own date
  of arrival, for a mail with neither a Received: nor a Date: header): its CHECK
  constraint is made again with the five values (a string column on both databases, as
  0008 made it, not a native enum).
- ``gateway_state``: one row, what the mail gateway last reported about itself (not in
  the change feed).

SQLite rebuilds ``mail_messages`` (batch mode; ``mail_attachments`` points at it and keeps
its rows); PostgreSQL adds the columns and replaces the constraint in place. The
downgrade fails with a sentence while a reply went through the gateway or a mail was
dated by INTERNALDATE: revision 0013 cannot hold them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0014'
down_revision = '0013'

OLD = ('received', 'date', 'typed', 'unknown')
NEW = ('received', 'date', 'internaldate', 'typed', 'unknown')
STATES = ('queued', 'sending', 'sent', 'refused', 'unknown')
CHECK = 'ck_mail_messages_received_from'
STATE_CHECK = 'ck_mail_messages_reply_state'


def _instant() -> xrewards_desk.store.types.Instant:
    return xrewards_desk.store.types.Instant(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('mail_messages') as batch:
        batch.drop_constraint(op.f(CHECK), type_='check')
        batch.create_check_constraint('received_from', sa.column('received_from').in_(NEW))
        batch.add_column(sa.Column('send_state', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('send_detail', sa.Text(), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('send_attempts', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('send_at', _instant(), nullable=True))
        batch.add_column(sa.Column('queued_at', _instant(), nullable=True))
        batch.add_column(sa.Column('recipient', sa.String(length=320), nullable=True))
        batch.create_check_constraint('reply_state', sa.column('send_state').in_(STATES))
        batch.create_index(op.f('ix_mail_messages_send_state'), ['send_state'], unique=False)
    op.create_table(
        'gateway_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('connected', sa.Boolean(), nullable=False),
        sa.Column('last_taken_at', _instant(), nullable=True),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('reported_at', _instant(), nullable=False),
        sa.Column('reported_by', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_state')),
    )


def downgrade() -> None:
    left = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM mail_messages WHERE send_state IS NOT NULL "
        "OR received_from = 'internaldate'")).scalar_one()
    if left:
        raise RuntimeError(f"{left} mail(s) went through the mail gateway; revision 0013 "
                           "cannot hold them, so the store is not downgraded")
    op.drop_table('gateway_state')
    with op.batch_alter_table('mail_messages') as batch:
        batch.drop_index(op.f('ix_mail_messages_send_state'))
        batch.drop_constraint(op.f(STATE_CHECK), type_='check')
        for column in ('recipient', 'queued_at', 'send_at', 'send_attempts', 'send_detail',
                       'send_state'):
            batch.drop_column(column)
        batch.drop_constraint(op.f(CHECK), type_='check')
        batch.create_check_constraint('received_from', sa.column('received_from').in_(OLD))
