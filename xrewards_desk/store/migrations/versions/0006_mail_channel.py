"""How a case's message reached us: by e-mail, or by phone or letter, typed in by hand.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:00:00

``mail_messages.channel`` (``email``, ``phone`` or ``letter``; existing rows ``email``).
An objection by phone or letter counts from when it reached us (R25) like a mail does,
but its receipt time is typed in by the agent and not read from a ``Received:`` header:
the channel marks it as such wherever the case is shown. A plain ADD COLUMN on both
databases, no table rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'


def upgrade() -> None:
    op.add_column('mail_messages', sa.Column('channel', sa.String(length=16), nullable=False,
                                             server_default='email'))


def downgrade() -> None:
    with op.batch_alter_table('mail_messages') as batch:
        batch.drop_column('channel')
