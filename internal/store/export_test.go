package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// MigrateTo applies migrations up to and including version, for tests of a migration's
// data changes.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := provider(s.db.DB)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// OpenTraced opens a Store that also passes every query it sends, with its arguments,
// to trace: for tests that look at the queries themselves (their plans).
func OpenTraced(ctx context.Context, url string, trace func(sql string, args []any)) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.Tracer = queryTracer(trace)
	db := sqlx.NewDb(stdlib.OpenDB(*cfg), "pgx")
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	return &Store{db: db, url: url}, nil
}

type queryTracer func(sql string, args []any)

func (t queryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	t(d.SQL, d.Args)
	return ctx
}

func (queryTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
