package ticket

import (
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
// 1 to 64 bytes of UTF-8, pub a public key (not nil, not the zero value),
// and wid must be pub's address under ecdsa.DefaultAddressVersion (ErrWID):
// a certificate binds a user's key to that key's own wallet, so a WID of
// another key, of another version or of all zeros is refused. A nil or zero
// registrar key is refused with ErrKey; a wiped one (PrivateKey.Zero) panics.
func IssueCertificate(registrar *ecdsa.PrivateKey, id string, pub *ecdsa.PublicKey, wid ecdsa.Address) (*Certificate, error) {
	if err := checkPriv("IssueCertificate", "registrar", registrar); err != nil {
		return nil, err
	}
	if err := checkID("certificate id", id); err != nil {
		return nil, err
	}
	if err := checkPub("certified key", pub); err != nil {
		return nil, err
	}
	c := &Certificate{id: id, pub: pub, wid: wid}
	if err := c.checkWID(); err != nil {
		return nil, err
	}
	sig, err := ecdsa.SignRBound(registrar, c.signed(), nil)
	if err != nil {
		return nil, errorf(ErrKey, "IssueCertificate: signing certificate %q: %w", id, err)
	}
	c.sig = sig
	return c, nil
}

// checkWID checks the WID rule: the certified WID is the address of the
// certified key under ecdsa.DefaultAddressVersion.
func (c *Certificate) checkWID() error {
	if want := c.pub.Address(ecdsa.DefaultAddressVersion); c.wid != want {
		return errorf(ErrWID, "certificate %q binds WID %v (version 0x%02x), not %v, its key's address under version 0x%02x",
			c.id, c.wid, c.wid.Version(), want, ecdsa.DefaultAddressVersion)
	}
	return nil
}

// complete reports whether c came from IssueCertificate or a parser, which
// set a valid key and, last, the signature. Fields are unexported, so any
// other Certificate is the zero value.
func (c *Certificate) complete() bool {
	return c != nil && c.sig != nil
}

// checkID checks an event, serial or certificate id: 1 to 64 bytes of
// UTF-8, so that its JSON form carries it unchanged.
func checkID(what, s string) error {
	if len(s) == 0 || len(s) > maxIDLen {
		return errorf(ErrMalformed, "%s must be 1 to %d bytes, got %d", what, maxIDLen, len(s))
	}
	if !utf8.ValidString(s) {
		return errorf(ErrMalformed, "%s is not UTF-8", what)
	}
	return nil
}

// signed returns the bytes the registrar signs; c is complete.
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
//
// A nil or zero Certificate has no encoding: Bytes returns nil.
func (c *Certificate) Bytes() []byte {
	if !c.complete() {
		return nil
	}
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
		return nil, errorf(ErrMalformed, "certificate: %w", err)
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
	if err := checkID("id", id); err != nil { // the caller says "certificate: "
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

// Verify checks the certificate against the registrar's key: the WID rule
// (ErrWID, see IssueCertificate) and the registrar's signature
// (ErrCertificate). Merchants call it (through the transitions) before
// acting on any request that names the certificate. A nil or zero
// certificate is refused with ErrMalformed, a nil or zero registrar key
// with ErrKey.
func (c *Certificate) Verify(registrar *ecdsa.PublicKey) error {
	return c.verify(registrar, nil)
}

func (c *Certificate) verify(registrar *ecdsa.PublicKey, b *rbounds) error {
	if !c.complete() {
		return errorf(ErrMalformed, "certificate is nil or empty")
	}
	if err := checkPub("registrar key", registrar); err != nil {
		return err
	}
	if err := c.checkWID(); err != nil {
		return err
	}
	msg := c.signed()
	return b.verify(registrar, msg, c.sig, func() error {
		if err := ecdsa.VerifyRBound(registrar, msg, c.sig, ecdsa.SHA256); err != nil {
			return errorf(ErrCertificate, "certificate %q is not signed by the registrar: %w", c.id, err)
		}
		return nil
	})
}

// ID returns the certificate id ("" for a nil Certificate).
func (c *Certificate) ID() string {
	if c == nil {
		return ""
	}
	return c.id
}

// PublicKey returns the certified user key (nil for a nil or zero
// Certificate).
func (c *Certificate) PublicKey() *ecdsa.PublicKey {
	if c == nil {
		return nil
	}
	return c.pub
}

// WID returns the certified wallet address (the zero Address for a nil or
// zero Certificate).
func (c *Certificate) WID() ecdsa.Address {
	if c == nil {
		return ecdsa.Address{}
	}
	return c.wid
}

// Equal reports whether c and x have the same encoding. Certificates
// without one (nil or the zero value) are equal only to each other.
func (c *Certificate) Equal(x *Certificate) bool {
	return string(c.Bytes()) == string(x.Bytes())
}
