"""e-mails read by dondoc mail: each handled once, failures kept with their reason

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=300), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=False),
    sa.Column('sender', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account', 'message_id')
    )


def downgrade() -> None:
    op.drop_table('mail_messages')
