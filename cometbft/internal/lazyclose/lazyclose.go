// Package lazyclose wraps the databases a CometBFT node opens so that the
// node's own Close of them is deferred until its owner releases them.
//
// CometBFT v0.38's node closes its stores in OnStop while goroutines of its
// reactors and RPC handlers may still read them for one more turn of their
// loops, and a read of a closed goleveldb store panics. A process that
// exits after stopping its node never notices; one that stops and restarts
// validators in place does. The owner of a stopped node waits a moment
// (Grace) and then calls Release: a read after that finds an empty store
// instead of a panic.
package lazyclose

import (
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
)

// Grace is how long a stopped node's stores should stay open before
// Release: long enough for its goroutines' last turn.
const Grace = 500 * time.Millisecond

// DB is a database whose Close does nothing; Release closes it.
type DB struct {
	dbm.DB
	mu     sync.RWMutex
	closed bool
}

// Wrap returns db with its closing deferred to Release.
func Wrap(db dbm.DB) *DB { return &DB{DB: db} }

// Close is the node's close: it does nothing (see Release).
func (s *DB) Close() error { return nil }

// Release closes the database; later calls do nothing.
func (s *DB) Release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.DB.Close()
}

// Get reads k, or nothing after Release.
func (s *DB) Get(k []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, nil
	}
	return s.DB.Get(k)
}

// Has reports whether k is present, false after Release.
func (s *DB) Has(k []byte) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return false, nil
	}
	return s.DB.Has(k)
}

// Iterator iterates the database, or an empty one after Release.
func (s *DB) Iterator(start, end []byte) (dbm.Iterator, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return dbm.NewMemDB().Iterator(start, end)
	}
	return s.DB.Iterator(start, end)
}

// ReverseIterator iterates the database backwards, or an empty one after
// Release.
func (s *DB) ReverseIterator(start, end []byte) (dbm.Iterator, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return dbm.NewMemDB().ReverseIterator(start, end)
	}
	return s.DB.ReverseIterator(start, end)
}
