-- The console's search through a trigram index (pg_trgm, shipped with PostgreSQL and
-- a trusted extension: the database's owner may create it). One GIN index over the
-- live sessions' searched text: the user name, or "guest" for a guest (as the console
-- shows it), the application, the last address and the id. The store asks it first
-- for a term of 3 or more characters (`ILIKE '%term%'` over the same expression), then
-- applies the exact test to what it found; the expression must stay exactly as the
-- store writes it (`push_trigram_filter` in src/store/postgres/mod.rs).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX sessions_live_search ON sessions USING gin (
    (CASE WHEN username = '' THEN 'guest' ELSE username END
     || ' ' || application || ' ' || last_ip || ' ' || id) gin_trgm_ops
) WHERE ended_at IS NULL;
