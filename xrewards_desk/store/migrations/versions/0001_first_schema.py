"""The first schema: customers, the engine's state, cases, requests, evidence, abuse
review, audit log and the desktop's sync state and outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 06:26:31.183405
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0001'
down_revision = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_subject'), ['subject'], unique=False)

    op.create_table('evidence_files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('uploaded_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=True),
    sa.Column('local_path', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_evidence_files'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum('pending', 'sending', 'done', 'refused', 'withdrawn', name='outbox_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('answered_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('refusal_code', sa.String(length=64), nullable=True),
    sa.Column('refusal_message', sa.Text(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_state'), ['state'], unique=False)

    op.create_table('program',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('launch', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('ended_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program'))
    )
    op.create_table('sync_state',
    sa.Column('api', sa.String(length=400), nullable=False),
    sa.Column('cursor', sa.String(length=200), nullable=True),
    sa.Column('last_success', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('user_name', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('api', name=op.f('pk_sync_state'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('agent', 'compliance', 'team_lead', 'service', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('password_hash', sa.String(length=400), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name'))
    )
    op.create_table('billing_accounts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_billing_accounts_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_accounts'))
    )
    with op.batch_alter_table('billing_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_accounts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('accounts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('billing_account_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('email_key', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('registered_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('active', 'closed', 'terminated', 'terminated_for_cause', name='account_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('referral_code', sa.String(length=32), nullable=True),
    sa.Column('referred_by', sa.String(length=64), nullable=True),
    sa.Column('referral_void', sa.Boolean(), nullable=False),
    sa.Column('signup_ip', sa.String(length=64), nullable=True),
    sa.Column('device_fingerprint', sa.String(length=128), nullable=True),
    sa.Column('spend', xrewards_desk.store.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('debt', sa.Integer(), nullable=False),
    sa.Column('claims_total', xrewards_desk.store.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('next_lot', sa.Integer(), nullable=False),
    sa.Column('next_entry', sa.Integer(), nullable=False),
    sa.Column('next_notice', sa.Integer(), nullable=False),
    sa.Column('has_completed_order', sa.Boolean(), nullable=False),
    sa.Column('first_order', sa.String(length=64), nullable=True),
    sa.Column('first_order_candidates', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['billing_account_id'], ['billing_accounts.id'], name=op.f('fk_accounts_billing_account_id_billing_accounts')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_accounts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['referred_by'], ['accounts.id'], name=op.f('fk_accounts_referred_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('referral_code', name=op.f('uq_accounts_referral_code'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_billing_account_id'), ['billing_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accounts_referred_by'), ['referred_by'], unique=False)

    op.create_table('abuse_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referrer_id', sa.String(length=64), nullable=False),
    sa.Column('invitee_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('found_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitee_id'], ['accounts.id'], name=op.f('fk_abuse_signals_invitee_id_accounts')),
    sa.ForeignKeyConstraint(['referrer_id'], ['accounts.id'], name=op.f('fk_abuse_signals_referrer_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_abuse_signals')),
    sa.UniqueConstraint('invitee_id', 'referrer_id', 'kind', name=op.f('uq_abuse_signals_invitee_id'))
    )
    with op.batch_alter_table('abuse_signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abuse_signals_invitee_id'), ['invitee_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('amount', xrewards_desk.store.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('source_kind', sa.Enum('order', 'referral', 'transfer', 'adjustment', 'objection', 'abuse_case', 'expiry', 'closing', name='claim_source_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('open', 'invoiced', 'paid', 'written_off', name='claim_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('state_by', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_claims_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_account_id'), ['account_id'], unique=False)

    op.create_table('delivery_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=16), nullable=False),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_delivery_addresses_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_addresses'))
    )
    with op.batch_alter_table('delivery_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_addresses_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_addresses_key'), ['key'], unique=False)

    op.create_table('discount_codes',
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('registered_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('used_on', sa.String(length=64), nullable=True),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_discount_codes_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_discount_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_discount_codes_code'))
    )
    op.create_table('engine_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_engine_events_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engine_events'))
    )
    with op.batch_alter_table('engine_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engine_events_account_id'), ['account_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('type', sa.Enum('earn', 'referral_bonus', 'redemption', 'refund', 'reversal', 'expiry', 'transfer_out', 'transfer_in', 'void', 'adjustment', 'forfeit', name='entry_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.Enum('order', 'referral', 'transfer', 'adjustment', 'objection', 'abuse_case', 'expiry', 'closing', name='entry_source_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ledger_entries_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('account_id', 'seq', name=op.f('uq_ledger_entries_account_id'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_source', ['source_kind', 'source_ref'], unique=False)

    op.create_table('lots',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('credited_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('usable_until', sa.Date(), nullable=False),
    sa.Column('expires_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('remaining', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.Enum('order', 'referral', 'transfer', 'adjustment', 'objection', 'abuse_case', 'expiry', 'closing', name='source_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('root', sa.String(length=80), nullable=False),
    sa.Column('parent', sa.String(length=80), nullable=True),
    sa.Column('redeemed', sa.Integer(), nullable=False),
    sa.Column('transferred', sa.JSON(), nullable=False),
    sa.Column('void_claimant', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_lots_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lots')),
    sa.UniqueConstraint('account_id', 'seq', name=op.f('uq_lots_account_id'))
    )
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lots_root'), ['root'], unique=False)

    op.create_table('mail_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=998), nullable=False),
    sa.Column('status', sa.Enum('new', 'open', 'waiting', 'closed', name='mail_case_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=True),
    sa.Column('assigned_to', sa.String(length=64), nullable=True),
    sa.Column('opened_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_mail_cases_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_cases'))
    )
    with op.batch_alter_table('mail_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_cases_account_id'), ['account_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('placed_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('placed_by', sa.String(length=64), nullable=True),
    sa.Column('paid_by', sa.String(length=64), nullable=True),
    sa.Column('payment_fingerprint', sa.String(length=128), nullable=True),
    sa.Column('net', xrewards_desk.store.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('discount', xrewards_desk.store.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('cancelled', xrewards_desk.store.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('redeemed', sa.Integer(), nullable=False),
    sa.Column('redemption', sa.JSON(), nullable=False),
    sa.Column('paid_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('delivered_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('completed_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('earning', sa.Boolean(), nullable=False),
    sa.Column('rate', sa.Integer(), nullable=False),
    sa.Column('credited', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.String(length=80), nullable=True),
    sa.Column('spend_added', xrewards_desk.store.types.Money(precision=14, scale=2), nullable=False),
    sa.Column('bonus_account', sa.String(length=64), nullable=True),
    sa.Column('bonus_lot', sa.String(length=80), nullable=True),
    sa.Column('bonus_credited', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_orders_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orders_payment_fingerprint'), ['payment_fingerprint'], unique=False)

    op.create_table('abuse_cases',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('invitee_id', sa.String(length=64), nullable=True),
    sa.Column('opened_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('open', 'dismissed', 'confirmed', name='abuse_case_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('mail_case_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invitee_id'], ['accounts.id'], name=op.f('fk_abuse_cases_invitee_id_accounts')),
    sa.ForeignKeyConstraint(['mail_case_id'], ['mail_cases.id'], name=op.f('fk_abuse_cases_mail_case_id_mail_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_abuse_cases'))
    )
    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mail_cases.id'], name=op.f('fk_case_notes_case_id_mail_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('lot_allocations',
    sa.Column('entry_id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.String(length=80), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_lot_allocations_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('entry_id', 'seq', name=op.f('pk_lot_allocations'))
    )
    with op.batch_alter_table('lot_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_allocations_lot_id'), ['lot_id'], unique=False)

    op.create_table('mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=False),
    sa.Column('in_reply_to', sa.String(length=998), nullable=True),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('outgoing', sa.Boolean(), nullable=False),
    sa.Column('received_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('received_from', sa.Enum('received', 'date', name='received_from', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=998), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mail_cases.id'], name=op.f('fk_mail_messages_case_id_mail_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_messages_message_id'))
    )
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_sender'), ['sender'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('credit', 'reversal', 'void', 'expiry', 'transfer', 'forfeit', name='notice_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sent_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('entry_id', sa.String(length=80), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_notices_account_id_accounts')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_notices_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('account_id', 'seq', name=op.f('uq_notices_account_id'))
    )
    op.create_table('transfer_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('left_organisation', 'reassignment', 'other', name='transfer_reason', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'withdrawn', name='transfer_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mail_cases.id'], name=op.f('fk_transfer_requests_case_id_mail_cases')),
    sa.ForeignKeyConstraint(['source_id'], ['accounts.id'], name=op.f('fk_transfer_requests_source_id_accounts')),
    sa.ForeignKeyConstraint(['target_id'], ['accounts.id'], name=op.f('fk_transfer_requests_target_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_requests'))
    )
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_requests_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_requests_target_id'), ['target_id'], unique=False)

    op.create_table('abuse_case_accounts',
    sa.Column('case_id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_abuse_case_accounts_account_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['abuse_cases.id'], name=op.f('fk_abuse_case_accounts_case_id_abuse_cases')),
    sa.PrimaryKeyConstraint('case_id', 'account_id', name=op.f('pk_abuse_case_accounts'))
    )
    with op.batch_alter_table('abuse_case_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abuse_case_accounts_account_id'), ['account_id'], unique=False)

    op.create_table('mail_attachments',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('refused', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_sha256'], ['evidence_files.sha256'], name=op.f('fk_mail_attachments_evidence_sha256_evidence_files')),
    sa.ForeignKeyConstraint(['message_id'], ['mail_messages.id'], name=op.f('fk_mail_attachments_message_id_mail_messages')),
    sa.PrimaryKeyConstraint('message_id', 'seq', name=op.f('pk_mail_attachments'))
    )
    op.create_table('notice_lots',
    sa.Column('notice_id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.String(length=80), nullable=False),
    sa.Column('remaining', sa.Integer(), nullable=False),
    sa.Column('usable_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_lots_notice_id_notices')),
    sa.PrimaryKeyConstraint('notice_id', 'seq', name=op.f('pk_notice_lots'))
    )
    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('notice', 'terms', name='objection_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('notice_id', sa.String(length=80), nullable=True),
    sa.Column('received_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('recorded', 'upheld', 'rejected', 'late', 'goodwill', name='objection_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_objections_account_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['mail_cases.id'], name=op.f('fk_objections_case_id_mail_cases')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_objections_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objections_case_id'), ['case_id'], unique=False)

    op.create_table('transfer_evidence',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['transfer_requests.id'], name=op.f('fk_transfer_evidence_request_id_transfer_requests')),
    sa.ForeignKeyConstraint(['sha256'], ['evidence_files.sha256'], name=op.f('fk_transfer_evidence_sha256_evidence_files')),
    sa.PrimaryKeyConstraint('request_id', 'seq', name=op.f('pk_transfer_evidence'))
    )
    op.create_table('adjustment_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('goodwill', sa.Boolean(), nullable=False),
    sa.Column('objection_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'withdrawn', name='adjustment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('entry_id', sa.String(length=80), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_adjustment_requests_account_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['mail_cases.id'], name=op.f('fk_adjustment_requests_case_id_mail_cases')),
    sa.ForeignKeyConstraint(['objection_id'], ['objections.id'], name=op.f('fk_adjustment_requests_objection_id_objections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustment_requests'))
    )
    with op.batch_alter_table('adjustment_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustment_requests_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustment_requests_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('adjustment_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adjustment_requests_status'))
        batch_op.drop_index(batch_op.f('ix_adjustment_requests_account_id'))

    op.drop_table('adjustment_requests')
    op.drop_table('transfer_evidence')
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_case_id'))
        batch_op.drop_index(batch_op.f('ix_objections_account_id'))

    op.drop_table('objections')
    op.drop_table('notice_lots')
    op.drop_table('mail_attachments')
    with op.batch_alter_table('abuse_case_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abuse_case_accounts_account_id'))

    op.drop_table('abuse_case_accounts')
    with op.batch_alter_table('transfer_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_requests_target_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_requests_status'))
        batch_op.drop_index(batch_op.f('ix_transfer_requests_source_id'))

    op.drop_table('transfer_requests')
    op.drop_table('notices')
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_messages_sender'))
        batch_op.drop_index(batch_op.f('ix_mail_messages_case_id'))

    op.drop_table('mail_messages')
    with op.batch_alter_table('lot_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_allocations_lot_id'))

    op.drop_table('lot_allocations')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    op.drop_table('abuse_cases')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_payment_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_orders_account_id'))

    op.drop_table('orders')
    with op.batch_alter_table('mail_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_cases_account_id'))

    op.drop_table('mail_cases')
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lots_root'))

    op.drop_table('lots')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_source')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('engine_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engine_events_account_id'))

    op.drop_table('engine_events')
    op.drop_table('discount_codes')
    with op.batch_alter_table('delivery_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_addresses_key'))
        batch_op.drop_index(batch_op.f('ix_delivery_addresses_account_id'))

    op.drop_table('delivery_addresses')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_account_id'))

    op.drop_table('claims')
    with op.batch_alter_table('abuse_signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abuse_signals_invitee_id'))

    op.drop_table('abuse_signals')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_referred_by'))
        batch_op.drop_index(batch_op.f('ix_accounts_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_accounts_email_key'))
        batch_op.drop_index(batch_op.f('ix_accounts_billing_account_id'))

    op.drop_table('accounts')
    with op.batch_alter_table('billing_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_accounts_organisation_id'))

    op.drop_table('billing_accounts')
    op.drop_table('users')
    op.drop_table('sync_state')
    op.drop_table('program')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_state'))

    op.drop_table('outbox')
    op.drop_table('organisations')
    op.drop_table('evidence_files')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_subject'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
