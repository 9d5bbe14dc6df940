"""Each cancellation of an order, with its time and amount (issue 19).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 16:00:00

``order_cancellations(order_id, seq, at, amount, in_full)``: one row per ``order_cancelled``
event the engine accepted, numbered per order from 1: when it arrived (the server's clock,
as for payment and delivery), the EUR of the discounted net value it cancelled (the
engine's figure: what the event named, or all that was left), and whether nothing of the
order was left after it. ``orders.cancelled`` stays the engine's total.

Existing stores kept only that total: each order with something cancelled gets one row of
its total, numbered 1, whose time is not known (``at`` NULL) and which is ``in_full``
where nothing of the order is left; so the rows of every order add up to its total. A new
table only, on both databases: ``orders`` is not rebuilt (its search triggers stay).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xrewards_desk.store.types

revision = '0012'
down_revision = '0011'


def upgrade() -> None:
    op.create_table(
        'order_cancellations',
        sa.Column('order_id', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('at', xrewards_desk.store.types.Instant(timezone=True), nullable=True),
        sa.Column('amount', xrewards_desk.store.types.Money(precision=14, scale=2),
                  nullable=False),
        sa.Column('in_full', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
                                name=op.f('fk_order_cancellations_order_id_orders')),
        sa.PrimaryKeyConstraint('order_id', 'seq', name=op.f('pk_order_cancellations')),
    )
    # the total each order kept, as one cancellation of unknown time (money is the same
    # type in both tables: cents on SQLite, numeric on PostgreSQL)
    op.execute(
        "INSERT INTO order_cancellations (order_id, seq, at, amount, in_full) "
        "SELECT id, 1, NULL, cancelled, cancelled >= net - discount FROM orders "
        "WHERE cancelled > 0")


def downgrade() -> None:
    op.drop_table('order_cancellations')
