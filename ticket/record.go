package ticket

import (
	"crypto/sha256"
	"fmt"
	"math"
	"time"

	"github.com/cbets/cbets/ecdsa"
	"github.com/cbets/cbets/internal/wire"
	"github.com/cbets/cbets/multisig"
	"github.com/cbets/cbets/tax"
)

const (
	recordDomain = "CBETS/ticket/v1/record"
	maxRecord    = 2048
)

// Record is the merchant-signed outcome of one accepted request: what the
// backend stores (on its chain) and what Replay verifies. Its signed bytes
// are
//
//	u32 len ‖ "CBETS/ticket/v1/record" ‖ u32 len ‖ request (Request.Bytes) ‖
//	time (i64, Unix ns) ‖ seller reputation (i64) ‖ seller transfers (u32) ‖
//	tax (u64) ‖ payout (u64) ‖ signer reputation change (i64) ‖
//	seller reputation change (i64) ‖ u32 len ‖ consumption signature Σ
//
// and Bytes appends u32 len ‖ the merchant's 65-byte R-bound signature
// (MerchantSign). Hash, the SHA-256 of Bytes, is what the next request of
// the ticket names as Prev. Fields a kind does not use are zero.
type Record struct {
	Request *Request
	// Time is when the merchant accepted the request.
	Time time.Time
	// Seller is the holder's reputation standing the merchant relied on
	// (List, Transfer).
	Seller Standing
	// Tax and Payout settle a Transfer (eq. 24): the buyer pays
	// Request.Price, the seller's MID receives Payout = Price' − Tax. On a
	// Refund or Return, Payout is the amount refunded to the request's
	// payee and Tax what the merchant withholds (a Return's penalty): Tax
	// + Payout is the price the holder paid.
	Tax, Payout tax.Amount
	// SignerReputation is the change to the request signer's reputation
	// (+reward on Buy and Transfer, −reward on Return); SellerReputation
	// the change to the seller's (−ΔPrice·x on Transfer). The backend
	// applies them.
	SignerReputation, SellerReputation int64
	// Consumption is the 2-of-2 signature Σ of a Consume record.
	Consumption []byte
	// MerchantSig is the merchant's R-bound signature over SignedBytes.
	MerchantSig []byte
}

// SignedBytes returns the bytes the merchant signs (nil for a nil Record;
// a missing request is encoded empty, which no parser accepts).
func (rec *Record) SignedBytes() []byte {
	if rec == nil {
		return nil
	}
	w := wire.NewBuilder(recordDomain)
	w.Var(rec.Request.Bytes())
	w.I64(rec.Time.UnixNano())
	w.I64(rec.Seller.Reputation)
	w.U32(rec.Seller.Transfers)
	w.U64(uint64(rec.Tax))
	w.U64(uint64(rec.Payout))
	w.I64(rec.SignerReputation)
	w.I64(rec.SellerReputation)
	w.Var(rec.Consumption)
	return w.Bytes()
}

// Bytes returns the canonical encoding, the merchant's signature included
// (nil for a nil Record).
func (rec *Record) Bytes() []byte {
	if rec == nil {
		return nil
	}
	b := rec.SignedBytes()
	w := wire.Builder{}
	w.Var(rec.MerchantSig)
	return append(b, w.Bytes()...)
}

// Hash returns SHA-256 of Bytes.
func (rec *Record) Hash() [32]byte {
	return sha256.Sum256(rec.Bytes())
}

// ParseRecord decodes Bytes strictly. It checks the encoding and the form of
// each signature; Replay checks that they verify.
func ParseRecord(b []byte) (*Record, error) {
	if len(b) > maxRecord {
		return nil, errorf(ErrMalformed, "record longer than %d bytes", maxRecord)
	}
	rec, err := readRecord(wire.NewReader(b, recordDomain))
	if err != nil {
		return nil, errorf(ErrMalformed, "record: %w", err)
	}
	return rec, nil
}

func readRecord(r *wire.Reader) (*Record, error) {
	reqb := r.Var(maxRequest)
	rec := &Record{}
	ns := r.I64()
	rec.Seller.Reputation = r.I64()
	rec.Seller.Transfers = r.U32()
	taxv, payout := r.U64(), r.U64()
	rec.SignerReputation = r.I64()
	rec.SellerReputation = r.I64()
	cons := r.Var(multisig.SignatureSize)
	sig := r.Var(ecdsa.RBoundSignatureSize)
	if err := r.Done(); err != nil {
		return nil, err
	}
	var err error
	if rec.Request, err = ParseRequest(reqb); err != nil {
		return nil, err
	}
	if taxv > math.MaxInt64 || payout > math.MaxInt64 {
		return nil, fmt.Errorf("amount out of range")
	}
	rec.Time = time.Unix(0, ns).UTC()
	rec.Tax, rec.Payout = tax.Amount(taxv), tax.Amount(payout)
	if len(cons) > 0 {
		rec.Consumption = append([]byte(nil), cons...)
	}
	rec.MerchantSig = append([]byte(nil), sig...)
	if _, err := ecdsa.ParseRBoundSignature(rec.MerchantSig); err != nil {
		return nil, err
	}
	if err := rec.checkUnused(); err != nil {
		return nil, err
	}
	if (rec.Request.Kind == KindConsume) != (len(rec.Consumption) > 0) {
		return nil, fmt.Errorf("consumption signature on a %v record", rec.Request.Kind)
	}
	if len(rec.Consumption) > 0 {
		if _, err := multisig.ParseSignature(rec.Consumption); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// checkUnused requires the fields a record's kind does not use to be zero:
// the standing outside List and Transfer, tax and payout outside Transfer,
// Refund and Return, the seller's reputation change outside Transfer, and
// the signer's outside Buy, Transfer and Return.
func (rec *Record) checkUnused() error {
	k := rec.Request.Kind
	if k != KindList && k != KindTransfer && rec.Seller != (Standing{}) {
		return fmt.Errorf("seller standing on a %v record", k)
	}
	if k != KindTransfer && k != KindRefund && k != KindReturn && (rec.Tax != 0 || rec.Payout != 0) {
		return fmt.Errorf("settlement on a %v record", k)
	}
	if k != KindTransfer && rec.SellerReputation != 0 {
		return fmt.Errorf("seller reputation change on a %v record", k)
	}
	if k != KindBuy && k != KindTransfer && k != KindReturn && rec.SignerReputation != 0 {
		return fmt.Errorf("reputation change on a %v record", k)
	}
	return nil
}
