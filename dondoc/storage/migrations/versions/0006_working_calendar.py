"""the working-day calendar's admin-entered days; the reason a task is suspended

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:30:00

Status codes stored before this revision are unchanged (`domain.Status` keeps them), so no row
needs rewriting; `tam_dung` is a new value of the same column.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False, server_default=''),
    sa.Column('created_by', sa.String(length=80), nullable=False, server_default=''),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day')
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('status_reason')
    op.drop_table('calendar_days')
