package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/stretchr/testify/require"

	"github.com/cbets/cbets/ledger"
)

// rebuild computes the app hash of a state from the definition in the
// package doc, with crypto/merkle's HashFromByteSlices for both levels.
func rebuild(t testing.TB, state map[string][]byte) []byte {
	t.Helper()
	byBucket := make([][]string, 1<<16)
	for k := range state {
		h := sha256.Sum256([]byte(k))
		b := int(h[0])<<8 | int(h[1])
		byBucket[b] = append(byBucket[b], k)
	}
	top := make([][]byte, 1<<16)
	for b, keys := range byBucket {
		slices.Sort(keys)
		var items [][]byte
		for _, k := range keys {
			v := sha256.Sum256(state[k])
			item := binary.AppendUvarint(nil, uint64(len(k)))
			item = append(append(item, k...), 32)
			items = append(items, append(item, v[:]...))
		}
		root := sha256.Sum256(merkle.HashFromByteSlices(items))
		top[b] = append([]byte{2, byte(b >> 8), byte(b), 32}, root[:]...)
	}
	return merkle.HashFromByteSlices(top)
}

// committedState returns the committed keys and values of s's database
// with s's pending writes over them.
func committedState(t testing.TB, s *Store) map[string][]byte {
	t.Helper()
	state := map[string][]byte{}
	it, err := s.db.Iterator(nil, nil)
	require.NoError(t, err)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if Committed(it.Key()) {
			state[string(it.Key())] = slices.Clone(it.Value())
		}
	}
	maps.Copy(state, s.pending)
	return state
}

// write adds writes to s's pending writes, as one Update.
func write(t testing.TB, s *Store, kvs map[string][]byte) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), func(tx ledger.Tx) error {
		for k, v := range kvs {
			if err := tx.(*storeTx).set([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	}))
}

// randomWrites returns n writes: new keys, and rewrites of keys of old.
func randomWrites(r *rand.Rand, n int, old map[string][]byte) map[string][]byte {
	keys := slices.Sorted(maps.Keys(old))
	out := map[string][]byte{}
	for range n {
		var k string
		if len(keys) > 0 && r.IntN(3) == 0 {
			k = keys[r.IntN(len(keys))]
		} else {
			k = fmt.Sprintf("%c/%x", "certhsm"[r.IntN(7)], r.Uint64()>>r.IntN(60))
		}
		v := make([]byte, r.IntN(40))
		for i := range v {
			v[i] = byte(r.Uint32())
		}
		out[k] = v
	}
	return out
}

func TestKeyDefinitions(t *testing.T) {
	for _, c := range []struct {
		key       []byte
		committed bool
	}{
		{nil, false},
		{[]byte("m/height"), false},
		{[]byte("m/apphash"), false},
		{[]byte("m/changed"), false},
		{[]byte("x/\x00\x01abc"), false},
		{[]byte("y/\x00\x01"), false},
		{[]byte("m/genesis"), true},
		{[]byte("m/heights"), true},
		{TicketKey("e", "1"), true},
		{RecordKey("e", "1", 0), true},
		{EventKey("e"), true},
		{CancellationKey("e"), true},
		{HeldKey("e", "c"), true},
		{StandingKey("c"), true},
		{GenesisKey(), true},
	} {
		require.Equal(t, c.committed, Committed(c.key), "%q", c.key)
	}
	k := TicketKey("e", "1")
	b := Bucket(k)
	h := sha256.Sum256(k)
	require.Equal(t, uint16(h[0])<<8|uint16(h[1]), b)
	require.Equal(t, fmt.Sprintf("/x:%02X%02X/x:%X", h[0], h[1], k), KeyPath(k))
	require.Equal(t, []byte("t/\x01e\x011"), k)
	require.Equal(t, []byte("r/\x01e\x011\x00\x00\x00\x02"), RecordKey("e", "1", 2))
	require.Equal(t, []byte("h/\x01e\x01c"), HeldKey("e", "c"))
	require.Equal(t, []byte("s/c"), StandingKey("c"))
	require.Equal(t, []byte("e/e"), EventKey("e"))
	require.Equal(t, []byte("c/e"), CancellationKey("e"))
}

// TestTopTree: the tree kept in memory has crypto/merkle's root over the
// top items, and its proofs verify with merkle.Proof.Verify.
func TestTopTree(t *testing.T) {
	db := dbm.NewMemDB()
	r := rand.New(rand.NewPCG(1, 2))
	roots := map[uint16][32]byte{}
	for range 50 {
		b := uint16(r.Uint32())
		var root [32]byte
		for i := range root {
			root[i] = byte(r.Uint32())
		}
		roots[b] = root
		require.NoError(t, db.Set(append([]byte("y/"), byte(b>>8), byte(b)), root[:]))
	}
	c := newCommitment(db)
	got, err := c.root()
	require.NoError(t, err)
	items := make([][]byte, Buckets)
	for b := range Buckets {
		root, ok := roots[uint16(b)]
		if !ok {
			root = sha256.Sum256(nil)
		}
		items[b] = topItem(uint16(b), root)
	}
	require.Equal(t, merkle.HashFromByteSlices(items), got)
	_, proofs := merkle.ProofsFromByteSlices(items)
	for _, b := range []uint16{0, 1, 2, 0x7fff, 0x8000, 0xfffe, 0xffff, slices.Collect(maps.Keys(roots))[0]} {
		p := c.topProof(b)
		require.Equal(t, proofs[b], p, "bucket %d", b)
		require.NoError(t, p.Verify(got, items[b]), "bucket %d", b)
		require.Error(t, p.Verify(got, items[b^1]), "bucket %d, its neighbour's item", b)
	}

	// A stored root that is not one is a corrupt store.
	require.NoError(t, db.Set([]byte("y/\x00\x05"), []byte("short")))
	_, err = newCommitment(db).root()
	require.ErrorIs(t, err, ledger.ErrStore)
	require.NoError(t, db.Delete([]byte("y/\x00\x05")))
	require.NoError(t, db.Set([]byte("y/\x00\x05\x00"), make([]byte, 32)))
	_, err = newCommitment(db).root()
	require.ErrorIs(t, err, ledger.ErrStore)
}

// TestCommitmentProperty applies random writes in rounds, flushing some:
// after each, the app hash (pending or flushed) is the full rebuild's,
// the tree moved on path by path is the one rebuilt from the stored
// bucket roots, node for node, and every stored bucket root is its
// bucket's.
func TestCommitmentProperty(t *testing.T) {
	rounds, per := 12, 400
	if testing.Short() {
		rounds, per = 6, 200
	}
	r := rand.New(rand.NewPCG(3, 4))
	db := dbm.NewMemDB()
	s := NewStore(db)
	for round := range rounds {
		state := committedState(t, s)
		for range 1 + r.IntN(3) {
			write(t, s, randomWrites(r, 1+r.IntN(per), state))
		}
		want := rebuild(t, committedState(t, s))
		got, err := s.AppHash()
		require.NoError(t, err)
		require.Equal(t, want, got, "round %d, pending", round)
		if r.IntN(4) == 0 {
			continue // left pending for the next round
		}
		require.NoError(t, s.Flush())
		got, err = s.AppHash()
		require.NoError(t, err)
		require.Equal(t, want, got, "round %d, flushed", round)
		fresh := newCommitment(db)
		require.NoError(t, fresh.ensure())
		require.True(t, slices.Equal(fresh.nodes, s.commit.nodes), "round %d: the tree moved on is not the rebuilt one", round)
	}
	require.NoError(t, s.Flush())
	state := committedState(t, s)
	require.Greater(t, len(state), 500)
	for k := range state {
		b := Bucket([]byte(k))
		items, err := s.commit.bucket(b)
		require.NoError(t, err)
		stored, err := db.Get(append([]byte("y/"), byte(b>>8), byte(b)))
		require.NoError(t, err)
		root := bucketRoot(items)
		require.Equal(t, root[:], stored, "bucket %d", b)
	}
	it, err := db.Iterator([]byte("y/"), []byte("y0"))
	require.NoError(t, err)
	defer it.Close()
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	require.Equal(t, len(slices.Compact(slices.Sorted(func(yield func(uint16) bool) {
		for k := range state {
			if !yield(Bucket([]byte(k))) {
				return
			}
		}
	}))), n, "a stored root for every bucket with keys, and none for the others")
}

// TestStoresShareCommitment: a Store's AppHash and Flush hold after another
// Store over the same commitment flushed; a write outside the committed
// state is refused.
func TestStoresShareCommitment(t *testing.T) {
	db := dbm.NewMemDB()
	c := newCommitment(db)
	a, b := newStore(db, c), newStore(db, c)
	write(t, a, map[string][]byte{"t/a": []byte("1"), "t/b": []byte("2")})
	write(t, b, map[string][]byte{"t/c": []byte("3")})
	_, err := b.AppHash() // cached against the tree before a's flush
	require.NoError(t, err)
	require.NoError(t, a.Flush())
	got, err := b.AppHash()
	require.NoError(t, err)
	require.Equal(t, rebuild(t, committedState(t, b)), got)
	require.NoError(t, b.Flush())
	got, err = c.root()
	require.NoError(t, err)
	require.Equal(t, rebuild(t, map[string][]byte{"t/a": []byte("1"), "t/b": []byte("2"), "t/c": []byte("3")}), got)

	// A Store made by NewStore is moved to the application's commitment.
	other := NewStore(db)
	write(t, other, map[string][]byte{"t/d": []byte("4")})
	other.use(c)
	require.NoError(t, other.Flush())
	got, err = c.root()
	require.NoError(t, err)
	require.Equal(t, rebuild(t, committedState(t, newStore(db, c))), got)

	for _, k := range []string{"m/height", "x/\x00\x00k", "y/\x00\x00"} {
		s := newStore(db, c)
		write(t, s, map[string][]byte{k: []byte("v")})
		_, err := s.AppHash()
		require.ErrorIs(t, err, ledger.ErrStore, "%q", k)
		require.ErrorIs(t, s.Flush(), ledger.ErrStore, "%q", k)
	}
}

// TestProve: the proofs of present and absent keys verify with
// crypto/merkle's proof runtime against the app hash, and with
// merkle.Proof.Verify op by op; they fail for another value or key.
func TestProve(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	db := dbm.NewMemDB()
	s := NewStore(db)
	state := randomWrites(r, 3000, nil)
	write(t, s, state)
	require.NoError(t, s.Flush())
	root, err := s.commit.root()
	require.NoError(t, err)
	prt := ProofRuntime()

	// Keys that share a bucket with another, and keys alone in theirs.
	byBucket := map[uint16][]string{}
	for k := range state {
		byBucket[Bucket([]byte(k))] = append(byBucket[Bucket([]byte(k))], k)
	}
	var shared, alone []string
	for _, ks := range byBucket {
		if len(ks) > 1 {
			shared = append(shared, ks...)
		} else {
			alone = append(alone, ks...)
		}
	}
	require.NotEmpty(t, shared)
	slices.Sort(shared)
	slices.Sort(alone)
	for _, k := range append(shared[:min(len(shared), 20)], alone[:20]...) {
		key := []byte(k)
		v, ops, err := s.commit.prove(key)
		require.NoError(t, err)
		require.Equal(t, state[k], v)
		require.Len(t, ops.Ops, 2)
		require.NoError(t, prt.VerifyValue(ops, root, KeyPath(key), v), "%q", k)
		require.Error(t, prt.VerifyValue(ops, root, KeyPath(key), append(slices.Clone(v), 0)), "%q: another value", k)
		require.Error(t, prt.VerifyAbsence(ops, root, KeyPath(key)), "%q: absent", k)
		require.Error(t, prt.VerifyValue(ops, root, KeyPath([]byte(k+"x")), v), "%q: another key", k)

		// Op by op: the bucket proof's root is the top item's value.
		bucket, err := merkle.ValueOpDecoder(ops.Ops[0])
		require.NoError(t, err)
		top, err := merkle.ValueOpDecoder(ops.Ops[1])
		require.NoError(t, err)
		bucketProof, topProof := bucket.(merkle.ValueOp).Proof, top.(merkle.ValueOp).Proof
		broot, err := bucket.Run([][]byte{v})
		require.NoError(t, err)
		require.NoError(t, bucketProof.Verify(broot[0], leafItem(key, sha256.Sum256(v))))
		require.NoError(t, topProof.Verify(root, topItem(Bucket(key), [32]byte(broot[0]))))
		require.Equal(t, int64(Bucket(key)), topProof.Index)
		require.Equal(t, int64(Buckets), topProof.Total)
	}

	// Absent keys, in a bucket with keys and in an empty one.
	absent := 0
	for i := 0; absent < 30; i++ {
		key := fmt.Appendf(nil, "t/absent-%d", i)
		full := len(byBucket[Bucket(key)]) > 0
		if full != (absent%2 == 0) {
			continue
		}
		absent++
		v, ops, err := s.commit.prove(key)
		require.NoError(t, err)
		require.Nil(t, v)
		require.Equal(t, ProofOpBucket, ops.Ops[0].Type)
		require.NoError(t, prt.VerifyAbsence(ops, root, KeyPath(key)), "%q", key)
		require.Error(t, prt.VerifyValue(ops, root, KeyPath(key), []byte("v")), "%q: present", key)
		if full {
			other := []byte(byBucket[Bucket(key)][0])
			require.Error(t, prt.VerifyAbsence(ops, root, KeyPath(other)), "%q: %q is present", key, other)
		}
	}

	// Keys outside the committed state are not proved.
	_, _, err = s.commit.prove([]byte("m/height"))
	require.Error(t, err)

	// A value that disagrees with the index is a corrupt store.
	require.NoError(t, db.Set([]byte(shared[0]), []byte("changed behind the index")))
	_, _, err = s.commit.prove([]byte(shared[0]))
	require.ErrorIs(t, err, ledger.ErrStore)
	require.NoError(t, db.Delete([]byte(shared[0])))
	_, _, err = s.commit.prove([]byte(shared[0]))
	require.ErrorIs(t, err, ledger.ErrStore)
}

func TestBucketOp(t *testing.T) {
	key := []byte("t/key")
	b := Bucket(key)
	var same [][]byte // keys in key's bucket
	for i := 0; len(same) < 3; i++ {
		k := fmt.Appendf(nil, "k%d", i)
		if Bucket(k) == b {
			same = append(same, k)
		}
	}
	slices.SortFunc(same, bytes.Compare)
	item := func(k []byte, v string) BucketItem { return BucketItem{Key: k, ValueHash: sha256.Sum256([]byte(v))} }
	items := []BucketItem{item(same[0], "a"), item(same[1], "b"), item(same[2], "c")}
	op := NewBucketOp(key, items)
	pop := op.ProofOp()
	dec, err := BucketOpDecoder(pop)
	require.NoError(t, err)
	require.Equal(t, op, dec)
	out, err := dec.Run(nil)
	require.NoError(t, err)
	want := bucketRoot(items)
	require.Equal(t, [][]byte{want[:]}, out)
	out, err = NewBucketOp(same[1], items).Run([][]byte{[]byte("b")})
	require.NoError(t, err, "presence")
	require.Equal(t, [][]byte{want[:]}, out)

	for _, c := range []struct {
		name string
		op   BucketOp
		args [][]byte
	}{
		{"two arguments", op, [][]byte{nil, nil}},
		{"present", NewBucketOp(same[1], items), nil},
		{"absent", op, [][]byte{[]byte("a")}},
		{"another value", NewBucketOp(same[1], items), [][]byte{[]byte("a")}},
		{"out of order", NewBucketOp(key, []BucketItem{items[1], items[0]}), nil},
		{"repeated", NewBucketOp(key, []BucketItem{items[0], items[0]}), nil},
		{"another bucket", NewBucketOp(key, []BucketItem{item([]byte("elsewhere"), "x")}), nil},
		{"empty key", NewBucketOp(key, []BucketItem{item(nil, "x")}), nil},
	} {
		_, err := c.op.Run(c.args)
		require.ErrorIs(t, err, ErrBucketOp, c.name)
	}

	enc := pop.Data
	for _, c := range []struct {
		name string
		pop  cmtcrypto.ProofOp
	}{
		{"type", cmtcrypto.ProofOp{Type: merkle.ProofOpValue, Key: key, Data: enc}},
		{"no key", cmtcrypto.ProofOp{Type: ProofOpBucket, Data: enc}},
		{"no data", cmtcrypto.ProofOp{Type: ProofOpBucket, Key: key}},
		{"truncated", cmtcrypto.ProofOp{Type: ProofOpBucket, Key: key, Data: enc[:len(enc)-1]}},
		{"trailing", cmtcrypto.ProofOp{Type: ProofOpBucket, Key: key, Data: append(slices.Clone(enc), 0)}},
		{"count", cmtcrypto.ProofOp{Type: ProofOpBucket, Key: key, Data: append([]byte{0xff, 0xff, 0x03}, enc[1:]...)}},
		{"bad count", cmtcrypto.ProofOp{Type: ProofOpBucket, Key: key, Data: []byte{0xff}}},
		{"empty item key", cmtcrypto.ProofOp{Type: ProofOpBucket, Key: key, Data: append([]byte{1, 0}, make([]byte, 32)...)}},
		{"out of order", NewBucketOp(key, []BucketItem{items[1], items[0]}).ProofOp()},
	} {
		_, err := BucketOpDecoder(c.pop)
		require.ErrorIs(t, err, ErrBucketOp, c.name)
	}
	empty, err := BucketOpDecoder(NewBucketOp(key, nil).ProofOp())
	require.NoError(t, err)
	out, err = empty.Run(nil)
	require.NoError(t, err)
	require.Equal(t, [][]byte{merkle.HashFromByteSlices(nil)}, out)
}

func FuzzBucketOpDecoder(f *testing.F) {
	f.Add([]byte{0})
	f.Add(NewBucketOp([]byte("k"), []BucketItem{{Key: []byte("a")}, {Key: []byte("b")}}).ProofOp().Data)
	f.Fuzz(func(t *testing.T, data []byte) {
		op, err := BucketOpDecoder(cmtcrypto.ProofOp{Type: ProofOpBucket, Key: []byte("k"), Data: data})
		if err != nil {
			return
		}
		require.Equal(t, data, op.ProofOp().Data)
		_, _ = op.Run(nil)
	})
}

// TestUncommittedBlock: a block finalized and never committed leaves no
// trace: neither in the database nor in the tree; the block finalized in
// its place gives the app hash it gives on an application that never saw
// the first.
func TestUncommittedBlock(t *testing.T) {
	txs, cfg, _ := history(t)
	genesis := ledgerGenesis(t, cfg)
	snapshot := func(db dbm.DB) map[string]string {
		out := map[string]string{}
		it, err := db.Iterator(nil, nil)
		require.NoError(t, err)
		defer it.Close()
		for ; it.Valid(); it.Next() {
			out[string(it.Key())] = string(it.Value())
		}
		return out
	}
	run := func(a *App, height int64, txs [][]byte, commit bool) []byte {
		res, err := a.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{Height: height, Txs: txs})
		require.NoError(t, err)
		if commit {
			_, err = a.Commit(context.Background(), &abci.RequestCommit{})
			require.NoError(t, err)
		}
		return res.AppHash
	}
	var apps []*App
	var dbs []dbm.DB
	for range 2 {
		db := dbm.NewMemDB()
		a, err := New(db)
		require.NoError(t, err)
		_, err = a.InitChain(context.Background(), &abci.RequestInitChain{AppStateBytes: genesis, InitialHeight: 1})
		require.NoError(t, err)
		apps, dbs = append(apps, a), append(dbs, db)
	}
	run(apps[0], 1, txs[:2], true)
	run(apps[1], 1, txs[:2], true)
	before := snapshot(dbs[0])
	root, err := apps[0].commit.root()
	require.NoError(t, err)
	nodes := slices.Clone(apps[0].commit.nodes)
	other := run(apps[0], 2, txs[2:], false) // a round that did not decide
	require.NotEqual(t, root, other)
	require.Equal(t, before, snapshot(dbs[0]))
	require.True(t, slices.Equal(nodes, apps[0].commit.nodes))
	got, err := apps[0].commit.root()
	require.NoError(t, err)
	require.Equal(t, root, got)

	h0 := run(apps[0], 2, txs[2:3], true)
	h1 := run(apps[1], 2, txs[2:3], true)
	require.Equal(t, h1, h0)
	require.Equal(t, snapshot(dbs[1]), snapshot(dbs[0]))
}

// ledgerGenesis returns a genesis app state for history's records.
func ledgerGenesis(t *testing.T, cfg ledger.Config) []byte {
	t.Helper()
	var merchants []string
	for _, m := range cfg.Merchants {
		merchants = append(merchants, fmt.Sprintf("%x", m.Bytes()))
	}
	g := &Genesis{Registrar: fmt.Sprintf("%x", cfg.Registrar.Bytes()), Merchants: merchants,
		UnitsPerCoin:    100, // the fixture's scale
		InitialStanding: &Standing{Reputation: cfg.InitialStanding.Reputation, Transfers: cfg.InitialStanding.Transfers}}
	b, err := g.JSON()
	require.NoError(t, err)
	return b
}

// TestCorruptIndex: a bucket's index entry or a meta key that does not
// decode is a failure of the store, never a panic.
func TestCorruptIndex(t *testing.T) {
	db := dbm.NewMemDB()
	s := NewStore(db)
	write(t, s, map[string][]byte{"t/a": []byte("1")})
	require.NoError(t, s.Flush())
	b := Bucket([]byte("t/a"))
	require.NoError(t, db.Set(append([]byte("x/"), byte(b>>8), byte(b)), []byte{5, 1}))
	_, _, err := s.commit.prove([]byte("t/a"))
	require.ErrorIs(t, err, ledger.ErrStore)
	write(t, s, map[string][]byte{"t/a": []byte("2")})
	_, err = s.AppHash()
	require.ErrorIs(t, err, ledger.ErrStore)
	require.ErrorIs(t, s.Flush(), ledger.ErrStore)

	for _, k := range []string{"m/height", "m/changed"} {
		db := dbm.NewMemDB()
		require.NoError(t, db.Set([]byte(k), []byte{1, 2, 3}))
		_, err := New(db)
		require.ErrorContains(t, err, "corrupt", k)
	}
}
