"""Presence marks in the database, for several server processes (issue 21).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 15:00:00

``presence_marks(record, user_name, display_name, since, last)``: who has which record
open, which one server process kept in its memory; with several processes on one store
each must see the marks another took. A new table only, on both databases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0016'
down_revision = '0015'


def upgrade() -> None:
    op.create_table(
        'presence_marks',
        sa.Column('record', sa.String(length=100), nullable=False),
        sa.Column('user_name', sa.String(length=64), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=False),
        sa.Column('since', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.Column('last', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('record', 'user_name', name=op.f('pk_presence_marks')),
    )
    op.create_index(op.f('ix_presence_marks_last'), 'presence_marks', ['last'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_presence_marks_last'), table_name='presence_marks')
    op.drop_table('presence_marks')
