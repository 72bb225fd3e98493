package postgres_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cbets/cbets/backends/postgres"
	"github.com/cbets/cbets/backends/postgres/internal/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// The tests share one server, started by the first test that needs it and
// stopped by TestMain; each store gets a schema of its own.
var server struct {
	once    sync.Once
	srv     *pgtest.Server
	admin   *pgxpool.Pool
	err     error
	schemas atomic.Int64
}

const database = "cbets"

func TestMain(m *testing.M) {
	code := m.Run()
	if server.admin != nil {
		server.admin.Close()
	}
	if err := server.srv.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping PostgreSQL:", err)
	}
	os.Exit(code)
}

// pg returns the shared server, starting it on first use. A missing
// PostgreSQL fails the test: install postgresql-15.
func pg(tb testing.TB) *pgtest.Server {
	tb.Helper()
	server.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if server.srv, server.err = pgtest.Start(ctx, pgtest.Options{}); server.err != nil {
			return
		}
		if server.err = server.srv.CreateDatabase(ctx, database); server.err != nil {
			return
		}
		server.admin, server.err = pgxpool.New(ctx, server.srv.ConnString(database))
	})
	if server.err != nil {
		tb.Fatalf("PostgreSQL is needed for these tests (apt-get install -y postgresql-15): %v", server.err)
	}
	return server.srv
}

// newSchema creates an empty schema, dropped when the test ends.
func newSchema(tb testing.TB) string {
	tb.Helper()
	pg(tb)
	name := fmt.Sprintf("t%d", server.schemas.Add(1))
	ctx := context.Background()
	_, err := server.admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize())
	require.NoError(tb, err)
	tb.Cleanup(func() {
		_, err := server.admin.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		require.NoError(tb, err)
	})
	return name
}

// newPool returns a pool of up to maxConns connections whose search_path
// is schema, closed when the test ends (before the schema is dropped).
func newPool(tb testing.TB, schema string, maxConns int32) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(pg(tb).ConnString(database))
	require.NoError(tb, err)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(tb, err)
	tb.Cleanup(pool.Close)
	return pool
}

// openStore returns a Store in a new schema over a pool of maxConns
// connections.
func openStore(tb testing.TB, maxConns int32) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), newPool(tb, newSchema(tb), maxConns))
	require.NoError(tb, err)
	return s
}

// connect makes the pool open all its connections, so that a benchmark
// does not time their setup.
func connect(tb testing.TB, pool *pgxpool.Pool) {
	tb.Helper()
	conns := make([]*pgxpool.Conn, pool.Config().MaxConns)
	for i := range conns {
		c, err := pool.Acquire(context.Background())
		require.NoError(tb, err)
		conns[i] = c
	}
	for _, c := range conns {
		c.Release()
	}
}
