package node

import (
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
)

// stopGrace is how long a stopped node's stores stay open. CometBFT's node
// closes its stores in OnStop while goroutines of its reactors and RPC
// handlers may still read them for one more turn of their loops, and a
// read of a closed goleveldb store panics. So the node's Close of a store
// is deferred: Node.Stop closes the stores after stopGrace, and a read
// after that finds an empty store instead of a panic.
const stopGrace = 500 * time.Millisecond

// store is a database the node opened, with its closing deferred (see
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
