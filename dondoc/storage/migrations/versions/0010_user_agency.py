"""agency staff: a user may belong to an agency

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_agency_id'), ['agency_id'], unique=False)
        batch_op.create_foreign_key('fk_users_agency_id_agencies', 'agencies', ['agency_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_agency_id_agencies', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_agency_id'))
        batch_op.drop_column('agency_id')
