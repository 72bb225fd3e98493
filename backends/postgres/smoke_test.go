package postgres_test

import (
	"context"
	"testing"

	"github.com/cbets/cbets/ledger/ledgertest"
	"github.com/stretchr/testify/require"
)

func TestSmoke(t *testing.T) {
	s := openStore(t, 4)
	f := ledgertest.NewFixture(t, 4)
	m := f.NewMarket(t, s, f.Config())
	m.Publish(t, "ev", 3)
	tk := m.Buy(t, f.Users[0], "ev")
	tk = m.List(t, tk)
	tk = m.Transfer(t, tk, f.Users[1])
	m.Consume(t, tk)
	require.Equal(t, 1, m.Audit(t))
	_ = context.Background()
}
