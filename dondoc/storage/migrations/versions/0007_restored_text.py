"""restored copies of stripped and garbled texts: dispatches.text_restored, restored_mode,
restored_map; tasks.text_restored (issue #15)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00

Dispatches stored before this revision have no restored copy; their text is shown as stored.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_restored', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('restored_mode', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('restored_map', sa.JSON(), nullable=True))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_restored', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('text_restored')
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('restored_map')
        batch_op.drop_column('restored_mode')
        batch_op.drop_column('text_restored')
