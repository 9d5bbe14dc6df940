"""Signed checkpoints of the audit chain's head, and the head a desktop last saw.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 14:00:00

- ``audit_checkpoints`` (server): Ed25519 signatures over the chain's newest record and
  its hash, numbered; the number is the primary key, so several server processes append
  one sequence in the database's order. The key itself is never in the database.
- ``seen_audit_heads`` (desktop): per server, the newest signed checkpoint the audit view
  saw and the server's public key as first seen.

Both tables are new; the downgrade drops them (the checkpoints are lost with it, the
audit records stay).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0009'
down_revision = '0008'


def upgrade() -> None:
    op.create_table('audit_checkpoints',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('record', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_checkpoints'))
    )
    op.create_table('seen_audit_heads',
    sa.Column('api', sa.String(length=400), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('seen_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('api', name=op.f('pk_seen_audit_heads'))
    )


def downgrade() -> None:
    op.drop_table('seen_audit_heads')
    op.drop_table('audit_checkpoints')
