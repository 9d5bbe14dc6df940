"""Notes on a customer, not only on a case (issue 19).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:00:00

``customer_notes(id, account_id, at, author, text)``: what a member of staff wrote about
the customer for every desk to see (command ``note_customer``, in the audit log and the
change feed). A new table only, on both databases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0013'
down_revision = '0012'


def upgrade() -> None:
    op.create_table(
        'customer_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.String(length=64), nullable=False),
        sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=False),
        sa.Column('author', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_customer_notes_account_id_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_notes')),
    )
    op.create_index(op.f('ix_customer_notes_account_id'), 'customer_notes', ['account_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_customer_notes_account_id'), table_name='customer_notes')
    op.drop_table('customer_notes')
