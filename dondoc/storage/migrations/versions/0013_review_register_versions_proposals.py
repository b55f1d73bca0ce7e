"""review states, the register of incoming documents, versions, agency proposals, stored spans,
several pieces of evidence per task

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

VERSIONED = ("agencies", "dispatches", "tasks")


def _version_columns(batch_op) -> None:
    batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    batch_op.add_column(sa.Column('updated_by', sa.String(length=120), nullable=True))
    batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    batch_op.add_column(sa.Column('change_note', sa.Text(), nullable=True))


def upgrade() -> None:
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        _version_columns(batch_op)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        _version_columns(batch_op)
        batch_op.add_column(sa.Column('confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('lead_source', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('condition', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('span_start', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('span_end', sa.Integer(), nullable=True))
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        _version_columns(batch_op)
        batch_op.add_column(sa.Column('marks', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('review', sa.String(length=20), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refusal_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('arrival_number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('arrival_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('arrival_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('urgency', sa.String(length=20), nullable=False, server_default='thuong'))
        batch_op.add_column(sa.Column('secrecy', sa.String(length=20), nullable=False, server_default='thuong'))
        batch_op.add_column(sa.Column('handler_unit', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('handler_person', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('handed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('register_note', sa.Text(), nullable=True))
    # what was confirmed is confirmed; it was registered on the day it was read
    op.execute("UPDATE dispatches SET review = CASE WHEN confirmed THEN 'confirmed' ELSE 'pending' END")
    op.execute("UPDATE dispatches SET arrival_date = date(created_at), arrival_year = CAST(strftime('%Y', created_at) AS INTEGER)"
               if op.get_bind().dialect.name == "sqlite" else
               "UPDATE dispatches SET arrival_date = CAST(created_at AS DATE), arrival_year = EXTRACT(YEAR FROM created_at)")
    op.execute("UPDATE dispatches SET arrival_number = (SELECT count(*) FROM dispatches d2 WHERE d2.review = 'confirmed'"
               " AND d2.arrival_year = dispatches.arrival_year AND d2.id <= dispatches.id) WHERE review = 'confirmed'")
    op.execute("UPDATE dispatches SET arrival_year = NULL WHERE review != 'confirmed'")
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_column('confirmed')
        batch_op.create_index(batch_op.f('ix_dispatches_review'), ['review'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatches_arrival_date'), ['arrival_date'], unique=False)
        batch_op.create_unique_constraint('uq_dispatches_arrival', ['arrival_year', 'arrival_number'])

    op.create_table('dispatch_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispatch_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['dispatch_id'], ['dispatches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dispatch_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_events_dispatch_id'), ['dispatch_id'], unique=False)

    op.create_table('agency_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('seen', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_by', sa.String(length=120), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_id'], ['agencies.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agency_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_proposals_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_agency_proposals_state'), ['state'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('filename', sa.String(length=300), nullable=True),
    sa.Column('stored_path', sa.String(length=500), nullable=True),
    sa.Column('mime', sa.String(length=120), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('dispatch_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.String(length=120), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_by', sa.String(length=120), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dispatch_id'], ['dispatches.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_dispatch_id'), ['dispatch_id'], unique=False)
    # the one piece of evidence a task could hold so far becomes its first
    op.execute("INSERT INTO evidence (task_id, note, filename, stored_path, dispatch_id, added_by, added_at)"
               " SELECT id, evidence_note, CASE WHEN evidence_path IS NOT NULL THEN 'minh-chung' END, evidence_path,"
               " evidence_dispatch_id, 'hệ thống', CURRENT_TIMESTAMP FROM tasks"
               " WHERE evidence_note IS NOT NULL OR evidence_path IS NOT NULL OR evidence_dispatch_id IS NOT NULL")


def downgrade() -> None:
    op.drop_table('evidence')
    op.drop_table('agency_proposals')
    op.drop_table('dispatch_events')
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE dispatches SET confirmed = (review = 'confirmed')")
    with op.batch_alter_table('dispatches', schema=None) as batch_op:
        batch_op.drop_constraint('uq_dispatches_arrival', type_='unique')
        batch_op.drop_index(batch_op.f('ix_dispatches_arrival_date'))
        batch_op.drop_index(batch_op.f('ix_dispatches_review'))
        for col in ('marks', 'review', 'reviewed_by', 'reviewed_at', 'refusal_reason', 'arrival_number', 'arrival_year',
                    'arrival_date', 'urgency', 'secrecy', 'handler_unit', 'handler_person', 'handed_on', 'register_note',
                    'version', 'updated_by', 'updated_at', 'change_note'):
            batch_op.drop_column(col)
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        for col in ('condition', 'span_start', 'span_end'):
            batch_op.drop_column(col)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        for col in ('confidence', 'lead_source', 'reason', 'version', 'updated_by', 'updated_at', 'change_note'):
            batch_op.drop_column(col)
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        for col in ('version', 'updated_by', 'updated_at', 'change_note'):
            batch_op.drop_column(col)
