"""Operations drills: the database's failover and its restore to a point in time, run
against real PostgreSQL clusters on loopback ports (docs/database-ha.md). Not part of
`make test`: `.venv/bin/python -m pytest drills -p no:cacheprovider -s`."""
