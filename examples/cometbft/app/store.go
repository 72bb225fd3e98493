package app

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"

	dbm "github.com/cometbft/cometbft-db"

	"github.com/cbets/cbets/ticket"
)

// Keys of the store. Ticket and held keys use one-byte length prefixes
// (ids are at most 64 bytes), so distinct ids give distinct keys.
var (
	keyHeight  = []byte("m/height")
	keyAppHash = []byte("m/apphash")
	keyGenesis = []byte("m/genesis")

	prefixEntry    = []byte("t/") // ticket key → entry
	prefixRecord   = []byte("r/") // ticket key ‖ u32 index → record
	prefixHeld     = []byte("h/") // event ‖ certificate → u32
	prefixStanding = []byte("s/") // certificate → standing
)

const appHashDomain = "CBETS/cometbft/v1/app-hash"

func lp(dst []byte, s string) []byte { return append(append(dst, byte(len(s))), s...) }

func ticketKey(event, serial string) []byte { return lp(lp(nil, event), serial) }

func entryKey(tk []byte) []byte { return append(append([]byte{}, prefixEntry...), tk...) }

func recordKey(tk []byte, i uint32) []byte {
	k := append(append([]byte{}, prefixRecord...), tk...)
	return binary.BigEndian.AppendUint32(k, i)
}

func heldKey(event, cert string) []byte {
	return lp(lp(append([]byte{}, prefixHeld...), event), cert)
}

func standingKey(cert string) []byte { return append(append([]byte{}, prefixStanding...), cert...) }

// entry is a ticket's head on the ledger.
type entry struct {
	count  uint32   // records in the history
	head   [32]byte // hash of the latest record
	holder string   // certificate id of the holder
}

func (e entry) bytes() []byte {
	b := binary.BigEndian.AppendUint32(nil, e.count)
	b = append(b, e.head[:]...)
	return append(b, e.holder...)
}

func parseEntry(b []byte) (entry, error) {
	if len(b) < 4+32 {
		return entry{}, errors.New("app: corrupt ticket entry")
	}
	e := entry{count: binary.BigEndian.Uint32(b), holder: string(b[36:])}
	copy(e.head[:], b[4:36])
	return e, nil
}

func standingBytes(s ticket.Standing) []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(s.Reputation))
	return binary.BigEndian.AppendUint32(b, s.Transfers)
}

func parseStanding(b []byte) (ticket.Standing, error) {
	if len(b) != 12 {
		return ticket.Standing{}, errors.New("app: corrupt standing")
	}
	return ticket.Standing{Reputation: int64(binary.BigEndian.Uint64(b)), Transfers: binary.BigEndian.Uint32(b[8:])}, nil
}

// view reads the committed store through the writes of the block being
// executed (or of nothing, for CheckTx and Query).
type view struct {
	db     dbm.DB
	writes map[string][]byte
}

func newView(db dbm.DB) *view { return &view{db: db, writes: map[string][]byte{}} }

func (v *view) get(k []byte) ([]byte, error) {
	if b, ok := v.writes[string(k)]; ok {
		return b, nil
	}
	return v.db.Get(k)
}

func (v *view) set(k, b []byte) { v.writes[string(k)] = b }

func (v *view) entry(tk []byte) (entry, bool, error) {
	b, err := v.get(entryKey(tk))
	if err != nil || b == nil {
		return entry{}, false, err
	}
	e, err := parseEntry(b)
	return e, err == nil, err
}

func (v *view) records(tk []byte, n uint32) ([]*ticket.Record, error) {
	out := make([]*ticket.Record, 0, n+1)
	for i := range n {
		b, err := v.get(recordKey(tk, i))
		if err != nil {
			return nil, err
		}
		rec, err := ticket.ParseRecord(b)
		if err != nil {
			return nil, fmt.Errorf("app: stored record %d: %w", i, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

func (v *view) held(event, cert string) (uint32, error) {
	b, err := v.get(heldKey(event, cert))
	if err != nil || b == nil {
		return 0, err
	}
	if len(b) != 4 {
		return 0, errors.New("app: corrupt held count")
	}
	return binary.BigEndian.Uint32(b), nil
}

func (v *view) addHeld(event, cert string, d int) error {
	n, err := v.held(event, cert)
	if err != nil {
		return err
	}
	m := int64(n) + int64(d)
	if m < 0 || m > math.MaxUint32 {
		return errors.New("app: held count out of range")
	}
	v.set(heldKey(event, cert), binary.BigEndian.AppendUint32(nil, uint32(m)))
	return nil
}

func (v *view) standing(cert string) (ticket.Standing, error) {
	b, err := v.get(standingKey(cert))
	if err != nil || b == nil {
		return ticket.Standing{}, err
	}
	return parseStanding(b)
}

// addStanding applies a reputation change, saturating at the int64 range,
// and counts a transfer made as a seller.
func (v *view) addStanding(cert string, delta int64, transfer bool) error {
	s, err := v.standing(cert)
	if err != nil {
		return err
	}
	switch {
	case delta > 0 && s.Reputation > math.MaxInt64-delta:
		s.Reputation = math.MaxInt64
	case delta < 0 && s.Reputation < math.MinInt64-delta:
		s.Reputation = math.MinInt64
	default:
		s.Reputation += delta
	}
	if transfer && s.Transfers < math.MaxUint32 {
		s.Transfers++
	}
	v.set(standingKey(cert), standingBytes(s))
	return nil
}

// appHash hashes the genesis hash and every (ticket key, head) pair in key
// order, merging the block's writes into the committed entries.
func (v *view) appHash(genesisHash []byte) ([]byte, error) {
	h := sha256.New()
	h.Write([]byte(appHashDomain))
	h.Write(genesisHash)
	put := func(k, b []byte) error {
		e, err := parseEntry(b)
		if err != nil {
			return err
		}
		tk := k[len(prefixEntry):]
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(tk))))
		h.Write(tk)
		h.Write(e.head[:])
		return nil
	}
	var pending []string
	for k := range v.writes {
		if len(k) > len(prefixEntry) && k[:len(prefixEntry)] == string(prefixEntry) {
			pending = append(pending, k)
		}
	}
	sort.Strings(pending)
	it, err := v.db.Iterator(prefixEntry, prefixEnd(prefixEntry))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	i := 0
	for ; it.Valid(); it.Next() {
		k := string(it.Key())
		for i < len(pending) && pending[i] < k {
			if err := put([]byte(pending[i]), v.writes[pending[i]]); err != nil {
				return nil, err
			}
			i++
		}
		if i < len(pending) && pending[i] == k {
			continue // the block's write replaces it, hashed in its turn
		}
		if err := put(it.Key(), it.Value()); err != nil {
			return nil, err
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	for ; i < len(pending); i++ {
		if err := put([]byte(pending[i]), v.writes[pending[i]]); err != nil {
			return nil, err
		}
	}
	return h.Sum(nil), nil
}

func prefixEnd(p []byte) []byte {
	end := append([]byte{}, p...)
	end[len(end)-1]++
	return end
}

// commit writes the block's writes, the height and the app hash in one
// synchronous batch.
func (v *view) commit(height int64, appHash []byte) error {
	b := v.db.NewBatch()
	defer b.Close()
	keys := make([]string, 0, len(v.writes))
	for k := range v.writes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := b.Set([]byte(k), v.writes[k]); err != nil {
			return err
		}
	}
	if err := b.Set(keyHeight, binary.BigEndian.AppendUint64(nil, uint64(height))); err != nil {
		return err
	}
	if err := b.Set(keyAppHash, appHash); err != nil {
		return err
	}
	return b.WriteSync()
}
