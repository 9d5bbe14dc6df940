"""R23's notice and R26's sum as the engine's account state.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00

``accounts.notice_at``: when a provider's notice was given. The account stays ``active``
until the notice takes effect (the end of the month in which four weeks after it end),
then becomes ``terminated``; accounts terminated before keep their ``status_at`` as the
instant their window ran from. ``accounts.unapproved_adjustments``: the adjustments
applied without a team lead's approval in the last 720 hours ([instant, size], oldest
first), which R26 adds up. Existing stores start with none counted: the adjustments they
hold were all checked against the limit one at a time. Plain ADD COLUMNs on both
databases, no table rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0007'
down_revision = '0006'


def upgrade() -> None:
    op.add_column('accounts', sa.Column('notice_at',
                                        xrewards_desk.store.types.Instant(timezone=True),
                                        nullable=True))
    op.add_column('accounts', sa.Column('unapproved_adjustments', sa.JSON(), nullable=False,
                                        server_default='[]'))


def downgrade() -> None:
    # SQLite drops a plain column in place (3.35+); rebuilding ``accounts`` in batch mode
    # would fail under the search index's triggers and view, which name the table
    for column in ('unapproved_adjustments', 'notice_at'):
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f'ALTER TABLE accounts DROP COLUMN {column}')
        else:
            op.drop_column('accounts', column)
