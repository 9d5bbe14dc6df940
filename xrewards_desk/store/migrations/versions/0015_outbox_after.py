"""A command in the desktop's outbox sent only after another was applied (issue 19).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 13:00:00

``outbox.after``: the command this one went with (a macro's decision before its status
change and its reply); if that one is refused or withdrawn, this one is refused on the
desktop and never sent. NULL for every command queued on its own (all existing ones).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('after', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_outbox_after_outbox'), 'outbox', ['after'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_constraint(op.f('fk_outbox_after_outbox'), type_='foreignkey')
        batch.drop_column('after')
