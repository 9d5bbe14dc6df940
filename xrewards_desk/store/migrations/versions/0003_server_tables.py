"""The reference server's tables: sign-in tokens and failures, idempotency keys, the
change feed, suspicions reported by agents, and the audit log's hash chain.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:00:00

Written by hand: no table of 0002's search triggers is rebuilt (columns are only added),
so those triggers stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0003'
down_revision = '0002'


def upgrade() -> None:
    op.create_table(
        'api_tokens',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.Column('expires_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_api_tokens')),
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'])
    op.create_index(op.f('ix_api_tokens_expires_at'), 'api_tokens', ['expires_at'])
    op.create_table(
        'sign_in_failures',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('last_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_sign_in_failures')),
    )
    op.create_table(
        'idempotency_keys',
        sa.Column('user_name', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=False),
        sa.Column('response', sa.JSON(), nullable=False),
        sa.Column('created_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_name', 'key', name=op.f('pk_idempotency_keys')),
    )
    op.create_table(
        'changes',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('record_id', sa.String(length=120), nullable=False),
        sa.Column('data', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_changes')),
    )
    op.create_table(
        'suspicions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('reported_by', sa.String(length=64), nullable=False),
        sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_suspicions_account_id_accounts')),
        sa.ForeignKeyConstraint(['case_id'], ['mail_cases.id'], name=op.f('fk_suspicions_case_id_mail_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suspicions')),
    )
    op.create_index(op.f('ix_suspicions_account_id'), 'suspicions', ['account_id'])
    op.create_index('ix_lots_expires_at', 'lots', ['expires_at'])
    op.add_column('audit_log', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_log', sa.Column('hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_log') as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    op.drop_index('ix_lots_expires_at', table_name='lots')
    op.drop_index(op.f('ix_suspicions_account_id'), table_name='suspicions')
    op.drop_table('suspicions')
    op.drop_table('changes')
    op.drop_table('idempotency_keys')
    op.drop_table('sign_in_failures')
    op.drop_index(op.f('ix_api_tokens_expires_at'), table_name='api_tokens')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
