package ledger_test

import (
	"testing"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ledger/ledgertest"
)

func TestMemStore(t *testing.T) {
	ledgertest.TestStore(t, func(*testing.T) ledger.Store { return ledger.NewMemStore() })
}
