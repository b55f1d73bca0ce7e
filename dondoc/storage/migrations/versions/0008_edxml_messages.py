"""edXML messages received (a second delivery is a duplicate) and the statuses sent back; an
agency's electronic identifier; what extraction read where an envelope said otherwise

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'edxml_messages',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('message_id', sa.String(300), nullable=False),
        sa.Column('document_id', sa.Integer(), sa.ForeignKey('documents.id', ondelete='CASCADE'), nullable=False),
        sa.Column('document_ref', sa.String(300), nullable=True),
        sa.Column('sender_id', sa.String(60), nullable=True),
        sa.Column('sender_name', sa.String(300), nullable=True),
        sa.Column('recipient_id', sa.String(60), nullable=True),
        sa.Column('recipient_name', sa.String(300), nullable=True),
        sa.Column('code', sa.String(120), nullable=True),
        sa.Column('issued', sa.Date(), nullable=True),
        sa.Column('deliveries', sa.Integer(), nullable=False, server_default='1'),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_delivery_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_edxml_messages_message_id', 'edxml_messages', ['message_id'], unique=True)
    op.create_index('ix_edxml_messages_document_id', 'edxml_messages', ['document_id'])
    op.create_table(
        'edxml_statuses',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey('edxml_messages.id', ondelete='CASCADE'), nullable=False),
        sa.Column('code', sa.String(2), nullable=False),
        sa.Column('description', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('file', sa.String(500), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.UniqueConstraint('message_id', 'code'),
    )
    op.create_index('ix_edxml_statuses_message_id', 'edxml_statuses', ['message_id'])
    op.create_index('ix_edxml_statuses_written_at', 'edxml_statuses', ['written_at'])
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organ_id', sa.String(60), nullable=True))
        batch_op.create_index('ix_agencies_organ_id', ['organ_id'], unique=True)
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('header_alternatives', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('due_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('due_date')
        batch_op.drop_column('header_alternatives')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index('ix_agencies_organ_id')
        batch_op.drop_column('organ_id')
    op.drop_table('edxml_statuses')
    op.drop_table('edxml_messages')
