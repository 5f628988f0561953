CREATE TABLE notes (id uuid PRIMARY KEY, body text NOT NULL, written_at timestamptz NOT NULL);
