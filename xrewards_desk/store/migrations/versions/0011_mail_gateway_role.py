"""The mail gateway as a role of its own (R27).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:00:00

R27 names a fifth role, the rewards@ mailbox's gateway process, which files each mail as
a case with its attachments as evidence and records the replies it sent
(``domain/permissions.py``). ``users.role`` takes ``mail_gateway``: its CHECK constraint
is made again with the five values. SQLite rebuilds ``users`` (batch mode; no trigger or
view depends on it, ``api_tokens`` points at it and keeps its rows); PostgreSQL replaces
the constraint in place. The downgrade fails with a sentence while a user has the role.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'

OLD = ('agent', 'compliance', 'team_lead', 'service')
NEW = (*OLD, 'mail_gateway')
CHECK = 'ck_users_role'


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f(CHECK), type_='check')
        batch.create_check_constraint('role', sa.column('role').in_(NEW))


def downgrade() -> None:
    left = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM users WHERE role = 'mail_gateway'")).scalar_one()
    if left:
        raise RuntimeError(f"{left} user(s) have the role mail_gateway; revision 0010 cannot "
                           "hold them, so the store is not downgraded")
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f(CHECK), type_='check')
        batch.create_check_constraint('role', sa.column('role').in_(OLD))
