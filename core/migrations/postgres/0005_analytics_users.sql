-- The analytics' "all users" of the applications: distinct (application, user) pairs
-- with a session created before a time, counted in this index's order (an index-only
-- scan, no sort) rather than by reading and sorting the sessions table.
CREATE INDEX sessions_app_users ON sessions (application, external_user_id, created_at)
    WHERE external_user_id IS NOT NULL;
