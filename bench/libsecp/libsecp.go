package libsecp

// #cgo LDFLAGS: -lsecp256k1
// #include <secp256k1.h>
// #include <stdlib.h>
// #include <string.h>
// #include <time.h>
//
// // buf is C memory, so the calls take no Go pointer and allocate nothing.
// typedef struct {
// 	unsigned char seckey[32], digest[32], compact[64], pub33[33];
// 	secp256k1_ecdsa_signature sig;
// 	secp256k1_pubkey pub;
// } cbets_buf;
//
// static int cbets_sign(const secp256k1_context *ctx, cbets_buf *b) {
// 	return secp256k1_ecdsa_sign(ctx, &b->sig, b->digest, b->seckey, NULL, NULL);
// }
//
// static int cbets_serialize(const secp256k1_context *ctx, cbets_buf *b) {
// 	return secp256k1_ecdsa_signature_serialize_compact(ctx, b->compact, &b->sig);
// }
//
// static int cbets_parse(const secp256k1_context *ctx, cbets_buf *b) {
// 	return secp256k1_ecdsa_signature_parse_compact(ctx, &b->sig, b->compact) &&
// 		secp256k1_ec_pubkey_parse(ctx, &b->pub, b->pub33, 33);
// }
//
// static int cbets_verify(const secp256k1_context *ctx, cbets_buf *b) {
// 	return secp256k1_ecdsa_verify(ctx, &b->sig, b->digest, &b->pub);
// }
//
// static int cbets_pubkey(const secp256k1_context *ctx, cbets_buf *b) {
// 	size_t n = 33;
// 	return secp256k1_ec_pubkey_create(ctx, &b->pub, b->seckey) &&
// 		secp256k1_ec_pubkey_serialize(ctx, b->pub33, &n, &b->pub, SECP256K1_EC_COMPRESSED) &&
// 		n == 33;
// }
//
// static long long cbets_thread_cpu_ns(void) {
// 	struct timespec ts;
// 	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
// 	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
// }
import "C"

import (
	"crypto/rand"
	"errors"
	"unsafe"
)

// lib is a libsecp256k1 context with a buffer in C memory for one
// operation's arguments and results. It is for one goroutine at a time.
type lib struct {
	ctx *C.secp256k1_context
	buf *C.cbets_buf
}

// newLib creates a context, randomized as libsecp256k1 recommends for
// signing (the randomization blinds its multiplication by G).
func newLib() (*lib, error) {
	ctx := C.secp256k1_context_create(C.SECP256K1_CONTEXT_NONE)
	if ctx == nil {
		return nil, errors.New("secp256k1_context_create failed")
	}
	seed := (*C.uchar)(C.malloc(32))
	defer C.free(unsafe.Pointer(seed))
	if _, err := rand.Read(unsafe.Slice((*byte)(unsafe.Pointer(seed)), 32)); err != nil {
		return nil, err
	}
	if C.secp256k1_context_randomize(ctx, seed) != 1 {
		C.secp256k1_context_destroy(ctx)
		return nil, errors.New("secp256k1_context_randomize failed")
	}
	buf := (*C.cbets_buf)(C.calloc(1, C.size_t(unsafe.Sizeof(C.cbets_buf{}))))
	return &lib{ctx: ctx, buf: buf}, nil
}

// close frees the context and the buffer.
func (l *lib) close() {
	C.secp256k1_context_destroy(l.ctx)
	C.free(unsafe.Pointer(l.buf))
}

func bytesOf[T any](p *T, n int) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), n)
}

// setKey stores the 32-byte secret key for sign and publicKey.
func (l *lib) setKey(sk []byte) { copy(bytesOf(&l.buf.seckey, 32), sk) }

// setDigest stores the 32-byte digest for sign and verify.
func (l *lib) setDigest(d *[32]byte) { copy(bytesOf(&l.buf.digest, 32), d[:]) }

// sign runs secp256k1_ecdsa_sign (RFC 6979 nonce, low s) on the stored key
// and digest, keeping the parsed signature for verify.
func (l *lib) sign() bool { return C.cbets_sign(l.ctx, l.buf) == 1 }

// compact returns the stored signature as r ‖ s.
func (l *lib) compact() ([64]byte, bool) {
	var out [64]byte
	ok := C.cbets_serialize(l.ctx, l.buf) == 1
	copy(out[:], bytesOf(&l.buf.compact, 64))
	return out, ok
}

// setSignature parses the signature r ‖ s and the compressed public key
// pub for verify.
func (l *lib) setSignature(rs *[64]byte, pub []byte) bool {
	if len(pub) != 33 {
		return false
	}
	copy(bytesOf(&l.buf.compact, 64), rs[:])
	copy(bytesOf(&l.buf.pub33, 33), pub)
	return C.cbets_parse(l.ctx, l.buf) == 1
}

// verify runs secp256k1_ecdsa_verify on the stored signature, digest and
// public key. It refuses a high s.
func (l *lib) verify() bool { return C.cbets_verify(l.ctx, l.buf) == 1 }

// publicKey returns the compressed public key of the stored secret key.
func (l *lib) publicKey() ([33]byte, bool) {
	var out [33]byte
	ok := C.cbets_pubkey(l.ctx, l.buf) == 1
	copy(out[:], bytesOf(&l.buf.pub33, 33))
	return out, ok
}

// threadCPU returns the CPU time the calling thread has used, in
// nanoseconds (CLOCK_THREAD_CPUTIME_ID). The caller locks its goroutine to
// the thread.
func threadCPU() int64 { return int64(C.cbets_thread_cpu_ns()) }
