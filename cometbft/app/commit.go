package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/crypto/merkle"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"

	"github.com/cbets/cbets/ledger"
	"github.com/cbets/cbets/ticket"
)

// The state commitment: the app hash, and the proofs of the "/store"
// query (see the package doc, "State commitment", for the definition).

// Buckets is the number of buckets the committed keys are spread over: the
// leaves of the top tree, whose root is the app hash.
const Buckets = 1 << 16

// ProofOpBucket is the type of the proof operator that carries a whole
// bucket (BucketOp), the first operator of an absence proof.
const ProofOpBucket = "cbets:bucket"

// The commitment's own keys, outside the committed state.
var (
	prefixIndex = []byte("x/") // u16 bucket → its items (encodeBucket)
	prefixRoot  = []byte("y/") // u16 bucket → bucket root
)

// Committed reports whether key belongs to the committed state: every key
// of the application's database but its meta keys (the last committed
// height and app hash, the height of the state's last change) and the
// commitment's own index (x/…, y/…).
func Committed(key []byte) bool {
	switch {
	case len(key) == 0,
		bytes.Equal(key, keyHeight), bytes.Equal(key, keyAppHash), bytes.Equal(key, keyChanged),
		bytes.HasPrefix(key, prefixIndex), bytes.HasPrefix(key, prefixRoot):
		return false
	}
	return true
}

// Bucket returns the bucket of a key: the first two bytes of its SHA-256,
// big-endian.
func Bucket(key []byte) uint16 {
	h := sha256.Sum256(key)
	return binary.BigEndian.Uint16(h[:2])
}

// KeyPath returns the key path a proof of key is verified with
// (merkle.ProofRuntime): the key's bucket (u16, big-endian), then the key.
func KeyPath(key []byte) string {
	var kp merkle.KeyPath
	kp = kp.AppendKey(u16(Bucket(key)), merkle.KeyEncodingHex)
	return kp.AppendKey(key, merkle.KeyEncodingHex).String()
}

// ProofRuntime returns a proof runtime that decodes the operators of the
// "/store" query's proofs: merkle.ValueOp and BucketOp.
func ProofRuntime() *merkle.ProofRuntime {
	prt := merkle.NewProofRuntime()
	prt.RegisterOpDecoder(merkle.ProofOpValue, merkle.ValueOpDecoder)
	prt.RegisterOpDecoder(ProofOpBucket, BucketOpDecoder)
	return prt
}

func u16(b uint16) []byte { return binary.BigEndian.AppendUint16(nil, b) }

// leafItem is the leaf of a key and its value's hash, as merkle.ValueOp
// hashes it: uvarint(len key) ‖ key ‖ uvarint(32) ‖ hash.
func leafItem(key []byte, hash [32]byte) []byte {
	b := binary.AppendUvarint(make([]byte, 0, len(key)+36), uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, sha256.Size)
	return append(b, hash[:]...)
}

// topItem is bucket b's leaf of the top tree: its key is u16(b) and its
// value the bucket root.
func topItem(b uint16, root [32]byte) []byte { return leafItem(u16(b), sha256.Sum256(root[:])) }

// topLeaf returns the leaf hash of bucket b's top item, given the SHA-256
// of the bucket root: SHA-256(0x00 ‖ topItem(b, root)), without allocating.
func topLeaf(b uint16, rootHash [32]byte) [32]byte {
	var buf [37]byte // 0x00 ‖ uvarint(2) ‖ u16 b ‖ uvarint(32) ‖ hash
	buf[1], buf[2], buf[3], buf[4] = 2, byte(b>>8), byte(b), sha256.Size
	copy(buf[5:], rootHash[:])
	return sha256.Sum256(buf[:])
}

// innerHash is RFC 6962's hash of an inner node, as crypto/merkle
// computes it (topLeaf is its hash of a top leaf).
func innerHash(left, right [32]byte) [32]byte {
	var b [65]byte
	b[0] = 1
	copy(b[1:], left[:])
	copy(b[33:], right[:])
	return sha256.Sum256(b[:])
}

// BucketItem is a key of a bucket and the SHA-256 of its value.
type BucketItem struct {
	Key       []byte
	ValueHash [32]byte
}

// bucketRoot returns the root of a bucket's items, in key order: the
// RFC 6962 tree of crypto/merkle over their leaf items (SHA-256 of nothing
// when there is none).
func bucketRoot(items []BucketItem) [32]byte {
	leaves := make([][]byte, len(items))
	for i, it := range items {
		leaves[i] = leafItem(it.Key, it.ValueHash)
	}
	return [32]byte(merkle.HashFromByteSlices(leaves))
}

// commitment is the committed state's top tree, kept in memory: a perfect
// binary tree over the Buckets top items, node 1 its root, node i's
// children 2i and 2i+1, bucket b's leaf node Buckets+b. It is rebuilt from
// the stored bucket roots when first needed, and moved on by apply as
// each block's writes reach the database. Stores over one database share
// one commitment.
type commitment struct {
	db dbm.DB

	mu     sync.RWMutex
	nodes  [][32]byte // nil until loaded
	filled []bool     // the buckets with keys, whose items are to be read
	gen    uint64     // bumped by each apply
}

func newCommitment(db dbm.DB) *commitment { return &commitment{db: db} }

// ensure loads the tree if it is not loaded yet.
func (c *commitment) ensure() error {
	c.mu.RLock()
	loaded := c.nodes != nil
	c.mu.RUnlock()
	if loaded {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.load()
}

// load rebuilds the tree from the stored bucket roots (an absent root is
// an empty bucket's). The caller holds c.mu.
func (c *commitment) load() error {
	if c.nodes != nil {
		return nil
	}
	empty := bucketRoot(nil)
	roots := make([][32]byte, Buckets)
	for i := range roots {
		roots[i] = empty
	}
	it, err := c.db.Iterator(prefixRoot, prefixEnd(prefixRoot))
	if err != nil {
		return storeErr("reading the bucket roots", err)
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		k, v := it.Key(), it.Value()
		if len(k) != len(prefixRoot)+2 || len(v) != sha256.Size {
			return corrupt("bucket root", fmt.Errorf("key %x, %d bytes", k, len(v)))
		}
		roots[binary.BigEndian.Uint16(k[len(prefixRoot):])] = [32]byte(v)
	}
	if err := it.Error(); err != nil {
		return storeErr("reading the bucket roots", err)
	}
	nodes := make([][32]byte, 2*Buckets)
	emptyHash := sha256.Sum256(empty[:])
	for b, r := range roots {
		h := emptyHash
		if r != empty {
			h = sha256.Sum256(r[:])
		}
		nodes[Buckets+b] = topLeaf(uint16(b), h)
	}
	for i := Buckets - 1; i >= 1; i-- {
		nodes[i] = innerHash(nodes[2*i], nodes[2*i+1])
	}
	filled := make([]bool, Buckets)
	for b, r := range roots {
		filled[b] = r != empty
	}
	c.nodes, c.filled = nodes, filled
	return nil
}

// root returns the app hash of the committed state.
func (c *commitment) root() ([]byte, error) {
	if err := c.ensure(); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.nodes[1][:]), nil
}

// bucket reads bucket b's committed items from the index, in key order.
// The caller holds c.mu, and the tree is loaded.
func (c *commitment) bucket(b uint16) ([]BucketItem, error) {
	if !c.filled[b] {
		return nil, nil
	}
	v, err := c.db.Get(append(slices.Clone(prefixIndex), u16(b)...))
	if err != nil {
		return nil, storeErr("reading a bucket", err)
	}
	if v == nil {
		return nil, nil
	}
	items, err := parseBucket(v)
	if err != nil {
		return nil, corrupt(fmt.Sprintf("bucket %d", b), err)
	}
	return items, nil
}

// encodeBucket encodes a bucket's items, in key order, as the index keeps
// them and a BucketOp carries them: uvarint(n) ‖ n × (uvarint(len key) ‖
// key ‖ SHA-256(value)).
func encodeBucket(items []BucketItem) []byte {
	size := binary.MaxVarintLen64
	for _, it := range items {
		size += binary.MaxVarintLen64 + len(it.Key) + sha256.Size
	}
	b := binary.AppendUvarint(make([]byte, 0, size), uint64(len(items)))
	for _, it := range items {
		b = binary.AppendUvarint(b, uint64(len(it.Key)))
		b = append(append(b, it.Key...), it.ValueHash[:]...)
	}
	return b
}

// delta is what writes change in the commitment: the items and roots of
// the buckets they fall in, the top tree's nodes on those buckets' paths,
// and the new app hash. It holds against the commitment as it was at
// generation gen.
type delta struct {
	c     *commitment
	gen   uint64
	items map[uint16][]BucketItem
	roots map[uint16][32]byte
	nodes []node
	root  [32]byte
}

// node is a node of the top tree and its hash.
type node struct {
	i int
	h [32]byte
}

// diff returns the delta of writes (key → value, every key committed) on
// the committed state. The caller holds c.mu, and the tree is loaded.
func (c *commitment) diff(writes map[string][]byte) (*delta, error) {
	d := &delta{c: c, gen: c.gen, items: map[uint16][]BucketItem{}, roots: map[uint16][32]byte{}}
	byBucket := map[uint16][]string{}
	for k := range writes {
		if !Committed([]byte(k)) {
			return nil, fmt.Errorf("%w: app: a write of key %x, outside the committed state", ledger.ErrStore, k)
		}
		b := Bucket([]byte(k))
		byBucket[b] = append(byBucket[b], k)
	}
	for b, keys := range byBucket {
		old, err := c.bucket(b)
		if err != nil {
			return nil, err
		}
		slices.Sort(keys)
		items := make([]BucketItem, 0, len(old)+len(keys))
		i := 0
		for _, k := range keys {
			for ; i < len(old) && string(old[i].Key) < k; i++ {
				items = append(items, old[i])
			}
			if i < len(old) && string(old[i].Key) == k {
				i++ // replaced
			}
			items = append(items, BucketItem{Key: []byte(k), ValueHash: sha256.Sum256(writes[k])})
		}
		items = append(items, old[i:]...)
		d.items[b], d.roots[b] = items, bucketRoot(items)
	}
	// The changed nodes, level by level up from the changed leaves, in
	// order: a node's sibling is the next one in its level when it
	// changed too, else the committed one.
	level := make([]node, 0, len(d.roots))
	for b, r := range d.roots {
		level = append(level, node{Buckets + int(b), topLeaf(b, sha256.Sum256(r[:]))})
	}
	slices.SortFunc(level, func(x, y node) int { return x.i - y.i })
	d.nodes = make([]node, 0, 8*len(level)+2*topLevels)
	d.root = c.nodes[1]
	for len(level) > 0 {
		d.nodes = append(d.nodes, level...)
		if level[0].i == 1 {
			d.root = level[0].h
			break
		}
		next := level[:0] // written behind what is read
		for j := 0; j < len(level); j++ {
			n := level[j]
			left, right := c.nodes[n.i-1], n.h
			if n.i%2 == 0 {
				left, right = n.h, c.nodes[n.i+1]
				if j+1 < len(level) && level[j+1].i == n.i+1 {
					right = level[j+1].h
					j++
				}
			}
			next = append(next, node{n.i / 2, innerHash(left, right)})
		}
		level = next
	}
	return d, nil
}

// topLevels is the depth of the top tree.
const topLevels = 16

// write adds the delta's bucket items and roots to a batch.
func (d *delta) write(b dbm.Batch) error {
	for _, bk := range slices.Sorted(maps.Keys(d.roots)) {
		r := d.roots[bk]
		if err := errors.Join(
			b.Set(append(slices.Clone(prefixIndex), u16(bk)...), encodeBucket(d.items[bk])),
			b.Set(append(slices.Clone(prefixRoot), u16(bk)...), r[:])); err != nil {
			return err
		}
	}
	return nil
}

// apply moves the tree on by a delta whose writes reached the database.
// The caller holds c.mu for writing.
func (c *commitment) apply(d *delta) {
	for _, n := range d.nodes {
		c.nodes[n.i] = n.h
	}
	for b, items := range d.items {
		c.filled[b] = len(items) > 0
	}
	c.gen++
}

// topProof returns the proof of bucket b's top item. The caller holds
// c.mu, and the tree is loaded.
func (c *commitment) topProof(b uint16) *merkle.Proof {
	i := Buckets + int(b)
	p := &merkle.Proof{Total: Buckets, Index: int64(b), LeafHash: slices.Clone(c.nodes[i][:])}
	for ; i > 1; i /= 2 {
		p.Aunts = append(p.Aunts, slices.Clone(c.nodes[i^1][:]))
	}
	return p
}

// prove returns key's committed value (nil when absent) and its proof:
// [ValueOp(key, proof in the bucket), ValueOp(u16 bucket, proof in the
// top tree)] when present, [BucketOp(key, the bucket's items), the same
// top ValueOp] when absent.
func (c *commitment) prove(key []byte) ([]byte, *cmtcrypto.ProofOps, error) {
	if !Committed(key) {
		return nil, nil, fmt.Errorf("app: key %x is not in the committed state", key)
	}
	if err := c.ensure(); err != nil {
		return nil, nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, err := c.db.Get(key)
	if err != nil {
		return nil, nil, storeErr("reading", err)
	}
	b := Bucket(key)
	items, err := c.bucket(b)
	if err != nil {
		return nil, nil, err
	}
	i, found := slices.BinarySearchFunc(items, key, func(it BucketItem, k []byte) int { return bytes.Compare(it.Key, k) })
	var first cmtcrypto.ProofOp
	switch {
	case v == nil && found, v != nil && (!found || items[i].ValueHash != sha256.Sum256(v)):
		return nil, nil, corrupt("bucket index", fmt.Errorf("key %x: the index and the value disagree", key))
	case v != nil:
		leaves := make([][]byte, len(items))
		for j, it := range items {
			leaves[j] = leafItem(it.Key, it.ValueHash)
		}
		_, proofs := merkle.ProofsFromByteSlices(leaves)
		first = merkle.NewValueOp(key, proofs[i]).ProofOp()
	default:
		first = NewBucketOp(key, items).ProofOp()
	}
	top := merkle.NewValueOp(u16(b), c.topProof(b)).ProofOp()
	return v, &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{first, top}}, nil
}

// BucketOp is a proof operator (merkle.ProofOperator) that carries every
// item of a key's bucket, so that the key is seen absent (or present) and
// the bucket root recomputed. Its data is
//
//	uvarint(n) ‖ n × (uvarint(len key) ‖ key ‖ SHA-256(value))
//
// with the keys strictly increasing, each in the bucket of the operator's
// key.
type BucketOp struct {
	key   []byte
	Items []BucketItem
}

var _ merkle.ProofOperator = BucketOp{}

// NewBucketOp returns the operator of key over its bucket's items.
func NewBucketOp(key []byte, items []BucketItem) BucketOp { return BucketOp{key: key, Items: items} }

// ErrBucketOp reports a malformed or failing BucketOp.
var ErrBucketOp = errors.New("app: bucket proof")

// BucketOpDecoder decodes a BucketOp (a merkle.OpDecoder).
func BucketOpDecoder(pop cmtcrypto.ProofOp) (merkle.ProofOperator, error) {
	if pop.Type != ProofOpBucket {
		return nil, fmt.Errorf("%w: type %q, want %q", ErrBucketOp, pop.Type, ProofOpBucket)
	}
	if len(pop.Key) == 0 {
		return nil, fmt.Errorf("%w: no key", ErrBucketOp)
	}
	items, err := parseBucket(pop.Data)
	if err != nil {
		return nil, err
	}
	return BucketOp{key: slices.Clone(pop.Key), Items: items}, nil
}

func parseBucket(data []byte) ([]BucketItem, error) {
	bad := func(what string) ([]BucketItem, error) {
		return nil, fmt.Errorf("%w: %s", ErrBucketOp, what)
	}
	n, m := binary.Uvarint(data)
	if m <= 0 {
		return bad("bad item count")
	}
	data = data[m:]
	if n > uint64(len(data))/(2+sha256.Size) {
		return bad("more items than bytes")
	}
	items := make([]BucketItem, 0, n)
	for range n {
		l, m := binary.Uvarint(data)
		if m <= 0 || l == 0 || l > uint64(len(data)-m) || uint64(len(data)-m)-l < sha256.Size {
			return bad("bad item")
		}
		data = data[m:]
		it := BucketItem{Key: slices.Clone(data[:l]), ValueHash: [32]byte(data[l : l+sha256.Size])}
		if len(items) > 0 && bytes.Compare(items[len(items)-1].Key, it.Key) >= 0 {
			return bad("keys not strictly increasing")
		}
		items = append(items, it)
		data = data[l+sha256.Size:]
	}
	if len(data) > 0 {
		return bad("trailing bytes")
	}
	return items, nil
}

// ProofOp implements merkle.ProofOperator.
func (op BucketOp) ProofOp() cmtcrypto.ProofOp {
	return cmtcrypto.ProofOp{Type: ProofOpBucket, Key: slices.Clone(op.key), Data: encodeBucket(op.Items)}
}

// GetKey implements merkle.ProofOperator.
func (op BucketOp) GetKey() []byte { return op.key }

// Run implements merkle.ProofOperator. With no argument it proves the
// key absent; with one, the value, it proves the key present with that
// value. It returns the bucket root, after checking that the items are
// in strictly increasing order and all in the key's bucket.
func (op BucketOp) Run(args [][]byte) ([][]byte, error) {
	if len(args) > 1 {
		return nil, fmt.Errorf("%w: %d arguments, want none or one", ErrBucketOp, len(args))
	}
	b := Bucket(op.key)
	var found *BucketItem
	for i, it := range op.Items {
		if i > 0 && bytes.Compare(op.Items[i-1].Key, it.Key) >= 0 {
			return nil, fmt.Errorf("%w: keys not strictly increasing", ErrBucketOp)
		}
		if len(it.Key) == 0 || Bucket(it.Key) != b {
			return nil, fmt.Errorf("%w: key %x is not in bucket %d", ErrBucketOp, it.Key, b)
		}
		if bytes.Equal(it.Key, op.key) {
			found = &op.Items[i]
		}
	}
	switch {
	case len(args) == 0 && found != nil:
		return nil, fmt.Errorf("%w: key %x is present", ErrBucketOp, op.key)
	case len(args) == 1 && found == nil:
		return nil, fmt.Errorf("%w: key %x is absent", ErrBucketOp, op.key)
	case len(args) == 1 && found.ValueHash != sha256.Sum256(args[0]):
		return nil, fmt.Errorf("%w: key %x has another value", ErrBucketOp, op.key)
	}
	r := bucketRoot(op.Items)
	return [][]byte{r[:]}, nil
}

// The application's side of the commitment: the call sites of New,
// InitChain, FinalizeBlock and Commit.

// resume reads the last committed height, app hash and height of the
// last change, and rebuilds the commitment's tree, which must give the
// stored app hash.
func (a *App) resume() error {
	a.commit = newCommitment(a.db)
	root, err := a.commit.root()
	if err != nil {
		return err
	}
	b, err := a.db.Get(keyHeight)
	if err != nil {
		return err
	}
	if b != nil {
		if len(b) != 8 {
			return errors.New("app: corrupt height")
		}
		a.height = int64(binary.BigEndian.Uint64(b))
		if a.appHash, err = a.db.Get(keyAppHash); err != nil {
			return err
		}
		if !bytes.Equal(a.appHash, root) {
			return fmt.Errorf("app: the stored app hash %X is not the commitment's %X: the store is corrupt or of an older version", a.appHash, root)
		}
	}
	if b, err = a.db.Get(keyChanged); err != nil {
		return err
	}
	if b != nil {
		if len(b) != 8 {
			return errors.New("app: corrupt height of the last change")
		}
		a.changed = int64(binary.BigEndian.Uint64(b))
	}
	return nil
}

// store returns a Store over the committed state that shares the
// application's commitment, so that AppHash on it costs only the paths of
// its writes, and the values the application decoded.
func (a *App) store() *Store {
	s := newStore(a.db, a.commit)
	s.dec = a.decoded
	return s
}

// initState writes the genesis state (the app state's bytes and the
// genesis standings) and returns its app hash. The state counts as the
// state of the height before the chain's first, whose header carries its
// app hash.
func (a *App) initState(g *Genesis, raw []byte) ([]byte, error) {
	s := a.store()
	err := s.Update(context.Background(), func(tx ledger.Tx) error {
		for _, gs := range g.Standings {
			st := ticket.Standing{Reputation: gs.Reputation, Transfers: gs.Transfers}
			if err := tx.SetStanding(gs.Certificate, st); err != nil {
				return err
			}
		}
		return tx.(*storeTx).set(keyGenesis, slices.Clone(raw))
	})
	if err != nil {
		return nil, err
	}
	h, err := s.AppHash()
	if err != nil {
		return nil, err
	}
	changed := max(a.initial-1, 0)
	err = s.flush(func(b dbm.Batch) error {
		return b.Set(keyChanged, binary.BigEndian.AppendUint64(nil, uint64(changed)))
	})
	if err != nil {
		return nil, err
	}
	a.changed = changed
	return h, nil
}

// finalize keeps s, whose pending writes are the block's at height, for
// Commit, and returns the block's app hash: the committed one when the
// block writes nothing.
func (a *App) finalize(s *Store, height int64) ([]byte, error) {
	s.use(a.commit)
	h, err := s.AppHash()
	if err != nil {
		return nil, err
	}
	prev, err := a.commit.root()
	if err != nil {
		return nil, err
	}
	a.block, a.blockHeight, a.blockAppHash, a.blockChanged = s, height, h, !bytes.Equal(h, prev)
	return h, nil
}

// commitBlock writes the finalized block's writes, the commitment's index,
// the height, the app hash and, when the block changed it, the height of
// the last change, in one synchronous batch.
func (a *App) commitBlock() error {
	a.block.use(a.commit)
	err := a.block.flush(func(b dbm.Batch) error {
		var changed error
		if a.blockChanged {
			changed = b.Set(keyChanged, binary.BigEndian.AppendUint64(nil, uint64(a.blockHeight)))
		}
		return errors.Join(
			b.Set(keyHeight, binary.BigEndian.AppendUint64(nil, uint64(a.blockHeight))),
			b.Set(keyAppHash, a.blockAppHash), changed)
	})
	if err != nil {
		return err
	}
	if a.blockChanged {
		a.changed = a.blockHeight
	}
	a.height, a.appHash, a.block = a.blockHeight, a.blockAppHash, nil
	return nil
}
