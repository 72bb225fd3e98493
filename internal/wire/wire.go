package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrShort reports input that ends inside a field; ErrTrailing reports bytes
// after the last field; ErrTooLong reports a length prefix above its limit.
var (
	ErrShort    = errors.New("input too short")
	ErrTrailing = errors.New("trailing bytes")
	ErrTooLong  = errors.New("field too long")
)

// Builder appends fields to a byte slice.
type Builder struct {
	b []byte
}

// NewBuilder starts an encoding with a domain-separation string, written as
// a variable field.
func NewBuilder(domain string) *Builder {
	w := &Builder{b: make([]byte, 0, 256)}
	w.String(domain)
	return w
}

// Bytes returns the encoding so far.
func (w *Builder) Bytes() []byte { return w.b }

// U8 appends one byte.
func (w *Builder) U8(v uint8) { w.b = append(w.b, v) }

// U32 appends a 4-byte big-endian integer.
func (w *Builder) U32(v uint32) { w.b = binary.BigEndian.AppendUint32(w.b, v) }

// U64 appends an 8-byte big-endian integer.
func (w *Builder) U64(v uint64) { w.b = binary.BigEndian.AppendUint64(w.b, v) }

// I64 appends an int64 as its two's-complement 8 bytes.
func (w *Builder) I64(v int64) { w.U64(uint64(v)) }

// Fixed appends bytes whose length the format fixes.
func (w *Builder) Fixed(p []byte) { w.b = append(w.b, p...) }

// Var appends a 4-byte length and the bytes.
func (w *Builder) Var(p []byte) {
	w.U32(uint32(len(p)))
	w.b = append(w.b, p...)
}

// String appends a string as a variable field.
func (w *Builder) String(s string) {
	w.U32(uint32(len(s)))
	w.b = append(w.b, s...)
}

// Reader consumes fields from a byte slice. The first error sticks: later
// reads return zero values and Err reports it.
type Reader struct {
	b   []byte
	err error
}

// NewReader starts decoding p and checks the domain-separation string.
func NewReader(p []byte, domain string) *Reader {
	r := &Reader{b: p}
	if got := r.String(len(domain)); r.err == nil && got != domain {
		r.err = fmt.Errorf("wrong domain %q, want %q", got, domain)
	}
	return r
}

// Err returns the first error met.
func (r *Reader) Err() error { return r.err }

// Done returns the first error, or ErrTrailing if input remains.
func (r *Reader) Done() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%w: %d", ErrTrailing, len(r.b))
	}
	return r.err
}

// Fail records err unless an error is already recorded.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.err = ErrShort
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

// U8 reads one byte.
func (r *Reader) U8() uint8 {
	p := r.take(1)
	if p == nil {
		return 0
	}
	return p[0]
}

// U32 reads a 4-byte big-endian integer.
func (r *Reader) U32() uint32 {
	p := r.take(4)
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint32(p)
}

// U64 reads an 8-byte big-endian integer.
func (r *Reader) U64() uint64 {
	p := r.take(8)
	if p == nil {
		return 0
	}
	return binary.BigEndian.Uint64(p)
}

// I64 reads an int64 written by Builder.I64.
func (r *Reader) I64() int64 { return int64(r.U64()) }

// Fixed reads n bytes; the result aliases the input.
func (r *Reader) Fixed(n int) []byte { return r.take(n) }

// Var reads a variable field of at most max bytes; the result aliases the
// input.
func (r *Reader) Var(max int) []byte {
	n := r.U32()
	if r.err != nil {
		return nil
	}
	if uint64(n) > uint64(max) {
		r.err = fmt.Errorf("%w: %d > %d", ErrTooLong, n, max)
		return nil
	}
	p := r.take(int(n))
	if p == nil {
		return nil
	}
	return p
}

// String reads a variable field of at most max bytes as a string.
func (r *Reader) String(max int) string { return string(r.Var(max)) }
