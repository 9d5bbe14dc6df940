"""Indexes for the ledger history of accounts with many entries (store/read/customers.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 12:00:00

- ``ix_ledger_entries_history`` on ledger_entries (account_id, seq, type, at, points):
  covers what a history page filters and sums. A page's rows are found in seq order
  with the type and period filters read from the index (the table is read only for the
  rows shown), and the running balance before a page, the counts and "balance as of"
  are sums over the index alone, never the table. Measured on an account with 100,000
  entries (tests/benchmarks/bench_history.py): the first page of 200 rows from 69 ms to
  a few ms.
- ``ix_notices_entry_id`` on notices (entry_id): a page shows the notice sent for each
  of its entries; without it every page scanned the whole notices table.
- ``ix_lots_account_expiry`` on lots (account_id, expires_at, remaining): an account's
  balance as of now (R10, R11: the remaining points of lots not expired) and what
  expires within 30 days are sums over the index alone, and the lots due by an instant
  a range of it; before, each read every lot the account ever had, through the table.

Plain CREATE INDEX on both databases: no table is rebuilt, so the search triggers of
0002/0004 on accounts, orders, organisations and billing accounts stay as they are.
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'


def upgrade() -> None:
    op.create_index('ix_ledger_entries_history', 'ledger_entries',
                    ['account_id', 'seq', 'type', 'at', 'points'])
    op.create_index('ix_notices_entry_id', 'notices', ['entry_id'])
    op.create_index('ix_lots_account_expiry', 'lots', ['account_id', 'expires_at', 'remaining'])


def downgrade() -> None:
    op.drop_index('ix_lots_account_expiry', table_name='lots')
    op.drop_index('ix_notices_entry_id', table_name='notices')
    op.drop_index('ix_ledger_entries_history', table_name='ledger_entries')
