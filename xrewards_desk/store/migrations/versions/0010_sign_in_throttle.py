"""Sign-in failures counted per key: (name, address), address, name; and known addresses.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 09:00:00

``sign_in_failures`` was one row per typed name with a count and the last failure's time.
It becomes one row per hashed key (server/throttle.py): ``key`` a SHA-256 of the kind,
name and address, ``kind`` (``pair``, ``address``, ``name`` or ``known``), ``count``,
``next_at`` (no attempt under the key is checked earlier) and ``expires_at`` (indexed: the
row is void after it and deleted soon after). The old counts are dropped: they hold typed
names in clear and counted under another policy; dropping them forgets at most an hour's
failures. The downgrade gives back the old, empty table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0010'
down_revision = '0009'


def upgrade() -> None:
    op.drop_table('sign_in_failures')
    op.create_table(
        'sign_in_failures',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('next_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.Column('expires_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_failures')),
    )
    op.create_index(op.f('ix_sign_in_failures_expires_at'), 'sign_in_failures',
                    ['expires_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_sign_in_failures_expires_at'), table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
    op.create_table(
        'sign_in_failures',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('last_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_sign_in_failures')),
    )
