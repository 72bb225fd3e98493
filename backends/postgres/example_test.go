package postgres_test

import (
	"context"
	"log"

	"github.com/cbets/cbets/backends/postgres"
	"github.com/cbets/cbets/ledger"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A Ledger over PostgreSQL: one pool per process, one Store over it, and
// the ledger's configuration as for any store. The tables live in the
// schema the search_path names; Open creates them on first use.
func ExampleOpen() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig("postgres://ledger@db.example/cbets?search_path=tickets")
	if err != nil {
		log.Fatal(err)
	}
	cfg.MaxConns = 64 // every concurrent Update or View holds a connection
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := postgres.Open(ctx, pool)
	if err != nil {
		log.Fatal(err)
	}
	var conf ledger.Config // the registrar, the merchants and the policy
	l, err := ledger.New(store, conf)
	if err != nil {
		log.Fatal(err)
	}
	_ = l // l.Publish, l.AllocateSerial, l.Facts, l.Apply, …
}
