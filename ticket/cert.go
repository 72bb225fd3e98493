package ticket

import (
	"fmt"
	"unicode/utf8"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
)

const (
	certDomain     = "CBETS/ticket/v1/certificate"
	maxIDLen       = 64
	addressLen     = 1 + 20
	maxCertificate = 4 + len(certDomain) + 4 + maxIDLen + ecdsa.PublicKeySize + addressLen + ecdsa.RBoundSignatureSize
)

// Certificate is the paper's cert_i (System initialization): a registrar
// that performed KYC binds a certificate id to a user's public key and wallet
// address WID, and signs (id, pk, WID) with an R-bound signature.
type Certificate struct {
	id  string
	pub *ecdsa.PublicKey
	wid ecdsa.Address
	sig *ecdsa.RBoundSignature
}

// IssueCertificate is the registrar's step: it signs (id, pub, wid). id is
// 1 to 64 bytes of UTF-8.
func IssueCertificate(registrar *ecdsa.PrivateKey, id string, pub *ecdsa.PublicKey, wid ecdsa.Address) (*Certificate, error) {
	if err := checkID("certificate id", id); err != nil {
		return nil, err
	}
	c := &Certificate{id: id, pub: pub, wid: wid}
	sig, err := ecdsa.SignRBound(registrar, c.signed(), nil)
	if err != nil {
		return nil, err
	}
	c.sig = sig
	return c, nil
}

// checkID checks an event, serial or certificate id: 1 to 64 bytes of
// UTF-8, so that its JSON form carries it unchanged.
func checkID(what, s string) error {
	if len(s) == 0 || len(s) > maxIDLen {
		return fmt.Errorf("%w: %s must be 1 to %d bytes, got %d", ErrMalformed, what, maxIDLen, len(s))
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not UTF-8", ErrMalformed, what)
	}
	return nil
}

func (c *Certificate) signed() []byte {
	w := wire.NewBuilder(certDomain)
	w.String(c.id)
	w.Fixed(c.pub.Bytes())
	putAddress(w, c.wid)
	return w.Bytes()
}

func putAddress(w *wire.Builder, a ecdsa.Address) {
	w.U8(a.Version())
	h := a.Hash()
	w.Fixed(h[:])
}

// Bytes returns the canonical encoding: the signed fields, then the
// registrar's 65-byte signature. The layout is
//
//	u32 len ‖ "CBETS/ticket/v1/certificate" ‖ u32 len ‖ id ‖ pk (33) ‖
//	WID version (1) ‖ WID hash (20) ‖ signature (65)
func (c *Certificate) Bytes() []byte {
	return append(c.signed(), c.sig.Bytes()...)
}

// ParseCertificate decodes the encoding of Bytes strictly. It does not
// check the registrar's signature: call Verify.
func ParseCertificate(b []byte) (*Certificate, error) {
	r := wire.NewReader(b, certDomain)
	c, err := readCertificate(r)
	if err == nil {
		err = r.Done()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: certificate: %w", ErrMalformed, err)
	}
	return c, nil
}

func readCertificate(r *wire.Reader) (*Certificate, error) {
	id := r.String(maxIDLen)
	pkb := r.Fixed(ecdsa.PublicKeySize)
	wid := readAddress(r)
	sigb := r.Fixed(ecdsa.RBoundSignatureSize)
	if err := r.Err(); err != nil {
		return nil, err
	}
	if err := checkID("certificate id", id); err != nil {
		return nil, err
	}
	pub, err := ecdsa.ParsePublicKey(pkb)
	if err != nil {
		return nil, err
	}
	sig, err := ecdsa.ParseRBoundSignature(sigb)
	if err != nil {
		return nil, err
	}
	return &Certificate{id: id, pub: pub, wid: wid, sig: sig}, nil
}

func readAddress(r *wire.Reader) ecdsa.Address {
	v := r.U8()
	h := r.Fixed(20)
	if r.Err() != nil {
		return ecdsa.Address{}
	}
	return ecdsa.AddressFromHash(v, [20]byte(h))
}

// Verify checks the registrar's signature. Merchants call it (through the
// transitions) before acting on any request that names the certificate.
func (c *Certificate) Verify(registrar *ecdsa.PublicKey) error {
	return c.verify(registrar, nil)
}

func (c *Certificate) verify(registrar *ecdsa.PublicKey, b *rbounds) error {
	msg := c.signed()
	return b.verify(registrar, msg, c.sig, func() error {
		if err := ecdsa.VerifyRBound(registrar, msg, c.sig, ecdsa.SHA256); err != nil {
			return fmt.Errorf("%w: certificate %q: %w", ErrCertificate, c.id, err)
		}
		return nil
	})
}

// ID returns the certificate id.
func (c *Certificate) ID() string { return c.id }

// PublicKey returns the certified user key.
func (c *Certificate) PublicKey() *ecdsa.PublicKey { return c.pub }

// WID returns the certified wallet address.
func (c *Certificate) WID() ecdsa.Address { return c.wid }

// Equal reports whether c and x have the same encoding.
func (c *Certificate) Equal(x *Certificate) bool {
	return c.id == x.id && c.pub.Equal(x.pub) && c.wid == x.wid && string(c.sig.Bytes()) == string(x.sig.Bytes())
}
