package localnet

import (
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
)

// stopGrace is how long a stopped node's stores stay open. CometBFT's node
// closes its stores in OnStop while per-peer goroutines of the consensus
// reactor (queryMaj23Routine) may still read the block store for one more
// turn of their loop, and a read of a closed goleveldb store panics. A
// process that exits after stopping its node never notices; one that stops
// and restarts validators in place does. So the node's Close of a store is
// deferred: the validator closes it after stopGrace, and any read after
// that finds an empty store instead of a panic.
const stopGrace = time.Second

// store is a database a node opened, with its closing deferred (see
// stopGrace).
type store struct {
	dbm.DB
	mu     sync.RWMutex
	closed bool
}

// Close is the node's close: deferred to release.
func (s *store) Close() error { return nil }

// release closes the database.
func (s *store) release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.DB.Close()
}

func (s *store) Get(k []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, nil
	}
	return s.DB.Get(k)
}

func (s *store) Has(k []byte) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return false, nil
	}
	return s.DB.Has(k)
}

func (s *store) Iterator(start, end []byte) (dbm.Iterator, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return dbm.NewMemDB().Iterator(start, end)
	}
	return s.DB.Iterator(start, end)
}

func (s *store) ReverseIterator(start, end []byte) (dbm.Iterator, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return dbm.NewMemDB().ReverseIterator(start, end)
	}
	return s.DB.ReverseIterator(start, end)
}
