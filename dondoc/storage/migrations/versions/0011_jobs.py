"""jobs: the upload job table generalised (state, attempts, worker, heartbeat, progress, queue)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    jobs = op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('queue', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('max_attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('worker', sa.String(length=120), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('pages_done', sa.Integer(), nullable=True),
        sa.Column('pages_total', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=500), nullable=False),
        sa.Column('stored_path', sa.String(length=500), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_jobs_queue', 'jobs', ['queue'])
    op.create_index('ix_jobs_state', 'jobs', ['state'])
    op.create_index('ix_jobs_worker', 'jobs', ['worker'])
    op.create_index('ix_jobs_sha256', 'jobs', ['sha256'])
    op.create_table(
        'workers',
        sa.Column('id', sa.String(length=120), nullable=False),
        sa.Column('host', sa.String(length=200), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('queues', sa.JSON(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    # uploads already made keep their rows and ids; one still queued or running when the server
    # stopped is queued again, and recovery on the next start hands it to a worker. Copied row by
    # row through SQLAlchemy, so the JSON payload is written as each database wants it
    old = sa.table('upload_jobs', *(sa.column(c) for c in ('id', 'filename', 'stored_path', 'status', 'message',
                                                          'document_id', 'username')),
                   sa.column('created_at', sa.DateTime(timezone=True)))
    rows = op.get_bind().execute(sa.select(old)).mappings().all()
    if rows:
        op.bulk_insert(jobs, [dict(id=r['id'], kind='ingest', queue='default',
                                   state='queued' if r['status'] == 'running' else r['status'], attempts=0,
                                   max_attempts=3, message=r['message'], filename=r['filename'],
                                   stored_path=r['stored_path'], payload={}, document_id=r['document_id'],
                                   username=r['username'], created_at=r['created_at']) for r in rows])
    _follow_ids('jobs')
    op.drop_table('upload_jobs')


def _follow_ids(table: str) -> None:
    """PostgreSQL's id sequence does not see ids written explicitly: move it past them."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")


def downgrade() -> None:
    op.create_table(
        'upload_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=500), nullable=False),
        sa.Column('stored_path', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute("INSERT INTO upload_jobs (id, filename, stored_path, status, message, document_id, username, created_at)"
               " SELECT id, filename, coalesce(stored_path, ''), state, message, document_id, username, created_at"
               " FROM jobs WHERE kind = 'ingest'")
    _follow_ids('upload_jobs')
    op.drop_table('workers')
    op.drop_table('jobs')
