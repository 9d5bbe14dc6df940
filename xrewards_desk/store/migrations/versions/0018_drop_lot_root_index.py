"""The index on a lot's root goes: nothing reads by it (issue 23).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 03:00:00

``ix_lots_root`` came with the first schema (``index=True`` on ``lots.root``), and no
query, on the desktop or the server, has ever looked lots up by their root: a lot's
lineage is read from the lot itself (``parent``, ``root``). Each new lot still wrote an
entry into it, on a random leaf page of a large store (at 100,000 accounts, the
incremental sync of 10,000 changes wrote 1,377 WAL frames of it out of 21,053). The
downgrade builds it again.
"""

from __future__ import annotations

from alembic import op

revision = '0018'
down_revision = '0017'


def upgrade() -> None:
    op.drop_index(op.f('ix_lots_root'), table_name='lots')


def downgrade() -> None:
    op.create_index(op.f('ix_lots_root'), 'lots', ['root'], unique=False)
